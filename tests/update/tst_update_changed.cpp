// The changed-on-disk guard: a file modified between planning and writing (content of the
// first MiB with the mtime restored, size, mtime alone, replaced by another file), either
// before applyHeaderUpdate opens it or after it opened it (through the onStep seam, so the
// check on the open descriptor right before the first write is what catches it).
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
enum class Change { FirstMiBSameMtime, HeaderByte, Append, MtimeOnly, Replaced };

bool applyChange(const QString& path, Change c) {
    const QByteArray p = QFile::encodeName(path);
    struct stat st {};
    if (::stat(p.constData(), &st) != 0)
        return false;
    switch (c) {
    case Change::FirstMiBSameMtime:
    case Change::HeaderByte: {
        const int fd = ::open(p.constData(), O_RDWR);
        const off_t at = c == Change::HeaderByte ? 64 * 1024 + 2000 : 700 * 1024;
        char b = 0;
        const bool ok = fd >= 0 && ::pread(fd, &b, 1, at) == 1 && (b ^= 0x11, true) &&
                        ::pwrite(fd, &b, 1, at) == 1;
        // Put the mtime back, as a careless tool or a coarse clock could leave it.
        const struct timespec times[2] = {st.st_atim, st.st_mtim};
        const bool ok2 = fd >= 0 && ::futimens(fd, times) == 0;
        if (fd >= 0)
            ::close(fd);
        return ok && ok2;
    }
    case Change::Append: {
        QFile f(path);
        return f.open(QIODevice::Append) && f.write(QByteArray(4096, 'z')) == 4096;
    }
    case Change::MtimeOnly: {
        const struct timespec times[2] = {{0, UTIME_OMIT}, {st.st_mtim.tv_sec + 10, 0}};
        return ::utimensat(AT_FDCWD, p.constData(), times, 0) == 0;
    }
    case Change::Replaced: {
        const QString tmp = path + ".new";
        return copyFile(path, tmp) &&
               ::rename(QFile::encodeName(tmp).constData(), p.constData()) == 0;
    }
    }
    return false;
}

// The real file, whose fstat reports one changed time after the plan: a change no real
// filesystem makes alone (writing or touching a file moves its ctime too), so only the seam
// shows that each time is compared on its own.
class TimeShiftWriter final : public FileWriter {
  public:
    TimeShiftWriter(std::unique_ptr<PosixFileWriter> real, bool mtime)
        : m_real(std::move(real)), m_mtime(mtime) {}
    long long pwrite(const void* buf, size_t len, uint64_t offset) override {
        return m_real->pwrite(buf, len, offset);
    }
    bool flush() override { return m_real->flush(); }
    bool pread(void* buf, size_t len, uint64_t offset) override {
        return m_real->pread(buf, len, offset);
    }
    bool stat(FileStat& out) override {
        if (!m_real->stat(out))
            return false;
        (m_mtime ? out.mtimeNs : out.ctimeNs) += 1;
        return true;
    }
    bool lock(std::string& error) override { return m_real->lock(error); }

  private:
    std::unique_ptr<PosixFileWriter> m_real;
    bool m_mtime;
};
} // namespace

class TestUpdateChanged : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void oneTimeOnly_data() {
        QTest::addColumn<bool>("mtime");
        QTest::newRow("mtime") << true;
        QTest::newRow("ctime") << false;
    }
    void oneTimeOnly() {
        QFETCH(bool, mtime);
        QString error;
        const QString path = makeQemuImage(m_dir.path(), "t.vhdx", "1G", "32M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const QByteArray before = digestWhole(path);
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        std::string openError;
        TimeShiftWriter writer(PosixFileWriter::open(path.toStdString(), openError), mtime);
        const HeaderUpdateResult r = applyHeaderUpdate(plan, {}, &writer);
        QVERIFY(r.refused);
        QCOMPARE(r.blocksWritten, 0);
        QVERIFY2(r.error.find(mtime ? "modification time" : "status-change time") !=
                     std::string::npos,
                 r.error.c_str());
        QCOMPARE(digestWhole(path), before);
        QFile::remove(path);
    }

    void changedOnDisk_data() {
        QTest::addColumn<int>("change");
        QTest::addColumn<int>("when"); // 0 before apply, 1 after open, 2 after the backup
        QTest::addColumn<QString>("reason");
        const struct {
            const char* name;
            Change c;
            const char* reason;
        } changes[] = {{"first MiB, mtime restored", Change::FirstMiBSameMtime, "first MiB"},
                       {"header byte", Change::HeaderByte, "first MiB"},
                       {"appended", Change::Append, "size"},
                       {"mtime only", Change::MtimeOnly, "modification time"},
                       {"replaced", Change::Replaced, "different file"}};
        const char* whens[] = {"before apply", "after open", "after backup"};
        for (const auto& c : changes)
            for (int w = 0; w < 3; ++w) {
                if (c.c == Change::Replaced && w > 0)
                    continue; // an open descriptor keeps the old file: nothing to detect
                QTest::addRow("%s, %s", c.name, whens[w]) << int(c.c) << w << c.reason;
            }
    }
    void changedOnDisk() {
        QFETCH(int, change);
        QFETCH(int, when);
        QFETCH(QString, reason);
        QString error;
        const QString path = makeQemuImage(m_dir.path(), "c.vhdx", "1G", "32M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        HeaderUpdateOptions options;
        if (when == 2)
            options.backupPath = (path + ".backup").toStdString();
        QFile::remove(QString::fromStdString(options.backupPath));
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), options);
        QVERIFY2(plan.allowed, plan.refusal.c_str());

        // The file as the change left it: the update must add nothing to that.
        bool changed = false;
        QByteArray afterChange;
        const auto changeNow = [&] {
            changed = applyChange(path, Change(change));
            afterChange = digestWhole(path);
        };
        const WriteStep at = when == 1 ? WriteStep::Opened : WriteStep::BackupWritten;
        if (when == 0)
            changeNow();
        else
            options.onStep = [&](WriteStep s) {
                if (s == at && !changed)
                    changeNow();
            };
        const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
        QVERIFY(changed);
        QVERIFY(!r.ok);
        QVERIFY(r.refused);
        QCOMPARE(r.blocksWritten, 0);
        QVERIFY2(QString::fromStdString(r.error).contains(reason), r.error.c_str());
        QCOMPARE(digestWhole(path), afterChange);
        QFile::remove(path);
    }
};

VHDX_TEST_MAIN(TestUpdateChanged)
#include "tst_update_changed.moc"
