// Every limit at the limit (accepted) and one past it (the finding), for the boundaries a
// sampled mutation test of core found untested: entry counts, the first MiB, the
// parent locator's sizes and caps, the overlap caps, the BAT's exact size, the log's Tail.
#include <QTest>

#include "core_test_helpers.h"
#include "log_test_helpers.h"
#include "test_registry.h"
#include "vhdx/layout.h"
#include "vhdx/metadata.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

size_t countOf(const Image& img, FindingCode code) {
    return findingsWith(img, code).size();
}

// n unknown regions, region i at (64 + i) MiB, 2 MiB long: each overlaps only its neighbours,
// so the table has n - 1 overlapping pairs.
ImageSpec staggeredRegions(int n) {
    ImageSpec spec;
    for (int i = 0; i < n; ++i)
        spec.extraRegions.push_back({Guid::random(), uint64_t(64 + i) * MiB, uint32_t(2 * MiB), 0});
    return spec;
}

// A parent locator item from raw key/value lengths; entries point at shared text bytes.
std::vector<uint8_t> locatorBytes(const Guid& type, int entries, uint16_t keyLength,
                                  uint16_t valueLength, size_t textBytes) {
    std::vector<uint8_t> item(20 + 12 * size_t(entries) + textBytes, 'a');
    type.toDisk(item.data());
    putLe16(item.data() + 16, 0);
    putLe16(item.data() + 18, uint16_t(entries));
    const uint32_t text = uint32_t(20 + 12 * entries);
    for (int i = 0; i < entries; ++i) {
        uint8_t* e = item.data() + 20 + 12 * i;
        putLe32(e, text);
        putLe32(e + 4, text);
        putLe16(e + 8, keyLength);
        putLe16(e + 10, valueLength);
    }
    return item;
}

} // namespace

class TestBoundaries : public QObject {
    Q_OBJECT
  private slots:
    void regionEntryCount() {
        for (uint32_t count : {2047u, 2048u}) {
            BuiltImage b = buildImage({});
            for (int slot = 0; slot < 2; ++slot) {
                putU32(b, b.regionTableOffset[slot] + field::regionEntryCount, count);
                resealRegionTable(b, slot + 1);
            }
            const auto img = parseAndScan(b);
            QCOMPARE(countOf(*img, FindingCode::RegionTableEntryCountInvalid),
                     size_t(count == 2048 ? 2 : 0));
            QCOMPARE(img->regions().tables[0].entries.size(), size_t(2047));
        }
    }

    void metadataEntryCount() {
        for (uint16_t count : {uint16_t(2047), uint16_t(2048)}) {
            BuiltImage b = buildImage({});
            putU16(b, b.metadataOffset + field::metadataEntryCount, count);
            const auto img = parseAndScan(b);
            QCOMPARE(countOf(*img, FindingCode::MetadataEntryCountInvalid),
                     size_t(count == 2048 ? 1 : 0));
        }
    }

    // A region may start at exactly 1 MiB; at 0 it lies in the header section.
    void regionAtOneMiB() {
        for (uint64_t at : {uint64_t(0), MiB}) {
            ImageSpec spec;
            spec.extraRegions.push_back({Guid::random(), at, uint32_t(MiB), 0});
            const auto img = parseAndScan(buildImage(spec));
            QCOMPARE(countOf(*img, FindingCode::RegionMisaligned), size_t(at == 0 ? 1 : 0));
        }
    }

    // Exactly 100 overlapping pairs are all listed; the 101st is counted in a summary.
    void regionOverlapCap() {
        for (int n : {101, 102}) {
            const auto img = parseAndScan(buildImage(staggeredRegions(n)));
            const auto overlaps = findingsWith(*img, FindingCode::RegionOverlap);
            QCOMPARE(overlaps.size(), size_t(n == 101 ? 100 : 101));
            const bool summary = overlaps.back().message.find("1 more overlapping pairs") == 0;
            QCOMPARE(summary, n == 102);
        }
    }

    void metadataOverlapCap() {
        for (int n : {101, 102}) {
            ImageSpec spec;
            for (int i = 0; i < n; ++i)
                spec.extraItems.push_back({Guid::random(), std::vector<uint8_t>(8, 1), 0});
            BuiltImage b = buildImage(spec);
            // Item i at 512 KiB + 4 i, 8 bytes: it shares bytes with items i - 1 and i + 1.
            for (int i = 0; i < n; ++i)
                putU32(b, b.items[b.items.size() - size_t(n) + size_t(i)].entryOffset + 16,
                       uint32_t(512 * KiB + 4 * uint64_t(i)));
            const auto img = parseAndScan(b);
            const auto overlaps = findingsWith(*img, FindingCode::MetadataItemOverlap);
            QCOMPARE(overlaps.size(), size_t(n == 101 ? 100 : 101));
        }
    }

    // The locator header is 20 bytes: a 19-byte item cannot hold it.
    void parentLocatorItemSize() {
        for (size_t len : {size_t(19), size_t(20)}) {
            ImageSpec spec;
            spec.extraItems.push_back({guids::parentLocator, std::vector<uint8_t>(len, 0), 0});
            const auto img = parseAndScan(buildImage(spec));
            QCOMPARE(countOf(*img, FindingCode::MetadataItemOutOfBounds), size_t(len == 19));
            QCOMPARE(countOf(*img, FindingCode::ParentLocatorInvalid), size_t(len == 20));
        }
    }

    // Key/value text may fill the item exactly, not one byte more.
    void parentLocatorTextFillsItem() {
        const Guid vhdx = guids::parentLocatorTypeVhdx;
        // Two entries sharing 40 bytes of text (20 + 20 each): 80 bytes, the item is 20 + 24
        // + 36 = 80 bytes long.
        const auto exact = decodeParentLocator(locatorBytes(vhdx, 2, 20, 20, 36).data(), 80);
        QVERIFY(exact.problem.find("more key/value text") == std::string::npos);
        QCOMPARE(exact.entries.size(), size_t(2));
        const auto over = decodeParentLocator(locatorBytes(vhdx, 2, 20, 22, 36).data(), 80);
        QVERIFY2(over.problem.find("entries from 1 on overlap") != std::string::npos,
                 over.problem.c_str());
    }

    void parentLocatorEmptyKey() {
        const auto pl =
            decodeParentLocator(locatorBytes(guids::parentLocatorTypeVhdx, 1, 0, 2, 8).data(), 40);
        QVERIFY(!pl.valid);
        QVERIFY2(pl.problem.find("entry 0 has its key empty") == 0, pl.problem.c_str());
        QVERIFY(pl.entries.empty());
    }

    // Ten problems are all listed; an eleventh is counted.
    void parentLocatorProblemCap() {
        const Guid other = *Guid::parse("00000000-0000-0000-0000-000000000042");
        for (int emptyKeys : {9, 10}) { // plus the wrong type: 10 or 11 problems
            const auto bytes = locatorBytes(other, emptyKeys, 0, 2, 8);
            const auto pl = decodeParentLocator(bytes.data(), bytes.size());
            const bool more = pl.problem.find("; and 1 more") != std::string::npos;
            QCOMPARE(more, emptyKeys == 10);
            QCOMPARE(pl.problem.find("and 2 more"), std::string::npos);
        }
    }

    // 131041 blocks of 1 MiB need exactly 131072 entries = 1 MiB of BAT; one more block
    // needs one entry more than the region holds.
    void batExactlyTheNeededSize() {
        for (uint64_t blocks : {uint64_t(131041), uint64_t(131042)}) {
            ImageSpec spec;
            spec.blockSize = uint32_t(MiB);
            spec.virtualSize = blocks * MiB;
            spec.batLength = uint32_t(MiB);
            const auto img = parseAndScan(buildImage(spec));
            QCOMPARE(img->batGeometry().totalEntries, blocks == 131041 ? 131072u : 131073u);
            QCOMPARE(countOf(*img, FindingCode::BatTooSmall), size_t(blocks == 131042));
        }
    }

    // Tail must name a sector inside the log: LogLength - 4 KiB is one, LogLength is not.
    void logTailAtTheEnd() {
        for (uint64_t tail : {MiB - 4096, MiB}) {
            BuiltImage b = buildImage(withLog({entry(5)}));
            putU32(b, b.logEntryOffsets[0] + field::logTail, uint32_t(tail));
            resealLogEntry(b, 0);
            const auto img = parseAndScan(b);
            QCOMPARE(img->log().entries.size(), size_t(1));
            const LogEntry& e = img->log().entries[0];
            QCOMPARE(e.valid, tail < MiB);
            if (!e.valid)
                QVERIFY2(e.problem.find("Tail +0x100000") == 0, e.problem.c_str());
        }
    }
};

VHDX_TEST_MAIN(TestBoundaries)
#include "tst_boundaries.moc"
