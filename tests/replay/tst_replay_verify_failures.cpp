// The re-read that ends a log replay (MS-VHDX 2.3): once both headers are written and flushed,
// the replay checks the file's size, that no log is left to replay, and that every overlaid
// range reads back as the replay wrote it. Here the writer seam lies in that re-read only
// (the stat fails or gives another size; the headers read as before the replay; a replayed
// byte differs; a replayed range or the log cannot be read) and each lie must fail the replay
// with its message. The file itself is fully replayed: qemu-img check accepts it, our planner
// finds nothing to replay, and its bytes are those of an uninterrupted replay.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "dirty_images.h"
#include "hooked_writer.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/layout.h"
#include "vhdx/log_replay.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
enum class Lie { StatFails, StatSize, OldHeaders, ByteDiffers, RangeUnreadable, LogUnreadable };

bool overlaps(uint64_t offset, size_t len, uint64_t start, uint64_t length) {
    return offset < start + length && start < offset + len;
}
} // namespace

class TestReplayVerifyFailures : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir{QDir("/dev/shm").exists() ? "/dev/shm/vhdx-verify-failures-XXXXXX"
                                                  : QDir::tempPath() + "/vhdx-verify-XXXXXX"};
    int m_n = 0;

  private slots:
    void lyingReRead_data() {
        QTest::addColumn<int>("lie");
        QTest::addColumn<QString>("error"); // with {size} (replayed) and {offset} (1st overlay)
        const QString size = "verification failed: the file is not {size} bytes long";
        const QString bytes =
            "verification failed: the bytes at offset {offset} do not read back as "
            "the replay wrote them";
        QTest::newRow("stat fails") << int(Lie::StatFails) << size;
        QTest::newRow("stat gives another size") << int(Lie::StatSize) << size;
        QTest::newRow("headers read as before")
            << int(Lie::OldHeaders)
            << "verification failed: the re-read file still has a log to replay";
        QTest::newRow("a replayed byte differs") << int(Lie::ByteDiffers) << bytes;
        QTest::newRow("a replayed range is unreadable") << int(Lie::RangeUnreadable) << bytes;
        QTest::newRow("the log is unreadable") << int(Lie::LogUnreadable) << bytes;
    }
    void lyingReRead() {
        QFETCH(int, lie);
        QFETCH(QString, error);
        const QString dir = m_dir.path() + "/" + QString::number(++m_n);
        QVERIFY(QDir().mkpath(dir));
        // overlapping-writes: its overlays lie in payload block 1, which the re-read's parse
        // of the structures does not read.
        const QString path = writeDirtyCase(*dirtyCase("overlapping-writes"), dir);
        const QString ref = dir + "/reference.vhdx";
        QVERIFY(copyFile(path, ref));
        QVERIFY(replayLog(ref.toStdString(), {}).ok);
        const std::vector<uint8_t> dirtyBytes = readWholeFile(path);

        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const ReplayOverlay first = plan.replay->overlays().front();
        const uint64_t logStart = plan.replay->logOffset(), logLen = plan.replay->logLength();
        auto w = HookedWriter::open(path);
        QVERIFY(w);
        bool reReading = false;
        int headerChecks = 0; // the header writer re-reads both slots before the replay's check
        LogReplayOptions o;
        o.onStep = [&](WriteStep s) {
            if (s == WriteStep::SecondFlushed)
                reReading = true;
        };
        w->onStat = [&](FileStat& st) {
            if (!reReading || lie == int(Lie::StatSize)) {
                const bool ok = w->real().stat(st);
                if (reReading)
                    st.size += 4096;
                return ok;
            }
            return lie == int(Lie::StatFails) ? failWith(EIO) : w->real().stat(st);
        };
        w->onPread = [&](void* b, size_t n, uint64_t off) {
            if (!reReading || headerChecks++ < 2)
                return w->real().pread(b, n, off);
            auto* out = static_cast<uint8_t*>(b);
            switch (Lie(lie)) {
            case Lie::OldHeaders:
                if (!w->real().pread(b, n, off))
                    return false;
                for (uint64_t h : layout::headerOffset)
                    for (uint64_t i = 0; i < layout::headerSize; ++i)
                        if (h + i >= off && h + i < off + n)
                            out[h + i - off] = dirtyBytes[h + i];
                return true;
            case Lie::ByteDiffers:
                if (!w->real().pread(b, n, off))
                    return false;
                if (overlaps(off, n, first.offset, 1))
                    out[first.offset - off] ^= 1;
                return true;
            case Lie::RangeUnreadable:
                return overlaps(off, n, first.offset, first.length) ? failWith(EIO)
                                                                    : w->real().pread(b, n, off);
            case Lie::LogUnreadable:
                return overlaps(off, n, logStart, logLen) ? failWith(EIO)
                                                          : w->real().pread(b, n, off);
            default:
                return w->real().pread(b, n, off);
            }
        };
        const LogReplayResult r = applyLogReplay(plan, o, w.get());
        w.reset();
        QVERIFY(!r.ok);
        QVERIFY(!r.refused);
        QVERIFY(r.dataFlushed);
        QCOMPARE(r.headerBlocksWritten, 2);
        QCOMPARE(r.descriptorsWritten, plan.replay->writes().size());
        QCOMPARE(QString::fromStdString(r.error),
                 QString(error)
                     .replace("{size}", QString::number(plan.sizeAfter))
                     .replace("{offset}", QString::number(first.offset)));

        // Only the re-read lied: the file is replayed.
        QCOMPARE(qemuImgCheck(path), QString());
        QVERIFY(planLogReplay(path.toStdString(), {}).nothingToReplay);
        QCOMPARE(bytesAgree(path, ref), QString());
    }
};

VHDX_TEST_MAIN(TestReplayVerifyFailures)
#include "tst_replay_verify_failures.moc"
