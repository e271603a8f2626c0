// Metadata region (MS-VHDX 2.6): table, known items, METADATA_* and value findings.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/layout.h"
#include "vhdx/metadata.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
const Guid kUnknownItem = *Guid::parse("fedcba98-7654-3210-fedc-ba9876543210");

const Guid* knownGuid(int i) {
    static const Guid* all[] = {&guids::fileParameters, &guids::virtualDiskSize, &guids::page83Data,
                                &guids::logicalSectorSize, &guids::physicalSectorSize};
    return all[i];
}
} // namespace

class TestMetadata : public QObject {
    Q_OBJECT
  private slots:
    void decodesKnownItems() {
        ImageSpec spec;
        spec.blockSize = 2 * MiB;
        spec.logicalSectorSize = 4096;
        spec.physicalSectorSize = 4096;
        spec.virtualSize = 3 * GiB;
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        const Metadata& md = img->metadata();
        QVERIFY(md.readable);
        QVERIFY(md.signatureValid);
        QCOMPARE(md.regionOffset, b.metadataOffset);
        QCOMPARE(md.regionLength, b.metadataLength);
        QCOMPARE(md.entryCount, uint16_t(5));
        QCOMPARE(md.entries.size(), size_t(5));
        QCOMPARE(md.blockSize, std::optional<uint32_t>(2 * MiB));
        QCOMPARE(md.fileParameterFlags, std::optional<uint32_t>(0));
        QVERIFY(!md.leaveBlocksAllocated);
        QVERIFY(!md.hasParent);
        QCOMPARE(md.virtualDiskSize, std::optional<uint64_t>(3 * GiB));
        QVERIFY(md.virtualDiskId == spec.virtualDiskId);
        QCOMPARE(md.logicalSectorSize, std::optional<uint32_t>(4096));
        QCOMPARE(md.physicalSectorSize, std::optional<uint32_t>(4096));
        QVERIFY(!md.parentLocator.has_value());
        QVERIFY(md.geometryKnown());
        const MetadataEntry* fp = md.find(guids::fileParameters);
        QVERIFY(fp);
        VHDX_COMPARE_STR(fp->name, "File Parameters");
        QCOMPARE(fp->offset, uint32_t(64 * KiB));
        QCOMPARE(fp->length, 8u);
        QVERIFY(fp->isRequired() && !fp->isVirtualDisk() && !fp->isUser());
        QVERIFY(fp->placed);
        QVERIFY(md.find(guids::virtualDiskSize)->isVirtualDisk());
        QVERIFY(img->findings().empty());
    }
    void itemNames() {
        VHDX_COMPARE_STR(metadataItemName(guids::fileParameters), "File Parameters");
        VHDX_COMPARE_STR(metadataItemName(guids::virtualDiskSize), "Virtual Disk Size");
        VHDX_COMPARE_STR(metadataItemName(guids::logicalSectorSize), "Logical Sector Size");
        VHDX_COMPARE_STR(metadataItemName(guids::physicalSectorSize), "Physical Sector Size");
        VHDX_COMPARE_STR(metadataItemName(guids::parentLocator), "Parent Locator");
        VHDX_COMPARE_STR(metadataItemName(kUnknownItem), "Unknown");
    }
    void signatureBad() {
        BuiltImage b = buildImage({});
        b.bytes[b.metadataOffset + 7] = 'X';
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::MetadataSignatureBad, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "metadata");
        QCOMPARE(f.offset, b.metadataOffset);
        QVERIFY(!img->metadata().signatureValid);
        QVERIFY(!img->metadata().geometryKnown());
    }
    void entryCountInvalid_data() {
        QTest::addColumn<int>("count");
        QTest::newRow("2048") << 2048;
        QTest::newRow("65535") << 65535;
    }
    void entryCountInvalid() {
        QFETCH(int, count);
        BuiltImage b = buildImage({});
        putU16(b, b.metadataOffset + field::metadataEntryCount, uint16_t(count));
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::MetadataEntryCountInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "metadata");
        QVERIFY(img->metadata().entries.size() <= schema::metadata_entry::table.maxEntries);
    }
    void itemMissing_data() {
        QTest::addColumn<int>("item");
        QTest::newRow("File Parameters") << 0;
        QTest::newRow("Virtual Disk Size") << 1;
        QTest::newRow("Virtual Disk ID") << 2;
        QTest::newRow("Logical Sector Size") << 3;
        QTest::newRow("Physical Sector Size") << 4;
    }
    void itemMissing() {
        QFETCH(int, item);
        ImageSpec spec;
        spec.omitItems.push_back(*knownGuid(item));
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::MetadataItemMissing, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(key(*img, f).rfind("metadata", 0) == 0);
        QCOMPARE(findingsWith(*img, FindingCode::MetadataItemMissing).size(), size_t(1));
        QVERIFY(img->metadata().find(*knownGuid(item)) == nullptr);
    }
    void duplicateItem() {
        ImageSpec spec;
        spec.extraItems.push_back({guids::logicalSectorSize, {0, 2, 0, 0}, 6});
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::MetadataItemDuplicate, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "metadata:Logical Sector Size");
        QCOMPARE(f.offset, b.items.back().entryOffset);
        // The first one counts.
        QCOMPARE(img->metadata().logicalSectorSize, std::optional<uint32_t>(512));
    }
    void itemOutOfBounds_data() {
        QTest::addColumn<int>("item");
        QTest::addColumn<quint32>("offset");
        QTest::addColumn<quint32>("length");
        QTest::addColumn<QString>("structure");
        QTest::newRow("past region end") << 1 << quint32(2 * MiB) << 8u << "Virtual Disk Size";
        QTest::newRow("straddles region end") << 0 << quint32(MiB - 4) << 8u << "File Parameters";
        QTest::newRow("offset+length wraps") << 3 << 0xFFFFFFFCu << 8u << "Logical Sector Size";
        QTest::newRow("inside the table") << 1 << 0u << 8u << "Virtual Disk Size";
        QTest::newRow("table end") << 4 << quint32(64 * KiB - 2) << 4u << "Physical Sector Size";
        QTest::newRow("wrong size") << 0 << quint32(64 * KiB) << 4u << "File Parameters";
        QTest::newRow("too long") << 2 << quint32(64 * KiB) << quint32(MiB + 8)
                                  << "Virtual Disk ID";
    }
    void itemOutOfBounds() {
        QFETCH(int, item);
        QFETCH(quint32, offset);
        QFETCH(quint32, length);
        QFETCH(QString, structure);
        BuiltImage b = buildImage({});
        const MetadataItemPlace* place = b.item(*knownGuid(item));
        putU32(b, place->entryOffset + field::metadataEntryOffset, offset);
        putU32(b, place->entryOffset + field::metadataEntryLength, length);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::MetadataItemOutOfBounds, f);
        QCOMPARE(f.severity, Severity::Error);
        QCOMPARE(qs(key(*img, f)), "metadata:" + structure);
        QVERIFY(!img->metadata().find(*knownGuid(item))->placed);
    }
    void itemEndingAtRegionEndIsFine() {
        ImageSpec spec;
        spec.extraItems.push_back({kUnknownItem, std::vector<uint8_t>(8, 0x11), 0});
        BuiltImage b = buildImage(spec);
        const uint32_t lastStart = uint32_t(b.metadataLength - 8);
        putU32(b, b.items.back().entryOffset + field::metadataEntryOffset, lastStart);
        const auto img = parseAndScan(b);
        QVERIFY2(img->findings().empty(), qPrintable(describe(*img)));
        QVERIFY(img->metadata().entries.back().placed);
        // One byte further is out.
        putU32(b, b.items.back().entryOffset + field::metadataEntryOffset, lastStart + 1);
        const auto out = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*out, FindingCode::MetadataItemOutOfBounds, f);
        VHDX_COMPARE_STR(key(*img, f), "metadata:Unknown");
    }
    void itemsOverlap() {
        ImageSpec spec;
        spec.extraItems.push_back({kUnknownItem, std::vector<uint8_t>(16, 0xAB), 0});
        BuiltImage b = buildImage(spec);
        // Point the unknown item at the File Parameters bytes.
        putU32(b, b.items.back().entryOffset + field::metadataEntryOffset, uint32_t(64 * KiB));
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::MetadataItemOverlap, f);
        QCOMPARE(f.severity, Severity::Warning);
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void unknownItems() {
        ImageSpec spec;
        spec.extraItems.push_back({kUnknownItem, {1, 2, 3, 4}, 1 /* IsUser only */});
        const auto clean = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_NO_ERRORS(*clean);
        QCOMPARE(clean->metadata().entries.size(), size_t(6));
        VHDX_COMPARE_STR(clean->metadata().entries.back().name, "Unknown");

        spec.extraItems.back().flags = 4; // IsRequired
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::MetadataUnknownRequired, f);
        QCOMPARE(f.severity, Severity::Error);
        QCOMPARE(f.offset, b.items.back().entryOffset);
    }
    void blockSizeInvalid_data() {
        QTest::addColumn<quint32>("blockSize");
        QTest::newRow("0") << 0u;
        QTest::newRow("512 KiB") << quint32(512 * KiB);
        QTest::newRow("3 MiB") << quint32(3 * MiB);
        QTest::newRow("1 MiB + 1") << quint32(MiB + 1);
        QTest::newRow("512 MiB") << quint32(512 * MiB);
        QTest::newRow("2 GiB") << 0x80000000u;
    }
    void blockSizeInvalid() {
        QFETCH(quint32, blockSize);
        BuiltImage b = buildImage({});
        const uint64_t at = b.item(guids::fileParameters)->dataOffset;
        putU32(b, at, blockSize);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::BlockSizeInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "metadata:File Parameters");
        QCOMPARE(f.offset, at);
        QVERIFY(!img->batGeometry().valid);
        QVERIFY(img->batReader() == nullptr);
    }
    void sectorSizeInvalid_data() {
        QTest::addColumn<bool>("logical");
        QTest::addColumn<quint32>("size");
        QTest::newRow("logical 0") << true << 0u;
        QTest::newRow("logical 1024") << true << 1024u;
        QTest::newRow("logical 8192") << true << 8192u;
        QTest::newRow("physical 520") << false << 520u;
        QTest::newRow("physical 65536") << false << 65536u;
    }
    void sectorSizeInvalid() {
        QFETCH(bool, logical);
        QFETCH(quint32, size);
        BuiltImage b = buildImage({});
        const uint64_t at =
            b.item(logical ? guids::logicalSectorSize : guids::physicalSectorSize)->dataOffset;
        putU32(b, at, size);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::SectorSizeInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), logical ? "metadata:Logical Sector Size"
                                               : "metadata:Physical Sector Size");
        QCOMPARE(f.offset, at);
    }
    void virtualSizeInvalid_data() {
        QTest::addColumn<quint32>("sector");
        QTest::addColumn<uint64_t>("size");
        QTest::newRow("zero") << 512u << uint64_t(0);
        QTest::newRow("not a sector multiple") << 512u << GiB + 100;
        QTest::newRow("512 multiple, 4096 sectors") << 4096u << GiB + 512;
        QTest::newRow("above 64 TiB") << 512u << 64 * TiB + MiB;
        QTest::newRow("max u64") << 512u << ~uint64_t(511);
    }
    void virtualSizeInvalid() {
        QFETCH(quint32, sector);
        QFETCH(uint64_t, size);
        ImageSpec spec;
        spec.logicalSectorSize = sector;
        BuiltImage b = buildImage(spec);
        const uint64_t at = b.item(guids::virtualDiskSize)->dataOffset;
        putU64(b, at, size);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::VirtualDiskSizeInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "metadata:Virtual Disk Size");
        QCOMPARE(f.offset, at);
    }
    void largestVirtualSizeIsValid() {
        ImageSpec spec;
        spec.blockSize = 256 * MiB;
        spec.virtualSize = 64 * TiB;
        const BuiltImage b = buildImage(spec);
        QCOMPARE(b.totalBatEntries, 262144ull + 262143 / 16);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_NO_ERRORS(*img);
        QCOMPARE(img->batGeometry().totalEntries, b.totalBatEntries);
    }
    void regionBeyondEndOfFile() {
        BuiltImage b = buildImage({});
        b.bytes.resize(b.metadataOffset + 1000); // the table is cut
        const auto img = parseAndScan(b);
        QVERIFY(img->findings().has(FindingCode::FileTruncated) ||
                img->findings().has(FindingCode::RegionOutOfBounds));
        QVERIFY(!img->metadata().geometryKnown());
        QVERIFY(img->findings().hasErrors());
    }
};

VHDX_TEST_MAIN(TestMetadata)
#include "tst_metadata.moc"
