// The --chains reports (chain_report.cpp) on a folder that has one disk of every kind: a
// base with a second name (hard link), a child found by relative_path with parent_linkage2,
// a child whose locator leads to another file, a child of unknown size with error findings
// of its own, a parent outside the folder whose own parent is not looked for, a loop, an
// orphan, a file that is not a VHDX, a 2 TiB base, and the real QEMU image whose log needs a
// replay; then an image whose log is not read to its end, and sizes past 1 PiB. The text
// lines and the JSON keys and values are checked against the README's --chains section.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include <unistd.h>

#include "chain_builder.h"
#include "chain_test_helpers.h"
#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/chain_forest.h"
#include "vhdx/chain_report.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

const QString kDirty = "iotest-dirtylog-10G-4M.vhdx";

QJsonObject nodeNamed(const QJsonDocument& json, const QString& path) {
    for (const QJsonValue& n : json["nodes"].toArray())
        if (n["path"].toString() == path)
            return n.toObject();
    return {};
}

QStringList keysOf(const QJsonObject& o) {
    QStringList k = o.keys();
    k.sort();
    return k;
}

// " (N error findings: see --report)" when the image itself has errors, counted by opening
// it on its own; its parent is not looked for (the forest's findings tell about parents).
QString ownErrors(const QString& path) {
    std::string error;
    ParseOptions options;
    options.resolveParent = false;
    const auto img = Image::open(path.toStdString(), error, options);
    const size_t n = img ? img->findings().count(Severity::Error) : 0;
    return n ? QString(" (%1 error findings: see --report)").arg(n) : QString();
}

QStringList sorted(QStringList l) {
    l.sort();
    return l;
}

} // namespace

class TestChainReportBranches : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_folder;
    std::optional<ChainForest> m_forest;

  private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_folder = m_tmp.path() + "/f";
        const QString f = m_folder;
        QVERIFY(!writeSpec(f, "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(::link(QFile::encodeName(f + "/base.vhdx").constData(),
                       QFile::encodeName(f + "/same.vhdx").constData()) == 0);
        ImageSpec c = childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx");
        c.parentLocator.push_back({"parent_linkage2", braced(chainGuid(9))});
        QVERIFY(!writeSpec(f, "c.avhdx", c).isEmpty());
        QVERIFY(!writeSpec(f, "e.avhdx", childImage(chainGuid(3), chainGuid(1), ".\\c.avhdx"))
                     .isEmpty());
        ImageSpec noSize = childImage(chainGuid(4), chainGuid(1), ".\\base.vhdx");
        noSize.omitItems = {guids::virtualDiskSize};
        QVERIFY(!writeSpec(f, "nosize.avhdx", noSize).isEmpty());
        // o -> ../p1 (outside) -> p2 (not looked for: one step out is the limit below)
        QVERIFY(!writeSpec(f, "o.avhdx", childImage(chainGuid(5), chainGuid(6), "..\\p1.vhdx"))
                     .isEmpty());
        QVERIFY(
            !writeSpec(m_tmp.path(), "p1.vhdx", childImage(chainGuid(6), chainGuid(7), "p2.vhdx"))
                 .isEmpty());
        QVERIFY(!writeSpec(m_tmp.path(), "p2.vhdx", baseImage(chainGuid(7))).isEmpty());
        QVERIFY(!writeSpec(f, "l1.avhdx", childImage(chainGuid(20), chainGuid(21), "l2.avhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(f, "l2.avhdx", childImage(chainGuid(21), chainGuid(20), "l1.avhdx"))
                     .isEmpty());
        QVERIFY(
            !writeSpec(f, "orphan.avhdx", childImage(chainGuid(30), chainGuid(99), "")).isEmpty());
        QVERIFY(!writeImageFile(f, "junk.vhdx", {'j', 'u', 'n', 'k'}).isEmpty());
        ImageSpec big = baseImage(chainGuid(40));
        big.virtualSize = 2ull << 40;
        big.blockSize = 32u << 20;
        QVERIFY(!writeSpec(f, "big.vhdx", big).isEmpty());
        QString error;
        QVERIFY2(!decompressTestImage(kDirty + ".bz2", f, &error).isEmpty(), qPrintable(error));
        ForestOptions options;
        options.maxOutsideDepth = 1;
        m_forest = mapFolder(f, options);
    }

    void textHasEveryStatus() {
        const ChainForest& forest = *m_forest;
        const QString text = qs(chainsText(forest));
        std::string error;
        const auto noSize = Image::open((m_folder + "/nosize.avhdx").toStdString(), error);
        QVERIFY(noSize);
        const size_t noSizeErrors = noSize->findings().count(Severity::Error);
        QVERIFY(noSizeErrors > 0); // METADATA_ITEM_MISSING at least
        const QString outside = m_tmp.path() + "/p1.vhdx";
        const QStringList lines = {
            "Chains of " + m_folder +
                ": 12 images below it (12 opened), 1 outside it, 1 not mapped",
            "base.vhdx  [base, 64 MiB]",
            "+-- c.avhdx  [ok, via relative_path, 64 MiB]",
            "+-- e.avhdx  [PARENT ELSEWHERE: the locator leads to another file, 64 MiB]",
            QString("`-- nosize.avhdx  [ok, via relative_path, size unknown] (%1 error findings: "
                    "see --report)")
                .arg(noSizeErrors),
            "big.vhdx  [base, 2 TiB]",
            "l1.avhdx  [LOOP, 64 MiB]",
            "`-- l2.avhdx  [LOOP, 64 MiB]",
            "    `-- l1.avhdx  [LOOP, 64 MiB]  (drawn above: the chain loops)",
            "orphan.avhdx  [ORPHAN: no parent with the DataWriteGuid it expects, 64 MiB]" +
                ownErrors(m_folder + "/orphan.avhdx"),
            outside + "  [differencing, 64 MiB] (outside the folder) (its parent was not looked "
                      "for: too far outside the folder)",
            "`-- o.avhdx  [ok, via relative_path, 64 MiB]",
            "Not mapped:",
            "  junk.vhdx: not a VHDX file (no \"vhdxfile\" signature)",
            "Verdict: ERRORS FOUND",
        };
        const QStringList actual = text.split('\n');
        for (const QString& line : lines)
            QVERIFY2(actual.contains(line), qPrintable("missing line: " + line + "\n" + text));
        // The QEMU image with a dirty log (tests/data README: replay needed, 10 GiB).
        bool dirty = false;
        for (const QString& l : actual)
            dirty |= l.startsWith(kDirty + "  [base, 10 GiB] (log replay needed: the locator may "
                                           "change when it is replayed)");
        QVERIFY2(dirty, qPrintable(text));
        QCOMPARE(exitCodeFor(forest), 1);
    }

    void jsonHasTheReadmeKeys() {
        QJsonParseError error;
        const QJsonDocument json =
            QJsonDocument::fromJson(QByteArray::fromStdString(chainsJson(*m_forest)), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(keysOf(json.object()),
                 sorted({"folder", "images_in_folder", "nodes", "edges", "loops", "findings"}));
        QCOMPARE(json["folder"].toString(), m_folder);
        QCOMPARE(json["images_in_folder"].toInt(), 12);
        const QStringList always = {"id",   "path",    "in_folder", "aliases", "status",
                                    "vhdx", "problem", "parent",    "children"};
        const QStringList mapped = {"differencing", "data_write_guid",     "virtual_disk_size",
                                    "block_size",   "logical_sector_size", "physical_sector_size",
                                    "log_replay",   "error_findings"};
        const QStringList located = {"followed", "parent_linkage", "parent_linkage2", "locator"};
        QSet<QString> statuses;
        for (const QJsonValue& v : json["nodes"].toArray()) {
            const QJsonObject n = v.toObject();
            QStringList expected = always;
            if (n["vhdx"].toBool())
                expected += mapped;
            if (n.contains("locator"))
                expected += located;
            QCOMPARE(keysOf(n), sorted(expected));
            statuses << n["status"].toString();
        }
        QCOMPARE(statuses, QSet<QString>({"ok", "parent_elsewhere", "orphan", "loop", "skipped"}));

        const QJsonObject base = nodeNamed(json, "base.vhdx");
        QCOMPARE(base["aliases"].toArray(), QJsonArray({"same.vhdx"}));
        QVERIFY(base["problem"].isNull());
        QCOMPARE(base["differencing"].toBool(), false);
        QCOMPARE(base["data_write_guid"].toString(), qs(chainGuid(1).toString()));
        QCOMPARE(base["virtual_disk_size"].toInteger(), qint64(64) << 20);
        QCOMPARE(base["children"].toArray().size(), 3);

        const QJsonObject c = nodeNamed(json, "c.avhdx");
        QCOMPARE(c["parent_linkage"].toString(), qs(braced(chainGuid(1))));
        QCOMPARE(c["parent_linkage2"].toString(), qs(chainGuid(9).toString()));
        QCOMPARE(c["locator"]["key"].toString(), QString("relative_path"));
        QCOMPARE(c["locator"]["path"].toString(), m_folder + "/base.vhdx");
        QCOMPARE(c["parent"].toInt(), base["id"].toInt());
        QVERIFY(nodeNamed(json, "e.avhdx")["parent_linkage2"].isNull());

        const QJsonObject junk = nodeNamed(json, "junk.vhdx");
        QCOMPARE(junk["status"].toString(), QString("skipped"));
        QCOMPARE(junk["problem"].toString(),
                 QString("not a VHDX file (no \"vhdxfile\" signature)"));
        QVERIFY(junk["parent"].isNull());

        QVERIFY(nodeNamed(json, "nosize.avhdx")["virtual_disk_size"].isNull());
        QVERIFY(nodeNamed(json, "nosize.avhdx")["error_findings"].toInt() > 0);
        QCOMPARE(nodeNamed(json, kDirty)["log_replay"].toString(), QString("needed"));
        QCOMPARE(nodeNamed(json, kDirty)["virtual_disk_size"].toInteger(), qint64(10) << 30);
        QCOMPARE(nodeNamed(json, "big.vhdx")["virtual_disk_size"].toInteger(), qint64(2) << 40);

        const QJsonObject outside = nodeNamed(json, m_tmp.path() + "/p1.vhdx");
        QCOMPARE(outside["in_folder"].toBool(), false);
        QCOMPARE(outside["followed"].toBool(), false);
        QCOMPARE(outside["locator"]["found"].toBool(), false);
        QCOMPARE(outside["locator"]["tried"].toArray().size(), 0);

        const QJsonArray loops = json["loops"].toArray();
        QCOMPARE(loops.size(), 1);
        QCOMPARE(loops[0].toArray(), QJsonArray({nodeNamed(json, "l1.avhdx")["id"].toInt(),
                                                 nodeNamed(json, "l2.avhdx")["id"].toInt()}));
        QSet<QString> kinds;
        for (const QJsonValue& e : json["edges"].toArray())
            kinds << e["kind"].toString();
        QCOMPARE(kinds, QSet<QString>({"locator", "guid"}));
        for (const QJsonValue& x : json["findings"].toArray())
            QCOMPARE(keysOf(x.toObject()),
                     sorted({"severity", "code", "path", "message", "spec", "advice"}));
    }

    // A locator that finds no file while a file of the folder has the GUID: said so.
    void locatorFindsNoFile() {
        QTemporaryDir tmp;
        QVERIFY(!writeSpec(tmp.path(), "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(
            !writeSpec(tmp.path(), "m.avhdx", childImage(chainGuid(2), chainGuid(1), "gone.vhdx"))
                 .isEmpty());
        const std::string text = chainsText(mapFolder(tmp.path()));
        QVERIFY2(qs(text).contains("\n`-- m.avhdx  [PARENT ELSEWHERE: the locator finds no file, "
                                   "64 MiB]\n"),
                 text.c_str());
    }

    // A log longer than the budget of one open: its replay state is unknown, said so.
    void logNotCheckedToItsEnd() {
        QTemporaryDir tmp;
        ImageSpec spec = baseImage(chainGuid(1));
        spec.logGuid = chainGuid(100);
        spec.logLength = 2 * uint32_t(MiB);
        spec.virtualSize = 1536 * MiB; // not a whole number of GiB: said in MiB
        BuiltImage b = buildImage(spec);
        for (uint64_t at = b.logOffset; at < b.logOffset + b.logLength; at += 4096) {
            std::memcpy(b.bytes.data() + at, "loge", 4); // real bytes, never a valid entry
            putU32(b, at + field::logEntryLength, 4096);
        }
        QVERIFY(!writeImageFile(tmp.path(), "h.vhdx", b.bytes).isEmpty());
        ForestOptions options;
        options.logBytesPerOpen = MiB;
        const ChainForest f = mapFolder(tmp.path(), options);
        QCOMPARE(f.nodes[0].logReplay, LogReplayState::Unknown);
        // (its own error findings, counted with the forest's budget, may follow)
        QVERIFY2(
            qs(chainsText(f)).contains("\nh.vhdx  [base, 1536 MiB] (log not checked to its end)"),
            chainsText(f).c_str());
        const QJsonDocument json =
            QJsonDocument::fromJson(QByteArray::fromStdString(chainsJson(f)));
        QCOMPARE(json["nodes"][0]["log_replay"].toString(), QString("unknown"));
        QCOMPARE(exitCodeFor(f), 0);
    }

    // Sizes are said in TiB at most, however large (a hostile Virtual Disk Size item; the
    // image's own finding says it is invalid): 1 PiB is "1024 TiB", 2^60 bytes "1048576 TiB".
    void sizesAboveTiBStayInTiB() {
        QTemporaryDir tmp;
        for (const auto& [name, size] :
             {std::pair{"p.vhdx", uint64_t(1) << 50}, std::pair{"e.vhdx", uint64_t(1) << 60}}) {
            BuiltImage b = buildImage(baseImage(chainGuid(size == uint64_t(1) << 50 ? 1 : 2)));
            putU64(b, b.item(guids::virtualDiskSize)->dataOffset, size);
            QVERIFY(!writeImageFile(tmp.path(), name, b.bytes).isEmpty());
        }
        const QString text = qs(chainsText(mapFolder(tmp.path())));
        QVERIFY2(text.contains("\np.vhdx  [base, 1024 TiB]"), qPrintable(text));
        QVERIFY2(text.contains("\ne.vhdx  [base, 1048576 TiB]"), qPrintable(text));
    }
};

VHDX_TEST_MAIN(TestChainReportBranches)
#include "tst_chain_report_branches.moc"
