// planMetadataItemEdit at its limits, on a hand-made metadata table over a MemorySource (format
// §7: a 64 KiB table of 32-byte entries after a 32-byte header, offset and length at bytes
// 16..23 of an entry, items after the table): an item not in the table or not placed; an item
// larger than the 1 MiB a metadata item may be; a region with no gap big enough; an empty
// entry (length 0) does not block a place, nor is a place inside the table taken; a region the
// source cannot read; and the sectors a move changes (old bytes zeroed, new bytes at the first
// free 8-aligned offset, the entry's offset and length rewritten); a new item ending at the
// file's end.
#include <QTest>

#include <algorithm>

#include "test_registry.h"
#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/metadata.h"
#include "vhdx/metadata_edit.h"

using namespace vhdx;

namespace {
constexpr uint64_t kKiB = 1024, kRegion = 1024 * kKiB; // the region's file offset
const Guid kItem = Guid::random(), kOther = Guid::random();

MetadataEntry entry(const Guid& id, uint32_t offset, uint32_t length, bool placed = true) {
    MetadataEntry e;
    e.itemId = id;
    e.offset = offset;
    e.length = length;
    e.placed = placed;
    return e;
}

// Region of regionLength bytes at kRegion: entry 0 = kItem at 64 KiB (16 bytes of 0xAA), entry 1
// = kOther at 64 KiB + 16 (16 bytes of 0xBB); the file ends with the region's last sector.
struct Fixture {
    Metadata md;
    std::vector<uint8_t> file;
    explicit Fixture(uint64_t regionLength) {
        md.regionOffset = kRegion;
        md.regionLength = regionLength;
        md.entries = {entry(kItem, 64 * kKiB, 16), entry(kOther, 64 * kKiB + 16, 16)};
        file.assign(kRegion + (regionLength + 4095) / 4096 * 4096, 0); // whole sectors
        for (size_t i = 0; i < md.entries.size(); ++i) {
            uint8_t* e = file.data() + kRegion + 32 + 32 * i;
            putLe32(e + 16, md.entries[i].offset);
            putLe32(e + 20, md.entries[i].length);
            std::fill_n(file.begin() + kRegion + md.entries[i].offset, 16, i ? 0xBB : 0xAA);
        }
    }
};
} // namespace

class TestMetadataItemEditLimits : public QObject {
    Q_OBJECT

  private slots:
    void itemNotInTableOrNotPlaced() {
        Fixture f(128 * kKiB);
        const MemorySource src(f.file);
        const std::vector<uint8_t> item(16, 1);
        const char* expected = "the item is not in the metadata table, or lies outside the region";
        MetadataItemEdit e = planMetadataItemEdit(src, f.md, Guid::random(), item);
        QVERIFY(!e.ok);
        QCOMPARE(e.problem, std::string(expected));
        f.md.entries[0].placed = false;
        e = planMetadataItemEdit(src, f.md, kItem, item);
        QVERIFY(!e.ok);
        QCOMPARE(e.problem, std::string(expected));
    }

    void itemLargerThanOneMiB() {
        Fixture f(4 * 1024 * kKiB); // room enough: only the item size limit refuses
        const MemorySource src(f.file);
        const MetadataItemEdit e =
            planMetadataItemEdit(src, f.md, kItem, std::vector<uint8_t>(1024 * kKiB + 1, 1));
        QVERIFY(!e.ok);
        QCOMPARE(e.problem, std::string("the metadata region (4194304 bytes) has no free 1048577 "
                                        "bytes for the new item; growing the region is not "
                                        "supported"));
        // Exactly 1 MiB fits (after the other item, at 64 KiB + 32).
        const MetadataItemEdit max =
            planMetadataItemEdit(src, f.md, kItem, std::vector<uint8_t>(1024 * kKiB, 1));
        QVERIFY2(max.ok, max.problem.c_str());
        QCOMPARE(max.newOffset, uint32_t(64 * kKiB + 32));
    }

    // 64 KiB + 64 bytes of region: 32 bytes free after the other item, 16 before it.
    void noGapBigEnough() {
        Fixture f(64 * kKiB + 64);
        const MemorySource src(f.file);
        const MetadataItemEdit fits =
            planMetadataItemEdit(src, f.md, kItem, std::vector<uint8_t>(32, 1));
        QVERIFY2(fits.ok, fits.problem.c_str());
        QCOMPARE(fits.newOffset, uint32_t(64 * kKiB + 32));
        const MetadataItemEdit e =
            planMetadataItemEdit(src, f.md, kItem, std::vector<uint8_t>(33, 1));
        QVERIFY(!e.ok);
        QCOMPARE(e.problem, std::string("the metadata region (65600 bytes) has no free 33 bytes "
                                        "for the new item; growing the region is not supported"));
    }

    // kOther emptied (length 0): its offset no longer blocks the item from growing in place.
    void emptyEntryDoesNotBlock() {
        Fixture f(128 * kKiB);
        f.md.entries[1].length = 0;
        const MemorySource src(f.file);
        const MetadataItemEdit e =
            planMetadataItemEdit(src, f.md, kItem, std::vector<uint8_t>(40, 1));
        QVERIFY2(e.ok, e.problem.c_str());
        QCOMPARE(e.newOffset, uint32_t(64 * kKiB));
        QVERIFY(!e.moved());
    }

    // A damaged entry pointing into the table (offset 8, not placed): the gap after it would
    // start inside the table, which is never a place for an item.
    void placeInsideTheTableIsSkipped() {
        Fixture f(128 * kKiB);
        f.md.entries.push_back(entry(Guid::random(), 8, 8, false));
        const MemorySource src(f.file);
        const MetadataItemEdit e =
            planMetadataItemEdit(src, f.md, kItem, std::vector<uint8_t>(24, 1));
        QVERIFY2(e.ok, e.problem.c_str());
        QCOMPARE(e.newOffset, uint32_t(64 * kKiB + 32));
    }

    void regionUnreadable() {
        Fixture f(128 * kKiB);
        f.file.resize(kRegion + 32 * kKiB); // the item's sector (64 kKiB in) is past the end
        const MemorySource src(f.file);
        const MetadataItemEdit e =
            planMetadataItemEdit(src, f.md, kItem, std::vector<uint8_t>(16, 1));
        QVERIFY(!e.ok);
        QCOMPARE(e.problem, "the metadata sector at " + std::to_string(kRegion + 64 * kKiB) +
                                " cannot be read");
    }

    // A new item ending exactly at the region's end, which is the file's end: only the sectors
    // it covers are read, none past them (a surviving mutant: one sector more read past the end).
    void itemEndingAtTheEndOfTheFile() {
        Fixture f(128 * kKiB);
        const MemorySource src(f.file);
        const uint64_t length = 64 * kKiB - 32; // from 64 KiB + 32 to the region's end
        const MetadataItemEdit e =
            planMetadataItemEdit(src, f.md, kItem, std::vector<uint8_t>(length, 0xCC));
        QVERIFY2(e.ok, e.problem.c_str());
        QCOMPARE(e.newOffset, uint32_t(64 * kKiB + 32));
        QCOMPARE(kRegion + e.newOffset + length, uint64_t(f.file.size()));
        QCOMPARE(e.sectors.size(), size_t(1 + 16)); // the table's first sector, 16 item sectors
        QCOMPARE(e.sectors.back().fileOffset, f.file.size() - 4096);
    }

    // 24 bytes do not fit at 64 KiB (kOther follows at +16): they go to 64 KiB + 32.
    void moveChangesTableAndItemSectors() {
        Fixture f(128 * kKiB);
        const MemorySource src(f.file);
        const std::vector<uint8_t> item(24, 0xCC);
        const MetadataItemEdit e = planMetadataItemEdit(src, f.md, kItem, item);
        QVERIFY2(e.ok, e.problem.c_str());
        QVERIFY(e.moved());
        QCOMPARE(e.oldOffset, uint32_t(64 * kKiB));
        QCOMPARE(e.newOffset, uint32_t(64 * kKiB + 32));
        QCOMPARE(e.newLength, uint32_t(24));
        QCOMPARE(e.sectors.size(), size_t(2)); // the table's first sector, the items' sector
        QCOMPARE(e.sectors[0].fileOffset, kRegion);
        QCOMPARE(e.sectors[1].fileOffset, kRegion + 64 * kKiB);
        QCOMPARE(le32(e.sectors[0].bytes.data() + 32 + 16), uint32_t(64 * kKiB + 32));
        QCOMPARE(le32(e.sectors[0].bytes.data() + 32 + 20), uint32_t(24));
        const std::vector<uint8_t>& s = e.sectors[1].bytes;
        QVERIFY(std::all_of(s.begin(), s.begin() + 16, [](uint8_t b) { return b == 0; }));
        QVERIFY(std::all_of(s.begin() + 16, s.begin() + 32, [](uint8_t b) { return b == 0xBB; }));
        QVERIFY(std::equal(item.begin(), item.end(), s.begin() + 32));
        QCOMPARE(e.oldSectors[1].bytes[0], uint8_t(0xAA));
    }
};

VHDX_TEST_MAIN(TestMetadataItemEditLimits)
#include "tst_metadata_item_edit_limits.moc"
