// The header update's backup beyond the happy path: a bare file name (no folder: the current
// directory is the one synced) works and holds the first MiB; a backup whose write fails
// (RLIMIT_FSIZE: EFBIG) and one whose folder cannot be opened to sync it (no read permission
// for the writing user) both refuse with their exact text, leave no backup behind and
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
#include <unistd.h>

#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

class TestUpdateBackupFaults : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString freshImage() { return freshQemuImage(m_dir.path(), "b", m_n); }

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

    // Mode 0333: a process without privileges (root takes the effective ids of uid 65534 for
    // the call) may create the backup in the folder but not open the folder to sync it.
    void backupFolderCannotBeSynced() {
        const QString path = freshImage();
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0666) == 0);
        const QString folder = m_dir.filePath("wo");
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(::chmod(QFile::encodeName(folder).constData(), 0333) == 0);
        const QString backup = folder + "/x.backup";
        const QByteArray before = digestWhole(path);
        HeaderUpdateOptions options;
        options.backupPath = backup.toStdString();
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), options);
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const bool root = ::geteuid() == 0;
        QVERIFY(!root || (::setegid(65534) == 0 && ::seteuid(65534) == 0));
        const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
        QVERIFY(!root || (::seteuid(0) == 0 && ::setegid(0) == 0));
        ::chmod(QFile::encodeName(folder).constData(), 0755);
        QVERIFY(r.refused && !r.backupWritten);
        QCOMPARE(r.blocksWritten, 0);
        QCOMPARE(QString::fromStdString(r.error),
                 "cannot sync the directory of backup '" + backup + "': " + std::strerror(EACCES));
        QVERIFY(!QFile::exists(backup));
        QCOMPARE(digestWhole(path), before);
    }
};

VHDX_TEST_MAIN(TestUpdateBackupFaults)
#include "tst_update_backup_faults.moc"
