// The writer seam under the log replay: for every dirty builder image, each write, each
// flush and the resize fail in turn (and each write is cut short once). After each: the
// replay reports failure, and the file is unchanged, fully replayed, or still dirty with a
// log whose replay (ours, and qemu-img check -r all) gives the uninterrupted result; a later
// replay of the same file succeeds with that result.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

#include "dirty_images.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/log_replay.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
enum class Fault { None, Write, ShortWrite, Flush, Resize };

class FaultyWriter final : public FileWriter {
  public:
    FaultyWriter(std::unique_ptr<PosixFileWriter> real, Fault fault, int at)
        : m_real(std::move(real)), m_fault(fault), m_at(at) {}

    long long pwrite(const void* buf, size_t len, uint64_t offset) override {
        ++m_writes;
        if (m_fault == Fault::Write && m_writes == m_at) {
            errno = EIO;
            return -1;
        }
        if (m_fault == Fault::ShortWrite && m_writes == m_at)
            return m_real->pwrite(buf, len / 2, offset); // really writes the first half
        return m_real->pwrite(buf, len, offset);
    }
    bool flush() override {
        ++m_flushes;
        if (m_fault == Fault::Flush && m_flushes == m_at) {
            errno = EIO;
            return false;
        }
        return m_real->flush();
    }
    bool resize(uint64_t size) override {
        ++m_resizes;
        if (m_fault == Fault::Resize) {
            errno = ENOSPC;
            return false;
        }
        return m_real->resize(size);
    }
    bool pread(void* buf, size_t len, uint64_t offset) override {
        return m_real->pread(buf, len, offset);
    }
    bool stat(FileStat& out) override { return m_real->stat(out); }
    bool lock(std::string& error) override { return m_real->lock(error); }

    int writes() const { return m_writes; }
    int flushes() const { return m_flushes; }
    int resizes() const { return m_resizes; }

  private:
    std::unique_ptr<PosixFileWriter> m_real;
    Fault m_fault;
    int m_at;
    int m_writes = 0, m_flushes = 0, m_resizes = 0;
};

LogReplayResult replayThrough(const QString& path, Fault fault, int at, FaultyWriter** seen,
                              std::unique_ptr<FaultyWriter>& keep) {
    std::string error;
    auto real = PosixFileWriter::open(path.toStdString(), error);
    keep = std::make_unique<FaultyWriter>(std::move(real), fault, at);
    *seen = keep.get();
    return replayLog(path.toStdString(), {}, keep.get());
}
} // namespace

class TestReplaySeam : public QObject {
    Q_OBJECT
    // In memory where there is a tmpfs: the faults are injected, so fdatasync has nothing to
    // prove here, and QEMU's replay syncs after every 4 KiB (minutes on a disk).
    QTemporaryDir m_dir{QDir("/dev/shm").exists() ? "/dev/shm/vhdx-replay-seam-XXXXXX"
                                                  : QDir::tempPath() + "/vhdx-replay-seam-XXXXXX"};

  private slots:
    void everyWriteAndFlushFails_data() {
        QTest::addColumn<QString>("name");
        for (const DirtyCase& c : dirtyCases())
            QTest::newRow(c.name) << QString::fromLatin1(c.name);
    }
    void everyWriteAndFlushFails() {
        QFETCH(QString, name);
        const QString dir = m_dir.path() + "/" + name;
        QVERIFY(QDir().mkpath(dir));
        const QString original = writeDirtyCase(*dirtyCase(name), dir);
        QVERIFY(!original.isEmpty());

        // The uninterrupted replay, through the seam with no fault: the calls it makes.
        const QString reference = dir + "/reference.vhdx";
        QVERIFY(copyFile(original, reference));
        std::unique_ptr<FaultyWriter> keep;
        FaultyWriter* w = nullptr;
        const LogReplayResult ok = replayThrough(reference, Fault::None, 0, &w, keep);
        QVERIFY2(ok.ok, ok.error.c_str());
        const int writes = w->writes(), flushes = w->flushes(), resizes = w->resizes();
        keep.reset();
        QCOMPARE(flushes, 3); // the descriptors, then each header
        QCOMPARE(resizes, ok.extended ? 1 : 0);
        QCOMPARE(writes,
                 int(ok.plan.replay->writes().size()) + 2 +
                     int(std::count_if(
                         ok.plan.replay->writes().begin(), ok.plan.replay->writes().end(),
                         [](const ReplayWrite& x) { return !x.isData && x.length > (1 << 20); })));

        struct Run {
            Fault fault;
            int at;
        };
        std::vector<Run> runs;
        for (int k = 1; k <= writes; ++k) {
            runs.push_back({Fault::Write, k});
            runs.push_back({Fault::ShortWrite, k});
        }
        for (int k = 1; k <= flushes; ++k)
            runs.push_back({Fault::Flush, k});
        if (resizes)
            runs.push_back({Fault::Resize, 1});
        int states[3] = {};
        for (const Run& run : runs) {
            const QString path = dir + "/run.vhdx";
            QFile::remove(path);
            QVERIFY(copyFile(original, path));
            const LogReplayResult r = replayThrough(path, run.fault, run.at, &w, keep);
            keep.reset(); // closes the file and releases the lock
            const QString where = QString("%1 #%2").arg(int(run.fault)).arg(run.at);
            QVERIFY2(!r.ok, qPrintable(where));
            QVERIFY2(!r.refused, qPrintable(where));
            int state = -1;
            const QString problem = checkInterrupted(path, original, reference, &state);
            QVERIFY2(problem.isEmpty(), qPrintable(where + ": " + problem));
            ++states[state];
            // A later replay finishes the job (or finds nothing left).
            const LogReplayResult again = replayLog(path.toStdString(), {});
            QVERIFY2(again.ok || again.plan.nothingToReplay, again.error.c_str());
            QCOMPARE(bytesAgree(path, reference), QString());
        }
        qInfo("%s: %zu faults: %d unchanged, %d still dirty, %d fully replayed", qPrintable(name),
              runs.size(), states[0], states[1], states[2]);
        QVERIFY(states[1] > 0); // faults landed between the first write and the LogGuid
        QVERIFY(states[2] > 0); // and after it (the second header, its flush, the re-read)
    }
};

VHDX_TEST_MAIN(TestReplaySeam)
#include "tst_replay_seam.moc"
