// Chains of unusual shape and how the virtual disk opens them: an ancestor smaller than its
// child (reads, sector origins and extents past its end, extent walks stopped there), more
// ancestors than needed, a null or unusable ancestor, an image without a file, and chains on
// disk whose parent is absent, not a VHDX, has no usable BAT, or is a third level; plus the
// edges of the sector-map helpers. Expected bytes come from the builder's payload pattern.
#include <QTemporaryDir>
#include <QTest>

#include <tuple>

#include "chain_builder.h"
#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/virtual_disk.h"
#include "virtual_disk_reference.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

constexpr uint32_t kMiB = 1 << 20;

// A 6 MiB child (block 4 its own, seed 3) over a 2.5 MiB base (blocks 0 and 2, seed 5): the
// base ends inside the child's block 2.
struct SmallParent {
    std::unique_ptr<Image> child, base;
    SmallParent() {
        ImageSpec c;
        c.blockSize = kMiB;
        c.virtualSize = 6 * kMiB;
        c.hasParent = true;
        c.blocks = {{4, bat::FullyPresent}};
        c.payloadSeed = 3;
        ImageSpec b;
        b.blockSize = kMiB;
        b.virtualSize = 2 * kMiB + kMiB / 2;
        b.blocks = {{0, bat::FullyPresent}, {2, bat::FullyPresent}};
        b.payloadSeed = 5;
        child = Image::parse(buildImage(c).source());
        base = Image::parse(buildImage(b).source());
    }
};

uint8_t expectedSmallParent(uint64_t v) {
    const uint64_t block = v / kMiB;
    if (block == 4)
        return payloadPattern(3, v);
    if (block == 0 || (block == 2 && v < 2 * kMiB + kMiB / 2))
        return payloadPattern(5, v);
    return 0; // base block 1 not present, and nothing past the base's end
}

std::vector<VirtualExtent> allExtents(const VirtualDisk& d, uint64_t from, uint64_t to) {
    std::vector<VirtualExtent> out;
    d.extents(from, to, [&](const VirtualExtent& e) {
        out.push_back(e);
        return true;
    });
    return out;
}

} // namespace

class TestVirtualDiskChainShapes : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void smallerAncestorReadsZerosPastItsEnd() {
        SmallParent c;
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.child, {c.base.get()}, why);
        QVERIFY2(disk, why.c_str());
        QCOMPARE(disk->size(), uint64_t(6) * kMiB);
        // A read that straddles the base's end, and the whole disk.
        std::vector<uint8_t> buf(kMiB, 0xEE);
        QVERIFY(disk->read(2 * kMiB + kMiB / 4, kMiB, buf.data()).ok());
        for (uint64_t i = 0; i < kMiB; ++i)
            QCOMPARE(buf[i], expectedSmallParent(2 * kMiB + kMiB / 4 + i));
        buf.assign(6 * kMiB, 0xEE);
        QVERIFY(disk->read(0, 6 * kMiB, buf.data()).ok());
        for (uint64_t v = 0; v < 6 * kMiB; v += 37)
            QCOMPARE(buf[v], expectedSmallParent(v));
        // Sector origins: the base decides past its end (zero, level 1).
        SectorOrigin o = disk->locate(3 * 2048);
        QCOMPARE(o.kind, SectorOrigin::Kind::Zero);
        QCOMPARE(o.level, size_t(1));
        o = disk->locate(2 * 2048 + 1);
        QCOMPARE(o.kind, SectorOrigin::Kind::File);
        QCOMPARE(o.level, size_t(1));
        o = disk->locate(4 * 2048);
        QCOMPARE(o.kind, SectorOrigin::Kind::File);
        QCOMPARE(o.level, size_t(0));
    }

    void smallerAncestorExtents() {
        SmallParent c;
        std::string why;
        const auto disk = VirtualDisk::fromChain(*c.child, {c.base.get()}, why);
        const auto seen = allExtents(*disk, 0, disk->size());
        using K = VirtualExtent::Kind;
        const uint64_t h = kMiB / 2; // in half MiBs: offset, end, kind
        const std::vector<std::tuple<uint64_t, uint64_t, K>> expected{
            {0, 2, K::Data}, {2, 4, K::Zero},  {4, 5, K::Data},
            {5, 8, K::Zero}, {8, 10, K::Data}, {10, 12, K::Zero}};
        QCOMPARE(seen.size(), expected.size());
        for (size_t i = 0; i < seen.size(); ++i) {
            QCOMPARE(seen[i].offset, std::get<0>(expected[i]) * h);
            QCOMPARE(seen[i].offset + seen[i].length, std::get<1>(expected[i]) * h);
            QCOMPARE(seen[i].kind, std::get<2>(expected[i]));
        }
        // Stopped inside the base's walk, before its end and at it: nothing more is visited.
        for (int stopAfter = 1; stopAfter <= 3; ++stopAfter) {
            int calls = 0;
            disk->extents(0, disk->size(), [&](const VirtualExtent& e) {
                const size_t i = size_t(calls);
                if (i < expected.size()) {
                    [&] { QCOMPARE(e.offset, std::get<0>(expected[i]) * h); }();
                }
                return ++calls < stopAfter;
            });
            QCOMPARE(calls, stopAfter);
        }
        // Empty and clipped ranges.
        QVERIFY(allExtents(*disk, disk->size(), disk->size() + kMiB).empty());
        QVERIFY(allExtents(*disk, 2 * kMiB, kMiB).empty());
        const auto clipped = allExtents(*disk, 5 * kMiB + 1, UINT64_MAX);
        QCOMPARE(clipped.size(), size_t(1));
        QCOMPARE(clipped[0].offset, uint64_t(5) * kMiB + 1);
        QCOMPARE(clipped[0].length, uint64_t(kMiB) - 1);
    }

    void fromChainAncestors() {
        SmallParent c;
        std::string why;
        // An ancestor after the base is not used.
        auto disk = VirtualDisk::fromChain(*c.child, {c.base.get(), c.child.get()}, why);
        QVERIFY(disk);
        QCOMPARE(disk->levels(), size_t(2));
        QVERIFY(!disk->parentMissing());
        QVERIFY(disk->missingParentReason().empty());
        // A null ancestor, and one without a BAT: the chain stops there.
        disk = VirtualDisk::fromChain(*c.child, {nullptr}, why);
        QVERIFY(disk && disk->parentMissing());
        QCOMPARE(disk->missingParentReason(), std::string("ancestor 1 cannot be read: "));
        const auto junk = Image::parse(std::make_shared<MemorySource>(std::vector<uint8_t>(10)));
        disk = VirtualDisk::fromChain(*c.child, {junk.get()}, why);
        QVERIFY(disk && disk->parentMissing());
        QCOMPARE(disk->levels(), size_t(1));
        const std::string reason = "ancestor 1 cannot be read: no usable BAT and geometry";
        QCOMPARE(disk->missingParentReason(), reason);
        std::vector<uint8_t> buf(512);
        const VirtualReadResult r = disk->read(0, 512, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::ParentMissing);
        QCOMPARE(r.problem, "virtual bytes [0, +512) come from a missing parent: " + reason);
        QCOMPARE(disk->locate(0).problem, reason);
    }

    void openWithoutAFile() {
        SmallParent c;
        std::string why;
        const auto disk = VirtualDisk::open(*c.child, why);
        QVERIFY(disk && disk->parentMissing());
        QCOMPARE(disk->missingParentReason(),
                 std::string("the parent of the image cannot be looked for (the image is not a "
                             "file)"));
        const auto junk = Image::parse(std::make_shared<MemorySource>(std::vector<uint8_t>(10)));
        QVERIFY(!VirtualDisk::open(*junk, why));
        QCOMPARE(why, std::string("no usable BAT and geometry"));
    }

    void openFromFiles_data() {
        QTest::addColumn<QString>("parent"); // what lies at the parent's path
        QTest::addColumn<int>("levels");
        QTest::addColumn<QString>("reason"); // %1: the parent's path
        QTest::newRow("absent") << "" << 1 << "the parent of the image was not found";
        QTest::newRow("no locator") << "nolocator" << 1
                                    << "the parent of the image is not named by a usable parent "
                                       "locator";
        QTest::newRow("not a VHDX") << "junk" << 1
                                    << "the parent of the image, %1, is not a readable VHDX or is "
                                       "already in the chain";
        QTest::newRow("no BAT region") << "nobat" << 1
                                       << "the parent of the image, %1, cannot be read: no usable "
                                          "BAT and geometry";
        QTest::newRow("grandparent absent")
            << "middle" << 2 << "the parent of ancestor 1 was not found";
        QTest::newRow("three levels") << "full" << 3 << "";
    }
    void openFromFiles() {
        QFETCH(QString, parent);
        QFETCH(int, levels);
        QFETCH(QString, reason);
        QVERIFY(m_dir.isValid());
        const QString dir = m_dir.filePath(QTest::currentDataTag());
        ImageSpec childSpec = childImage(chainGuid(1), chainGuid(2), "parent.vhdx");
        if (parent == "nolocator")
            childSpec.parentLocator.clear(); // no locator item at all
        const QString childPath = writeSpec(dir, "child.vhdx", childSpec);
        QVERIFY(!childPath.isEmpty());
        const QString parentPath = QDir(dir).filePath("parent.vhdx");
        if (parent == "junk") {
            QVERIFY(
                !writeImageFile(dir, "parent.vhdx", std::vector<uint8_t>(4096, 0x5A)).isEmpty());
        } else if (parent == "nobat") {
            ImageSpec s = baseImage(chainGuid(2));
            s.writeBatRegion = false;
            QVERIFY(!writeSpec(dir, "parent.vhdx", s).isEmpty());
        } else if (parent == "middle" || parent == "full") {
            QVERIFY(
                !writeSpec(dir, "parent.vhdx", childImage(chainGuid(2), chainGuid(3), "base.vhdx"))
                     .isEmpty());
            if (parent == "full")
                QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(3))).isEmpty());
        }
        std::string error;
        const auto image = Image::open(childPath.toStdString(), error);
        QVERIFY2(image, error.c_str());
        const auto disk = VirtualDisk::open(*image, error);
        QVERIFY2(disk, error.c_str());
        QCOMPARE(int(disk->levels()), levels);
        QCOMPARE(disk->parentMissing(), !reason.isEmpty());
        const QString resolved =
            disk->levels() > 1 ? qs(disk->level(1).source().path()) : parentPath;
        if (!reason.isEmpty() && parent != "junk" && parent != "nobat")
            QCOMPARE(qs(disk->missingParentReason()), reason);
        else if (!reason.isEmpty()) {
            const QString named = qs(image->parentChain().at(0).path);
            QCOMPARE(QFileInfo(named).canonicalFilePath(),
                     QFileInfo(parentPath).canonicalFilePath());
            QCOMPARE(qs(disk->missingParentReason()), reason.arg(named));
        }
        QCOMPARE(QFileInfo(resolved).fileName(), QString("parent.vhdx"));
        std::vector<uint8_t> buf(512);
        const VirtualReadResult r = disk->read(0, 512, buf.data());
        QCOMPARE(r.status,
                 reason.isEmpty() ? VirtualReadStatus::Ok : VirtualReadStatus::ParentMissing);
    }

    void sectorMapEdges() {
        // No BAT at all; not a differencing disk; a bitmap entry the BAT does not hold.
        const auto junk = Image::parse(std::make_shared<MemorySource>(std::vector<uint8_t>(10)));
        std::string why;
        QVERIFY(!readBlockSectorMap(*junk, 0, &why));
        QCOMPARE(why, std::string("the image has no readable BAT"));
        QVERIFY(!readBlockSectorMap(*junk, 0)); // no reason asked for
        QVERIFY(!summarizeSectorBitmaps(*junk).walked);

        ImageSpec s;
        s.blockSize = kMiB;
        s.virtualSize = 4 * kMiB;
        s.blocks = {{1, bat::FullyPresent}};
        BuiltImage b = buildImage(s);
        setBatEntry(b, b.batIndexOfBlock(1),
                    bat::entry(bat::PartiallyPresent, b.blockOffsets.at(1)));
        const auto noParent = Image::parse(b.source());
        QVERIFY(!readBlockSectorMap(*noParent, 1, &why));
        QCOMPARE(why, std::string("block 1 is not partially present"));
        QVERIFY(!summarizeSectorBitmaps(*noParent).walked); // no parent: not walked

        // The chunk's bitmap slot (index 4096) lies past a BAT region of 4 KiB.
        ImageSpec d = s;
        d.hasParent = true;
        d.batLength = 4096;
        d.blocks = {{1, bat::PartiallyPresent}};
        const auto shortBat = Image::parse(buildImage(d).source());
        QVERIFY(shortBat->batReader());
        QVERIFY(!readBlockSectorMap(*shortBat, 1, &why));
        QCOMPARE(why, std::string("chunk 0 has no present sector bitmap"));
        const SectorBitmapSummary sum = summarizeSectorBitmaps(*shortBat);
        QVERIFY(sum.walked && sum.complete);
        QCOMPARE(sum.partiallyPresentBlocks, uint64_t(1));
        QCOMPARE(sum.blocksWithoutBitmap, uint64_t(1));
        QCOMPARE(sum.presentBitmaps, uint64_t(0));

        // Cells of an empty map and no cells.
        BlockSectorMap empty;
        QCOMPARE(sectorMapCells(empty, 3), std::vector<uint8_t>(3, 0));
        BlockSectorMap full;
        full.sectors = 16;
        full.bits = {0xFF, 0x0F};
        QVERIFY(sectorMapCells(full, 0).empty());
        QCOMPARE(sectorMapCells(full, 2), std::vector<uint8_t>({255, 127}));
    }
};

VHDX_TEST_MAIN(TestVirtualDiskChainShapes)
#include "tst_virtual_disk_chain_shapes.moc"
