// The document's BAT node: while the scan runs only the geometry is shown; a
// cancelled scan is incomplete, said with how far it got; undefined states of payload and
// sector-bitmap slots are errors on their rows; reserved bits 3-19 set are a warning.
// Counts are checked against the raw entries the builder was told to write (MS-VHDX 2.5).
#include <atomic>

#include <QTest>

#include "core_test_helpers.h"
#include "document_test_helpers.h"
#include "test_registry.h"
#include "vhdx/document/document.h"
#include "vhdx/text_format.h"

using namespace vhdx;
using namespace vhdx::test;

class TestDocumentBat : public QObject {
    Q_OBJECT
  private slots:
    // Before the scan has finished: no counts, a "Scan: running…" row. The geometry of a
    // 1 GiB disk with 32 MiB blocks: 32 payload entries, no sector-bitmap slot.
    void scanNotDone() {
        const auto img = parseAndScan(buildImage({}));
        DocumentOptions options;
        options.scanDone = false;
        const auto doc = buildDocument(*img, img->findings().items(), options);
        const NodeId bat = doc->nodeFor(ref::bat());
        QCOMPARE(doc->node(bat).value, std::string("32 entries (32 payload + 0 sector bitmap)"));
        QCOMPARE(doc->node(childNamed(*doc, bat, "Scan")).value, std::string("running…"));
        QCOMPARE(childNamed(*doc, bat, "Payload states"), noNode);
        QCOMPARE(childNamed(*doc, bat, "Reserved bits set"), noNode);
        QCOMPARE(doc->node(bat).status, NodeStatus::None);
        // An image never scanned shows the same.
        const auto unscanned = Image::parse(buildImage({}).source());
        const auto doc2 = buildDocument(*unscanned, unscanned->findings().items());
        QCOMPARE(doc2->node(childNamed(*doc2, doc2->nodeFor(ref::bat()), "Scan")).value,
                 std::string("running…"));
    }

    // A scan cancelled before it starts: incomplete, 0 of the 32 entries, a warning; the BAT
    // node is not marked as fully scanned.
    void cancelledScanIsIncomplete() {
        const auto img = Image::parse(buildImage({}).source());
        std::atomic<bool> cancel{true};
        BatScanOptions options;
        options.cancel = &cancel;
        QVERIFY(!img->scanBat(options).completed);
        const auto doc = buildDocument(*img, img->findings().items());
        const NodeId bat = doc->nodeFor(ref::bat());
        const NodeId scan = childNamed(*doc, bat, "Scan");
        QCOMPARE(doc->node(scan).value, std::string("incomplete (0 of 32 entries)"));
        QCOMPARE(doc->node(scan).status, NodeStatus::Warning);
        QCOMPARE(doc->node(scan).reason, std::string("cancelled or unreadable"));
        QVERIFY(doc->node(bat).reason != "every entry scanned");
    }

    // Reserved bits in two entries; state 2 (zero) in a sector-bitmap slot, where only 0 and
    // 6 are defined; state 4 in a payload slot. 10 GiB: 320 payload entries, bitmap slots at
    // 128 and 257.
    void undefinedStatesAndReservedBits() {
        ImageSpec spec = tenGiB();
        spec.rawBatEntries[3] = bat::entry(bat::NotPresent, 0) | (1u << 3);
        spec.rawBatEntries[7] = bat::entry(bat::Zero, 0) | (1u << 19);
        spec.rawBatEntries[128] = bat::entry(2, 0);
        spec.rawBatEntries[9] = bat::entry(4, 0);
        const auto img = parseAndScan(buildImage(spec));
        const auto doc = buildDocument(*img, img->findings().items());
        const NodeId bat = doc->nodeFor(ref::bat());
        QCOMPARE(doc->node(bat).value, std::string("322 entries (320 payload + 2 sector bitmap)"));
        QCOMPARE(doc->node(childNamed(*doc, bat, "Scan")).value, std::string("complete"));
        const NodeId reserved = childNamed(*doc, bat, "Reserved bits set");
        QCOMPARE(doc->node(reserved).value, std::string("2"));
        QCOMPARE(doc->node(reserved).status, NodeStatus::Warning);
        QCOMPARE(doc->node(reserved).reason, std::string("bits 3-19 must be zero"));

        const NodeId bitmaps = childNamed(*doc, bat, "Sector bitmap states");
        QCOMPARE(doc->node(bitmaps).value, std::string("2"));
        const NodeId bInvalid = childNamed(*doc, bitmaps, "invalid state");
        QCOMPARE(doc->node(bInvalid).value, std::string("1"));
        QCOMPARE(doc->node(bInvalid).status, NodeStatus::Error);
        QCOMPARE(doc->node(bInvalid).reason,
                 std::string("undefined state for a sector-bitmap slot"));
        QCOMPARE(doc->node(childNamed(*doc, bitmaps, "not present")).value, std::string("1"));

        const NodeId payload = childNamed(*doc, bat, "Payload states");
        QCOMPARE(doc->node(payload).value, std::string("320"));
        const NodeId pInvalid = childNamed(*doc, payload, "invalid state");
        QCOMPARE(doc->node(pInvalid).value, std::string("1"));
        QCOMPARE(doc->node(pInvalid).reason, std::string("undefined state for a payload slot"));
        QCOMPARE(doc->node(childNamed(*doc, payload, "zero")).value, std::string("1"));
        // A row with a zero count has no status of its own.
        QCOMPARE(doc->node(childNamed(*doc, payload, "unmapped")).status, NodeStatus::None);
    }
};

VHDX_TEST_MAIN(TestDocumentBat)
#include "tst_document_bat.moc"
