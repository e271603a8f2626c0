// The chains of a folder (chain_forest.cpp, chain_findings.cpp, image_folder.cpp): the texts
// of CHAIN_ORPHAN and CHAIN_PARENT_ELSEWHERE for every way a locator can fail (no locator,
// no usable path, a file that is not a VHDX, parent_linkage not a GUID, parent_linkage2),
// files that open but are not mapped (no File Parameters), geometry that is unknown, a
// folder that cannot be read in-process, name lists at ten and one past, loops at ten and
// one past, folder names mapChains is given, and childrenInFolder's edge cases.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include "chain_builder.h"
#include "chain_test_helpers.h"
#include "core_test_helpers.h"
#include "file_access_as_nobody.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/chain_forest.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

// The message of the only finding with that code ("(none)" / "(several)" otherwise).
QString message(const ChainForest& f, FindingCode code) {
    const auto all = findingsWith(f.findings, code);
    return all.empty() ? "(none)" : all.size() > 1 ? "(several)" : qs(all[0].message);
}

QString g(int n) {
    return qs(chainGuid(n).toString());
}

} // namespace

class TestChainForestFindings : public QObject {
    Q_OBJECT

  private slots:
    // A locator leading to a file that is not a VHDX: the child is an orphan, the file is
    // named with why it is not mapped, the locator edge does not match.
    void locatorLeadsToAFileThatIsNotMapped() {
        QTemporaryDir tmp;
        QVERIFY(!writeImageFile(tmp.path(), "junk.vhdx", {'n', 'o', 'p', 'e'}).isEmpty());
        QVERIFY(
            !writeSpec(tmp.path(), "c.avhdx", childImage(chainGuid(2), chainGuid(1), "junk.vhdx"))
                 .isEmpty());
        const ChainForest f = mapFolder(tmp.path());
        const ChainNode* c = nodeAt(f, "c.avhdx");
        QCOMPARE(c->status, ChainNodeStatus::Orphan);
        QCOMPARE(c->locatedNode, 1); // junk.vhdx (after c.avhdx in path order), skipped
        QCOMPARE(f.edges.size(), size_t(1));
        QVERIFY(f.edges[0].kind == ChainEdge::Kind::Locator && !f.edges[0].linkageMatches);
        QCOMPARE(message(f, FindingCode::ChainOrphan),
                 "c.avhdx expects a parent with DataWriteGuid " + g(1) +
                     ", and no file has it: its locator leads to junk.vhdx, which is not mapped "
                     "(not a VHDX file (no \"vhdxfile\" signature)); no file of the folder has "
                     "its virtual size");
        QVERIFY(!f.findings.has(FindingCode::ChainParentChanged));
    }

    // HasParent without a locator; a locator with no path and a parent_linkage that is no GUID.
    void orphansWithoutAUsableLocator() {
        QTemporaryDir tmp;
        ImageSpec bare = childImage(chainGuid(2), chainGuid(1), "");
        bare.parentLocator.clear();
        QVERIFY(!writeSpec(tmp.path(), "bare.avhdx", bare).isEmpty());
        ImageSpec garbage = childImage(chainGuid(3), chainGuid(1), "");
        garbage.parentLocator = {{"parent_linkage", "garbage"}};
        QVERIFY(!writeSpec(tmp.path(), "garbage.avhdx", garbage).isEmpty());
        const ChainForest f = mapFolder(tmp.path());
        QVERIFY(!nodeAt(f, "bare.avhdx")->hasLocator);
        QCOMPARE(nodeAt(f, "garbage.avhdx")->linkageText, std::string("garbage"));
        QCOMPARE(nodeAt(f, "garbage.avhdx")->status, ChainNodeStatus::Orphan);
        const auto orphans = findingsWith(f.findings, FindingCode::ChainOrphan);
        QCOMPARE(orphans.size(), size_t(2));
        const QString alike = "files of the same virtual size and sector size (written to since, "
                              "or unrelated): ";
        QCOMPARE(qs(orphans[0].message),
                 "bare.avhdx expects a parent with DataWriteGuid \"\", and no file has it: it has "
                 "no parent locator; " +
                     alike + "garbage.avhdx (DataWriteGuid " + g(3) + ")");
        QCOMPARE(qs(orphans[1].message),
                 "garbage.avhdx expects a parent with DataWriteGuid \"garbage\", and no file has "
                 "it: its locator leads to no file (tried: no usable path); " +
                     alike + "bare.avhdx (DataWriteGuid " + g(2) + ")");
    }

    // parent_linkage2 names a file of the folder while the locator leads to another VHDX:
    // parent elsewhere, the message giving both GUIDs and the locator's wrong file.
    void parentElsewhereByParentLinkage2() {
        QTemporaryDir tmp;
        QVERIFY(!writeSpec(tmp.path(), "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeSpec(tmp.path(), "decoy.vhdx", baseImage(chainGuid(5))).isEmpty());
        ImageSpec c = childImage(chainGuid(2), chainGuid(7), "decoy.vhdx");
        c.parentLocator.push_back({"parent_linkage2", braced(chainGuid(1))});
        QVERIFY(!writeSpec(tmp.path(), "c.avhdx", c).isEmpty());
        const ChainForest f = mapFolder(tmp.path());
        QCOMPARE(nodeAt(f, "c.avhdx")->status, ChainNodeStatus::ParentElsewhere);
        QCOMPARE(message(f, FindingCode::ChainParentElsewhere),
                 "c.avhdx: its locator leads to decoy.vhdx, whose DataWriteGuid is " + g(5) +
                     ", but base.vhdx has the DataWriteGuid " + g(7) + " (or " + g(1) +
                     ", parent_linkage2) it expects: reconnect it with vhdx-inspector "
                     "--set-parent " +
                     tmp.filePath("c.avhdx") + " " + tmp.filePath("base.vhdx"));
    }

    // Locators leading to a VHDX while parent_linkage is no GUID: orphans, each on its own
    // (nothing to compare, so no CHAIN_PARENT_CHANGED however many there are). A locator
    // with parent_linkage2 only: found by that GUID elsewhere, the stored parent_linkage empty.
    void linkagesThatAreNotGuids() {
        QTemporaryDir tmp;
        QVERIFY(!writeSpec(tmp.path(), "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        for (const char* name : {"x.avhdx", "y.avhdx"}) {
            ImageSpec c = childImage(Guid::random(), chainGuid(1), "base.vhdx");
            c.parentLocator[0].second = "{not a guid}";
            QVERIFY(!writeSpec(tmp.path(), name, c).isEmpty());
        }
        ImageSpec only2 = childImage(chainGuid(3), chainGuid(1), "gone.vhdx");
        only2.parentLocator[0].first = "parent_linkage2";
        QVERIFY(!writeSpec(tmp.path(), "z.avhdx", only2).isEmpty());
        const ChainForest f = mapFolder(tmp.path());
        QCOMPARE(nodeAt(f, "x.avhdx")->status, ChainNodeStatus::Orphan);
        QCOMPARE(nodeAt(f, "y.avhdx")->status, ChainNodeStatus::Orphan);
        QVERIFY(!f.findings.has(FindingCode::ChainParentChanged));
        const auto orphans = findingsWith(f.findings, FindingCode::ChainOrphan);
        QCOMPARE(orphans.size(), size_t(2));
        QVERIFY2(qs(orphans[0].message)
                     .startsWith("x.avhdx expects a parent with DataWriteGuid \"{not a guid}\", "
                                 "and no file has it: its locator leads to base.vhdx, whose "
                                 "DataWriteGuid is " +
                                 g(1) + "; "),
                 orphans[0].message.c_str());
        const ChainNode* z = nodeAt(f, "z.avhdx");
        QCOMPARE(z->status, ChainNodeStatus::ParentElsewhere);
        QVERIFY(z->linkageText.empty());
        QVERIFY2(message(f, FindingCode::ChainParentElsewhere)
                     .contains("but base.vhdx has the DataWriteGuid \"\" (or " + g(1) +
                               ", parent_linkage2) it expects"),
                 qPrintable(message(f, FindingCode::ChainParentElsewhere)));
    }

    // Opened but not mapped: no File Parameters. Mapped with unknown virtual or logical
    // sector size: the geometry checks say "unknown".
    void missingMetadataItems() {
        QTemporaryDir tmp;
        ImageSpec noParams = baseImage(chainGuid(3));
        noParams.omitItems = {guids::fileParameters};
        QVERIFY(!writeSpec(tmp.path(), "noparams.vhdx", noParams).isEmpty());
        QVERIFY(!writeSpec(tmp.path(), "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        ImageSpec noSize = childImage(chainGuid(2), chainGuid(1), "base.vhdx");
        noSize.omitItems = {guids::virtualDiskSize};
        QVERIFY(!writeSpec(tmp.path(), "nosize.avhdx", noSize).isEmpty());
        ImageSpec noSector = childImage(chainGuid(4), chainGuid(1), "base.vhdx");
        noSector.omitItems = {guids::logicalSectorSize};
        QVERIFY(!writeSpec(tmp.path(), "nosector.avhdx", noSector).isEmpty());
        const ChainForest f = mapFolder(tmp.path());
        const ChainNode* skipped = nodeAt(f, "noparams.vhdx");
        QCOMPARE(skipped->status, ChainNodeStatus::Skipped);
        VHDX_COMPARE_STR(skipped->problem, "its File Parameters could not be read");
        const ChainNode* child = nodeAt(f, "nosize.avhdx");
        QVERIFY(child->vhdx && !child->virtualDiskSize);
        QVERIFY(child->errorFindings > 0); // METADATA_ITEM_MISSING in its own report
        QCOMPARE(message(f, FindingCode::ChainVirtualSizeMismatch),
                 QString("Virtual sizes differ: nosize.avhdx and its parent base.vhdx have "
                         "unknown and 67108864 bytes"));
        QVERIFY(!nodeAt(f, "nosector.avhdx")->logicalSectorSize);
        QCOMPARE(message(f, FindingCode::ChainSectorSizeMismatch),
                 QString("Sector sizes differ: nosector.avhdx and its parent base.vhdx have "
                         "unknown/4096 and 512/4096 bytes (logical/physical)"));
        QCOMPARE(message(f, FindingCode::ChainFileSkipped),
                 QString("noparams.vhdx is not mapped: its File Parameters could not be read"));
    }

    // A subfolder that cannot be read, in this process: CHAIN_FILE_SKIPPED names it.
    void unreadableSubfolderInProcess() {
        QTemporaryDir tmp;
        QVERIFY(!writeSpec(tmp.path(), "good.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeSpec(tmp.path(), "locked/hidden.vhdx", baseImage(chainGuid(2))).isEmpty());
        QVERIFY(::chmod(QFile::encodeName(tmp.path()).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(tmp.filePath("good.vhdx")).constData(), 0644) == 0);
        QVERIFY(::chmod(QFile::encodeName(tmp.filePath("locked")).constData(), 0) == 0);
        std::optional<ChainForest> f;
        {
            FileAccessAsNobody nobody;
            if (!FileAccessAsNobody::denied(tmp.filePath("locked").toStdString()))
                QSKIP("this process can read a mode-0 folder: nothing to deny");
            std::string error;
            f = mapChains(tmp.path().toStdString(), error);
        }
        QVERIFY(::chmod(QFile::encodeName(tmp.filePath("locked")).constData(), 0755) == 0);
        QVERIFY(f);
        QCOMPARE(f->nodes.size(), size_t(1));
        QCOMPARE(f->findings.items().size(), size_t(1));
        QCOMPARE(f->findings.items()[0].path, std::string("locked"));
        QCOMPARE(message(*f, FindingCode::ChainFileSkipped),
                 QString("The folder locked could not be read (Permission denied): its images "
                         "are not mapped"));
    }

    // A loop is listed up to ten members, then "(N more)".
    void longLoops_data() {
        QTest::addColumn<int>("members");
        QTest::newRow("at the limit") << 10;
        QTest::newRow("one past it") << 11;
    }
    void longLoops() {
        QFETCH(int, members);
        QTemporaryDir tmp;
        for (int i = 0; i < members; ++i) // l<i>'s parent is l<i+1>, the last's is l00
            QVERIFY(!writeSpec(tmp.path(), QString("l%1.avhdx").arg(i, 2, 10, QChar('0')),
                               childImage(chainGuid(i), chainGuid((i + 1) % members), ""))
                         .isEmpty());
        const ChainForest f = mapFolder(tmp.path());
        QCOMPARE(f.loops.size(), size_t(1));
        QCOMPARE(f.loops[0].size(), size_t(members));
        QString cycle;
        for (int i = 0; i < 10; ++i)
            cycle += QString("l%1.avhdx -> ").arg(i, 2, 10, QChar('0'));
        if (members > 10)
            cycle += "(1 more) -> ";
        QCOMPARE(message(f, FindingCode::ChainLoop),
                 "The chain loops: " + cycle +
                     "l00.avhdx (each is the next one's child by DataWriteGuid); a chain must "
                     "end in a disk without a parent");
    }

    // An orphan's same-geometry candidates: ten named, then "and N more".
    void orphanCandidates_data() {
        QTest::addColumn<int>("alike");
        QTest::newRow("at the limit") << 10;
        QTest::newRow("one past it") << 11;
    }
    void orphanCandidates() {
        QFETCH(int, alike);
        QTemporaryDir tmp;
        for (int i = 0; i < alike; ++i)
            QVERIFY(!writeSpec(tmp.path(), QString("b%1.vhdx").arg(i, 2, 10, QChar('0')),
                               baseImage(chainGuid(10 + i)))
                         .isEmpty());
        QVERIFY(!writeSpec(tmp.path(), "o.avhdx", childImage(chainGuid(1), chainGuid(2), ""))
                     .isEmpty());
        const QString text = message(mapFolder(tmp.path()), FindingCode::ChainOrphan);
        QVERIFY2(text.contains("b09.vhdx (DataWriteGuid " + g(19) + ")"), qPrintable(text));
        QVERIFY2(!text.contains("b10.vhdx"), qPrintable(text));
        QCOMPARE(text.endsWith(") and 1 more"), alike == 11);
    }

    // The folder as given: empty is refused, trailing slashes dropped; names too short to
    // have an image extension are not images.
    void folderNames() {
        std::string error;
        QVERIFY(!mapChains("", error));
        VHDX_COMPARE_STR(error, "cannot use the folder '': Invalid argument");
        QTemporaryDir tmp;
        QVERIFY(!writeSpec(tmp.path(), "a.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeImageFile(tmp.path(), ".vhdx", {'x'}).isEmpty());
        QVERIFY(!writeImageFile(tmp.path(), "vhd", {'x'}).isEmpty());
        ForestOptions none; // the root folder, its own files only and none opened
        none.recursive = false;
        none.maxImages = 0;
        const auto root = mapChains("/", error, none);
        QVERIFY2(root, error.c_str());
        QCOMPARE(root->folder, std::string("/"));
        QVERIFY(root->nodes.empty());
        const ChainForest f = mapFolder(tmp.path() + "///");
        QCOMPARE(qs(f.folder), tmp.path());
        QCOMPARE(f.imagesInFolder, size_t(1));
        VHDX_COMPARE_STR(f.nodes[0].displayPath, "a.vhdx");
    }

    // A parent on another file system, named by a path of this machine in
    // absolute_win32_path: found, and told apart from the folder's files by device.
    void parentOnAnotherFileSystem() {
        if (!QFileInfo(QStringLiteral("/dev/shm")).isDir())
            QSKIP("no /dev/shm");
        QTemporaryDir other(QStringLiteral("/dev/shm/vhdx-chain-XXXXXX"));
        QVERIFY(other.isValid());
        QTemporaryDir tmp;
        const QString parent = writeSpec(other.path(), "base.vhdx", baseImage(chainGuid(1)));
        QVERIFY(!parent.isEmpty());
        ImageSpec c = childImage(chainGuid(2), chainGuid(1), ".\\gone.vhdx");
        c.parentLocator.push_back({"absolute_win32_path", parent.toStdString()});
        QVERIFY(!writeSpec(tmp.path(), "c.avhdx", c).isEmpty());
        const ChainForest f = mapFolder(tmp.path());
        QVERIFY2(!f.hasErrors(), qPrintable(describe(f.findings)));
        const ChainNode* child = nodeAt(f, "c.avhdx");
        QCOMPARE(child->status, ChainNodeStatus::Ok);
        VHDX_COMPARE_STR(child->located.locatorKey, "absolute_win32_path");
        const ChainNode& base = f.nodes[size_t(child->parent)];
        QCOMPARE(qs(base.displayPath), parent);
        QVERIFY(!base.inFolder);
        if (base.identity->device == child->identity->device)
            QSKIP("/dev/shm is on the same device here");
        QVERIFY(base.identity != child->identity);
    }

    // childrenInFolder: a path without a folder is taken in the current one; a missing file
    // or folder has no children; the image itself (a self-loop) and disks outside the
    // folder are not listed.
    void childrenInFolderEdges() {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeSpec(dir, "a.avhdx", childImage(chainGuid(2), chainGuid(1), "base.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "self.avhdx", childImage(chainGuid(3), chainGuid(3), "self.avhdx"))
                     .isEmpty());
        // in/x's parent is ../y, y's parent is in/x: a loop through a disk outside in/.
        QVERIFY(!writeSpec(dir, "in/x.avhdx", childImage(chainGuid(4), chainGuid(5), "..\\y.avhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "y.avhdx", childImage(chainGuid(5), chainGuid(4), ".\\in\\x.avhdx"))
                     .isEmpty());
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir));
        const auto relative = childrenInFolder("base.vhdx");
        QVERIFY(QDir::setCurrent(before));
        QCOMPARE(relative, std::vector<std::string>{"a.avhdx"});
        QVERIFY(childrenInFolder((dir + "/missing.vhdx").toStdString()).empty());
        QVERIFY(childrenInFolder((dir + "/nowhere/base.vhdx").toStdString()).empty());

        const ChainForest f = mapFolder(dir);
        QCOMPARE(nodeAt(f, "self.avhdx")->status, ChainNodeStatus::Loop);
        QCOMPARE(nodeAt(f, "self.avhdx")->children,
                 std::vector<int>{nodeAt(f, "self.avhdx")->parent});
        QVERIFY(childrenInFolder((dir + "/self.avhdx").toStdString()).empty());

        const ChainForest in = mapFolder(dir + "/in");
        QCOMPARE(in.nodes.size(), size_t(2));
        QVERIFY(!in.nodes[1].inFolder);
        QCOMPARE(in.nodes[0].children, std::vector<int>{1}); // y, outside in/
        QVERIFY(childrenInFolder((dir + "/in/x.avhdx").toStdString()).empty());
    }
};

VHDX_TEST_MAIN(TestChainForestFindings)
#include "tst_chain_forest_findings.moc"
