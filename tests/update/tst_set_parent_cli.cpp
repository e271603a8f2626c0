// `vhdx-inspector --set-parent CHILD PARENT [--yes] [--backup PATH]`: the dry run prints the
// plan (locator before and after, the writes in order, the Set-VHD line) and changes nothing;
// --yes reconnects; a refusal is exit 1 with the reason on stderr and nothing written; an
// unopenable file is exit 2; a plan that cannot be shown stops it. And the header update's
// lesson: --new-data-guid on a parent with children in its folder is refused, names them, and
// goes ahead with --force and a warning.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "set_parent_fixture.h"
#include "test_registry.h"
#include "update_test_util.h"

using namespace vhdx;
using namespace vhdx::test;

class TestSetParentCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_root;
    int m_cases = 0;

    ReconnectCase fresh() {
        const QString dir = m_root.filePath(QString::number(++m_cases));
        QDir().mkpath(dir);
        return makeReconnectCase(dir);
    }
    static ToolResult cli(const QStringList& args) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("QT_QPA_PLATFORM");
        return runTool(VHDX_INSPECTOR_EXE, args, 60000, env);
    }

  private slots:
    void dryRunPrintsThePlanAndChangesNothing() {
        const ReconnectCase c = fresh();
        const QByteArray before = digestWhole(c.child);
        const ToolResult r = cli({"--set-parent", c.child, c.parent});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        QCOMPARE(digestWhole(c.child), before);
        for (const char* part :
             {"is CHILD's parent_linkage: it is the disk CHILD was made from",
              "relative_path: \".\\old\\base.vhdx\" -> \".\\vms\\base.vhdx\"",
              "volume_path: \"\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\old\\base.vhdx\""
              " -> (removed",
              "vendor_note: \"kept as it was\" (kept)", "1. open the log", "2. log entry 1",
              "3. the sectors in place", "4. close the log", "Set-VHD -Path '", "' -ParentPath '",
              "(with the paths as Windows sees them)", "Dry run: nothing"})
            QVERIFY2(r.out.contains(QString::fromUtf8(part)), qPrintable(part + ("\n" + r.out)));
        // The writes in their order.
        QVERIFY(r.out.indexOf("1. open") < r.out.indexOf("2. log") &&
                r.out.indexOf("2. log") < r.out.indexOf("3. the") &&
                r.out.indexOf("3. the") < r.out.indexOf("4. close"));
    }

    void yesReconnects() {
        const ReconnectCase c = fresh();
        const QString backup = c.dir + "/child.backup";
        const ToolResult r = cli({"--set-parent", c.child, c.parent, "--yes", "--backup", backup});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Done: the parent locator of"), qPrintable(r.out));
        QVERIFY2(r.out.contains("dd if=BACKUP of=CHILD bs=4096 skip="), qPrintable(r.out));
        QVERIFY(QFile::exists(backup));
        const ToolResult report = cli({"--report", c.child});
        QCOMPARE(report.exitCode, 0);
        QVERIFY(!report.out.contains("PARENT_NOT_FOUND"));
        const ToolResult again = cli({"--set-parent", c.child, c.parent, "--yes"});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains("nothing to change"), qPrintable(again.out));
        // The backup is never overwritten.
        const ReconnectCase d = fresh();
        const ToolResult exists =
            cli({"--set-parent", d.child, d.parent, "--yes", "--backup", backup});
        QCOMPARE(exists.exitCode, 1);
        QVERIFY2(exists.err.contains("already exists"), qPrintable(exists.err));
    }

    void refusalIsExitOneWithTheReason() {
        const ReconnectCase c = fresh();
        const QString other = writeSpec(c.dir, "other.vhdx", baseImage(chainGuid(9)));
        const QByteArray before = digestWhole(c.child);
        const ToolResult r = cli({"--set-parent", c.child, other, "--yes"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("set-parent refused: PARENT is not the disk CHILD was made from"),
                 qPrintable(r.err));
        QVERIFY(r.err.contains("Nothing was written."));
        QCOMPARE(digestWhole(c.child), before);
    }

    void unopenableIsExitTwo() {
        const ReconnectCase c = fresh();
        const ToolResult r = cli({"--set-parent", c.child, c.dir + "/missing.vhdx"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("No such file or directory"), qPrintable(r.err));
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("one file") << QStringList{"--set-parent", "a.avhdx"};
        QTest::newRow("three files") << QStringList{"--set-parent", "a", "b", "c"};
        QTest::newRow("with --json") << QStringList{"--set-parent", "a", "b", "--json"};
        QTest::newRow("--force alone") << QStringList{"--update-headers", "a", "--force"};
        QTest::newRow("--new-data-guid with set-parent")
            << QStringList{"--set-parent", "a", "b", "--new-data-guid"};
    }
    void usageErrors() {
        QFETCH(QStringList, args);
        const ToolResult r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("Usage:"), qPrintable(r.err));
    }

    void planThatCannotBeShownStopsIt() {
        const ReconnectCase c = fresh();
        const QByteArray before = digestWhole(c.child);
        const ToolResult r =
            runTool("/bin/sh", {"-c", "exec \"$0\" \"$@\" > /dev/full", VHDX_INSPECTOR_EXE,
                                "--set-parent", c.child, c.parent, "--yes"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("nothing was written"), qPrintable(r.err));
        QCOMPARE(digestWhole(c.child), before);
    }

    // The header update learns the lesson: a new DataWriteGuid would orphan the children.
    void newDataGuidWouldOrphanChildren() {
        const ReconnectCase c = fresh();
        QVERIFY(cli({"--set-parent", c.child, c.parent, "--yes"}).exitCode == 0);
        // base.vhdx's folder (vms/) holds a child of it too.
        QVERIFY(!writeSpec(c.dir, "vms/snap.avhdx",
                           childImage(chainGuid(3), chainGuid(1), ".\\base.vhdx"))
                     .isEmpty());
        const QByteArray before = digestWhole(c.parent);
        const ToolResult refused = cli({"--update-headers", c.parent, "--new-data-guid", "--yes"});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("would orphan 1 differencing disk") &&
                     refused.err.contains("snap.avhdx") && refused.err.contains("--force"),
                 qPrintable(refused.err));
        QCOMPARE(digestWhole(c.parent), before);
        // A refresh without a new DataWriteGuid orphans nobody.
        QCOMPARE(cli({"--update-headers", c.parent, "--yes"}).exitCode, 0);
        const ToolResult forced =
            cli({"--update-headers", c.parent, "--new-data-guid", "--force", "--yes"});
        QCOMPARE(forced.exitCode, 0);
        QVERIFY2(forced.err.contains("warning: the new DataWriteGuid orphans 1") &&
                     forced.err.contains("snap.avhdx"),
                 qPrintable(forced.err));
        QCOMPARE(cli({"--chains", c.dir + "/vms"}).exitCode, 1); // snap.avhdx is an orphan now
    }
};

VHDX_TEST_MAIN(TestSetParentCli)
#include "tst_set_parent_cli.moc"
