// The BAT scan (MS-VHDX 2.5): state counts and the BAT_* findings.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/bat.h"

using namespace vhdx;
using namespace vhdx::test;

class TestBat : public QObject {
    Q_OBJECT
  private slots:
    void countsStates() {
        ImageSpec spec = tenGiB();
        spec.blocks = {{0, bat::FullyPresent},  {1, bat::Zero},   {2, bat::Unmapped},
                       {3, bat::Undefined},     {128, bat::Zero}, {200, bat::FullyPresent},
                       {319, bat::FullyPresent}};
        const BuiltImage b = buildImage(spec);
        QCOMPARE(b.totalBatEntries, 322ull);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_NO_ERRORS(*img);
        QVERIFY(img->findings().empty());
        const BatScanResult& r = *img->batScan();
        QVERIFY(r.completed);
        QCOMPARE(r.entriesScanned, 322ull);
        QCOMPARE(r.payloadEntries, 320ull);
        QCOMPARE(r.sectorBitmapEntries, 2ull);
        QCOMPARE(r.counts.of(BatClass::PayloadFullyPresent), 3ull);
        QCOMPARE(r.counts.of(BatClass::PayloadZero), 2ull);
        QCOMPARE(r.counts.of(BatClass::PayloadUnmapped), 1ull);
        QCOMPARE(r.counts.of(BatClass::PayloadUndefined), 1ull);
        QCOMPARE(r.counts.of(BatClass::PayloadNotPresent), 313ull);
        QCOMPARE(r.counts.of(BatClass::BitmapNotPresent), 2ull);
        QCOMPARE(r.counts.of(BatClass::PayloadInvalid), 0ull);
        QCOMPARE(r.counts.reservedBitsSet, 0ull);
    }
    void stateInvalid() {
        ImageSpec spec = tenGiB();
        spec.rawBatEntries = {{3, 4}, {7, 5}, {9, 4}, {200, 5}, {128, 2}, {257, 7}};
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        const auto all = findingsWith(*img, FindingCode::BatEntryStateInvalid);
        QCOMPARE(all.size(), size_t(2)); // one per slot kind
        for (const Finding& f : all)
            QCOMPARE(f.severity, Severity::Error);
        // Each names the first offending index of its kind.
        const Finding& payload = key(*img, all[0]) == "bat[3]" ? all[0] : all[1];
        const Finding& bitmap = key(*img, all[0]) == "bat[3]" ? all[1] : all[0];
        VHDX_COMPARE_STR(key(*img, payload), "bat[3]");
        QCOMPARE(payload.offset, b.batEntryOffset(3));
        VHDX_COMPARE_STR(key(*img, bitmap), "bat[128]");
        QCOMPARE(bitmap.offset, b.batEntryOffset(128));
        QVERIFY(payload.message.find('4') != std::string::npos); // the count
        const BatScanResult& r = *img->batScan();
        QCOMPARE(r.counts.of(BatClass::PayloadInvalid), 4ull);
        QCOMPARE(r.counts.of(BatClass::BitmapInvalid), 2ull);
    }
    void partiallyPresentNeedsParent() {
        ImageSpec spec;
        spec.blocks = {{4, bat::PartiallyPresent}};
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatEntryStateInvalid, f);
        VHDX_COMPARE_STR(key(*img, f), "bat[4]");
        QCOMPARE(img->batScan()->counts.of(BatClass::PayloadInvalid), 1ull);
    }
    void reservedBits() {
        ImageSpec spec = tenGiB();
        spec.rawBatEntries = {{10, bat::entry(bat::Zero, 0) | (1u << 3)},
                              {11, bat::entry(bat::NotPresent, 0) | (1u << 19)}};
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatEntryReservedBits, f);
        QCOMPARE(f.severity, Severity::Warning);
        VHDX_COMPARE_STR(key(*img, f), "bat[10]");
        QCOMPARE(f.offset, b.batEntryOffset(10));
        QCOMPARE(img->batScan()->counts.reservedBitsSet, 2ull);
        QCOMPARE(img->batScan()->counts.of(BatClass::PayloadZero), 1ull);
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void beyondEndOfFile_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("far away") << 0;
        QTest::newRow("last MiB cut") << 1;
        QTest::newRow("max offset") << 2;
        QTest::newRow("bitmap past end") << 3;
    }
    void beyondEndOfFile() {
        QFETCH(int, kind);
        ImageSpec spec = tenGiB();
        spec.hasParent = kind == 3;
        if (kind == 3)
            spec.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                                  {"relative_path", "p.vhdx"}};
        spec.blocks = {{0, bat::FullyPresent}};
        BuiltImage b = buildImage(spec);
        uint64_t index = 1;
        if (kind == 0)
            setBatEntry(b, 1, bat::entry(bat::FullyPresent, 1024 * GiB));
        if (kind == 1) {
            b.bytes.resize(b.bytes.size() - MiB);
            index = 0;
        }
        if (kind == 2)
            setBatEntry(b, 1, bat::entry(bat::FullyPresent, ~uint64_t(0)));
        if (kind == 3) {
            index = 128;
            setBatEntry(b, index, bat::entry(bat::BitmapPresent, b.bytes.size()));
        }
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatEntryBeyondEof, f);
        QCOMPARE(f.severity, Severity::Error);
        QCOMPARE(qs(key(*img, f)), QStringLiteral("bat[%1]").arg(index));
        QCOMPARE(f.offset, b.batEntryOffset(index));
    }
    void overlap_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("header section") << 0;
        QTest::newRow("log") << 1;
        QTest::newRow("BAT") << 2;
        QTest::newRow("metadata") << 3;
        QTest::newRow("another block") << 4;
        QTest::newRow("half a block") << 5;
        QTest::newRow("bitmap in a block") << 6;
    }
    void overlap() {
        QFETCH(int, kind);
        ImageSpec spec = tenGiB();
        spec.blocks = {{0, bat::FullyPresent}, {1, bat::FullyPresent}};
        BuiltImage b = buildImage(spec);
        const uint64_t offsets[] = {0,
                                    b.logOffset,
                                    b.batOffset,
                                    b.metadataOffset,
                                    b.blockOffsets.at(0),
                                    b.blockOffsets.at(0) + 16 * MiB,
                                    b.blockOffsets.at(1) + 5 * MiB};
        const uint64_t index = kind == 6 ? 128 : 2;
        if (kind == 6) {
            // A differencing disk, so that bitmap slot 128 may be present.
            spec.hasParent = true;
            spec.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                                  {"relative_path", "p.vhdx"}};
            b = buildImage(spec);
            setBatEntry(b, index, bat::entry(bat::BitmapPresent, b.blockOffsets.at(1) + 5 * MiB));
        } else {
            // Block 2's storage would start at offsets[kind]; give the file room for it.
            b.bytes.resize(b.bytes.size() + 64 * MiB);
            setBatEntry(b, index, bat::entry(bat::FullyPresent, offsets[kind]));
        }
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatEntryOverlap, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(key(*img, f).rfind("bat[", 0) == 0);
    }
    void noFalseOverlapForAdjacentBlocks() {
        ImageSpec spec = tenGiB();
        for (uint64_t i = 0; i < 8; ++i)
            spec.blocks[i] = bat::FullyPresent;
        const BuiltImage b = buildImage(spec);
        QCOMPARE(b.blockOffsets.at(1) - b.blockOffsets.at(0), 32 * MiB);
        const auto img = parseAndScan(b);
        QVERIFY2(img->findings().empty(), qPrintable(describe(*img)));
    }
    void sectorBitmapMissing() {
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                              {"relative_path", "p.vhdx"}};
        spec.blocks = {{3, bat::PartiallyPresent}};
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatSectorBitmapMissing, f);
        QCOMPARE(f.severity, Severity::Error);
        // With the chunk's bitmap present the same disk is clean.
        spec.sectorBitmaps = {0};
        const auto fixed = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_NO_ERRORS(*fixed);
        QCOMPARE(fixed->batScan()->counts.of(BatClass::BitmapPresent), 1ull);
        QCOMPARE(fixed->batScan()->counts.of(BatClass::PayloadPartiallyPresent), 1ull);
    }
    // Which entries have which problem is answerable without a second
    // scan: every kind counted, the entries listed in index order, and asked per entry.
    void problemEntriesAreListed() {
        ImageSpec spec = tenGiB();
        spec.blocks = {{0, bat::FullyPresent}, {1, bat::FullyPresent}};
        BuiltImage b = buildImage(spec);
        b.bytes.resize(b.bytes.size() + 64 * MiB);
        setBatEntry(b, 2, bat::entry(bat::FullyPresent, b.blockOffsets.at(0))); // on block 0
        setBatEntry(b, 5, bat::entry(bat::FullyPresent, 4096 * GiB));           // past the end
        setBatEntry(b, 9, bat::entry(bat::FullyPresent, 4096 * GiB));
        setBatEntry(b, 12, bat::entry(bat::FullyPresent, b.logOffset)); // on the log
        const auto img = parseAndScan(b);
        const BatScanResult& r = *img->batScan();
        QCOMPARE(r.problem(BatProblem::BeyondEof).count, 2ull);
        QCOMPARE(r.problem(BatProblem::BeyondEof).listed, (std::vector<uint64_t>{5, 9}));
        QCOMPARE(r.problem(BatProblem::OverlapsBlock).listed, (std::vector<uint64_t>{2}));
        QCOMPARE(r.problem(BatProblem::OverlapsStructure).listed, (std::vector<uint64_t>{12}));
        QCOMPARE(r.problemsOf(9), 1u << int(BatProblem::BeyondEof));
        QCOMPARE(r.problemsOf(0), 0u);
        QVERIFY(!batProblemText(BatProblem::BeyondEof).empty());
        // The findings still name the first of each and count them.
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatEntryBeyondEof, f);
        VHDX_COMPARE_STR(key(*img, f), "bat[5]");
        QVERIFY2(f.message.starts_with("2 present blocks end beyond the end of the file"),
                 f.message.c_str());
        // Which entry a byte of the table belongs to.
        const BatReader& reader = *img->batReader();
        QCOMPARE(reader.indexAtFileOffset(b.batEntryOffset(9) + 7), std::optional<uint64_t>(9));
        QCOMPARE(reader.indexAtFileOffset(b.batOffset - 1), std::nullopt);
        QCOMPARE(reader.fileOffsetOfIndex(9), b.batEntryOffset(9));
    }
    // Defect 7: the payload slots past a differencing disk's last block are padding, their
    // own class, not "not present".
    void paddingSlotsAreTheirOwnClass() {
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                              {"relative_path", "p.vhdx"}};
        const BuiltImage b = buildImage(spec); // 32 blocks in a chunk of 128: 96 padding
        const auto img = parseAndScan(b);
        const BatGeometry& geo = img->batGeometry();
        QCOMPARE(geo.firstPaddingIndex(), 32ull);
        QCOMPARE(geo.classify(40, BatEntry{0}), BatClass::PayloadPadding);
        QCOMPARE(geo.classify(31, BatEntry{0}), BatClass::PayloadNotPresent);
        QCOMPARE(geo.classify(128, BatEntry{0}), BatClass::BitmapNotPresent);
        const BatScanResult& r = *img->batScan();
        QCOMPARE(r.counts.of(BatClass::PayloadPadding), 96ull);
        QCOMPARE(r.counts.of(BatClass::PayloadNotPresent), 32ull);
        QCOMPARE(batClassInfo(BatClass::PayloadPadding).kind, SlotKind::Payload);
        // A disk without a parent has no padding.
        QCOMPARE(parseAndScan(buildImage({}))->batGeometry().firstPaddingIndex(), 32ull);
    }
    void tooSmall() {
        ImageSpec spec;
        spec.blockSize = MiB;
        spec.virtualSize = 200 * GiB; // 204,849 entries: 1.6 MiB
        spec.batLength = MiB;
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatTooSmall, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "bat");
        QCOMPARE(f.offset, b.batOffset);
        QCOMPARE(img->batReader()->readableEntries(), MiB / 8);
        QCOMPARE(img->batScan()->entriesScanned, MiB / 8);
    }
    void hugeClaimedSize() {
        // The metadata claims 64 TiB with 1 MiB blocks on a 4 MiB file.
        ImageSpec spec;
        spec.blockSize = MiB;
        spec.virtualSize = GiB;
        BuiltImage b = buildImage(spec);
        putU64(b, b.item(guids::virtualDiskSize)->dataOffset, 64 * TiB);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatTooSmall, f);
        QCOMPARE(f.severity, Severity::Error);
        QCOMPARE(img->batGeometry().totalEntries, 67125247ull);
        QVERIFY(img->batScan()->entriesScanned <= MiB / 8);
    }
};

VHDX_TEST_MAIN(TestBat)
#include "tst_bat.moc"
