// `vhdx-inspector --chains DIR [--json]`: the tree with statuses, the JSON (nodes, edges,
// findings, stable keys), exit 0 without error findings and 1 with, exit 2 for a folder that
// cannot be read (message on stderr, nothing on stdout) and for a report that cannot be
// written.
#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "chain_builder.h"
#include "cli_runner.h"
#include "test_registry.h"

using namespace vhdx;
using namespace vhdx::test;

class TestCliChains : public QObject {
    Q_OBJECT
    QTemporaryDir m_root;

  private slots:
    void initTestCase() {
        const QString ok = m_root.filePath("ok");
        QVERIFY(!writeSpec(ok, "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(
            !writeSpec(ok, "snap1.avhdx", childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx"))
                 .isEmpty());
        QVERIFY(
            !writeSpec(ok, "snap2.avhdx", childImage(chainGuid(3), chainGuid(2), ".\\snap1.avhdx"))
                 .isEmpty());
        const QString bad = m_root.filePath("bad");
        QVERIFY(!writeSpec(bad, "orphan.avhdx", childImage(chainGuid(4), chainGuid(8), ".\\x.vhdx"))
                     .isEmpty());
        QVERIFY(QDir().mkpath(m_root.filePath("empty")));
    }

    void textTree() {
        const RunResult r = runInspector({"--chains", m_root.filePath("ok")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.isEmpty());
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains("base.vhdx  [base, 64 MiB]\n"
                              "`-- snap1.avhdx  [ok, via relative_path, 64 MiB]\n"
                              "    `-- snap2.avhdx  [ok, via relative_path, 64 MiB]\n"),
                 qPrintable(out));
        QVERIFY(out.contains("Verdict: no chain problems"));
    }

    void json() {
        for (const QStringList& args : {QStringList{"--chains", m_root.filePath("ok"), "--json"},
                                        QStringList{"--json", "--chains", m_root.filePath("ok")}}) {
            const RunResult r = runInspector(args);
            QCOMPARE(r.exitCode, 0);
            const QJsonObject j = r.json();
            QCOMPARE(j["folder"].toString(), m_root.filePath("ok"));
            QCOMPARE(j["images_in_folder"].toInt(), 3);
            const QJsonArray nodes = j["nodes"].toArray();
            QCOMPARE(nodes.size(), 3);
            const QJsonObject snap2 = nodes[2].toObject();
            QCOMPARE(snap2["path"].toString(), QString("snap2.avhdx"));
            QCOMPARE(snap2["status"].toString(), QString("ok"));
            QCOMPARE(snap2["parent"].toInt(), 1);
            QCOMPARE(snap2["locator"]["key"].toString(), QString("relative_path"));
            QCOMPARE(snap2["data_write_guid"].toString(),
                     QString::fromStdString(chainGuid(3).toString()));
            QCOMPARE(nodes[0]["children"].toArray().size(), 1);
            QCOMPARE(j["edges"].toArray().size(), 4);    // a locator and a GUID edge per child
            QCOMPARE(j["findings"].toArray().size(), 2); // CHAIN_HAS_CHILDREN, twice
            QCOMPARE(j["findings"][0]["code"].toString(), QString("CHAIN_HAS_CHILDREN"));
        }
    }

    void errorFindingsAreExitOne() {
        const RunResult r = runInspector({"--chains", m_root.filePath("bad"), "--json"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.json()["findings"][0]["code"].toString(), QString("CHAIN_ORPHAN"));
        QCOMPARE(r.json()["nodes"][0]["status"].toString(), QString("orphan"));
        const RunResult empty = runInspector({"--chains", m_root.filePath("empty")});
        QCOMPARE(empty.exitCode, 0);
        QVERIFY(empty.out.contains("0 images below it (0 opened)"));
    }

    void unreadableFolderIsExitTwo_data() {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("reason");
        QTest::newRow("missing") << m_root.filePath("missing") << "No such file or directory";
        QTest::newRow("a file") << m_root.filePath("ok/base.vhdx") << "Not a directory";
    }
    void unreadableFolderIsExitTwo() {
        QFETCH(QString, dir);
        QFETCH(QString, reason);
        const RunResult r = runInspector({"--chains", dir, "--json"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(reason.toUtf8()), r.err.constData());
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no folder") << QStringList{"--chains"};
        QTest::newRow("two folders") << QStringList{"--chains", "a", "b"};
        QTest::newRow("with --yes") << QStringList{"--chains", "a", "--yes"};
        QTest::newRow("with --report") << QStringList{"--chains", "a", "--report"};
    }
    void usageErrors() {
        QFETCH(QStringList, args);
        const RunResult r = runInspector(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.contains("Usage:"));
    }

    void fullStdoutIsExitTwo() {
        const RunResult r =
            runProgram("/bin/sh", {"-c", "exec \"$0\" \"$@\" > /dev/full", inspectorPath(),
                                   "--chains", m_root.filePath("ok")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("writing to standard output failed"), r.err.constData());
    }
};

VHDX_TEST_MAIN(TestCliChains)
#include "tst_cli_chains.moc"
