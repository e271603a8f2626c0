// The guarded log replay refuses, writing nothing (every byte of the file compared): not a
// VHDX, no valid header, sequence overflow, replay state unknown, the active sequence not
// replayable (FlushedFileOffset beyond the end, descriptors into the header section or the
// log), changed since the plan, locked, not writable, backup exists or too large. Nothing to
// replay is not a refusal. The backup restores the file byte for byte.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_runner.h"
#include "dirty_images.h"
#include "test_files.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/bytes.h"
#include "vhdx/log_replay.h"
#include "vhdx/replay_backup.h"

using namespace vhdx;
using namespace vhdx::test;

class TestReplayGuards : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString dirty(const char* name = "many-entries") {
        const QString dir = m_dir.path() + "/" + QString::number(++m_n);
        QDir().mkpath(dir);
        return writeDirtyCase(*dirtyCase(name), dir);
    }
    QString built(const ImageSpec& s) {
        return writeImageFile(m_dir.path(), QString("b%1.vhdx").arg(++m_n), buildImage(s).bytes);
    }
    // Plans and applies; both must refuse with `why` in the message, the file unchanged.
    void expectRefusal(const QString& path, const char* why, const LogReplayOptions& o = {},
                       bool viaCli = true) {
        const QByteArray before = digestWhole(path);
        const LogReplayResult r = replayLog(path.toStdString(), o);
        QVERIFY(!r.ok);
        QVERIFY(r.refused);
        QCOMPARE(r.descriptorsWritten, size_t(0));
        QVERIFY2(r.error.find(why) != std::string::npos, r.error.c_str());
        QCOMPARE(digestWhole(path), before);
        // The CLI (which has no budget or backup limit option): exit 1, the reason on stderr.
        if (o.budget || !viaCli)
            return;
        QStringList args = {"--replay-log", path, "--yes"};
        if (!o.backupPath.empty())
            args << "--backup" << QString::fromStdString(o.backupPath);
        const RunResult cli = runInspector(args);
        QCOMPARE(cli.exitCode, 1);
        QVERIFY2(cli.err.contains("refused"), cli.err.constData());
        QCOMPARE(digestWhole(path), before);
    }
    static ImageSpec dirtySpec() {
        ImageSpec s;
        s.logGuid = Guid::random();
        LogEntrySpec e;
        e.sequenceNumber = 1;
        e.data = {{3 * MiB, {}}};
        s.logEntries = {e};
        return s;
    }

  private slots:
    // QEMU's real dirty image, through the real binary, with one read failing (EIO, injected
    // by strace) at each of its reads in turn. A read error while the log is checked makes the
    // replay state unknown: the header update (which would write over a pending log) never
    // writes, and the replay either stops without changing the file's bytes (a failed replay
    // may have written what a later replay writes again: the log is still active) or leaves
    // exactly what an unfaulted replay leaves. Never "nothing to replay", never an older
    // transaction replayed.
    // A replay killed (SIGKILL) while it writes its backup: no file under the backup's name
    // (a 0-byte one blocked the next run), the image untouched; the next run writes the
    // backup, replays, and removes the killed run's temporary file.
    void killedWhileWritingTheBackup() {
        const QString path = dirty();
        const QByteArray before = digestWhole(path);
        const QString dir = QFileInfo(path).absolutePath();
        const QString backup = dir + "/replay.backup";
        QVERIFY(
            killWhenHeld({"--replay-log", path, "--yes", "--backup", backup}, "pwrite64", 1, [&] {
                return !QDir(dir)
                            .entryList({".replay.backup.tmp-*"}, QDir::Files | QDir::Hidden)
                            .isEmpty();
            }));
        QVERIFY(!QFileInfo::exists(backup));
        QCOMPARE(digestWhole(path), before);
        const RunResult r = runInspector({"--replay-log", path, "--yes", "--backup", backup});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFileInfo::exists(backup));
        QVERIFY(
            QDir(dir).entryList({".replay.backup.tmp-*"}, QDir::Files | QDir::Hidden).isEmpty());
        const RestoreResult back =
            restoreReplayBackup(backup.toStdString(), path.toStdString(), true);
        QVERIFY2(back.ok, back.error.c_str());
        QCOMPARE(digestWhole(path), before);
    }

    void readErrorAtEachRead_data() {
        QTest::addColumn<QString>("mode");
        QTest::newRow("--update-headers") << "--update-headers";
        QTest::newRow("--replay-log") << "--replay-log";
    }
    void readErrorAtEachRead() {
        QFETCH(QString, mode);
        const QString dir = m_dir.path() + "/eio-" + mode.mid(2);
        QVERIFY(QDir().mkpath(dir));
        QString error;
        const QString original =
            decompressTestImage("iotest-dirtylog-10G-4M.vhdx.bz2", dir, &error);
        QVERIFY2(!original.isEmpty(), qPrintable(error));
        const QString reference = dir + "/reference.vhdx";
        QVERIFY(copyFile(original, reference));
        QVERIFY(replayLog(reference.toStdString(), {}).ok);
        const QByteArray before = digestWhole(original);
        auto traced = [&](const QString& file, const QString& inject) {
            QStringList args = {"ASAN_OPTIONS=detect_leaks=0",
                                "strace",
                                "-f",
                                "-o",
                                "/dev/null",
                                "-e",
                                "trace=pread64"};
            if (!inject.isEmpty())
                args << "-e" << inject;
            return runProgram("env", args << inspectorPath() << mode << file << "--yes");
        };
        // The reads an unfaulted run makes.
        const QString trace = dir + "/trace";
        const QString count = dir + "/count.vhdx";
        QVERIFY(copyFile(original, count));
        const RunResult plain =
            runProgram("env", {"ASAN_OPTIONS=detect_leaks=0", "strace", "-f", "-o", trace, "-e",
                               "trace=pread64", inspectorPath(), mode, count, "--yes"});
        QCOMPARE(plain.exitCode, mode == "--replay-log" ? 0 : 1);
        QFile t(trace);
        QVERIFY(t.open(QIODevice::ReadOnly));
        const int reads = int(t.readAll().count("pread64("));
        QVERIFY2(reads > 10, qPrintable(QString::number(reads)));
        int replayed = 0, stopped = 0;
        const QString path = dir + "/run.vhdx";
        for (int n = 1; n <= reads; ++n) {
            QFile::remove(path);
            QVERIFY(copyFile(original, path));
            const RunResult r = traced(path, QString("inject=pread64:error=EIO:when=%1").arg(n));
            const QString at = QString("read %1 of %2: exit %3, %4")
                                   .arg(n)
                                   .arg(reads)
                                   .arg(r.exitCode)
                                   .arg(QString::fromUtf8(r.err));
            QVERIFY2(!r.crashed && r.exitCode >= 0, qPrintable(at));
            QVERIFY2(!r.out.contains("nothing to replay"), qPrintable(at));
            if (mode == "--update-headers") {
                QVERIFY2(r.exitCode != 0, qPrintable(at));
                QVERIFY2(digestWhole(path) == before, qPrintable(at));
                continue;
            }
            if (r.exitCode == 0) {
                ++replayed;
                QVERIFY2(bytesAgree(path, reference).isEmpty(), qPrintable(at));
            } else {
                ++stopped;
                // Still dirty with the same log (a replay now gives the reference), or fully
                // replayed when only a re-read after the header writes failed.
                if (!planLogReplay(path.toStdString(), {}).nothingToReplay)
                    QVERIFY2(replayLog(path.toStdString(), {}).ok, qPrintable(at));
                QVERIFY2(bytesAgree(path, reference).isEmpty(), qPrintable(at));
            }
        }
        if (mode == "--replay-log")
            QVERIFY2(stopped > 0, qPrintable(QString("%1 replayed").arg(replayed)));
    }

    void nothingToReplay() {
        ImageSpec clean;
        const QString path = built(clean);
        const QByteArray before = digestWhole(path);
        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY(plan.nothingToReplay);
        QVERIFY(!plan.allowed);
        const RunResult cli = runInspector({"--replay-log", path, "--yes"});
        QCOMPARE(cli.exitCode, 0);
        QVERIFY(cli.out.contains("Nothing to replay"));
        QCOMPARE(digestWhole(path), before);
    }
    void notVhdx() {
        const QString path = m_dir.path() + "/text.vhdx";
        QVERIFY(writeWholeFile(path, std::vector<uint8_t>(2 * MiB, 'x')));
        expectRefusal(path, "not a VHDX");
    }
    void noValidHeader() {
        const QString path = dirty();
        QVERIFY(damageHeader(path, 1));
        QVERIFY(damageHeader(path, 2));
        expectRefusal(path, "no valid header");
    }
    void sequenceOverflow() {
        const QString path = dirty();
        const int current = readHeaderPair(path).current;
        QVERIFY(patchHeader(path, current, [](Header& h) {
            h.sequenceNumber = std::numeric_limits<uint64_t>::max() - 1;
        }));
        expectRefusal(path, "overflow");
    }
    void replayStateUnknown() {
        LogReplayOptions o;
        o.budget = std::make_shared<WorkBudget>(4096); // not enough to read the log
        expectRefusal(dirty(), "replay state unknown", o);
    }
    void flushedBeyondEnd() {
        ImageSpec s = dirtySpec();
        s.logEntries[0].flushedFileOffset = GiB;
        expectRefusal(built(s), "not replayable");
    }
    void writesIntoHeaderSection() {
        ImageSpec s = dirtySpec();
        s.logEntries[0].data = {{512 * KiB, {}}};
        expectRefusal(built(s), "header section");
    }
    void writesIntoLog() {
        ImageSpec s = dirtySpec();
        s.logEntries[0].data = {{MiB + 512 * KiB, {}}};
        expectRefusal(built(s), "the log itself");
    }
    void changedSincePlan() {
        const QString path = dirty();
        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY(plan.allowed);
        {
            QFile f(path); // a write far from everything the plan read
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.seek(f.size() - 1);
            f.write("\x01", 1);
        }
        const QByteArray before = digestWhole(path);
        const LogReplayResult r = applyLogReplay(plan, {});
        QVERIFY(r.refused);
        QVERIFY2(r.error.find("changed") != std::string::npos, r.error.c_str());
        QCOMPARE(digestWhole(path), before);
    }
    void locked() {
        const QString path = dirty();
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
        QVERIFY(fd >= 0);
        struct flock fl {};
        fl.l_type = F_RDLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = 100;
        fl.l_len = 1;
        QVERIFY(::fcntl(fd, F_OFD_SETLK, &fl) == 0);
        expectRefusal(path, "locked");
        ::close(fd);
        QVERIFY(replayLog(path.toStdString(), {}).ok);
    }
    void notWritable() {
        const QString path = dirty();
        // The unprivileged process must reach the file: open the directories on the way.
        for (QString d = QFileInfo(path).path(); d.startsWith(m_dir.path());
             d = QFileInfo(d).path())
            QFile::setPermissions(d, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                         QFileDevice::ExeOwner | QFileDevice::ExeOther |
                                         QFileDevice::ReadOther);
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0444) == 0);
        const QByteArray before = digestWhole(path);
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
                ::_exit(10);
            if (::access(QFile::encodeName(path).constData(), W_OK) == 0)
                ::_exit(11); // still writable: the test would prove nothing
            const LogReplayResult r = replayLog(path.toStdString(), {});
            ::_exit(r.refused && r.error.find("for writing") != std::string::npos ? 0 : 12);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(digestWhole(path), before);
    }
    void backupExists() {
        const QString path = dirty();
        const QString backup = m_dir.path() + "/exists.backup";
        QVERIFY(writeWholeFile(backup, {1, 2, 3}));
        LogReplayOptions o;
        o.backupPath = backup.toStdString();
        expectRefusal(path, "already exists", o);
        QCOMPARE(readWholeFile(backup), (std::vector<uint8_t>{1, 2, 3}));
    }
    void backupSizeLimit() {
        const QString path = dirty();
        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY(plan.backupBytes > MiB); // the header section and the BAT sector
        LogReplayOptions o;
        o.backupPath = (m_dir.path() + "/limit.backup").toStdString();
        o.maxBackupBytes = plan.backupBytes - 1;
        expectRefusal(path, "copy the whole file", o, false);
        o.maxBackupBytes = plan.backupBytes; // at the limit: allowed
        const LogReplayResult r = replayLog(path.toStdString(), o);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.backupWritten);
    }
    // The dry run lists 64 descriptors one per line, then says how many more there are.
    void planListing_data() {
        QTest::addColumn<int>("descriptors");
        QTest::newRow("at the limit") << 64;
        QTest::newRow("one past") << 65;
    }
    void planListing() {
        QFETCH(int, descriptors);
        ImageSpec s = dirtySpec();
        s.logEntries[0].data.clear();
        for (int i = 0; i < descriptors; ++i)
            s.logEntries[0].data.push_back({3 * MiB, {}});
        const QString path = built(s);
        const QByteArray before = digestWhole(path);
        const RunResult r = runInspector({"--replay-log", path});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(int(r.out.count(": data 4096 bytes at offset 3145728")),
                 std::min(descriptors, 64));
        QCOMPARE(r.out.contains("... 1 more"), descriptors > 64);
        QVERIFY(r.out.contains("Dry run"));
        QCOMPARE(digestWhole(path), before);
    }
    void headerUpdateOffersTheReplay() {
        const RunResult r = runInspector({"--update-headers", dirty(), "--yes"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--replay-log"), r.err.constData());
    }

    // Replay with a backup, restore it: the file is byte for byte the dirty one again, and
    // replays again to the same result.
    void backupRestores_data() {
        QTest::addColumn<QString>("name");
        for (const DirtyCase& c : dirtyCases())
            QTest::newRow(c.name) << QString::fromLatin1(c.name);
    }
    void backupRestores() {
        QFETCH(QString, name);
        const QString path = dirty(qPrintable(name));
        const QByteArray dirtyBytes = digestWhole(path);
        const QString backup = path + ".backup";
        const RunResult done = runInspector({"--replay-log", path, "--yes", "--backup", backup});
        QVERIFY2(done.exitCode == 0, done.err.constData());
        QVERIFY(done.out.contains("--restore-backup"));
        const QByteArray replayed = digestWhole(path);
        QVERIFY(replayed != dirtyBytes);
        // Without --yes: the list, nothing written.
        const RunResult dry = runInspector({"--restore-backup", backup, path});
        QCOMPARE(dry.exitCode, 0);
        QVERIFY(dry.out.contains("Dry run"));
        QCOMPARE(digestWhole(path), replayed);
        const RunResult restore = runInspector({"--restore-backup", backup, path, "--yes"});
        QVERIFY2(restore.exitCode == 0, restore.err.constData());
        QCOMPARE(digestWhole(path), dirtyBytes);
        // Replaying again gives the same bytes outside the headers as the first replay.
        const QString again = path + ".again";
        QVERIFY(copyFile(path, again));
        QCOMPARE(runInspector({"--replay-log", again, "--yes"}).exitCode, 0);
        const QString first = path + ".first";
        QVERIFY(copyFile(path, first));
        QVERIFY(replayLog(first.toStdString(), {}).ok);
        QCOMPARE(bytesAgree(again, first), QString());
    }
    void damagedBackupIsRefused() {
        const QString path = dirty();
        const QString backup = path + ".backup";
        LogReplayOptions o;
        o.backupPath = backup.toStdString();
        QVERIFY(replayLog(path.toStdString(), o).ok);
        std::vector<uint8_t> b = readWholeFile(backup);
        b[100] ^= 1;
        QVERIFY(writeWholeFile(backup, b));
        const QByteArray before = digestWhole(path);
        const RunResult r = runInspector({"--restore-backup", backup, path, "--yes"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("checksum"), r.err.constData());
        QCOMPARE(digestWhole(path), before);
    }
};

VHDX_TEST_MAIN(TestReplayGuards)
#include "tst_replay_guards.moc"
