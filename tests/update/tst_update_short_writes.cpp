// Short writes: POSIX lets pwrite write fewer bytes than asked (a file system near its quota,
// a signal), and the header update, its backup included, must write on from where each
// write stopped and never ask for bytes past the ones it has. This program defines pwrite
// itself (core's calls resolve to it, static or shared) and, while armed, writes at most
// 1000 bytes per call: not a divisor of a 4 KiB header block or of the 1 MiB backup.
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <dlfcn.h>
#include <unistd.h>
#include <vector>

#include "update_test_util.h"
#include "vhdx/bytes.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
constexpr size_t kMaxPerCall = 1000;
bool g_armed = false;
struct Call {
    int fd;
    uint64_t offset;
    size_t count; // asked for
};
std::vector<Call> g_calls; // while armed
} // namespace

extern "C" ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
    using Pwrite = ssize_t (*)(int, const void*, size_t, off_t);
    static const auto real = reinterpret_cast<Pwrite>(::dlsym(RTLD_NEXT, "pwrite"));
    if (!g_armed)
        return real(fd, buf, count, offset);
    g_calls.push_back({fd, uint64_t(offset), count});
    return real(fd, buf, std::min(count, kMaxPerCall), offset);
}

class TestUpdateShortWrites : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

  private slots:
    void cleanup() { g_armed = false; }

    void updateAndBackupWriteOn() {
        const QString path = freshQemuImage(m_dir.path(), "s", m_n);
        QVERIFY(!path.isEmpty());
        const std::vector<uint8_t> before = readWholeFile(path);
        const QByteArray outside = digestOutsideHeaders(path);
        const uint64_t oldSequence = readHeaderPair(path).currentHeader()->sequenceNumber;
        const QString backup = m_dir.filePath("s.backup");
        HeaderUpdateOptions options;
        options.backupPath = backup.toStdString();
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), options);
        QVERIFY2(plan.allowed, plan.refusal.c_str());

        g_calls.clear();
        g_armed = true;
        const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
        g_armed = false;
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.backupWritten);
        QCOMPARE(r.blocksWritten, 2);

        // Every call was cut short: the 1 MiB backup alone takes 1049 calls, each header
        // block 5. No call asked for a byte past the block it writes (a call asking for more
        // than is left reads past its buffer): the backup's calls stay in its first MiB, the
        // image's in its two 4 KiB header blocks.
        const size_t expected = (MiB + kMaxPerCall - 1) / kMaxPerCall + 2 * 5;
        QCOMPARE(g_calls.size(), expected);
        const int backupFd = g_calls.front().fd; // the backup is written first
        QCOMPARE(g_calls.front().offset, uint64_t(0));
        for (const Call& c : g_calls) {
            const uint64_t block = c.fd == backupFd ? 0 : c.offset / 4096 * 4096;
            const uint64_t blockEnd = c.fd == backupFd ? MiB : block + 4096;
            QVERIFY(c.fd == backupFd || block == 64 * KiB || block == 128 * KiB);
            QVERIFY2(c.offset + c.count <= blockEnd,
                     qPrintable(QString("a write of %1 bytes at %2").arg(c.count).arg(c.offset)));
        }

        const std::vector<uint8_t> saved = readWholeFile(backup);
        QCOMPARE(saved.size(), size_t(MiB));
        QVERIFY(std::equal(saved.begin(), saved.end(), before.begin()));
        QCOMPARE(checkStillConsistent(path, outside), QString());
        const HeaderPair after = readHeaderPair(path);
        QCOMPARE(after.currentHeader()->sequenceNumber, oldSequence + 2);
        QCOMPARE(qemuImgCheck(path), QString());
    }
};

QTEST_GUILESS_MAIN(TestUpdateShortWrites)
#include "tst_update_short_writes.moc"
