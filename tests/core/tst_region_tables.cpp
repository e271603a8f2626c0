// Region tables (MS-VHDX 2.2.3): both copies, entries, REGION_* findings.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/layout.h"
#include "vhdx/region_table.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
constexpr uint64_t kT1 = 192 * KiB, kT2 = 256 * KiB;
const Guid kUnknownRegion = *Guid::parse("01234567-89ab-cdef-0123-456789abcdef");

uint64_t entryAt(int table, size_t entry) {
    return (table == 1 ? kT1 : kT2) + field::regionEntries + entry * field::regionEntrySize;
}
// Changes one entry (0 = BAT, 1 = Metadata) in both copies and re-seals them.
void setEntryOffset(BuiltImage& b, size_t entry, uint64_t offset) {
    for (int t = 1; t <= 2; ++t) {
        putU64(b, entryAt(t, entry) + field::regionEntryOffset, offset);
        resealRegionTable(b, t);
    }
}
void setEntryLength(BuiltImage& b, size_t entry, uint32_t length) {
    for (int t = 1; t <= 2; ++t) {
        putU32(b, entryAt(t, entry) + field::regionEntryLength, length);
        resealRegionTable(b, t);
    }
}
void setEntryCount(BuiltImage& b, int table, uint32_t count) {
    putU32(b, (table == 1 ? kT1 : kT2) + field::regionEntryCount, count);
    resealRegionTable(b, table);
}
} // namespace

class TestRegionTables : public QObject {
    Q_OBJECT
  private slots:
    void cleanTables() {
        const BuiltImage b = buildImage({});
        const auto img = parseAndScan(b);
        const Regions& r = img->regions();
        QVERIFY(r.tables[0].valid());
        QVERIFY(r.tables[1].valid());
        QVERIFY(r.identical);
        QCOMPARE(r.used, 1);
        QCOMPARE(r.tables[0].entryCount, 2u);
        QCOMPARE(r.tables[0].offset, kT1);
        QCOMPARE(r.tables[1].offset, kT2);
        QVERIFY(r.bat && r.metadata);
        VHDX_COMPARE_STR(r.bat->name, "BAT");
        VHDX_COMPARE_STR(r.metadata->name, "Metadata");
        QCOMPARE(r.bat->fileOffset, b.batOffset);
        QCOMPARE(uint64_t(r.bat->length), b.batLength);
        QCOMPARE(r.metadata->fileOffset, b.metadataOffset);
        QVERIFY(r.bat->required());
        QVERIFY(r.tables[0].find(guids::metadataRegion) != nullptr);
        QVERIFY(r.tables[0].find(kUnknownRegion) == nullptr);
        QVERIFY(img->findings().empty());
    }
    void qemuStyleNotRequired() {
        ImageSpec spec;
        spec.regionsRequired = false;
        const auto img = parseAndScan(buildImage(spec));
        QVERIFY(!img->regions().bat->required());
        QVERIFY(!img->regions().metadata->required());
        QVERIFY2(img->findings().empty(), qPrintable(describe(*img)));
    }
    void decodeDirectly() {
        const BuiltImage b = buildImage({});
        const RegionTable t = decodeRegionTable(b.bytes.data() + kT2, 2, kT2);
        QVERIFY(t.valid());
        QCOMPARE(t.index, 2);
        QCOMPARE(t.entries.size(), size_t(2));
        QVERIFY(t.entries[0].guid == guids::batRegion);
        QCOMPARE(t.checksum, t.checksumComputed);
        QVERIFY(t.problem().empty());
    }
    void oneCopyDamaged_data() {
        QTest::addColumn<int>("table");
        QTest::addColumn<int>("damage"); // 0 signature, 1 checksum, 2 entry count 2048
        QTest::addColumn<int>("code");
        QTest::newRow("t1 signature") << 1 << 0 << int(FindingCode::RegionTableSignatureBad);
        QTest::newRow("t2 signature") << 2 << 0 << int(FindingCode::RegionTableSignatureBad);
        QTest::newRow("t1 checksum") << 1 << 1 << int(FindingCode::RegionTableChecksumBad);
        QTest::newRow("t2 checksum") << 2 << 1 << int(FindingCode::RegionTableChecksumBad);
        QTest::newRow("t1 count") << 1 << 2 << int(FindingCode::RegionTableEntryCountInvalid);
    }
    void oneCopyDamaged() {
        QFETCH(int, table);
        QFETCH(int, damage);
        QFETCH(int, code);
        BuiltImage b = buildImage({});
        const uint64_t at = table == 1 ? kT1 : kT2;
        if (damage == 0) {
            b.bytes[at + 3] = 'x';
            resealRegionTable(b, table);
        } else if (damage == 1) {
            b.bytes[at + 60000] ^= 0x40; // past the entries, still covered
        } else {
            setEntryCount(b, table, 2048);
        }
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode(code), f);
        QCOMPARE(f.severity, Severity::Warning);
        VHDX_COMPARE_STR(key(*img, f), table == 1 ? "region_table1" : "region_table2");
        QVERIFY(f.offset >= at && f.offset < at + 16);
        QCOMPARE(img->regions().used, 3 - table);
        QVERIFY(img->regions().bat.has_value());
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void bothCopiesDamaged() {
        BuiltImage b = buildImage({});
        b.bytes[kT1 + 1000] ^= 1;
        b.bytes[kT2] = 'R';
        resealRegionTable(b, 2);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionTableChecksumBad, c);
        QCOMPARE(c.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, c), "region_table1");
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionTableSignatureBad, s);
        QCOMPARE(s.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, s), "region_table2");
        // Neither is valid: the one whose signature holds is read on (a surviving mutant,
        // docs/ROBUSTNESS.md).
        QCOMPARE(img->regions().used, 1);
        BuiltImage other = buildImage({});
        other.bytes[kT1] = 'R';
        resealRegionTable(other, 1);
        other.bytes[kT2 + 1000] ^= 1;
        QCOMPARE(parseAndScan(other)->regions().used, 2);
    }
    void hugeEntryCount() {
        // EntryCount 2^32-1 in both copies: rejected without reading 128 GiB of entries.
        BuiltImage b = buildImage({});
        setEntryCount(b, 1, 0xFFFFFFFFu);
        setEntryCount(b, 2, 0xFFFFFFFFu);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionTableEntryCountInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        QCOMPARE(img->regions().tables[0].entryCount, 0xFFFFFFFFu);
        QVERIFY(!img->regions().tables[0].entryCountValid);
        QVERIFY(img->regions().tables[0].entries.size() <= schema::region_entry::table.maxEntries);
        QVERIFY(img->findings().hasErrors());
    }
    void copiesDiffer() {
        BuiltImage b = buildImage({});
        putU32(b, entryAt(2, 0) + field::regionEntryRequired, 0);
        resealRegionTable(b, 2);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionTablesDiffer, f);
        QCOMPARE(f.severity, Severity::Warning);
        QVERIFY(!img->regions().identical);
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void missingRegion_data() {
        QTest::addColumn<bool>("bat");
        QTest::newRow("no BAT") << true;
        QTest::newRow("no Metadata") << false;
    }
    void missingRegion() {
        QFETCH(bool, bat);
        ImageSpec spec;
        (bat ? spec.writeBatRegion : spec.writeMetadataRegion) = false;
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionMissing, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(key(*img, f).rfind("region_table", 0) == 0);
        QCOMPARE(img->regions().bat.has_value(), !bat);
        QCOMPARE(img->regions().metadata.has_value(), bat);
        QCOMPARE(findingsWith(*img, FindingCode::RegionMissing).size(), size_t(1));
    }
    void duplicateRegion() {
        ImageSpec spec;
        spec.extraRegions.push_back({guids::batRegion, 2 * MiB, uint32_t(MiB), 1});
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionDuplicate, f);
        QCOMPARE(f.severity, Severity::Error);
        QCOMPARE(f.offset, entryAt(1, 2));
    }
    void unknownRequired() {
        ImageSpec spec;
        spec.extraRegions.push_back({kUnknownRegion, 4 * MiB, uint32_t(MiB), 1});
        BuiltImage b = buildImage(spec);
        b.bytes.resize(5 * MiB);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionUnknownRequired, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "region_table1");
        QCOMPARE(f.offset, entryAt(1, 2));
    }
    void unknownOptionalIsFine() {
        ImageSpec spec;
        spec.extraRegions.push_back({kUnknownRegion, 4 * MiB, uint32_t(MiB), 0});
        BuiltImage b = buildImage(spec);
        b.bytes.resize(5 * MiB);
        const auto img = parseAndScan(b);
        QCOMPARE(img->regions().tables[0].entries.size(), size_t(3));
        VHDX_COMPARE_STR(img->regions().tables[0].entries[2].name, "Unknown");
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void unknownOptionalBeyondEof() {
        // Format §6: every region must lie inside the file, known or not.
        ImageSpec spec;
        spec.extraRegions.push_back({kUnknownRegion, 64 * MiB, uint32_t(MiB), 0});
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionOutOfBounds, f);
        QCOMPARE(f.severity, Severity::Error);
    }
    void unknownOptionalOverlapping() {
        // Format §6: regions must not overlap each other, known or not.
        ImageSpec spec;
        spec.extraRegions.push_back({kUnknownRegion, 2 * MiB, uint32_t(MiB), 0});
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionOverlap, f);
        QCOMPARE(f.severity, Severity::Error);
    }
    void overlap_data() {
        QTest::addColumn<int>("entry");
        QTest::addColumn<uint64_t>("offset");
        QTest::newRow("metadata on BAT") << 1 << 2 * MiB;
        QTest::newRow("BAT on log") << 0 << 1 * MiB;
        QTest::newRow("metadata on log") << 1 << 1 * MiB;
    }
    void overlap() {
        QFETCH(int, entry);
        QFETCH(uint64_t, offset);
        BuiltImage b = buildImage({});
        setEntryOffset(b, size_t(entry), offset);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionOverlap, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "region_table1");
    }
    void outOfBounds_data() {
        QTest::addColumn<int>("entry");
        QTest::addColumn<uint64_t>("offset");
        QTest::addColumn<quint32>("length");
        QTest::newRow("BAT past end") << 0 << 1024 * MiB << quint32(MiB);
        QTest::newRow("metadata partly past end") << 1 << 3 * MiB << quint32(2 * MiB);
        QTest::newRow("offset+length overflows")
            << 1 << uint64_t(0xFFFFFFFFFFF00000) << quint32(2 * MiB);
        QTest::newRow("max offset") << 0 << uint64_t(0xFFFFFFFFFFF00000) << quint32(MiB);
    }
    void outOfBounds() {
        QFETCH(int, entry);
        QFETCH(uint64_t, offset);
        QFETCH(quint32, length);
        BuiltImage b = buildImage({});
        setEntryOffset(b, size_t(entry), offset);
        setEntryLength(b, size_t(entry), length);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionOutOfBounds, f);
        QCOMPARE(f.severity, Severity::Error);
        QCOMPARE(f.offset, entryAt(1, size_t(entry)));
    }
    void misaligned_data() {
        QTest::addColumn<int>("entry");
        QTest::addColumn<uint64_t>("offset");
        QTest::addColumn<quint32>("length");
        QTest::newRow("offset 4K off") << 1 << 3 * MiB + 4 * KiB << quint32(MiB - 4 * KiB);
        QTest::newRow("length not MiB") << 0 << 2 * MiB << quint32(MiB - 512);
        QTest::newRow("length 0") << 0 << 2 * MiB << quint32(0);
        QTest::newRow("inside first MiB") << 0 << 512 * KiB << quint32(MiB);
    }
    void misaligned() {
        QFETCH(int, entry);
        QFETCH(uint64_t, offset);
        QFETCH(quint32, length);
        BuiltImage b = buildImage({});
        setEntryOffset(b, size_t(entry), offset);
        setEntryLength(b, size_t(entry), length);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionMisaligned, f);
        QCOMPARE(f.severity, Severity::Error);
    }
    void truncatedTable() {
        BuiltImage b = buildImage({});
        b.bytes.resize(kT1 + 100);
        const auto img = Image::parse(b.source());
        VHDX_REQUIRE_FINDING(*img, FindingCode::FileTruncated, f);
        QCOMPARE(f.severity, Severity::Error);
        const bool t1 = std::any_of(f_all.begin(), f_all.end(), [&](const Finding& x) {
            return key(*img, x) == "region_table1" && x.offset == kT1;
        });
        QVERIFY2(t1, qPrintable(describe(*img)));
        QVERIFY(!img->regions().tables[0].readable);
        QCOMPARE(img->regions().used, 0);
    }
};

VHDX_TEST_MAIN(TestRegionTables)
#include "tst_region_tables.moc"
