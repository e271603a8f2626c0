// The virtual-disk reader against a reference computed sector by sector (virtual_disk_reference.h):
// differencing chains of 2 and 3 levels, partially present blocks with mixed sector bitmaps,
// 512 and 4096-byte sectors, sizes that are not block multiples, chunk boundaries; sector
// origins; extents; missing parents; corrupt entries; limits at the limit and one past.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/virtual_disk.h"
#include "virtual_disk_reference.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

constexpr uint32_t kMiB = 1 << 20;

// Reads [from, to) in pieces of `piece` bytes and compares with the reference.
bool matchesReference(const VirtualDisk& disk, const BuiltChain& c, uint64_t from, uint64_t to,
                      uint64_t piece, QString& why) {
    std::vector<uint8_t> buf;
    for (uint64_t pos = from; pos < to; pos += piece) {
        const uint64_t n = std::min(piece, to - pos);
        buf.assign(n, 0xEE);
        const VirtualReadResult r = disk.read(pos, n, buf.data());
        if (!r.ok()) {
            why = QString("read at %1 failed: %2").arg(pos).arg(qs(r.problem));
            return false;
        }
        for (uint64_t i = 0; i < n; ++i)
            if (buf[i] != referenceByte(c, pos + i)) {
                why = QString("byte %1 (sector %2): read %3, reference %4")
                          .arg(pos + i)
                          .arg((pos + i) / c.sectorSize)
                          .arg(buf[i])
                          .arg(referenceByte(c, pos + i));
                return false;
            }
    }
    return true;
}

// Two levels, 1 MiB blocks, a size that is not a block multiple: every state on each level.
BuiltChain twoLevels(uint32_t sectorSize) {
    const uint64_t spb = kMiB / sectorSize;
    LevelSpec child{{{0, bat::PartiallyPresent},
                     {1, bat::PartiallyPresent},
                     {2, bat::NotPresent},
                     {3, bat::FullyPresent},
                     {4, bat::Zero},
                     {5, bat::Undefined},
                     {6, bat::Unmapped},
                     {8, bat::PartiallyPresent}},
                    {{0, flags("1101000111", spb)}, {1, flags("01", spb)}, {8, flags("0011", spb)}},
                    7};
    LevelSpec base{{{0, bat::FullyPresent},
                    {1, bat::Zero},
                    {2, bat::FullyPresent},
                    {4, bat::FullyPresent},
                    {5, bat::FullyPresent},
                    {6, bat::FullyPresent},
                    {8, bat::FullyPresent}},
                   {},
                   9};
    return buildChain(kMiB, sectorSize, 8 * kMiB + 3 * sectorSize, {child, base});
}

// Three levels with 4096-byte sectors; the middle level partially present over a partially
// present child.
BuiltChain threeLevels() {
    const uint64_t spb = kMiB / 4096;
    LevelSpec top{{{0, bat::PartiallyPresent}, {1, bat::NotPresent}, {2, bat::PartiallyPresent}},
                  {{0, flags("100", spb)}, {2, flags("0000000001", spb)}},
                  3};
    LevelSpec middle{{{0, bat::PartiallyPresent}, {1, bat::PartiallyPresent}, {3, bat::Zero}},
                     {{0, flags("01", spb)}, {1, flags("1110", spb)}},
                     5};
    LevelSpec base{{{0, bat::FullyPresent},
                    {1, bat::FullyPresent},
                    {2, bat::FullyPresent},
                    {3, bat::FullyPresent}},
                   {},
                   11};
    return buildChain(kMiB, 4096, 4 * kMiB, {top, middle, base});
}

} // namespace

class TestVirtualDisk : public QObject {
    Q_OBJECT

  private slots:
    void readsAsReference_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("2 levels, 512-byte sectors") << 0;
        QTest::newRow("2 levels, 4096-byte sectors") << 1;
        QTest::newRow("3 levels, 4096-byte sectors") << 2;
    }
    void readsAsReference() {
        QFETCH(int, which);
        const BuiltChain c = which == 2 ? threeLevels() : twoLevels(which == 0 ? 512 : 4096);
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.images[0], c.ancestors(), why);
        QVERIFY2(disk, why.c_str());
        QCOMPARE(disk->levels(), c.levels.size());
        QVERIFY(!disk->parentMissing());
        QCOMPARE(disk->size(), c.virtualSize);
        QString mismatch;
        // Whole disk at once, in sectors, and in odd pieces that straddle sectors and blocks.
        QVERIFY2(matchesReference(*disk, c, 0, c.virtualSize, c.virtualSize, mismatch),
                 qPrintable(mismatch));
        QVERIFY2(matchesReference(*disk, c, 0, c.virtualSize, c.sectorSize, mismatch),
                 qPrintable(mismatch));
        QVERIFY2(matchesReference(*disk, c, 1, c.virtualSize, 100003, mismatch),
                 qPrintable(mismatch));
    }

    void sectorOrigins() {
        const BuiltChain c = twoLevels(512);
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.images[0], c.ancestors(), why);
        QVERIFY(disk);
        for (uint64_t s = 0; s < c.virtualSize / 512; ++s) {
            const SectorOrigin o = disk->locate(s);
            const uint64_t v = s * 512, block = v / kMiB, within = v % kMiB;
            // Expected from the specs: the first level that stores the sector, or zero.
            size_t level = 0;
            bool file = false;
            for (; level < c.levels.size(); ++level) {
                const auto it = c.levels[level].blocks.find(block);
                const uint8_t st = it == c.levels[level].blocks.end() ? 0 : it->second;
                if (st == bat::Zero || st == bat::Unmapped)
                    break;
                if (st == bat::FullyPresent ||
                    (st == bat::PartiallyPresent &&
                     c.levels[level].sectorBits.at(block)[within / 512])) {
                    file = true;
                    break;
                }
            }
            QCOMPARE(o.kind == SectorOrigin::Kind::File, file);
            if (file) {
                QCOMPARE(o.level, level);
                QCOMPARE(o.fileOffset, c.built[level].blockOffsets.at(block) + within);
            }
        }
        // The last sector exists; one past it does not.
        QVERIFY(disk->locate(c.virtualSize / 512 - 1).kind != SectorOrigin::Kind::Corrupt);
        QCOMPARE(disk->locate(c.virtualSize / 512).kind, SectorOrigin::Kind::Corrupt);
    }

    void chunkBoundary() {
        // 512-byte sectors, 1 MiB blocks: chunk ratio 4096, so block 4096 is the first of
        // chunk 1 with its own sector bitmap.
        const uint64_t spb = 2048;
        LevelSpec child{{{4095, bat::PartiallyPresent}, {4096, bat::PartiallyPresent}},
                        {{4095, flags("10", spb)}, {4096, flags("0111", spb)}},
                        21};
        LevelSpec base{{{4095, bat::FullyPresent}, {4096, bat::FullyPresent}}, {}, 23};
        const BuiltChain c = buildChain(kMiB, 512, uint64_t(4097) * kMiB + 512, {child, base});
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.images[0], c.ancestors(), why);
        QVERIFY(disk);
        QString mismatch;
        QVERIFY2(matchesReference(*disk, c, uint64_t(4095) * kMiB, c.virtualSize, 3 * 4096 + 7,
                                  mismatch),
                 qPrintable(mismatch));
        const SectorBitmapSummary sum = summarizeSectorBitmaps(*c.images[0]);
        QVERIFY(sum.walked && sum.complete);
        QCOMPARE(sum.presentBitmaps, uint64_t(2));
        QCOMPARE(sum.partiallyPresentBlocks, uint64_t(2));
        QCOMPARE(sum.sectorsPresent, uint64_t(spb / 2 + spb * 3 / 4));
        QCOMPARE(sum.bitmaps.size(), size_t(2));
        QCOMPARE(sum.bitmaps[1].chunk, uint64_t(1));
        QCOMPARE(sum.bitmaps[1].sectorsPresent, uint64_t(spb * 3 / 4));
        QCOMPARE(sum.bitmaps[1].fileOffset, c.built[0].bitmapOffsets.at(1));
        // The listing cap, at the limit and one past.
        SectorBitmapSummaryOptions opt;
        opt.maxListed = 2;
        QVERIFY(!summarizeSectorBitmaps(*c.images[0], opt).listTruncated);
        opt.maxListed = 1;
        const auto capped = summarizeSectorBitmaps(*c.images[0], opt);
        QVERIFY(capped.listTruncated);
        QCOMPARE(capped.bitmaps.size(), size_t(1));
        QCOMPARE(capped.sectorsPresent, sum.sectorsPresent); // counts go on
        // The bitmap byte budget: two slices of 256 bytes each.
        opt.maxBitmapBytes = 512;
        QVERIFY(summarizeSectorBitmaps(*c.images[0], opt).complete);
        opt.maxBitmapBytes = 511;
        QVERIFY(!summarizeSectorBitmaps(*c.images[0], opt).complete);
    }

    void sectorMapOfBlock() {
        const BuiltChain c = twoLevels(512);
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.images[0], c.ancestors(), why);
        const auto map = disk->sectorMap(1, &why);
        QVERIFY2(map, why.c_str());
        QCOMPARE(map->sectors, uint64_t(2048));
        QCOMPARE(map->presentCount(), uint64_t(1024));
        for (uint64_t s = 0; s < 2048; ++s)
            QCOMPARE(map->present(s), s % 2 == 1);
        const auto cells = sectorMapCells(*map, 4);
        QCOMPARE(cells, std::vector<uint8_t>({127, 127, 127, 127}));
        QVERIFY(!disk->sectorMap(3, &why)); // fully present
        QVERIFY(!why.empty());
        QVERIFY(!disk->sectorMap(9, &why)); // beyond the disk
    }

    void extentsCoverTheData() {
        const BuiltChain c = threeLevels();
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.images[0], c.ancestors(), why);
        uint64_t next = 0;
        std::vector<VirtualExtent> seen;
        disk->extents(0, disk->size(), [&](const VirtualExtent& e) {
            seen.push_back(e);
            return true;
        });
        std::vector<uint8_t> buf;
        for (const VirtualExtent& e : seen) {
            QCOMPARE(e.offset, next); // contiguous, merged, in order
            next = e.offset + e.length;
            QVERIFY(e.kind != VirtualExtent::Kind::MissingParent);
            if (e.kind == VirtualExtent::Kind::Zero)
                for (uint64_t v = e.offset; v < e.offset + e.length; v += 509)
                    QCOMPARE(referenceByte(c, v), uint8_t(0));
        }
        QCOMPARE(next, disk->size());
        // Block 3: zero in the middle level over a present base; blocks 0-2 data.
        QCOMPARE(seen.size(), size_t(2));
        QCOMPARE(seen[0].kind, VirtualExtent::Kind::Data);
        QCOMPARE(seen[0].length, uint64_t(3) * kMiB);
        // Stopping early.
        int calls = 0;
        disk->extents(0, disk->size(), [&](const VirtualExtent&) { return ++calls < 1; });
        QCOMPARE(calls, 1);
    }

    void missingParent() {
        const BuiltChain c = twoLevels(512);
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.images[0], {}, why);
        QVERIFY(disk);
        QVERIFY(disk->parentMissing());
        QVERIFY(!disk->missingParentReason().empty());
        std::vector<uint8_t> buf(kMiB);
        // Block 3 is fully present in the child: no parent needed.
        VirtualReadResult r = disk->read(3 * kMiB, kMiB, buf.data());
        QVERIFY(r.ok());
        QVERIFY(!r.missingParentReadAsZeros);
        // Block 2 is the parent's: refused, or zeros when allowed, and said so.
        r = disk->read(2 * kMiB, kMiB, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::ParentMissing);
        VirtualDiskOptions zeros;
        zeros.missingParentAsZeros = true;
        std::fill(buf.begin(), buf.end(), 0xEE);
        r = disk->read(0, kMiB, buf.data(), zeros);
        QVERIFY(r.ok());
        QVERIFY(r.missingParentReadAsZeros);
        for (uint64_t i = 0; i < kMiB; ++i) {
            const bool here = c.levels[0].sectorBits.at(0)[i / 512];
            QCOMPARE(buf[i], here ? payloadPattern(7, i) : uint8_t(0));
        }
        QCOMPARE(disk->locate(2 * 2048).kind, SectorOrigin::Kind::MissingParent);
        QCOMPARE(disk->locate(2 * 2048).level, size_t(1));
        bool sawMissing = false;
        disk->extents(0, disk->size(), [&](const VirtualExtent& e) {
            sawMissing |= e.kind == VirtualExtent::Kind::MissingParent;
            return true;
        });
        QVERIFY(sawMissing);
    }

    void rangeLimits() {
        const BuiltChain c = twoLevels(512);
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.images[0], c.ancestors(), why);
        std::vector<uint8_t> buf(1024);
        QVERIFY(disk->read(c.virtualSize - 1024, 1024, buf.data()).ok());
        QCOMPARE(disk->read(c.virtualSize - 1023, 1024, buf.data()).status,
                 VirtualReadStatus::OutOfRange);
        QCOMPARE(disk->read(UINT64_MAX, 2, buf.data()).status, VirtualReadStatus::OutOfRange);
        QVERIFY(disk->read(c.virtualSize, 0, buf.data()).ok());
    }

    void corruptEntriesFailClearly_data() {
        QTest::addColumn<int>("what");
        QTest::newRow("state 5") << 0;
        QTest::newRow("partially present, bitmap not present") << 1;
        QTest::newRow("block beyond end of file") << 2;
        QTest::newRow("partially present in a disk without parent") << 3;
    }
    void corruptEntriesFailClearly() {
        QFETCH(int, what);
        ImageSpec spec;
        spec.blockSize = kMiB;
        spec.virtualSize = 4 * kMiB;
        spec.hasParent = what != 3;
        spec.blocks = {{1, bat::FullyPresent}};
        BuiltImage img = buildImage(spec);
        const uint64_t index = img.batIndexOfBlock(1);
        if (what == 0)
            setBatEntry(img, index, bat::entry(5, img.blockOffsets.at(1)));
        if (what == 1 || what == 3)
            setBatEntry(img, index, bat::entry(bat::PartiallyPresent, img.blockOffsets.at(1)));
        if (what == 2)
            setBatEntry(img, index, bat::entry(bat::FullyPresent, img.bytes.size()));
        const auto image = Image::parse(img.source());
        std::string why;
        const auto disk = VirtualDisk::fromChain(*image, {}, why);
        QVERIFY(disk);
        std::vector<uint8_t> buf(kMiB);
        VirtualDiskOptions zeros;
        zeros.missingParentAsZeros = true;
        const VirtualReadResult r = disk->read(kMiB, kMiB, buf.data(), zeros);
        QCOMPARE(r.status, VirtualReadStatus::Corrupt);
        QVERIFY2(r.problem.find("block 1") != std::string::npos, r.problem.c_str());
        QCOMPARE(disk->locate(2048).kind, SectorOrigin::Kind::Corrupt);
        // The neighbours still read.
        QVERIFY(disk->read(0, kMiB, buf.data(), zeros).ok());
        // The extent walk hands the block out as data, so an export reads it and fails.
        bool data = false;
        disk->extents(kMiB, 2 * kMiB, [&](const VirtualExtent& e) {
            data = e.kind == VirtualExtent::Kind::Data;
            return true;
        });
        QVERIFY(data);
    }

    // A partially present block at the top of the 64-bit file-offset range: its present
    // sectors past the first MiB would wrap around to the start of the file.
    void fileOffsetWrapIsCorrupt() {
        ImageSpec spec;
        spec.blockSize = 2 * kMiB;
        spec.virtualSize = 4 * kMiB;
        spec.hasParent = true;
        spec.blocks = {{0, bat::PartiallyPresent}};
        spec.sectorBitmaps = {0};
        spec.sectorBits = {{0, flags("1", 4096)}};
        BuiltImage img = buildImage(spec);
        setBatEntry(img, img.batIndexOfBlock(0), bat::entry(bat::PartiallyPresent, ~uint64_t(0)));
        const auto image = Image::parse(img.source());
        std::string why;
        const auto disk = VirtualDisk::fromChain(*image, {}, why);
        QVERIFY(disk);
        std::vector<uint8_t> buf(512);
        const VirtualReadResult r = disk->read(kMiB + 512, 512, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::Corrupt);
        QVERIFY2(r.problem.find("2^64") != std::string::npos, r.problem.c_str());
        QCOMPARE(disk->locate(2049).kind, SectorOrigin::Kind::Corrupt);
    }

    void noGeometryNoDisk() {
        std::string why;
        const auto image = Image::parse(std::make_shared<MemorySource>(std::vector<uint8_t>(10)));
        QVERIFY(!VirtualDisk::fromChain(*image, {}, why));
        QVERIFY(!why.empty());
    }
};

VHDX_TEST_MAIN(TestVirtualDisk)
#include "tst_virtual_disk.moc"
