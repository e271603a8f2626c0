// Every guard of the header update refuses and leaves the file byte-identical (all of it,
// header blocks included), with nothing written.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <limits>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_files.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

class TestUpdateGuards : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString freshImage(const QString& name) {
        QString error;
        const QString path = makeQemuImage(m_dir.path(), name, "1G", "32M", &error);
        if (path.isEmpty())
            qWarning("%s", qPrintable(error));
        return path;
    }
    // Runs the update and checks the refusal: mentions `reason`, nothing written, file same.
    void expectRefusal(const QString& path, const char* reason, HeaderUpdateOptions options = {}) {
        const QByteArray before = digestWhole(path);
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), options);
        QVERIFY(!r.ok);
        QVERIFY(r.refused);
        QCOMPARE(r.blocksWritten, 0);
        QVERIFY2(r.error.find(reason) != std::string::npos, r.error.c_str());
        QCOMPARE(digestWhole(path), before);
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                QFileDevice::ExeOther);
    }

    void notVhdx_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("tiny") << QByteArray("vhdx");
        QTest::newRow("2 MiB of text") << QByteArray(2 * 1024 * 1024, 'x');
    }
    void notVhdx() {
        QFETCH(QByteArray, content);
        const QString path = m_dir.path() + "/not.vhdx";
        QVERIFY(writeWholeFile(path, std::vector<uint8_t>(content.begin(), content.end())));
        expectRefusal(path, "not a VHDX");
    }

    void noValidHeader() {
        const QString path = freshImage("nohdr.vhdx");
        QVERIFY(damageHeader(path, 1) && damageHeader(path, 2));
        expectRefusal(path, "no valid header");
    }

    void ambiguousEqualSequence() {
        const QString path = freshImage("tie.vhdx");
        const uint64_t seq = readHeaderPair(path).currentHeader()->sequenceNumber;
        QVERIFY(patchHeader(path, 1, [&](Header& h) {
            h.sequenceNumber = seq;
            h.fileWriteGuid = Guid::random();
        }));
        QVERIFY(patchHeader(path, 2, [&](Header& h) { h.sequenceNumber = seq; }));
        expectRefusal(path, "ambiguous");
    }

    void logReplayNeeded() {
        QString error;
        const QString path =
            decompressTestImage("iotest-dirtylog-10G-4M.vhdx.bz2", m_dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        expectRefusal(path, "log replay needed");
    }

    // A log that cannot be checked to its end (here: the budget for reading it runs out) may
    // hide a pending replay: the update refuses, as for a replay that is known to be needed.
    void logReplayUnknown() {
        QString error;
        const QString path =
            decompressTestImage("iotest-dirtylog-10G-4M.vhdx.bz2", m_dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        HeaderUpdateOptions options;
        options.budget = std::make_shared<WorkBudget>(64 * 1024);
        expectRefusal(path, "whether the log needs a replay is unknown", options);
    }

    void sequenceOverflow_data() {
        QTest::addColumn<quint64>("sequence");
        QTest::addColumn<bool>("allowed");
        const uint64_t max = std::numeric_limits<uint64_t>::max();
        QTest::newRow("max") << quint64(max) << false;
        QTest::newRow("max-1") << quint64(max - 1) << false;
        QTest::newRow("max-2 (just fits)") << quint64(max - 2) << true;
    }
    void sequenceOverflow() {
        QFETCH(quint64, sequence);
        QFETCH(bool, allowed);
        const QString path = freshImage("seq.vhdx");
        const int cur = readHeaderPair(path).current;
        QVERIFY(patchHeader(path, cur, [&](Header& h) { h.sequenceNumber = sequence; }));
        if (!allowed)
            return expectRefusal(path, "overflow");
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), {});
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(readHeaderPair(path).currentHeader()->sequenceNumber,
                 std::numeric_limits<uint64_t>::max());
    }

    // As root, mode 0444 does not stop a write; an immutable file (chattr +i) does.
    void notWritableImmutable() {
        const QString path = freshImage("immutable.vhdx");
        if (runTool("chattr", {"+i", path}).exitCode != 0)
            QSKIP("chattr +i not supported here");
        expectRefusal(path, "for writing");
        QCOMPARE(runTool("chattr", {"-i", path}).exitCode, 0);
    }

    // A real unprivileged process (uid 65534) and a root-owned 0444 file: open fails (EACCES).
    void notWritableAsUnprivilegedUser() {
        const QString path = freshImage("readonly.vhdx");
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0444) == 0);
        const QByteArray before = digestWhole(path);
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
                ::_exit(10);
            if (::access(QFile::encodeName(path).constData(), W_OK) == 0)
                ::_exit(11); // still writable: the test would prove nothing
            const HeaderUpdateResult r = updateHeaders(path.toStdString(), {});
            const bool good = r.refused && r.blocksWritten == 0 &&
                              r.error.find("for writing") != std::string::npos;
            ::_exit(good ? 0 : 12);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(digestWhole(path), before);
    }

    void lockedByAnotherProcess() {
        const QString path = freshImage("locked.vhdx");
        // What QEMU holds while it uses an image: shared OFD locks on single bytes near 100.
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
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), {});
        QVERIFY2(r.ok, r.error.c_str());
    }

    // A program that takes only flock() locks (util-linux's flock(1), backup and sync tools):
    // invisible to fcntl locks, detected by one of the update's own. A shared flock is enough
    // to refuse; once it is released the update goes ahead.
    void flockedByAnotherProcess() {
        const QString path = freshImage("flocked.vhdx");
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_SH), 0);
        expectRefusal(path, "locked by another process (flock");
        ::close(fd);
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), {});
        QVERIFY2(r.ok, r.error.c_str());
    }

    void backupExists() {
        const QString path = freshImage("bexists.vhdx");
        const QString backup = m_dir.path() + "/existing.backup";
        QVERIFY(writeWholeFile(backup, {1, 2, 3}));
        HeaderUpdateOptions options;
        options.backupPath = backup.toStdString();
        expectRefusal(path, "already exists", options);
        QCOMPARE(readWholeFile(backup), (std::vector<uint8_t>{1, 2, 3}));
        // Created between plan and apply: O_EXCL still refuses to overwrite it.
        const QString late = m_dir.path() + "/late.backup";
        options.backupPath = late.toStdString();
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), options);
        QVERIFY(plan.allowed);
        QVERIFY(writeWholeFile(late, {9}));
        const QByteArray before = digestWhole(path);
        const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
        QVERIFY(r.refused);
        QCOMPARE(r.blocksWritten, 0);
        QCOMPARE(digestWhole(path), before);
        QCOMPARE(readWholeFile(late), (std::vector<uint8_t>{9}));
    }

    void backupCannotBeWritten() {
        const QString path = freshImage("bfail.vhdx");
        HeaderUpdateOptions options;
        options.backupPath = (m_dir.path() + "/no/such/dir/x.backup").toStdString();
        expectRefusal(path, "cannot create backup", options);
    }
};

VHDX_TEST_MAIN(TestUpdateGuards)
#include "tst_update_guards.moc"
