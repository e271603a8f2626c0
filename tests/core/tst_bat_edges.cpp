// Edges of the BAT (MS-VHDX 2.5) outside the scan's main path: the text and finding code of each
// kind of entry problem, geometry and reader queries past the table or on an invalid
// geometry, reads that fail (reader, window), a scan over no geometry, and a scan that is
// cancelled and run again (its findings replaced, not doubled; a finished scan kept).
#include <QTest>

#include <atomic>

#include "bat_window.h"
#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/bat.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
// A source whose every read fails.
class DeadSource final : public ByteSource {
  public:
    explicit DeadSource(uint64_t size) : m_size(size) {}
    uint64_t size() const override { return m_size; }
    ReadStatus read(uint64_t, void*, size_t) const override { return ReadStatus::IoError; }

  private:
    uint64_t m_size;
};

// 1 GiB, 32 MiB blocks, 512-byte sectors: ratio 128, 32 payload entries, no bitmap slot.
BatGeometry oneGiB() {
    return BatGeometry::compute(32 * MiB, 512, GiB, false);
}
} // namespace

class TestBatEdges : public QObject {
    Q_OBJECT
  private slots:
    void problemTextsAndCodes() {
        using P = BatProblem;
        VHDX_COMPARE_STR(batProblemText(P::InvalidState), "its state is not defined for this slot");
        VHDX_COMPARE_STR(batProblemText(P::ReservedBits), "reserved bits 3-19 are set");
        VHDX_COMPARE_STR(batProblemText(P::BeyondEof), "its block ends beyond the end of the file");
        VHDX_COMPARE_STR(batProblemText(P::OverlapsStructure),
                         "its block overlaps a structure of the file");
        VHDX_COMPARE_STR(batProblemText(P::OverlapsBlock), "its block overlaps another block");
        VHDX_COMPARE_STR(batProblemText(P::SectorBitmapMissing),
                         "its chunk has partially present blocks but this sector bitmap is not "
                         "present");
        QVERIFY(batProblemText(P::Count).empty());
        QCOMPARE(batProblemCode(P::InvalidState), FindingCode::BatEntryStateInvalid);
        QCOMPARE(batProblemCode(P::ReservedBits), FindingCode::BatEntryReservedBits);
        QCOMPARE(batProblemCode(P::BeyondEof), FindingCode::BatEntryBeyondEof);
        QCOMPARE(batProblemCode(P::OverlapsStructure), FindingCode::BatEntryOverlap);
        QCOMPARE(batProblemCode(P::OverlapsBlock), FindingCode::BatEntryOverlap);
        QCOMPARE(batProblemCode(P::SectorBitmapMissing), FindingCode::BatSectorBitmapMissing);
    }

    void geometryQueries() {
        const BatGeometry g = oneGiB();
        QVERIFY(g.valid);
        QCOMPARE(g.totalEntries, uint64_t(32));
        QCOMPARE(g.firstPaddingIndex(), uint64_t(32)); // no padding without a parent
        QCOMPARE(g.indexOfVirtualOffset(0), std::optional<uint64_t>(0));
        QCOMPARE(g.indexOfVirtualOffset(GiB - 1), std::optional<uint64_t>(31));
        QCOMPARE(g.indexOfVirtualOffset(GiB), std::optional<uint64_t>());
        // An invalid geometry (block size not a power of two) answers nothing.
        const BatGeometry bad = BatGeometry::compute(3 * MiB, 512, GiB, false);
        QVERIFY(!bad.valid);
        QCOMPARE(bad.indexOfVirtualOffset(0), std::optional<uint64_t>());
        QCOMPARE(bad.firstPaddingIndex(), bad.totalEntries);
    }

    void readerBounds() {
        const MemorySource src(std::vector<uint8_t>(2 * MiB, 0));
        const BatReader r(src, MiB, MiB, oneGiB());
        QCOMPARE(r.readableEntries(), uint64_t(32));
        QCOMPARE(r.indexAtFileOffset(MiB - 1), std::optional<uint64_t>());
        QCOMPARE(r.indexAtFileOffset(MiB + 8 * 31 + 7), std::optional<uint64_t>(31));
        QCOMPARE(r.indexAtFileOffset(MiB + 8 * 32), std::optional<uint64_t>());
        std::vector<BatEntry> out;
        QVERIFY(!r.readRange(32, 1, out));
        QVERIFY(!r.readRange(31, 2, out));
        QVERIFY(r.readRange(31, 1, out));
        QCOMPARE(out.size(), size_t(1));
    }

    void failedReadsAreReported() {
        const DeadSource src(2 * MiB);
        const BatReader r(src, MiB, MiB, oneGiB());
        QCOMPARE(r.readableEntries(), uint64_t(32));
        std::vector<BatEntry> out;
        QVERIFY(!r.readRange(0, 4, out));
        QVERIFY(!r.entry(0).has_value());
        detail::BatWindow w(r);
        QVERIFY(!w.at(0).has_value());
        QVERIFY(!w.load(5));
        QVERIFY(!w.at(32).has_value()); // past the table: no read tried
    }

    void windowReadsAheadAndStopsAtTheEnd() {
        std::vector<uint8_t> bytes(2 * MiB, 0);
        for (uint64_t i = 0; i < 32; ++i)
            putLe64(bytes.data() + MiB + 8 * i, bat::entry(bat::Zero, 0) + (i << 20));
        const MemorySource src(std::move(bytes));
        const BatReader r(src, MiB, MiB, oneGiB());
        detail::BatWindow w(r);
        QCOMPARE(w.at(3)->raw, bat::entry(bat::Zero, 3 * MiB));
        QCOMPARE(w.first(), uint64_t(3));
        QCOMPARE(w.end(), uint64_t(32));
        QCOMPARE(w.at(31)->raw, bat::entry(bat::Zero, 31 * MiB));
        QCOMPARE(w.first(), uint64_t(3)); // served from the window
        QVERIFY(!w.at(32).has_value());
    }

    void scanOfAnInvalidGeometryDoesNothing() {
        const MemorySource src(std::vector<uint8_t>(2 * MiB, 0xFF));
        Findings f;
        const BatScanResult r = scanBat(src, MiB, MiB, BatGeometry{}, {}, f);
        QVERIFY(!r.completed);
        QCOMPARE(r.entriesScanned, uint64_t(0));
        QCOMPARE(f.items().size(), size_t(0));
    }

    // The scan finds the given offsets in present blocks; an empty list finds nothing, and a
    // block whose end would pass 2^64 is beyond the end of the file, not searched.
    void scanLocatesOffsetsInBlocks() {
        std::vector<uint8_t> bytes(40 * MiB, 0);
        putLe64(bytes.data() + MiB, bat::entry(bat::FullyPresent, 2 * MiB));
        putLe64(bytes.data() + MiB + 8, 0xFFFFFFFFFFF00000ull | bat::FullyPresent);
        const MemorySource src(std::move(bytes));
        const std::vector<uint64_t> none,
            wanted = {MiB, 2 * MiB + 4096, 3 * MiB, 0xFFFFFFFFFFF00000ull + 8};
        BatScanOptions o;
        o.locate = &none;
        Findings f0;
        QVERIFY(scanBat(src, MiB, MiB, oneGiB(), {}, f0, o).located.empty());
        o.locate = &wanted;
        Findings f;
        const BatScanResult r = scanBat(src, MiB, MiB, oneGiB(), {}, f, o);
        QVERIFY(r.completed);
        QCOMPARE(r.located.size(), size_t(2));
        QCOMPARE(r.located[0].offset, 2 * MiB + 4096);
        QCOMPARE(r.located[0].index, uint64_t(0));
        QVERIFY(!r.located[0].sectorBitmap);
        QCOMPARE(r.located[1].offset, 3 * MiB);
        QCOMPARE(r.problem(BatProblem::BeyondEof).listed, std::vector<uint64_t>{1});
        const auto beyond = findingsWith(f, FindingCode::BatEntryBeyondEof);
        QCOMPARE(beyond.size(), size_t(1));
        VHDX_COMPARE_STR(beyond[0].message,
                         "1 present blocks end beyond the end of the file (40 MiB); first: BAT "
                         "entry 1 (0xfffffffffff00006), block 0xfffffffffff00000 + 32 MiB (past "
                         "2^64)");
    }

    // Cancelled after its first 10 entries, the scan reports what it saw and SCAN_CANCELLED;
    // the next scan replaces those findings with the whole table's; a third call keeps them.
    void cancelledScanIsReplacedByTheNext() {
        ImageSpec spec = tenGiB();               // 322 entries
        spec.rawBatEntries = {{0, 5}, {200, 4}}; // undefined payload states
        BuiltImage b = buildImage(spec);
        b.bytes[b.headerOffset[0] + 100] ^= 1; // header 1's checksum fails: not a BAT finding
        auto img = Image::parse(b.source());
        QCOMPARE(findingsWith(*img, FindingCode::HeaderChecksumBad).size(), size_t(1));
        std::atomic<bool> cancel{false};
        std::vector<std::pair<uint64_t, uint64_t>> progress;
        BatScanOptions o;
        o.chunkBytes = 80;
        o.cancel = &cancel;
        o.progress = [&](uint64_t done, uint64_t total) {
            progress.push_back({done, total});
            cancel = true;
        };
        const BatScanResult& first = img->scanBat(o);
        QVERIFY(!first.completed);
        QCOMPARE(first.entriesScanned, uint64_t(10));
        QCOMPARE(progress, (std::vector<std::pair<uint64_t, uint64_t>>{{10, 322}}));
        VHDX_REQUIRE_FINDING(*img, FindingCode::ScanCancelled, c);
        VHDX_COMPARE_STR(c.message, "The BAT scan was cancelled after 10 of 322 entries: BAT "
                                    "findings are incomplete");
        QCOMPARE(findingsWith(*img, FindingCode::BatEntryStateInvalid).size(), size_t(1));
        VHDX_COMPARE_STR(findingsWith(*img, FindingCode::BatEntryStateInvalid)[0].message,
                         "1 payload entries have an undefined state; first: BAT entry 0 "
                         "(0x5)");

        cancel = false;
        o.progress = {};
        const BatScanResult& second = img->scanBat(o);
        QVERIFY(second.completed);
        QCOMPARE(second.entriesScanned, uint64_t(322));
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::ScanCancelled);
        QCOMPARE(findingsWith(*img, FindingCode::HeaderChecksumBad).size(), size_t(1));
        const auto invalid = findingsWith(*img, FindingCode::BatEntryStateInvalid);
        QCOMPARE(invalid.size(), size_t(1));
        VHDX_COMPARE_STR(invalid[0].message, "2 payload entries have an undefined state; first: "
                                             "BAT entry 0 (0x5)");
        const size_t count = img->findings().items().size();
        const BatScanResult& third = img->scanBat();
        QCOMPARE(&third, &second);
        QCOMPARE(img->findings().items().size(), count);
    }
};

VHDX_TEST_MAIN(TestBatEdges)
#include "tst_bat_edges.moc"
