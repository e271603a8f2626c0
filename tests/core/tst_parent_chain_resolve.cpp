// Following one differencing disk's parents (parent_chain.cpp, MS-VHDX 2.6.2.6): how each
// locator key (relative_path, absolute_win32_path, volume_path) maps onto this machine and
// finds the parent, the depth limit at and one past it, loops through an ancestor, missing
// ancestors, linkage mismatches (parent_linkage missing, not a GUID, parent_linkage2 given),
// a locator without a usable path, a parent that cannot be opened, a parent that claims a
// parent of its own but has no locator.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include "chain_builder.h"
#include "core_test_helpers.h"
#include "file_access_as_nobody.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/findings.h"
#include "vhdx/metadata.h"
#include "vhdx/parent_chain.h"
#include "vhdx/work_budget.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

const std::string kVolume = "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}";

ParentLocator locatorOf(const std::vector<std::pair<std::string, std::string>>& kv) {
    ParentLocator pl;
    pl.type = guids::parentLocatorTypeVhdx;
    for (const auto& [k, v] : kv)
        pl.entries.push_back({k, v, 0, 0, 0, 0});
    pl.valid = true;
    return pl;
}

// "key=path|key=path" of the candidates, in order.
QString candidates(const ParentLocator& pl, const std::string& dir) {
    QStringList out;
    for (const auto& [key, path] : parentCandidates(pl, dir))
        out << qs(key) + "=" + qs(path);
    return out.join('|');
}

std::vector<ParentLink> follow(const QString& child, const ParentLocator& pl, Findings& findings,
                               int maxDepth = 16) {
    return resolveParentChain(child.toStdString(), pl, findings, std::make_shared<WorkBudget>(), {},
                              maxDepth);
}

QString onlyMessage(const Findings& f, FindingCode code) {
    const auto all = findingsWith(f, code);
    return all.size() == 1 && f.items().size() == 1 ? qs(all[0].message) : QString("(none)");
}

} // namespace

class TestParentChainResolve : public QObject {
    Q_OBJECT

  private slots:
    // Windows paths lose their drive letter or volume prefix and are taken relative to the
    // child's folder, as a whole and by file name; duplicates are tried once.
    void windowsPathsMapToTheChildsFolder_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("expected");
        QTest::newRow("relative") << "relative_path"
                                  << ".\\sub\\p.vhdx"
                                  << "/d"
                                  << "relative_path=/d/sub/p.vhdx";
        QTest::newRow("drive letter") << "absolute_win32_path"
                                      << "C:\\vms\\p.vhdx"
                                      << "/d"
                                      << "absolute_win32_path=/d/vms/p.vhdx|"
                                         "absolute_win32_path=/d/p.vhdx";
        QTest::newRow("volume GUID path") << "volume_path" << qs(kVolume + "\\vms\\p.vhdx") << "/d"
                                          << "volume_path=/d/vms/p.vhdx|volume_path=/d/p.vhdx";
        QTest::newRow("device path") << "absolute_win32_path"
                                     << "\\\\.\\C:\\p.vhdx"
                                     << "/d"
                                     << "absolute_win32_path=/d/p.vhdx";
        QTest::newRow("volume alone") << "volume_path" << qs(kVolume) << "/d"
                                      << "";
        QTest::newRow("drive root") << "absolute_win32_path"
                                    << "C:\\"
                                    << "/d"
                                    << "";
        QTest::newRow("one character") << "absolute_win32_path"
                                       << "x"
                                       << "/d"
                                       << "absolute_win32_path=/d/x";
        QTest::newRow("UNC share") << "absolute_win32_path"
                                   << "\\\\srv\\share\\p.vhdx"
                                   << "/d"
                                   << "absolute_win32_path=/d/srv/share/p.vhdx|"
                                      "absolute_win32_path=/d/p.vhdx";
        QTest::newRow("path of this machine")
            << "absolute_win32_path"
            << "/srv/p.vhdx"
            << "/d"
            << "absolute_win32_path=/srv/p.vhdx|absolute_win32_path=/d/srv/p.vhdx|"
               "absolute_win32_path=/d/p.vhdx";
        QTest::newRow("empty value") << "volume_path"
                                     << ""
                                     << "/d"
                                     << "";
        QTest::newRow("child in the current folder") << "relative_path"
                                                     << "p.vhdx"
                                                     << ""
                                                     << "relative_path=p.vhdx";
    }
    void windowsPathsMapToTheChildsFolder() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, dir);
        QFETCH(QString, expected);
        QCOMPARE(candidates(locatorOf({{"parent_linkage", "{x}"},
                                       {key.toStdString(), value.toStdString()}}),
                            dir.toStdString()),
                 expected);
    }

    // A real parent in the child's folder is found through each key alone; the keys that
    // lead nowhere before it are listed as tried.
    void parentFoundThroughEachKey_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("relative_path") << "relative_path"
                                       << ".\\base.vhdx";
        QTest::newRow("absolute_win32_path") << "absolute_win32_path"
                                             << "D:\\Hyper-V\\base.vhdx";
        QTest::newRow("volume_path") << "volume_path" << qs(kVolume + "\\Hyper-V\\base.vhdx");
    }
    void parentFoundThroughEachKey() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        ImageSpec child = childImage(chainGuid(2), chainGuid(1), "");
        if (key != "relative_path")
            child.parentLocator.push_back({"relative_path", ".\\gone.vhdx"});
        child.parentLocator.push_back({key.toStdString(), value.toStdString()});
        const QString path = writeSpec(dir, "c.avhdx", child);
        std::string error;
        const auto img = Image::open(path.toStdString(), error);
        QVERIFY2(img, error.c_str());
        QVERIFY2(!img->findings().hasErrors(), qPrintable(describe(img->findings())));
        QCOMPARE(img->parentChain().size(), size_t(1));
        const ParentLink& link = img->parentChain()[0];
        QCOMPARE(qs(link.locatorKey), key);
        QCOMPARE(qs(link.path), dir + "/base.vhdx");
        QVERIFY(link.found && link.readable && link.linkageMatches);
        QVERIFY(link.parentDataWriteGuid == chainGuid(1));
        QCOMPARE(qs(link.tried.front()),
                 key == "relative_path" ? dir + "/base.vhdx" : dir + "/gone.vhdx");
        QCOMPARE(qs(link.tried.back()), dir + "/base.vhdx");
    }

    // top -> p1 -> ... -> p<levels> (a base), followed at most maxDepth = 3 links: at the
    // limit the chain ends at the base, one past it the last link still has a parent and
    // PARENT_CHAIN_TOO_DEEP says so (the chain is never cut silently).
    void depthLimit_data() {
        QTest::addColumn<int>("levels");
        QTest::newRow("at the limit") << 3;
        QTest::newRow("one past it") << 4;
    }
    void depthLimit() {
        QFETCH(int, levels);
        QTemporaryDir tmp;
        for (int i = 1; i <= levels; ++i)
            QVERIFY(!writeSpec(tmp.path(), QString("p%1.vhdx").arg(i),
                               i == levels ? baseImage(chainGuid(i))
                                           : childImage(chainGuid(i), chainGuid(i + 1),
                                                        ".\\p" + std::to_string(i + 1) + ".vhdx"))
                         .isEmpty());
        Findings f;
        const auto chain = follow(
            tmp.filePath("top.avhdx"),
            locatorOf({{"parent_linkage", braced(chainGuid(1))}, {"relative_path", "p1.vhdx"}}), f,
            3);
        if (levels == 3) {
            QVERIFY2(f.empty(), qPrintable(describe(f)));
        } else {
            QCOMPARE(onlyMessage(f, FindingCode::ParentChainTooDeep),
                     "The parent chain goes on past " + tmp.filePath("p3.vhdx") +
                         ", ancestor 3: more than 3 ancestors are not followed, so the disk "
                         "cannot be read whole");
            QCOMPARE(f.items().front().severity, Severity::Error);
        }
        QCOMPARE(chain.size(), size_t(3));
        for (const ParentLink& l : chain)
            QVERIFY(l.found && l.readable && l.linkageMatches);
        QCOMPARE(chain.back().parentHasParent, levels > 3);
        QCOMPARE(qs(chain.back().path), tmp.filePath("p3.vhdx"));
    }

    // An ancestor that is missing or already in the chain is named by its level.
    void ancestorMissingAndLoop() {
        QTemporaryDir tmp;
        QVERIFY(
            !writeSpec(tmp.path(), "mid.vhdx", childImage(chainGuid(1), chainGuid(9), "gone.vhdx"))
                 .isEmpty());
        Findings f;
        const auto pl =
            locatorOf({{"parent_linkage", braced(chainGuid(1))}, {"relative_path", "mid.vhdx"}});
        auto chain = follow(tmp.filePath("top.avhdx"), pl, f);
        QCOMPARE(chain.size(), size_t(2));
        QVERIFY(!chain[1].found);
        QCOMPARE(onlyMessage(f, FindingCode::ParentNotFound),
                 "Ancestor 2 disk was not found (tried: " + tmp.filePath("gone.vhdx") + ")");

        // a -> b -> a: the loop is seen when a comes round again, as ancestor 2.
        QVERIFY(!writeSpec(tmp.path(), "a.vhdx", childImage(chainGuid(3), chainGuid(4), "b.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(tmp.path(), "b.vhdx", childImage(chainGuid(4), chainGuid(3), "a.vhdx"))
                     .isEmpty());
        Findings loop;
        chain = follow(
            tmp.filePath("a.vhdx"),
            locatorOf({{"parent_linkage", braced(chainGuid(4))}, {"relative_path", "b.vhdx"}}),
            loop);
        QCOMPARE(chain.size(), size_t(2));
        QVERIFY(chain[0].linkageMatches && chain[0].parentHasParent);
        QCOMPARE(onlyMessage(loop, FindingCode::ParentNotFound),
                 "Ancestor 2 " + tmp.filePath("a.vhdx") + " is already in the chain (a loop)");
    }

    // The mismatch message says what the child expected, whatever form it took.
    void linkageMismatchMessages() {
        QTemporaryDir tmp;
        QVERIFY(!writeSpec(tmp.path(), "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        const QString parent = tmp.filePath("base.vhdx");
        const QString head = "The parent " + parent + " has Data write GUID " +
                             qs(chainGuid(1).toString()) + " but parent_linkage is ";
        const QString tail = ": the parent changed since the child was made";

        Findings missing; // no parent_linkage at all, a parent_linkage2 that does not match
        auto chain = follow(
            tmp.filePath("c.avhdx"),
            locatorOf({{"parent_linkage2", braced(chainGuid(2))}, {"relative_path", "base.vhdx"}}),
            missing);
        QVERIFY(!chain[0].expectedLinkageValid && !chain[0].linkageMatches);
        QCOMPARE(onlyMessage(missing, FindingCode::ParentLinkageMismatch),
                 head + "missing and parent_linkage2 " + qs(braced(chainGuid(2))) + tail);

        Findings garbage; // parent_linkage that is not a GUID
        chain = follow(
            tmp.filePath("c.avhdx"),
            locatorOf({{"parent_linkage", "not-a-guid"}, {"relative_path", "base.vhdx"}}), garbage);
        QVERIFY(!chain[0].expectedLinkageValid);
        QCOMPARE(onlyMessage(garbage, FindingCode::ParentLinkageMismatch),
                 head + "not-a-guid" + tail);

        Findings second; // parent_linkage2 is the parent's: accepted (MS-VHDX 2.6.2.6.3)
        chain = follow(tmp.filePath("c.avhdx"),
                       locatorOf({{"parent_linkage", braced(chainGuid(7))},
                                  {"parent_linkage2", braced(chainGuid(1))},
                                  {"relative_path", "base.vhdx"}}),
                       second);
        QVERIFY2(second.empty(), qPrintable(describe(second)));
        QVERIFY(chain[0].linkageMatches && chain[0].expectedLinkageValid);
        QVERIFY(chain[0].expectedLinkage == chainGuid(7));
    }

    // No path key, or one naming a folder: nothing usable is found.
    void noUsablePath() {
        QTemporaryDir tmp;
        Findings none;
        auto chain = follow(tmp.filePath("c.avhdx"),
                            locatorOf({{"parent_linkage", braced(chainGuid(1))}}), none);
        QCOMPARE(chain.size(), size_t(1));
        QVERIFY(!chain[0].found && chain[0].tried.empty());
        QCOMPARE(onlyMessage(none, FindingCode::ParentNotFound),
                 QString("The parent disk was not found (tried: no usable path)"));

        QVERIFY(QDir(tmp.path()).mkdir("base.vhdx"));
        Findings folder;
        chain = follow(
            tmp.filePath("c.avhdx"),
            locatorOf({{"parent_linkage", braced(chainGuid(1))}, {"relative_path", "base.vhdx"}}),
            folder);
        QVERIFY(!chain[0].found);
        QCOMPARE(onlyMessage(folder, FindingCode::ParentNotFound),
                 "The parent disk was not found (tried: " + tmp.filePath("base.vhdx") + ")");
    }

    // A parent that exists but cannot be opened: PARENT_NOT_FOUND with the open's error.
    void parentCannotBeOpened() {
        QTemporaryDir tmp;
        const QString parent = writeSpec(tmp.path(), "base.vhdx", baseImage(chainGuid(1)));
        QVERIFY(::chmod(QFile::encodeName(tmp.path()).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(parent).constData(), 0) == 0);
        Findings f;
        std::vector<ParentLink> chain;
        {
            FileAccessAsNobody nobody;
            if (!FileAccessAsNobody::denied(parent.toStdString()))
                QSKIP("this process can read a mode-0 file: nothing to deny");
            chain = follow(tmp.filePath("c.avhdx"),
                           locatorOf({{"parent_linkage", braced(chainGuid(1))},
                                      {"relative_path", "base.vhdx"}}),
                           f);
        }
        QCOMPARE(chain.size(), size_t(1));
        QVERIFY(chain[0].found && !chain[0].readable);
        QCOMPARE(onlyMessage(f, FindingCode::ParentNotFound),
                 "The parent " + parent + " is not a readable VHDX: cannot open '" + parent +
                     "': Permission denied");
    }

    // A parent with HasParent but no locator (PARENT_LOCATOR_MISSING in its own report):
    // the chain ends there, the link saying the parent has a parent.
    void parentWithoutLocatorEndsTheChain() {
        QTemporaryDir tmp;
        ImageSpec mid = childImage(chainGuid(1), chainGuid(2), "");
        mid.parentLocator.clear(); // HasParent, no locator item
        QVERIFY(!writeSpec(tmp.path(), "mid.vhdx", mid).isEmpty());
        Findings f;
        const auto chain = follow(
            tmp.filePath("c.avhdx"),
            locatorOf({{"parent_linkage", braced(chainGuid(1))}, {"relative_path", "mid.vhdx"}}),
            f);
        QVERIFY2(f.empty(), qPrintable(describe(f)));
        QCOMPARE(chain.size(), size_t(1));
        QVERIFY(chain[0].linkageMatches && chain[0].parentHasParent);
    }
};

VHDX_TEST_MAIN(TestParentChainResolve)
#include "tst_parent_chain_resolve.moc"
