// Each failure point of applying a log replay plan, reached through the writer seam
// (hooked_writer.h) one at a time, with the exact message and result fields it gives:
// - refused before any write, the file byte for byte as before: an incomplete plan, the file
//   gone since the plan, a backup that cannot be created or whose bytes cannot be read, the
//   file changed between the backup and the first write (the backup then restores it);
// - failed before the LogGuid is cleared (the log stays active; a replay finishes the job):
//   the data sector unreadable or no longer the plan's, a write failing without errno, the
//   stat after the descriptors, a writer that cannot extend the file;
// - the re-read verification: the file's size, a log still to replay, bytes that do not read
//   back as written. There only the reads lie: the file itself is replayed, which qemu-img
//   check and our planner confirm.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstring>
#include <sys/stat.h>

#include "dirty_images.h"
#include "hooked_writer.h"
#include "image_builder.h"
#include "test_files.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/layout.h"
#include "vhdx/log_replay.h"
#include "vhdx/replay_backup.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
const std::string kStillActive = "; the log is still active, so replaying again gives the same "
                                 "result";

bool overlaps(uint64_t offset, size_t len, uint64_t start, uint64_t length) {
    return offset < start + length && start < offset + len;
}
} // namespace

class TestReplayApplyFailures : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir{QDir("/dev/shm").exists() ? "/dev/shm/vhdx-apply-failures-XXXXXX"
                                                  : QDir::tempPath() + "/vhdx-apply-XXXXXX"};
    int m_n = 0;

    QString dirty(const char* name) {
        const QString dir = m_dir.path() + "/" + QString::number(++m_n);
        QDir().mkpath(dir);
        return writeDirtyCase(*dirtyCase(name), dir);
    }
    // An uninterrupted replay of a copy of path.
    QString reference(const QString& path) {
        const QString ref = path + ".reference";
        if (!copyFile(path, ref) || !replayLog(ref.toStdString(), {}).ok)
            return {};
        return ref;
    }
    // "" when the interrupted file is as checkInterrupted expects, still dirty (the log
    // active), and a replay then gives the reference's bytes; else what is wrong.
    static QString stillDirtyThenReplays(const QString& path, const QString& original,
                                         const QString& ref) {
        int state = -1;
        if (const QString why = checkInterrupted(path, original, ref, &state); !why.isEmpty())
            return why;
        if (state != 1)
            return QString("state %1, expected 1 (still dirty)").arg(state);
        if (!replayLog(path.toStdString(), {}).ok)
            return "the replay after it failed";
        return bytesAgree(path, ref);
    }
    // The first data descriptor of the plan: its message prefix "descriptor D of log entry S
    // at offset O".
    static std::string describe(const ReplayWrite& w) {
        return "descriptor " + std::to_string(w.descriptorIndex) + " of log entry " +
               std::to_string(w.sequenceNumber) + " at offset " + std::to_string(w.fileOffset);
    }

  private slots:
    // A zero descriptor is a zero run, whatever its length: 1 GiB past the end of the file
    // extends it (ftruncate), 512 MiB over a hole of a sparse image clears it in place
    // (fallocate); neither writes the zeros, so the file's blocks on disk barely grow, and
    // the backup keeps the hole as a zero run, not as 512 MiB of zeros. Restoring the backup
    // gives back the dirty file byte for byte.
    void zeroRunsAreRuns_data() {
        QTest::addColumn<bool>("pastEnd");
        QTest::newRow("1 GiB past the end") << true;
        QTest::newRow("512 MiB over a hole") << false;
    }
    void zeroRunsAreRuns() {
        QFETCH(bool, pastEnd);
        const QString dir = m_dir.path() + "/" + QString::number(++m_n);
        QVERIFY(QDir().mkpath(dir));
        ImageSpec spec;
        spec.logGuid = *Guid::parse("0badf00d-0000-4000-8000-00000000c0de");
        spec.logEntries = {LogEntrySpec{}};
        const uint64_t built = buildImage(spec).bytes.size();
        const uint64_t size = pastEnd ? built : built + 600 * MiB; // a sparse tail
        const uint64_t at = pastEnd ? built : built + 64 * MiB;
        const uint64_t length = pastEnd ? GiB : 512 * MiB;
        LogEntrySpec& e = spec.logEntries[0];
        e.zeros = {{at, length}};
        e.flushedFileOffset = size;
        e.lastFileOffset = std::max(size, at + length);
        const QString path = writeImageFile(dir, "zero-run.vhdx", buildImage(spec).bytes);
        QVERIFY(!path.isEmpty());
        QVERIFY(QFile::resize(path, qint64(size)));
        const QByteArray before = digestWhole(path);
        auto blocks = [](const QString& p) {
            struct stat st {};
            return ::stat(QFile::encodeName(p).constData(), &st) == 0 ? uint64_t(st.st_blocks) * 512
                                                                      : ~uint64_t(0);
        };
        const uint64_t usedBefore = blocks(path);

        LogReplayOptions o;
        o.backupPath = (dir + "/zero-run.backup").toStdString();
        const LogReplayResult r = replayLog(path.toStdString(), o);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(uint64_t(QFileInfo(path).size()), std::max(size, at + length));
        QVERIFY2(blocks(path) <= usedBefore + 4 * MiB,
                 qPrintable(QString("%1 -> %2").arg(usedBefore).arg(blocks(path))));
        QCOMPARE(qemuImgCheck(path), QString());
        // The run reads as zeros (here and there: its start, middle and last sector).
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        for (uint64_t off : {at, at + length / 2, at + length - 4096}) {
            QVERIFY(f.seek(qint64(off)));
            QCOMPARE(f.read(4096), QByteArray(4096, '\0'));
        }
        f.close();
        // The backup: the header section and, over the hole, one zero run.
        const uint64_t backupSize =
            uint64_t(QFileInfo(QString::fromStdString(o.backupPath)).size());
        QVERIFY2(backupSize < MiB + 64 * KiB, qPrintable(QString::number(backupSize)));
        const RestoreResult dry = restoreReplayBackup(o.backupPath, path.toStdString(), false);
        QVERIFY2(dry.ok, dry.error.c_str());
        if (!pastEnd) {
            QVERIFY(std::any_of(
                dry.backup.records.begin(), dry.backup.records.end(), [&](const BackupRecord& rec) {
                    return rec.zeros && rec.offset <= at && rec.offset + rec.length >= at + length;
                }));
        }
        const RestoreResult back = restoreReplayBackup(o.backupPath, path.toStdString(), true);
        QVERIFY2(back.ok, back.error.c_str());
        QCOMPARE(digestWhole(path), before);
        QVERIFY(blocks(path) <= usedBefore + 4 * MiB);
        QFile::remove(path);
    }

    // A replay that fails after growing the file sets it back to its old size, and the log,
    // still active, grows it again on the next replay.
    void grownFileIsSetBackOnFailure() {
        const QString path = dirty("extends-file");
        const QString original = path + ".original", ref = reference(path);
        QVERIFY(copyFile(path, original));
        QVERIFY(!ref.isEmpty());
        auto w = HookedWriter::open(path);
        QVERIFY(w);
        w->onFlush = [] { return failWith(EIO); };
        const LogReplayResult r = replayLog(path.toStdString(), {}, w.get());
        w.reset();
        QVERIFY(!r.ok);
        QVERIFY(r.extended);
        QVERIFY(r.plan.sizeAfter > r.plan.sizeBefore);
        QCOMPARE(r.error, "flushing the replayed descriptors to stable storage failed: " +
                              std::string(std::strerror(EIO)) + kStillActive +
                              " (the file was set back to its old size of " +
                              std::to_string(r.plan.sizeBefore) + " bytes)");
        QCOMPARE(uint64_t(QFileInfo(path).size()), r.plan.sizeBefore);
        QCOMPARE(stillDirtyThenReplays(path, original, ref), QString());
    }

    void incompletePlanIsRefused() {
        const QString path = dirty("metadata-change");
        const QByteArray before = digestWhole(path);
        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        LogReplayPlan noReplay = plan, noHeaders = plan;
        noReplay.replay.reset();
        noHeaders.headers.allowed = false;
        for (const LogReplayPlan& p : {noReplay, noHeaders}) {
            const LogReplayResult r = applyLogReplay(p, {});
            QVERIFY(r.refused);
            QCOMPARE(r.error, std::string("internal error: incomplete replay plan"));
            QCOMPARE(r.descriptorsWritten, size_t(0));
        }
        QCOMPARE(digestWhole(path), before);
    }

    void fileGoneSincePlan() {
        const QString path = dirty("metadata-change");
        const QByteArray before = digestWhole(path);
        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY(plan.allowed);
        QVERIFY(QFile::rename(path, path + ".moved"));
        const LogReplayResult r = applyLogReplay(plan, {});
        QVERIFY(r.refused);
        QCOMPARE(r.error,
                 "cannot open '" + path.toStdString() + "' for writing: No such file or directory");
        QVERIFY(!QFile::exists(path)); // not created
        QCOMPARE(digestWhole(path + ".moved"), before);
    }

    void backupCannotBeCreated() {
        const QString path = dirty("metadata-change");
        const QByteArray before = digestWhole(path);
        LogReplayOptions o;
        o.backupPath = (m_dir.path() + "/no-such-dir/replay.backup").toStdString();
        const LogReplayResult r = replayLog(path.toStdString(), o);
        QVERIFY(r.refused);
        QVERIFY(!r.backupWritten);
        QCOMPARE(r.error, "cannot create backup '" + o.backupPath + "': No such file or directory");
        QCOMPARE(digestWhole(path), before);
    }

    // The first read after the fingerprint's (offset 0, the header section) is the backup's.
    void backupBytesUnreadable() {
        const QString path = dirty("metadata-change");
        const QByteArray before = digestWhole(path);
        auto w = HookedWriter::open(path);
        QVERIFY(w);
        int readsSinceOpened = -1;
        w->onPread = [&](void* b, size_t n, uint64_t off) {
            if (readsSinceOpened >= 0 && ++readsSinceOpened == 2)
                return failWith(EIO);
            return w->real().pread(b, n, off);
        };
        LogReplayOptions o;
        o.backupPath = (m_dir.path() + "/unreadable.backup").toStdString();
        o.onStep = [&](WriteStep s) {
            if (s == WriteStep::Opened)
                readsSinceOpened = 0;
        };
        const LogReplayResult r = replayLog(path.toStdString(), o, w.get());
        QVERIFY(r.refused);
        QCOMPARE(r.error, std::string("cannot read the bytes to back up at offset 0: "
                                      "Input/output error"));
        QVERIFY(!r.backupWritten);
        QCOMPARE(w->writes, 0);
        QVERIFY(!QFile::exists(QString::fromStdString(o.backupPath)));
        w.reset();
        QCOMPARE(digestWhole(path), before);
    }

    // A byte of the header section's reserved area changes once the backup is written: the
    // check before the first write refuses; the backup restores the file as it was.
    void changedAfterBackup() {
        const QString path = dirty("metadata-change");
        const QByteArray original = digestWhole(path);
        // Reserved (MS-VHDX 2.2): the header section after the second region table's 64 KiB.
        const uint64_t at = 400 * KiB;
        LogReplayOptions o;
        o.backupPath = (path + ".backup").toStdString();
        o.onStep = [&](WriteStep s) {
            if (s != WriteStep::BackupWritten)
                return;
            QFile f(path);
            if (f.open(QIODevice::ReadWrite) && f.seek(qint64(at)))
                f.write("\x7f", 1);
        };
        const LogReplayResult r = replayLog(path.toStdString(), o);
        QVERIFY(r.refused);
        QVERIFY(r.backupWritten);
        QCOMPARE(r.descriptorsWritten, size_t(0));
        QCOMPARE(r.error, "the file changed on disk since it was read: its first MiB changed "
                          "(first difference at byte " +
                              std::to_string(at) + "); plan the update again");
        QVERIFY(digestWhole(path) != original); // only the test's own byte
        const RestoreResult back = restoreReplayBackup(o.backupPath, path.toStdString(), true);
        QVERIFY2(back.ok, back.error.c_str());
        QCOMPARE(digestWhole(path), original);
    }

    // A failed stat between the descriptors and the flush: written, not flushed, log active.
    void statFailsAfterTheDescriptors_data() {
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("suffix");
        QTest::newRow("EIO") << EIO << ": Input/output error";
        QTest::newRow("no errno") << 0 << "";
    }
    void statFailsAfterTheDescriptors() {
        QFETCH(int, error);
        QFETCH(QString, suffix);
        const QString path = dirty("metadata-change");
        const QString original = path + ".original", ref = reference(path);
        QVERIFY(copyFile(path, original));
        QVERIFY(!ref.isEmpty());
        auto w = HookedWriter::open(path);
        QVERIFY(w);
        LogReplayOptions o;
        o.onStep = [&](WriteStep s) {
            if (s == WriteStep::ReplayWritten)
                w->onStat = [error](FileStat&) { return failWith(error); };
        };
        const LogReplayResult r = replayLog(path.toStdString(), o, w.get());
        w.reset();
        QVERIFY(!r.ok);
        QVERIFY(!r.refused);
        QCOMPARE(QString::fromStdString(r.error),
                 "cannot stat the file after writing the descriptors" + suffix +
                     QString::fromStdString(kStillActive));
        QCOMPARE(r.descriptorsWritten, r.plan.replay->writes().size());
        QVERIFY(!r.dataFlushed);
        QCOMPARE(r.headerBlocksWritten, 0);
        QCOMPARE(stillDirtyThenReplays(path, original, ref), QString());
    }

    // extends-file through a writer that cannot resize (FileWriter's default, ENOTSUP): the
    // replay fails at the extension, says why, tries to set the old size back (its last
    // descriptor grew the file), says that failed too, and leaves the log active; a replay
    // through the real file then finishes the job.
    void writerThatCannotResize() {
        const QString path = dirty("extends-file");
        const QString original = path + ".original", ref = reference(path);
        QVERIFY(copyFile(path, original));
        QVERIFY(!ref.isEmpty());
        auto w = HookedWriter::open(path);
        QVERIFY(w);
        HookedWriter* raw = w.get();
        w->onResize = [raw](uint64_t size) { return raw->FileWriter::resize(size); };
        const LogReplayResult r = replayLog(path.toStdString(), {}, w.get());
        QCOMPARE(w->resizes, 2);
        w.reset();
        QVERIFY(!r.ok);
        QCOMPARE(r.error, "extending the file to " + std::to_string(r.plan.sizeAfter) +
                              " bytes failed: " + std::strerror(ENOTSUP) + kStillActive +
                              " (setting the file back to its old size of " +
                              std::to_string(r.plan.sizeBefore) +
                              " bytes failed: " + std::strerror(ENOTSUP) + ")");
        QVERIFY(!r.extended);
        QCOMPARE(r.headerBlocksWritten, 0);
        QCOMPARE(stillDirtyThenReplays(path, original, ref), QString());
    }

    // metadata-change: one data descriptor (entry 2). Its data sector in the log is read
    // again before the write: unreadable, or no longer what the plan saw.
    void dataSectorNotAsPlanned_data() {
        QTest::addColumn<int>("tamper"); // -1: read fails; else the byte flipped
        QTest::addColumn<QString>("what");
        QTest::newRow("unreadable") << -1 << "reading the data sector of %1: Input/output error";
        QTest::newRow("signature") << 0 << "the data sector of %1 no longer matches the plan";
        QTest::newRow("sequence high") << 4 << "the data sector of %1 no longer matches the plan";
        QTest::newRow("sequence low") << 4095 << "the data sector of %1 no longer matches the plan";
    }
    void dataSectorNotAsPlanned() {
        QFETCH(int, tamper);
        QFETCH(QString, what);
        const QString path = dirty("metadata-change");
        const QByteArray before = digestWhole(path);
        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY(plan.allowed);
        QCOMPARE(plan.replay->writes().size(), size_t(1));
        const ReplayWrite& d = plan.replay->writes()[0];
        QVERIFY(d.isData);
        QCOMPARE(d.sequenceNumber, uint64_t(2)); // as dirty_images.cpp logs it
        const uint64_t logStart = plan.replay->logOffset(), logLen = plan.replay->logLength();
        auto w = HookedWriter::open(path);
        QVERIFY(w);
        w->onPread = [&](void* b, size_t n, uint64_t off) {
            if (!overlaps(off, n, logStart, logLen))
                return w->real().pread(b, n, off);
            if (tamper < 0)
                return failWith(EIO);
            if (!w->real().pread(b, n, off))
                return false;
            const uint64_t sector = logStart + d.dataLogOffset + uint64_t(tamper);
            if (overlaps(off, n, sector, 1))
                static_cast<uint8_t*>(b)[sector - off] ^= 0x40;
            return true;
        };
        const LogReplayResult r = applyLogReplay(plan, {}, w.get());
        QCOMPARE(w->writes, 0);
        w.reset();
        QVERIFY(!r.ok);
        QVERIFY(!r.refused);
        QCOMPARE(r.descriptorsWritten, size_t(1));
        QCOMPARE(QString::fromStdString(r.error), what.arg(QString::fromStdString(describe(d))) +
                                                      QString::fromStdString(kStillActive));
        QCOMPARE(digestWhole(path), before);
    }

    // A write that fails without setting errno: the message names no system error.
    void writeFailsWithoutErrno() {
        const QString path = dirty("metadata-change");
        const QByteArray before = digestWhole(path);
        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY(plan.allowed);
        auto w = HookedWriter::open(path);
        QVERIFY(w);
        w->onPwrite = [](const void*, size_t, uint64_t) {
            errno = 0;
            return -1LL;
        };
        const LogReplayResult r = applyLogReplay(plan, {}, w.get());
        w.reset();
        QVERIFY(!r.ok);
        QVERIFY(!r.refused);
        QCOMPARE(r.error,
                 "writing " + describe(plan.replay->writes()[0]) + " failed" + kStillActive);
        QCOMPARE(digestWhole(path), before);
    }
};

VHDX_TEST_MAIN(TestReplayApplyFailures)
#include "tst_replay_apply_failures.moc"
