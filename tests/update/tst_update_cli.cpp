// `vhdx-inspector --update-headers FILE [--yes] [--new-data-guid] [--backup PATH]`: the dry
// run prints the plan in write order and changes nothing; --yes updates; refusals are exit 1
// with the reason on stderr and nothing written; an unopenable file is exit 2.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "test_files.h"
#include "test_registry.h"
#include "update_test_util.h"

using namespace vhdx;
using namespace vhdx::test;

class TestUpdateCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static ToolResult cli(const QStringList& args) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("QT_QPA_PLATFORM"); // headless modes must not need a display
        return runTool(VHDX_INSPECTOR_EXE, QStringList{"--update-headers"} + args, 60000, env);
    }
    QString image(const QString& name) {
        QString error;
        const QString path = makeQemuImage(m_dir.path(), name, "1G", "32M", &error);
        if (path.isEmpty())
            qWarning("%s", qPrintable(error));
        return path;
    }

  private slots:
    void dryRunPrintsPlanAndChangesNothing() {
        const QString path = image("dry.vhdx");
        const HeaderPair hp = readHeaderPair(path);
        const uint64_t seq = hp.currentHeader()->sequenceNumber;
        const int other = 3 - hp.current;
        const QByteArray before = digestWhole(path);
        const ToolResult r = cli({path});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(digestWhole(path), before);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        // Write order: the non-current slot first, with current+1; then the current, +2.
        const qsizetype step1 = r.out.indexOf(QString("step 1: write header %1").arg(other));
        const qsizetype step2 = r.out.indexOf(QString("step 2: write header %1").arg(hp.current));
        QVERIFY2(step1 >= 0 && step2 > step1, qPrintable(r.out));
        QVERIFY(r.out.indexOf(QString("-> %1").arg(seq + 1), step1) < step2);
        QVERIFY(r.out.indexOf(QString("%1 -> %2").arg(seq).arg(seq + 2), step2) > step2);
        QVERIFY(r.out.contains(
            QString::fromStdString(hp.currentHeader()->fileWriteGuid.toString() + " -> ")));
        QVERIFY(r.out.contains(
            QString::fromStdString(hp.currentHeader()->dataWriteGuid.toString() + " (unchanged)")));
        QVERIFY(r.out.contains("nothing was written"));
    }

    void yesUpdates() {
        const QString path = image("yes.vhdx");
        const HeaderPair hp = readHeaderPair(path);
        const uint64_t seq = hp.currentHeader()->sequenceNumber;
        const QByteArray outside = digestOutsideHeaders(path);
        const QString backup = m_dir.path() + "/yes.backup";
        const ToolResult r = cli({path, "--yes", "--new-data-guid", "--backup", backup});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("Done"));
        const HeaderPair after = readHeaderPair(path);
        QCOMPARE(after.currentHeader()->sequenceNumber, seq + 2);
        QVERIFY(after.currentHeader()->dataWriteGuid != hp.currentHeader()->dataWriteGuid);
        QCOMPARE(digestOutsideHeaders(path), outside);
        QCOMPARE(QFile(backup).size(), 1024 * 1024);
        QCOMPARE(qemuImgCheck(path), QString());
        QCOMPARE(vhdiinfoCheck(path), QString());

        // The backup exists now: refused, exit 1, nothing written.
        const QByteArray before = digestWhole(path);
        const ToolResult again = cli({path, "--yes", "--backup", backup});
        QCOMPARE(again.exitCode, 1);
        QVERIFY(again.err.contains("already exists"));
        QVERIFY(again.out.isEmpty());
        QCOMPARE(digestWhole(path), before);
    }

    void refusals_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not vhdx") << "text"
                                  << "not a VHDX";
        QTest::newRow("replay needed") << "dirty"
                                       << "log replay needed";
        QTest::newRow("no valid header") << "nohdr"
                                         << "no valid header";
    }
    void refusals() {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        QString path;
        if (kind == "text") {
            path = m_dir.path() + "/text.vhdx";
            QVERIFY(writeWholeFile(path, std::vector<uint8_t>(100000, 'a')));
        } else if (kind == "dirty") {
            QString error;
            path = decompressTestImage("iotest-dirtylog-10G-4M.vhdx.bz2", m_dir.path(), &error);
            QVERIFY2(!path.isEmpty(), qPrintable(error));
        } else {
            path = image("nohdr.vhdx");
            QVERIFY(damageHeader(path, 1) && damageHeader(path, 2));
        }
        for (const QStringList& extra : {QStringList{}, QStringList{"--yes"}}) {
            const QByteArray before = digestWhole(path);
            const ToolResult r = cli(QStringList{path} + extra);
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(reason), qPrintable(r.err));
            QVERIFY(r.out.isEmpty());
            QCOMPARE(digestWhole(path), before);
        }
    }

    void cannotOpen() {
        const ToolResult missing = cli({m_dir.path() + "/does-not-exist.vhdx", "--yes"});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("No such file"));
        QVERIFY(missing.out.isEmpty());
        const ToolResult directory = cli({m_dir.path(), "--yes"});
        QCOMPARE(directory.exitCode, 2);
        QVERIFY(directory.out.isEmpty());
    }
};

VHDX_TEST_MAIN(TestUpdateCli)
#include "tst_update_cli.moc"
