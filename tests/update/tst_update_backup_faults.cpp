// The header update's backup beyond the happy path: a bare file name (no folder: the current
// directory is the one synced) works and holds the first MiB; a backup whose write fails
// (RLIMIT_FSIZE: EFBIG) and one whose folder cannot be opened to sync it (an unprivileged
// process, a write-only folder) both refuse with their exact text, leave no backup behind and
// the image byte-identical.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "update_test_util.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

class TestUpdateBackupFaults : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString freshImage() {
        QString error;
        const QString path =
            makeQemuImage(m_dir.path(), QString("b%1.vhdx").arg(++m_n), "1G", "32M", &error);
        if (path.isEmpty())
            qWarning("%s", qPrintable(error));
        return path;
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(::chmod(QFile::encodeName(m_dir.path()).constData(), 0755) == 0);
    }

    void bareFileNameBackup() {
        const QString path = freshImage();
        const std::vector<uint8_t> before = readWholeFile(path);
        const QString oldCwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(m_dir.path()));
        HeaderUpdateOptions options;
        options.backupPath = "bare.backup";
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), options);
        QVERIFY(QDir::setCurrent(oldCwd));
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.backupWritten);
        const std::vector<uint8_t> backup = readWholeFile(m_dir.filePath("bare.backup"));
        QCOMPARE(backup.size(), size_t(1024 * 1024));
        QVERIFY(std::equal(backup.begin(), backup.end(), before.begin()));
        QCOMPARE(qemuImgCheck(path), QString());
    }

    // The process may not write past 256 KiB: the 1 MiB backup fails in its write.
    void backupWriteFails() {
        const QString path = freshImage();
        const QString backup = m_dir.filePath("big.backup");
        HeaderUpdateOptions options;
        options.backupPath = backup.toStdString();
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), options);
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const QByteArray before = digestWhole(path);

        struct rlimit old {};
        QVERIFY(::getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 256 * 1024;
        QVERIFY(::setrlimit(RLIMIT_FSIZE, &small) == 0);
        const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);

        QVERIFY(r.refused);
        QVERIFY(!r.backupWritten);
        QCOMPARE(r.blocksWritten, 0);
        QCOMPARE(QString::fromStdString(r.error),
                 "cannot write backup '" + backup + "': write: " + std::strerror(EFBIG));
        QVERIFY(!QFile::exists(backup)); // it removes what it created
        QCOMPARE(digestWhole(path), before);
    }

    // Mode 0333: a process without privileges (root drops to uid 65534) may create the backup
    // in the folder but not open the folder to sync it.
    void backupFolderCannotBeSynced() {
        const QString path = freshImage();
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0666) == 0);
        const QString folder = m_dir.filePath("wo");
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(::chmod(QFile::encodeName(folder).constData(), 0333) == 0);
        const QString backup = folder + "/x.backup";
        const QByteArray before = digestWhole(path);
        const std::string expected = "cannot sync the directory of backup '" +
                                     backup.toStdString() + "': " + std::strerror(EACCES);
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
                ::_exit(10);
            HeaderUpdateOptions options;
            options.backupPath = backup.toStdString();
            const HeaderUpdateResult r = updateHeaders(path.toStdString(), options);
            if (r.error != expected)
                ::_exit(11);
            ::_exit(r.refused && !r.backupWritten && r.blocksWritten == 0 ? 0 : 12);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        ::chmod(QFile::encodeName(folder).constData(), 0755);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QVERIFY(!QFile::exists(backup));
        QCOMPARE(digestWhole(path), before);
    }
};

QTEST_GUILESS_MAIN(TestUpdateBackupFaults)
#include "tst_update_backup_faults.moc"
