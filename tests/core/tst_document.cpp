// The decoded document: every node with its bytes, one status and its findings by
// typed reference; nodeAt answers which field owns a byte. Includes the four defects the
// hand-written tree builders had.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "document_test_helpers.h"
#include "log_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/document/document.h"
#include "vhdx/layout.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

using namespace vhdx;
using namespace vhdx::test;

class TestDocument : public QObject {
    Q_OBJECT
  private slots:
    void headerFieldsFromTheSchema() {
        namespace hs = schema::header;
        const auto img = parseAndScan(buildImage({}));
        const auto doc = documentOf(*img);
        const NodeId h1 = doc->nodeFor(ref::header(1));
        QVERIFY(h1 != noNode);
        QCOMPARE(doc->node(h1).ranges, (std::vector<ByteRange>{{64 * KiB, 4096}}));
        for (const schema::Field* f : hs::fields) {
            if (f->type == schema::FieldType::Reserved)
                continue;
            const NodeId n = doc->childWithField(h1, *f);
            QVERIFY2(n != noNode, f->key.data());
            QCOMPARE(doc->node(n).ranges,
                     (std::vector<ByteRange>{{64 * KiB + f->offset, f->size}}));
            // Which field owns a byte: the field, for every byte of it.
            QCOMPARE(doc->nodeAt(64 * KiB + f->offset + f->size - 1), n);
        }
        QCOMPARE(doc->node(doc->childWithField(h1, hs::sequenceNumber)).value, std::string("1"));
        // A reserved byte belongs to the header itself; a byte of the first MiB outside
        // every structure to the file.
        QCOMPARE(doc->nodeAt(64 * KiB + 100), h1);
        QCOMPARE(doc->node(doc->nodeAt(900 * KiB)).label, std::string("File"));
        QCOMPARE(doc->nodeAt(img->fileSize()), noNode);
    }

    // Defect 1: a payload entry in state 7 on a disk without a parent was counted as
    // "partially present" and again as "invalid" (33 of 32 entries).
    void partiallyPresentWithoutParentCountsOnce() {
        ImageSpec spec;
        spec.rawBatEntries[5] = bat::entry(bat::PartiallyPresent, 0);
        const auto img = parseAndScan(buildImage(spec));
        const auto doc = documentOf(*img);
        const NodeId states = childNamed(*doc, doc->nodeFor(ref::bat()), "Payload states");
        QVERIFY(states != noNode);
        uint64_t sum = 0;
        for (NodeId c : doc->node(states).children)
            sum += std::stoull(doc->node(c).value);
        QCOMPARE(sum, uint64_t(32));
        QCOMPARE(doc->node(childNamed(*doc, states, "partially present")).value, std::string("0"));
        const NodeId invalid = childNamed(*doc, states, "invalid state");
        QCOMPARE(doc->node(invalid).value, std::string("1"));
        QCOMPARE(doc->node(invalid).status, NodeStatus::Error);
        QCOMPARE(img->batScan()->counts.of(BatClass::PayloadPartiallyPresent), uint64_t(0));
    }

    // Defect 2: an entry that wraps around the end of the circular log claimed one
    // contiguous range, so the bytes after the log (the BAT) showed as log bytes.
    void wrappedLogEntryHasTwoRanges() {
        LogEntrySpec e = entry(8);
        e.offset = MiB - 4096; // 8 KiB: its second sector is the log's first
        const BuiltImage b = buildImage(withLog({e}));
        const auto img = parseAndScan(b);
        QCOMPARE(int(img->log().replayState), int(LogReplayState::Needed));
        const auto doc = documentOf(*img);
        const NodeId n = doc->nodeFor(ref::logEntry(MiB - 4096));
        QVERIFY(n != noNode);
        const std::vector<ByteRange> expected{{b.logOffset + MiB - 4096, 4096},
                                              {b.logOffset, 4096}};
        QCOMPARE(doc->node(n).ranges, expected);
        QCOMPARE(doc->node(n).size(), uint64_t(8192));
        // The first byte after the log is the BAT's, not the entry's.
        QCOMPARE(doc->nodeAt(b.logOffset + b.logLength), doc->nodeFor(ref::bat()));
        QVERIFY(doc->node(n).contains(b.logOffset));
        QVERIFY(!doc->node(n).contains(b.logOffset + 4096));
        // Its descriptor lies in its first sector, at the end of the log.
        const NodeId d0 = childNamed(*doc, n, "Descriptor 0");
        QCOMPARE(doc->node(d0).ranges,
                 (std::vector<ByteRange>{{b.logOffset + MiB - 4096 + 64, 32}}));
    }

    // The nodes whose bytes the pending log writes are marked with the descriptor
    // that writes them; the others, and the log itself, are not.
    void logChangesMarkTheirNodes() {
        ImageSpec s;
        const BuiltImage clean = buildImage(s);
        LogEntrySpec e = entry(5);
        // The same bytes as stored: written is what counts, not changed values.
        const auto sectorAt = [&clean](uint64_t off) {
            return std::vector<uint8_t>(clean.bytes.begin() + long(off),
                                        clean.bytes.begin() + long(off) + 4096);
        };
        const uint64_t itemSector = clean.items[0].dataOffset / 4096 * 4096;
        e.data = {{clean.batOffset, sectorAt(clean.batOffset)}, {itemSector, sectorAt(itemSector)}};
        const BuiltImage b = buildImage(withLog({e}));
        QCOMPARE(b.batOffset, clean.batOffset);
        const auto img = parseAndScan(b);
        const auto doc = documentOf(*img);
        const DocNode& bat = doc->node(doc->nodeFor(ref::bat()));
        QVERIFY(bat.changedByLog);
        QCOMPARE(bat.changedBy, std::string("log entry sequence 5, descriptor 0 (data, 4 KiB at " +
                                            formatOffset(b.batOffset) + ")"));
        // The metadata item in the second written sector, by the second descriptor.
        const DocNode& item = doc->node(doc->nodeFor(ref::metadataItem(0)));
        QVERIFY(item.changedByLog);
        QVERIFY2(item.changedBy.find("descriptor 1") != std::string::npos, item.changedBy.c_str());
        // Untouched: the headers, the region tables, the log and its entries.
        for (const StructureRef& r :
             {ref::header(1), ref::header(2), ref::regionTable(1), ref::log(), ref::logEntry(0)})
            QVERIFY(!doc->node(doc->nodeFor(r)).changedByLog);
        // The log's Replay node lists both descriptors with where they land.
        const NodeId replay = childNamed(*doc, doc->nodeFor(ref::log()), "Replay");
        QVERIFY(replay != noNode);
        QCOMPARE(doc->node(replay).value, std::string("shown as after it (the view)"));
        const NodeId descs = childNamed(*doc, replay, "Descriptors");
        QCOMPARE(doc->node(descs).children.size(), size_t(2));
        const std::string first = doc->node(doc->node(descs).children[0]).value;
        // The sector holds 512 entry slots; the disk has totalBatEntries of them.
        QVERIFY2(first == "data, 4 KiB at " + formatOffset(b.batOffset) + " -> BAT entries 0.." +
                              std::to_string(b.totalBatEntries - 1),
                 first.c_str());
        QVERIFY(doc->node(doc->node(descs).children[1]).value.find("metadata item") !=
                std::string::npos);
        QCOMPARE(doc->node(childNamed(*doc, replay, "BAT entries changed")).value,
                 std::string("0"));                                      // the same bytes as stored
        QVERIFY(doc->node(doc->node(descs).children[0]).ranges.empty()); // not the BAT's owner
        // A clean image marks nothing.
        const auto cleanDoc = documentOf(*parseAndScan(clean));
        for (NodeId n = 1; n < cleanDoc->nodeCount(); ++n)
            QVERIFY(!cleanDoc->node(n).changedByLog);
    }

    // Defect 3: a structure that could not be read for an I/O error was explained as lying
    // beyond the end of the file.
    void ioErrorIsSaid() {
        const BuiltImage b = buildImage({});
        const auto img = Image::parse(
            std::make_shared<FailingSource>(b.bytes, b.headerOffset[0], b.headerOffset[0] + 8));
        const Header& h = img->headers().headers[0];
        QVERIFY(!h.readable);
        QVERIFY2(h.problem().find("I/O error") != std::string::npos, h.problem().c_str());
        const auto doc = documentOf(*img);
        const DocNode& n = doc->node(doc->nodeFor(ref::header(1)));
        QCOMPARE(n.value, std::string("unreadable"));
        QVERIFY2(n.reason.find("I/O error") != std::string::npos, n.reason.c_str());
        QVERIFY(n.reason.find("beyond") == std::string::npos);
        QCOMPARE(n.status, NodeStatus::Error);
    }

    // One status per node, the finding's: a bad copy is a warning while the other is good.
    void statusFollowsTheFindings() {
        BuiltImage b = buildImage({});
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[0]), 64 * KiB, uint8_t(0));
        const auto img = parseAndScan(b);
        const auto doc = documentOf(*img);
        const NodeId t1 = doc->nodeFor(ref::regionTable(1));
        QCOMPARE(doc->node(t1).status, NodeStatus::Warning);
        QCOMPARE(doc->node(t1).findings.size(), size_t(2)); // signature and checksum
        const NodeId sig = doc->childWithField(t1, schema::region_table::signature);
        QCOMPARE(doc->node(sig).status, NodeStatus::Warning);
        QCOMPARE(doc->node(sig).value, std::string("\\x00\\x00\\x00\\x00")); // what is there
        QCOMPARE(doc->node(doc->nodeFor(ref::regionTable(2))).status, NodeStatus::Ok);
        // The root carries the worst problem below it.
        QCOMPARE(doc->node(doc->root()).status, NodeStatus::Warning);
    }

    // A parent that is not found is the chain's problem, not the (valid) locator's.
    void missingParentMarksTheChain() {
        QTemporaryDir dir;
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{00000000-0000-0000-0000-000000000001}"},
                              {"relative_path", "gone.vhdx"}};
        const QString path = writeImageFile(dir.path(), "child.vhdx", buildImage(spec).bytes);
        std::string error;
        const auto img = Image::open(path.toStdString(), error);
        QVERIFY(img);
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentNotFound, f);
        QCOMPARE(key(*img, f), std::string("metadata:Parent Locator")); // the report's name
        const auto doc = documentOf(*img);
        QCOMPARE(doc->node(doc->nodeFor(ref::metadata())).status, NodeStatus::Ok);
        QCOMPARE(doc->node(doc->nodeFor(ref::parentChain())).status, NodeStatus::Error);
    }

    // A log entry has one name, its place in the log, in the tree, the
    // structure title the findings show, and the findings' messages.
    void logEntryHasOneName() {
        LogEntrySpec stale = entry(80117412345678901);
        stale.logGuid = Guid::random(); // stale: LOG_ENTRY_INVALID names it
        const BuiltImage b = buildImage(withLog({entry(80117412345678902), stale}));
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogEntryInvalid, f);
        const auto doc = documentOf(*img);
        const std::string title = structureTitle(f.where, img->metadata());
        QCOMPARE(title, logEntryTitle(f.where.index));
        VHDX_COMPARE_STR(title, "Log entry +0x2000");
        const NodeId n = doc->nodeFor(f.where);
        QCOMPARE(doc->node(n).label, title);
        QVERIFY2(f.message.starts_with(title + " (sequence 80117412345678901)"), f.message.c_str());
        // The 17-digit sequence number is in the value, whole.
        QVERIFY(doc->node(n).value.find("80117412345678901") != std::string::npos);
    }

    // Defect 6: a damaged signature shows the bytes found, everywhere, not "bad" or "missing".
    void signaturesShowTheBytesFound() {
        BuiltImage b = buildImage({});
        b.bytes[b.metadataOffset] = 0;
        std::fill_n(b.bytes.begin(), 4, uint8_t('X'));
        const auto img = parseAndScan(b);
        const auto doc = documentOf(*img);
        const NodeId md = doc->nodeFor(ref::metadata());
        QCOMPARE(doc->node(doc->childWithField(md, schema::metadata_table::signature)).value,
                 std::string("\\x00etadata"));
        const NodeId id = doc->nodeFor(ref::identifier());
        QCOMPARE(doc->node(doc->childWithField(id, schema::identifier::signature)).value,
                 std::string("XXXXfile"));
        QCOMPARE(doc->node(id).status, NodeStatus::Error);
    }

    // Defect 9: with both region tables zeroed nothing says "dynamic", and the Metadata and
    // BAT nodes say why they cannot be read.
    void bothRegionTablesZeroed() {
        BuiltImage b = buildImage({});
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[0]), 128 * KiB, uint8_t(0));
        const auto img = parseAndScan(b);
        QCOMPARE(diskType(img->metadata()), DiskType::Unknown);
        VHDX_COMPARE_STR(diskTypeName(diskType(img->metadata())), "unknown");
        const auto doc = documentOf(*img);
        for (const StructureRef r : {ref::metadata(), ref::bat()}) {
            const DocNode& n = doc->node(doc->nodeFor(r));
            QCOMPARE(n.status, NodeStatus::Error);
            QVERIFY2(n.reason.starts_with("Neither region table is valid"), n.reason.c_str());
        }
        VHDX_REQUIRE_FINDING(*img, FindingCode::NoValidRegionTable, f);
        QCOMPARE(f.where, ref::regionTable(1));
    }

    void pathsRoundTrip() {
        const auto img = parseAndScan(buildImage({}));
        const auto doc = documentOf(*img);
        const NodeId seq =
            doc->childWithField(doc->nodeFor(ref::header(2)), schema::header::sequenceNumber);
        QCOMPARE(doc->nodeForPath(doc->path(seq)), seq);
        QCOMPARE(doc->nodeForPath("no such node"), noNode);
    }

    // The File node's value is the file's name; its Path field the path as opened (with a
    // folder, and without one: opened from the current folder).
    void fileNodeNamesTheFile() {
        QTemporaryDir dir;
        const QString path = writeImageFile(dir.path(), "disk.vhdx", buildImage({}).bytes);
        QVERIFY(!path.isEmpty());
        for (const QString& opened : {path, QString("disk.vhdx")}) {
            const QString oldCwd = QDir::currentPath();
            QVERIFY(QDir::setCurrent(dir.path()));
            std::string error;
            const auto img = Image::open(opened.toStdString(), error);
            QVERIFY(QDir::setCurrent(oldCwd));
            QVERIFY2(img, error.c_str());
            const auto doc = documentOf(*img);
            const NodeId file = doc->nodeFor(ref::file());
            VHDX_COMPARE_STR(doc->node(file).value, "disk.vhdx");
            VHDX_COMPARE_STR(doc->node(childNamed(*doc, file, "Path")).value, opened.toStdString());
        }
    }
};

VHDX_TEST_MAIN(TestDocument)
#include "tst_document.moc"
