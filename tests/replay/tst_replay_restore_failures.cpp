// Putting a log replay's backup back (--restore-backup) through the writer seam: the lock
// refused, a record's write failing (with errno, or short without), the old size or the flush
// failing, the re-read of a record failing or differing. Each gives its exact message and
// whether anything was written (refused only for the lock); and running the restore again, as
// each message says, gives the file as it was before the replay, byte for byte, which
// replays again to what qemu-img check accepts.
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "dirty_images.h"
#include "hooked_writer.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/log_replay.h"
#include "vhdx/replay_backup.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
enum class Fault { Lock, WriteFirst, WriteLast, ShortWrite, Resize, Flush, ReadFails, ReadDiffers };
} // namespace

class TestReplayRestoreFailures : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_dirty, m_replayed, m_backup;
    QByteArray m_dirtyDigest, m_replayedDigest;
    ReplayBackup m_records;

  private slots:
    // extends-file: the replay grows the file, so the restore must also shrink it back.
    void initTestCase() {
        m_dirty = writeDirtyCase(*dirtyCase("extends-file"), m_dir.path());
        QVERIFY(!m_dirty.isEmpty());
        m_dirtyDigest = digestWhole(m_dirty);
        m_replayed = m_dir.path() + "/replayed.vhdx";
        QVERIFY(copyFile(m_dirty, m_replayed));
        m_backup = m_dir.path() + "/replay.backup";
        LogReplayOptions o;
        o.backupPath = m_backup.toStdString();
        const LogReplayResult r = replayLog(m_replayed.toStdString(), o);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.backupWritten);
        QVERIFY(r.extended);
        QCOMPARE(qemuImgCheck(m_replayed), QString());
        m_replayedDigest = digestWhole(m_replayed);
        const RestoreResult dry =
            restoreReplayBackup(m_backup.toStdString(), m_replayed.toStdString(), false);
        QVERIFY(dry.ok);
        m_records = dry.backup;
        QVERIFY(m_records.records.size() >= 2); // the header section and the BAT sector
        QCOMPARE(m_records.oldSize, uint64_t(QFileInfo(m_dirty).size()));
        QCOMPARE(m_records.records[0].offset, uint64_t(0));
        QCOMPARE(m_records.records[0].length, MiB);
        QVERIFY(!m_records.records[0].zeros);
    }

    void failingRestore_data() {
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("error"); // {offset} {size}: of the record concerned
        QTest::addColumn<bool>("refused");
        QTest::addColumn<bool>("restoredAnyway"); // the file is already the old one
        QTest::newRow("lock") << int(Fault::Lock) << "locked by the test" << true << false;
        const QString write = "writing {size} bytes at offset {offset} failed";
        QTest::newRow("first write")
            << int(Fault::WriteFirst) << write + ": Input/output error; run the restore again"
            << false << false;
        QTest::newRow("last write")
            << int(Fault::WriteLast) << write + ": Input/output error; run the restore again"
            << false << false;
        QTest::newRow("short write, no errno")
            << int(Fault::ShortWrite) << write + "; run the restore again" << false << false;
        QTest::newRow("old size") << int(Fault::Resize)
                                  << "setting the old size or flushing failed: No space left on "
                                     "device; run the restore again"
                                  << false << false;
        QTest::newRow("flush") << int(Fault::Flush)
                               << "setting the old size or flushing failed: Input/output error; "
                                  "run the restore again"
                               << false << true;
        const QString verify =
            "verification failed: the bytes at offset {offset} do not read back as "
            "restored";
        QTest::newRow("re-read fails") << int(Fault::ReadFails) << verify << false << true;
        QTest::newRow("re-read differs") << int(Fault::ReadDiffers) << verify << false << true;
    }
    void failingRestore() {
        QFETCH(int, fault);
        QFETCH(QString, error);
        QFETCH(bool, refused);
        QFETCH(bool, restoredAnyway);
        const QString path = m_dir.path() + "/" + QTest::currentDataTag() + ".vhdx";
        QVERIFY(copyFile(m_replayed, path));
        const auto& recs = m_records.records;
        // The record the message names: the last one for the last write and the differing
        // re-read, else the first.
        const bool last = fault == int(Fault::WriteLast) || fault == int(Fault::ReadDiffers);
        const BackupRecord& named = last ? recs.back() : recs.front();

        auto w = HookedWriter::open(path);
        QVERIFY(w);
        switch (Fault(fault)) {
        case Fault::Lock:
            w->onLock = [](std::string& e) {
                e = "locked by the test";
                return false;
            };
            break;
        case Fault::WriteFirst:
        case Fault::WriteLast:
            w->onPwrite = [&, fault](const void* b, size_t n, uint64_t off) -> long long {
                if (w->writes == (fault == int(Fault::WriteFirst) ? 1 : int(recs.size()))) {
                    errno = EIO;
                    return -1;
                }
                return w->real().pwrite(b, n, off);
            };
            break;
        case Fault::ShortWrite:
            w->onPwrite = [&](const void* b, size_t n, uint64_t off) {
                return w->real().pwrite(b, n / 2, off);
            };
            break;
        case Fault::Resize:
            w->onResize = [](uint64_t) { return failWith(ENOSPC); };
            break;
        case Fault::Flush:
            w->onFlush = [] { return failWith(EIO); };
            break;
        case Fault::ReadFails: // the re-reads after the writes (the identity check reads first)
            w->onPread = [&](void* b, size_t n, uint64_t off) {
                return w->writes == 0 ? w->real().pread(b, n, off) : failWith(EIO);
            };
            break;
        case Fault::ReadDiffers:
            w->onPread = [&](void* b, size_t n, uint64_t off) {
                if (!w->real().pread(b, n, off))
                    return false;
                if (off == named.offset)
                    static_cast<uint8_t*>(b)[n - 1] ^= 1;
                return true;
            };
            break;
        }
        const RestoreResult r =
            restoreReplayBackup(m_backup.toStdString(), path.toStdString(), true, w.get());
        w.reset();
        QVERIFY(!r.ok);
        QCOMPARE(r.refused, refused);
        QCOMPARE(QString::fromStdString(r.error),
                 QString(error)
                     .replace("{offset}", QString::number(named.offset))
                     .replace("{size}", QString::number(named.length)));
        if (refused || fault == int(Fault::WriteFirst))
            QCOMPARE(digestWhole(path), m_replayedDigest); // nothing written
        QCOMPARE(digestWhole(path) == m_dirtyDigest, restoredAnyway);

        // Run the restore again, as the message says: the file before the replay.
        const RestoreResult again =
            restoreReplayBackup(m_backup.toStdString(), path.toStdString(), true);
        QVERIFY2(again.ok, again.error.c_str());
        QCOMPARE(digestWhole(path), m_dirtyDigest);
    }

    // The restored file is the dirty one again: it replays (ours) to what qemu-img accepts,
    // with the bytes of the first replay outside the headers.
    void restoredFileReplaysAgain() {
        const QString path = m_dir.path() + "/again.vhdx";
        QVERIFY(copyFile(m_replayed, path));
        const RestoreResult r =
            restoreReplayBackup(m_backup.toStdString(), path.toStdString(), true);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(!r.refused);
        QCOMPARE(digestWhole(path), m_dirtyDigest);
        QVERIFY(replayLog(path.toStdString(), {}).ok);
        QCOMPARE(qemuImgCheck(path), QString());
        QCOMPARE(bytesAgree(path, m_replayed), QString());
    }
};

VHDX_TEST_MAIN(TestReplayRestoreFailures)
#include "tst_replay_restore_failures.moc"
