// The chains of a folder: builder-made folders with chains of 1-4 levels, moved and
// renamed parents, decoys with the right name and the wrong GUID, parents written after their
// children, loops and mismatched sizes; every relation, status and finding as expected.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include <sys/stat.h>

#include "chain_builder.h"
#include "chain_test_helpers.h"
#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/chain_forest.h"

using namespace vhdx;
using namespace vhdx::test;

class TestChainForest : public QObject {
    Q_OBJECT

    QString fresh() {
        m_dirs.emplace_back(std::make_unique<QTemporaryDir>());
        return m_dirs.back()->path();
    }
    std::vector<std::unique_ptr<QTemporaryDir>> m_dirs;

  private slots:
    void chainsOfOneToFourLevels_data() {
        QTest::addColumn<int>("levels");
        for (int levels = 1; levels <= 4; ++levels)
            QTest::newRow(qPrintable(QString::number(levels))) << levels;
    }
    void chainsOfOneToFourLevels() {
        QFETCH(int, levels);
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "l0.vhdx", baseImage(chainGuid(0))).isEmpty());
        for (int i = 1; i < levels; ++i) {
            // Each level in its own subfolder: relative paths with "..".
            const QString name = QString("level%1/l%1.avhdx").arg(i);
            const std::string up = i == 1 ? ".\\..\\l0.vhdx"
                                          : "..\\level" + std::to_string(i - 1) + "\\l" +
                                                std::to_string(i - 1) + ".avhdx";
            QVERIFY(
                !writeSpec(dir, name, childImage(chainGuid(i), chainGuid(i - 1), up)).isEmpty());
        }
        const ChainForest f = mapFolder(dir);
        QCOMPARE(f.nodes.size(), size_t(levels));
        QCOMPARE(f.imagesInFolder, size_t(levels));
        QVERIFY2(!f.hasErrors(), qPrintable(describe(f.findings)));
        QCOMPARE(f.roots(), std::vector<int>{0});
        QVERIFY(f.loops.empty());
        std::string child = "l0.vhdx";
        for (int i = 1; i < levels; ++i) {
            const std::string name =
                "level" + std::to_string(i) + "/l" + std::to_string(i) + ".avhdx";
            VHDX_COMPARE_STR(parentOf(f, name), child.c_str());
            const ChainNode* n = nodeAt(f, name);
            QCOMPARE(n->status, ChainNodeStatus::Ok);
            VHDX_COMPARE_STR(n->located.locatorKey, "relative_path");
            child = name;
        }
        // Every parent is named as one whose DataWriteGuid change would orphan its child.
        QCOMPARE(findingsWith(f.findings, FindingCode::ChainHasChildren).size(),
                 size_t(levels - 1));
        QCOMPARE(f.findings.items().size(), size_t(levels - 1));
    }

    // The command a finding gives is pasted into a shell: a file named to run a command when
    // pasted ("kid $(touch PWNED).avhdx") stays one word, and the shell gets the exact paths.
    void reconnectCommandIsShellQuoted() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "moved/base.vhdx", baseImage(chainGuid(1))).isEmpty());
        const QString kid = "kid $(touch PWNED) 'q'.avhdx";
        QVERIFY(
            !writeSpec(dir, kid, childImage(chainGuid(3), chainGuid(1), ".\\base.vhdx")).isEmpty());
        const ChainForest f = mapFolder(dir);
        const auto found = findingsWith(f.findings, FindingCode::ChainParentElsewhere);
        QCOMPARE(found.size(), size_t(1));
        const QString message = qs(found[0].message);
        const qsizetype at = message.indexOf("vhdx-inspector --set-parent ");
        QVERIFY2(at >= 0, qPrintable(message));
        const QString command = message.mid(at + qsizetype(strlen("vhdx-inspector ")));
        QProcess sh;
        sh.setWorkingDirectory(dir);
        sh.start("sh", {"-c", "printf '%s\\n' " + command});
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(QString::fromUtf8(sh.readAllStandardOutput()),
                 "--set-parent\n" + dir + "/" + kid + "\n" + dir + "/moved/base.vhdx\n");
        QVERIFY(!QFile::exists(dir + "/PWNED"));
    }

    // The parent was moved to another subfolder, or renamed: the locator finds nothing, the
    // GUID finds it.
    void movedAndRenamedParents() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "vms/moved/base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeSpec(dir, "renamed-base.vhdx", baseImage(chainGuid(2))).isEmpty());
        QVERIFY(!writeSpec(dir, "a.avhdx", childImage(chainGuid(3), chainGuid(1), ".\\base.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "b.avhdx", childImage(chainGuid(4), chainGuid(2), ".\\b.vhdx"))
                     .isEmpty());
        const ChainForest f = mapFolder(dir);
        VHDX_COMPARE_STR(parentOf(f, "a.avhdx"), "vms/moved/base.vhdx");
        VHDX_COMPARE_STR(parentOf(f, "b.avhdx"), "renamed-base.vhdx");
        QCOMPARE(nodeAt(f, "a.avhdx")->status, ChainNodeStatus::ParentElsewhere);
        QCOMPARE(nodeAt(f, "a.avhdx")->locatedNode, -1);
        QCOMPARE(codes(f),
                 QStringList({"CHAIN_HAS_CHILDREN@renamed-base.vhdx",
                              "CHAIN_HAS_CHILDREN@vms/moved/base.vhdx",
                              "CHAIN_PARENT_ELSEWHERE@a.avhdx", "CHAIN_PARENT_ELSEWHERE@b.avhdx"}));
        const auto f1 = findingsWith(f.findings, FindingCode::ChainParentElsewhere);
        // The command is pasted elsewhere: absolute paths, each one shell word.
        QVERIFY2(qs(f1[0].message)
                     .endsWith("--set-parent " + dir + "/a.avhdx " + dir + "/vms/moved/base.vhdx"),
                 f1[0].message.c_str());
        QVERIFY2(qs(f1[0].message).contains("leads to no file"), f1[0].message.c_str());
        QCOMPARE(f1[0].severity, Severity::Error);
        // Guid and locator edges: a has only the GUID edge (its locator finds no file).
        int guidEdges = 0, locatorEdges = 0;
        for (const ChainEdge& e : f.edges)
            (e.kind == ChainEdge::Kind::Guid ? guidEdges : locatorEdges)++;
        QCOMPARE(guidEdges, 2);
        QCOMPARE(locatorEdges, 0);
    }

    // A decoy with the right name and the wrong GUID: with the right parent elsewhere, the
    // locator is wrong; without it, the child is an orphan and the decoy a candidate.
    void decoyWithTheRightName() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(9))).isEmpty()); // decoy
        QVERIFY(!writeSpec(dir, "real/base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeSpec(dir, "c.avhdx", childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "o.avhdx", childImage(chainGuid(3), chainGuid(5), ".\\base.vhdx"))
                     .isEmpty());
        const ChainForest f = mapFolder(dir);
        VHDX_COMPARE_STR(parentOf(f, "c.avhdx"), "real/base.vhdx");
        const ChainNode* c = nodeAt(f, "c.avhdx");
        QCOMPARE(c->status, ChainNodeStatus::ParentElsewhere);
        VHDX_COMPARE_STR(f.nodes[size_t(c->locatedNode)].displayPath, "base.vhdx");
        bool wrongEdge = false;
        for (const ChainEdge& e : f.edges)
            wrongEdge |= e.kind == ChainEdge::Kind::Locator && !e.linkageMatches &&
                         f.nodes[size_t(e.child)].displayPath == "c.avhdx";
        QVERIFY(wrongEdge);
        VHDX_REQUIRE_FINDING(f.findings, FindingCode::ChainParentElsewhere, elsewhere);
        QVERIFY2(qs(elsewhere.message)
                     .contains("leads to base.vhdx, whose DataWriteGuid is " +
                               qs(chainGuid(9).toString())),
                 elsewhere.message.c_str());
        const ChainNode* o = nodeAt(f, "o.avhdx");
        QCOMPARE(o->status, ChainNodeStatus::Orphan);
        QCOMPARE(o->parent, -1);
        VHDX_REQUIRE_FINDING(f.findings, FindingCode::ChainOrphan, orphan);
        VHDX_COMPARE_STR(orphan.path, "o.avhdx");
        // Candidates of the same size are listed, the decoy among them.
        QVERIFY2(
            qs(orphan.message).contains("base.vhdx (DataWriteGuid " + qs(chainGuid(9).toString())),
            orphan.message.c_str());
        QVERIFY2(qs(orphan.message).contains(qs(chainGuid(5).toString())), orphan.message.c_str());
        VHDX_REQUIRE_NO_FINDING(f.findings, FindingCode::ChainParentChanged);
    }

    // Two children expect the DataWriteGuid their parent had: it was written since.
    void parentWrittenAfterItsChildren() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(2))).isEmpty());
        for (const char* name : {"snap1.avhdx", "snap2.avhdx"})
            QVERIFY(!writeSpec(dir, name, childImage(Guid::random(), chainGuid(1), ".\\base.vhdx"))
                         .isEmpty());
        const ChainForest f = mapFolder(dir);
        QCOMPARE(codes(f), QStringList{"CHAIN_PARENT_CHANGED@base.vhdx"});
        const ChainFinding& changed = f.findings.items().front();
        QCOMPARE(changed.severity, Severity::Error);
        QVERIFY2(qs(changed.message).contains("2 children (snap1.avhdx, snap2.avhdx)"),
                 changed.message.c_str());
        QVERIFY(qs(changed.message).contains(qs(chainGuid(1).toString())));
        QCOMPARE(nodeAt(f, "snap1.avhdx")->status, ChainNodeStatus::Orphan);
        QCOMPARE(nodeAt(f, "base.vhdx")->children.size(), size_t(0));

        // One child alone cannot tell a changed parent from a decoy: an orphan.
        QVERIFY(QFile::remove(dir + "/snap2.avhdx"));
        QCOMPARE(codes(mapFolder(dir)), QStringList{"CHAIN_ORPHAN@snap1.avhdx"});
    }

    void loops() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "a.avhdx", childImage(chainGuid(1), chainGuid(2), ".\\b.avhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "b.avhdx", childImage(chainGuid(2), chainGuid(1), ".\\a.avhdx"))
                     .isEmpty());
        QVERIFY(
            !writeSpec(dir, "self.avhdx", childImage(chainGuid(3), chainGuid(3), ".\\self.avhdx"))
                 .isEmpty());
        QVERIFY(!writeSpec(dir, "under.avhdx", childImage(chainGuid(4), chainGuid(1), ".\\a.avhdx"))
                     .isEmpty());
        const ChainForest f = mapFolder(dir);
        QCOMPARE(f.loops.size(), size_t(2));
        QCOMPARE(nodeAt(f, "a.avhdx")->status, ChainNodeStatus::Loop);
        QCOMPARE(nodeAt(f, "b.avhdx")->status, ChainNodeStatus::Loop);
        QCOMPARE(nodeAt(f, "self.avhdx")->status, ChainNodeStatus::Loop);
        QCOMPARE(nodeAt(f, "under.avhdx")->status, ChainNodeStatus::Ok); // hangs off the loop
        QCOMPARE(codes(f), QStringList({"CHAIN_LOOP@a.avhdx", "CHAIN_LOOP@self.avhdx"}));
        VHDX_REQUIRE_FINDING(f.findings, FindingCode::ChainLoop, loop);
        QVERIFY2(qs(loop.message).contains("a.avhdx -> b.avhdx -> a.avhdx"), loop.message.c_str());
        // The drawing starts at one node of each loop.
        QCOMPARE(f.roots().size(), size_t(2));
    }

    void mismatchedSizes() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        ImageSpec bigger = childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx");
        bigger.virtualSize = 128 * MiB;
        ImageSpec sectors = childImage(chainGuid(3), chainGuid(1), ".\\base.vhdx");
        sectors.logicalSectorSize = 4096;
        ImageSpec physical = childImage(chainGuid(4), chainGuid(1), ".\\base.vhdx");
        physical.physicalSectorSize = 512;
        ImageSpec blocks = childImage(chainGuid(5), chainGuid(1), ".\\base.vhdx");
        blocks.blockSize = uint32_t(2 * MiB); // what Hyper-V gives differencing disks
        QVERIFY(!writeSpec(dir, "size.avhdx", bigger).isEmpty());
        QVERIFY(!writeSpec(dir, "sector.avhdx", sectors).isEmpty());
        QVERIFY(!writeSpec(dir, "physical.avhdx", physical).isEmpty());
        QVERIFY(!writeSpec(dir, "block.avhdx", blocks).isEmpty());
        const ChainForest f = mapFolder(dir);
        QCOMPARE(codes(f), QStringList({"CHAIN_BLOCK_SIZE_MISMATCH@block.avhdx",
                                        "CHAIN_HAS_CHILDREN@base.vhdx",
                                        "CHAIN_SECTOR_SIZE_MISMATCH@physical.avhdx",
                                        "CHAIN_SECTOR_SIZE_MISMATCH@sector.avhdx",
                                        "CHAIN_VIRTUAL_SIZE_MISMATCH@size.avhdx"}));
        QCOMPARE(findingsWith(f.findings, FindingCode::ChainBlockSizeMismatch)[0].severity,
                 Severity::Info);
        QCOMPARE(findingsWith(f.findings, FindingCode::ChainVirtualSizeMismatch)[0].severity,
                 Severity::Error);
        QCOMPARE(nodeAt(f, "base.vhdx")->children.size(), size_t(4));
    }

    // parent_linkage2 is the other identity a parent may have (MS-VHDX 2.6.2.6.3); all zeros
    // (as Hyper-V writes it when it has none) matches nothing.
    void parentLinkage2() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(7))).isEmpty());
        ImageSpec c = childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx");
        c.parentLocator.push_back({"parent_linkage2", braced(chainGuid(7))});
        QVERIFY(!writeSpec(dir, "c.avhdx", c).isEmpty());
        QVERIFY(!writeSpec(dir, "zero.vhdx", baseImage(Guid())).isEmpty());
        ImageSpec z = childImage(chainGuid(3), chainGuid(8), ".\\zero.vhdx");
        z.parentLocator.push_back({"parent_linkage2", braced(Guid())});
        QVERIFY(!writeSpec(dir, "z.avhdx", z).isEmpty());
        const ChainForest f = mapFolder(dir);
        VHDX_COMPARE_STR(parentOf(f, "c.avhdx"), "base.vhdx");
        QCOMPARE(nodeAt(f, "c.avhdx")->status, ChainNodeStatus::Ok);
        QCOMPARE(nodeAt(f, "z.avhdx")->status, ChainNodeStatus::Orphan);
    }

    // A parent outside the folder is followed and shown as such; hard links are one node.
    void parentOutsideTheFolderAndAliases() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(
            !writeSpec(dir, "sub/c.avhdx", childImage(chainGuid(2), chainGuid(1), "..\\base.vhdx"))
                 .isEmpty());
        QVERIFY(::link(QFile::encodeName(dir + "/sub/c.avhdx").constData(),
                       QFile::encodeName(dir + "/sub/same.avhdx").constData()) == 0);
        const ChainForest f = mapFolder(dir + "/sub");
        QCOMPARE(f.imagesInFolder, size_t(2)); // two names of one file
        QCOMPARE(f.nodes.size(), size_t(2));
        const ChainNode* c = nodeAt(f, "c.avhdx");
        QVERIFY(c);
        QCOMPARE(c->aliases, std::vector<std::string>{"same.avhdx"});
        QCOMPARE(c->status, ChainNodeStatus::Ok);
        const ChainNode& base = f.nodes[size_t(c->parent)];
        QVERIFY(!base.inFolder);
        VHDX_COMPARE_STR(base.displayPath, (dir + "/base.vhdx").toStdString().c_str());
    }

    // What a --new-data-guid would orphan: the children of the image in its own folder.
    void childrenInItsFolder() {
        const QString dir = fresh();
        const QString base = writeSpec(dir, "base.vhdx", baseImage(chainGuid(1)));
        QVERIFY(!writeSpec(dir, "a.avhdx", childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "b.avhdx", childImage(chainGuid(3), chainGuid(1), ".\\gone.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "old.avhdx", childImage(chainGuid(4), chainGuid(9), ".\\base.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "sub/deep.avhdx",
                           childImage(chainGuid(5), chainGuid(1), "..\\base.vhdx"))
                     .isEmpty());
        QCOMPARE(childrenInFolder(base.toStdString()),
                 (std::vector<std::string>{"a.avhdx", "b.avhdx"}));
        QVERIFY(childrenInFolder((dir + "/a.avhdx").toStdString()).empty());
    }
};

VHDX_TEST_MAIN(TestChainForest)
#include "tst_chain_forest.moc"
