// BAT geometry (MS-VHDX 2.5): chunk ratio, entry counts with and without a parent, the mapping
// between payload blocks, sector-bitmap slots and BAT indices, state names.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/bat.h"
#include "vhdx/bytes.h"

using namespace vhdx;
using namespace vhdx::test;

class TestBatGeometry : public QObject {
    Q_OBJECT
  private slots:
    void counts_data() {
        QTest::addColumn<uint64_t>("blockSize");
        QTest::addColumn<uint64_t>("sector");
        QTest::addColumn<uint64_t>("virtualSize");
        QTest::addColumn<bool>("hasParent");
        QTest::addColumn<uint64_t>("chunkRatio");
        QTest::addColumn<uint64_t>("dataBlocks");
        QTest::addColumn<uint64_t>("total");
        // The real samples (testdata README).
        QTest::newRow("dynamic-1G") << 32 * MiB << uint64_t(512) << 1 * GiB << false
                                    << uint64_t(128) << uint64_t(32) << uint64_t(32);
        QTest::newRow("dirtylog-10G") << 1 * MiB << uint64_t(512) << 10 * GiB << false
                                      << uint64_t(4096) << uint64_t(10240) << uint64_t(10242);
        QTest::newRow("xfs-10G") << 32 * MiB << uint64_t(512) << 10 * GiB << false << uint64_t(128)
                                 << uint64_t(320) << uint64_t(322);
        // Differencing: every chunk has its bitmap slot, the last one included.
        QTest::newRow("diff-1G") << 32 * MiB << uint64_t(512) << 1 * GiB << true << uint64_t(128)
                                 << uint64_t(32) << uint64_t(129);
        QTest::newRow("diff-10G") << 32 * MiB << uint64_t(512) << 10 * GiB << true << uint64_t(128)
                                  << uint64_t(320) << uint64_t(387);
        // Exactly one full chunk: no bitmap slot after it without a parent.
        QTest::newRow("one chunk") << 32 * MiB << uint64_t(512) << 128 * 32 * MiB << false
                                   << uint64_t(128) << uint64_t(128) << uint64_t(128);
        QTest::newRow("one chunk diff") << 32 * MiB << uint64_t(512) << 128 * 32 * MiB << true
                                        << uint64_t(128) << uint64_t(128) << uint64_t(129);
        QTest::newRow("chunk + 1") << 32 * MiB << uint64_t(512) << 129 * 32 * MiB << false
                                   << uint64_t(128) << uint64_t(129) << uint64_t(130);
        QTest::newRow("partial last block") << 32 * MiB << uint64_t(512) << 1 * GiB + 512 << false
                                            << uint64_t(128) << uint64_t(33) << uint64_t(33);
        QTest::newRow("one sector") << 1 * MiB << uint64_t(512) << uint64_t(512) << false
                                    << uint64_t(4096) << uint64_t(1) << uint64_t(1);
        QTest::newRow("256M/512") << 256 * MiB << uint64_t(512) << 100 * GiB << false
                                  << uint64_t(16) << uint64_t(400) << uint64_t(424);
        QTest::newRow("256M/4096") << 256 * MiB << uint64_t(4096) << 100 * GiB << false
                                   << uint64_t(128) << uint64_t(400) << uint64_t(403);
        QTest::newRow("2M/4096") << 2 * MiB << uint64_t(4096) << 1 * GiB << false << uint64_t(16384)
                                 << uint64_t(512) << uint64_t(512);
        // 64 TiB with 1 MiB blocks (what qemu-img makes: a 513 MiB BAT region).
        QTest::newRow("64T/1M/512") << 1 * MiB << uint64_t(512) << 64 * TiB << false
                                    << uint64_t(4096) << uint64_t(67108864) << uint64_t(67125247);
        QTest::newRow("64T/1M/4096") << 1 * MiB << uint64_t(4096) << 64 * TiB << false
                                     << uint64_t(32768) << uint64_t(67108864) << uint64_t(67110911);
    }
    void counts() {
        QFETCH(uint64_t, blockSize);
        QFETCH(uint64_t, sector);
        QFETCH(uint64_t, virtualSize);
        QFETCH(bool, hasParent);
        QFETCH(uint64_t, chunkRatio);
        QFETCH(uint64_t, dataBlocks);
        QFETCH(uint64_t, total);
        const BatGeometry g = BatGeometry::compute(blockSize, sector, virtualSize, hasParent);
        QVERIFY(g.valid);
        QCOMPARE(g.chunkRatio, chunkRatio);
        QCOMPARE(g.dataBlocks, dataBlocks);
        QCOMPARE(g.totalEntries, total);
        // bat.h: "number of sector-bitmap slots in the table". With a parent every chunk has
        // one (the table is whole chunks) and the last chunk's unused payload slots are padding,
        // so there it is total / (ChunkRatio + 1), not total - dataBlocks.
        const uint64_t bitmapSlots = hasParent ? total / (chunkRatio + 1) : total - dataBlocks;
        QCOMPARE(g.sectorBitmapBlocks, bitmapSlots);
        QCOMPARE(g.blockSize, blockSize);
        QCOMPARE(g.hasParent, hasParent);
    }
    void largestBatFitsTheLimit() {
        // Format §10: the BAT is at most about 516 MiB.
        const BatGeometry g = BatGeometry::compute(1 * MiB, 512, 64 * TiB, true);
        QVERIFY(g.valid);
        QCOMPARE(g.totalEntries, 16384ull * 4097);
        QVERIFY(g.totalEntries * 8 <= 516 * MiB);
    }
    void invalidInputs_data() {
        QTest::addColumn<uint64_t>("blockSize");
        QTest::addColumn<uint64_t>("sector");
        QTest::addColumn<uint64_t>("virtualSize");
        QTest::newRow("block 0") << uint64_t(0) << uint64_t(512) << GiB;
        QTest::newRow("block 3M") << 3 * MiB << uint64_t(512) << GiB;
        QTest::newRow("block 512K") << 512 * KiB << uint64_t(512) << GiB;
        QTest::newRow("block 512M") << 512 * MiB << uint64_t(512) << GiB;
        QTest::newRow("sector 0") << 32 * MiB << uint64_t(0) << GiB;
        QTest::newRow("sector 1024") << 32 * MiB << uint64_t(1024) << GiB;
        QTest::newRow("size 0") << 32 * MiB << uint64_t(512) << uint64_t(0);
        QTest::newRow("size > 64T") << 32 * MiB << uint64_t(512) << 64 * TiB + 512;
    }
    void invalidInputs() {
        QFETCH(uint64_t, blockSize);
        QFETCH(uint64_t, sector);
        QFETCH(uint64_t, virtualSize);
        const BatGeometry g = BatGeometry::compute(blockSize, sector, virtualSize, false);
        QVERIFY(!g.valid);
    }
    void mappingAtChunkBoundaries() {
        const BatGeometry g = BatGeometry::compute(32 * MiB, 512, 10 * GiB, false); // ratio 128
        QCOMPARE(g.payloadIndexOfBlock(0), 0ull);
        QCOMPARE(g.payloadIndexOfBlock(127), 127ull);
        QCOMPARE(g.payloadIndexOfBlock(128), 129ull);
        QCOMPARE(g.payloadIndexOfBlock(255), 256ull);
        QCOMPARE(g.payloadIndexOfBlock(256), 258ull);
        QCOMPARE(g.sectorBitmapIndexOfChunk(0), 128ull);
        QCOMPARE(g.sectorBitmapIndexOfChunk(1), 257ull);
        QVERIFY(!g.isSectorBitmapIndex(0));
        QVERIFY(!g.isSectorBitmapIndex(127));
        QVERIFY(g.isSectorBitmapIndex(128));
        QVERIFY(!g.isSectorBitmapIndex(129));
        QVERIFY(g.isSectorBitmapIndex(257));
        QCOMPARE(g.blockOfPayloadIndex(129), 128ull);
        QCOMPARE(g.blockOfPayloadIndex(256), 255ull);
        QCOMPARE(g.blockOfPayloadIndex(258), 256ull);
    }
    void mappingRoundTrip() {
        const BatGeometry g = BatGeometry::compute(256 * MiB, 512, 64 * TiB, true); // ratio 16
        QCOMPARE(g.chunkRatio, 16ull);
        uint64_t payload = 0, bitmaps = 0;
        for (uint64_t index = 0; index < 17 * 40; ++index) {
            if (g.isSectorBitmapIndex(index)) {
                QCOMPARE(g.sectorBitmapIndexOfChunk(index / 17), index);
                ++bitmaps;
                continue;
            }
            const uint64_t block = g.blockOfPayloadIndex(index);
            QCOMPARE(block, payload);
            QCOMPARE(g.payloadIndexOfBlock(block), index);
            ++payload;
        }
        QCOMPARE(bitmaps, 40ull);
        QCOMPARE(payload, 640ull);
    }
    void virtualOffsets() {
        const BatGeometry g = BatGeometry::compute(32 * MiB, 512, 10 * GiB, false);
        QCOMPARE(g.indexOfVirtualOffset(0), std::optional<uint64_t>(0));
        QCOMPARE(g.indexOfVirtualOffset(32 * MiB - 1), std::optional<uint64_t>(0));
        QCOMPARE(g.indexOfVirtualOffset(32 * MiB), std::optional<uint64_t>(1));
        QCOMPARE(g.indexOfVirtualOffset(128 * 32 * MiB - 1), std::optional<uint64_t>(127));
        QCOMPARE(g.indexOfVirtualOffset(128 * 32 * MiB), std::optional<uint64_t>(129));
        QCOMPARE(g.indexOfVirtualOffset(10 * GiB - 1), std::optional<uint64_t>(321));
        QVERIFY(!g.indexOfVirtualOffset(10 * GiB).has_value());
        QVERIFY(!g.indexOfVirtualOffset(UINT64_MAX).has_value());
    }
    void entryDecoding() {
        const BatEntry e{bat::entry(bat::FullyPresent, 300 * MiB) | (uint64_t(1) << 3)};
        QCOMPARE(int(e.state()), 6);
        QCOMPARE(e.fileOffsetMB(), 300ull);
        QCOMPARE(e.fileOffset(), 300 * MiB);
        QCOMPARE(e.reservedBits(), 1u);
        const BatEntry top{~uint64_t(0)};
        QCOMPARE(int(top.state()), 7);
        QCOMPARE(top.reservedBits(), 0x1FFFFu);
        QCOMPARE(top.fileOffsetMB(), (uint64_t(1) << 44) - 1);
    }
    // MS-VHDX 2.5.1: payload states 0-3 and 6 always defined, 7 only with a parent, 4 and 5
    // never; sector-bitmap states 0 and 6 only. Each raw state falls in exactly one class.
    void stateRules() {
        using C = BatClass;
        const C payload[8] = {C::PayloadNotPresent,   C::PayloadUndefined,       C::PayloadZero,
                              C::PayloadUnmapped,     C::PayloadInvalid,         C::PayloadInvalid,
                              C::PayloadFullyPresent, C::PayloadPartiallyPresent};
        for (uint8_t s = 0; s < 8; ++s) {
            QCOMPARE(classifyBatState(s, SlotKind::Payload, true), payload[s]);
            QCOMPARE(classifyBatState(s, SlotKind::Payload, false),
                     s == 7 ? C::PayloadInvalid : payload[s]);
            const C bitmap = s == 0   ? C::BitmapNotPresent
                             : s == 6 ? C::BitmapPresent
                                      : C::BitmapInvalid;
            QCOMPARE(classifyBatState(s, SlotKind::SectorBitmap, false), bitmap);
            QCOMPARE(classifyBatState(s, SlotKind::SectorBitmap, true), bitmap);
        }
        // The scan counts states 0-3 straight into the first four classes.
        for (uint8_t s = 0; s < 4; ++s)
            QCOMPARE(int(classifyBatState(s, SlotKind::Payload, false)), int(s));
    }
    void stateNames() {
        VHDX_COMPARE_STR(batClassInfo(BatClass::PayloadNotPresent).label, "not present");
        VHDX_COMPARE_STR(batClassInfo(BatClass::PayloadZero).label, "zero");
        VHDX_COMPARE_STR(batClassInfo(BatClass::PayloadFullyPresent).key, "fully_present");
        VHDX_COMPARE_STR(batClassInfo(BatClass::PayloadPartiallyPresent).label,
                         "partially present");
        VHDX_COMPARE_STR(batClassInfo(BatClass::BitmapPresent).key, "present");
        VHDX_COMPARE_STR(batClassInfo(BatClass::PayloadInvalid).key, "invalid");
        QCOMPARE(batClasses().size(), batClassCount);
        for (size_t i = 0; i < batClassCount; ++i)
            QCOMPARE(size_t(batClasses()[i].cls), i);
    }
};

VHDX_TEST_MAIN(TestBatGeometry)
#include "tst_bat_geometry.moc"
