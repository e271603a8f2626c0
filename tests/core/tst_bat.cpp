// The BAT (format §8): on-demand reader, chunked validation scan, BAT_* findings.
#include <QTest>

#include <atomic>
#include <thread>

#include "core_test_helpers.h"
#include "vhdx/bat.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
// A memory source whose reads fail with IoError when they touch [failFrom, failTo).
class FailingSource final : public ByteSource {
  public:
    FailingSource(std::vector<uint8_t> bytes, uint64_t from, uint64_t to)
        : m_mem(std::move(bytes)), m_from(from), m_to(to) {}
    uint64_t size() const override { return m_mem.size(); }
    ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        if (rangesOverlap(offset, len, m_from, m_to - m_from))
            return ReadStatus::IoError;
        return m_mem.read(offset, buf, len);
    }

  private:
    MemorySource m_mem;
    uint64_t m_from, m_to;
};

// 10 GiB, 32 MiB blocks, ratio 128: 320 payload entries and 2 bitmap slots (128, 257).
ImageSpec tenGiB() {
    ImageSpec spec;
    spec.virtualSize = 10 * GiB;
    return spec;
}
} // namespace

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
        QCOMPARE(r.counts.payload[6], 3ull);
        QCOMPARE(r.counts.payload[2], 2ull);
        QCOMPARE(r.counts.payload[3], 1ull);
        QCOMPARE(r.counts.payload[1], 1ull);
        QCOMPARE(r.counts.payload[0], 313ull);
        QCOMPARE(r.counts.bitmap[0], 2ull);
        QCOMPARE(r.counts.payloadInvalid, 0ull);
        QCOMPARE(r.counts.reservedBitsSet, 0ull);
    }
    void readerEntries() {
        ImageSpec spec = tenGiB();
        spec.blocks = {{128, bat::FullyPresent}, {5, bat::Zero}};
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        const BatReader* reader = img->batReader();
        QVERIFY(reader);
        QCOMPARE(reader->readableEntries(), 322ull);
        QCOMPARE(reader->geometry().chunkRatio, 128ull);
        const auto e = reader->entry(129);
        QVERIFY(e);
        QCOMPARE(int(e->state()), 6);
        QCOMPARE(e->fileOffset(), b.blockOffsets.at(128));
        QCOMPARE(int(reader->entry(5)->state()), 2);
        QCOMPARE(int(reader->entry(128)->state()), 0); // the bitmap slot
        QVERIFY(!reader->entry(322).has_value());
        std::vector<BatEntry> range;
        QVERIFY(reader->readRange(120, 20, range));
        QCOMPARE(range.size(), size_t(20));
        QCOMPARE(range[9].raw, e->raw);
        QVERIFY(!reader->readRange(300, 23, range));
        QVERIFY(!reader->readRange(322, 1, range));
    }
    void readerCacheEviction() {
        // 600 GiB with 1 MiB blocks: 614,550 entries, more than the 64 cached 64 KiB pages.
        ImageSpec spec;
        spec.blockSize = 1 * MiB;
        spec.virtualSize = 600 * GiB;
        for (uint64_t i = 0; i < 614400; i += 8191)
            spec.rawBatEntries[i + i / 4096] = bat::entry(bat::Zero, 0) | (i << 20);
        const BuiltImage b = buildImage(spec);
        const auto img = Image::parse(b.source());
        const BatReader* reader = img->batReader();
        QVERIFY(reader);
        QCOMPARE(reader->readableEntries(), 614400ull + 614399 / 4096);
        for (int pass = 0; pass < 2; ++pass)
            for (const auto& [index, raw] : spec.rawBatEntries) {
                const auto e = reader->entry(index);
                QVERIFY(e);
                QCOMPARE(e->raw, raw);
            }
    }
    void readerIsThreadSafe() {
        ImageSpec spec;
        spec.blockSize = 1 * MiB;
        spec.virtualSize = 600 * GiB;
        for (uint64_t i = 0; i < 614400; i += 977)
            spec.rawBatEntries[i + i / 4096] = bat::entry(bat::Unmapped, 0) | (i << 20);
        const BuiltImage b = buildImage(spec);
        const auto img = Image::parse(b.source());
        const BatReader* reader = img->batReader();
        QVERIFY(reader);
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int round = 0; round < 3; ++round)
                    for (auto it = spec.rawBatEntries.begin(); it != spec.rawBatEntries.end();
                         ++it) {
                        if ((it->first + t + round) % 3)
                            continue;
                        const auto e = reader->entry(it->first);
                        if (!e || e->raw != it->second)
                            ++wrong;
                    }
            });
        for (auto& th : threads)
            th.join();
        QCOMPARE(wrong.load(), 0);
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
        const Finding& payload = all[0].structure == "bat[3]" ? all[0] : all[1];
        const Finding& bitmap = all[0].structure == "bat[3]" ? all[1] : all[0];
        VHDX_COMPARE_STR(payload.structure, "bat[3]");
        QCOMPARE(payload.offset, b.batEntryOffset(3));
        VHDX_COMPARE_STR(bitmap.structure, "bat[128]");
        QCOMPARE(bitmap.offset, b.batEntryOffset(128));
        QVERIFY(payload.message.find('4') != std::string::npos); // the count
        const BatScanResult& r = *img->batScan();
        QCOMPARE(r.counts.payloadInvalid, 4ull);
        QCOMPARE(r.counts.bitmapInvalid, 2ull);
        QCOMPARE(r.counts.payload[4], 2ull);
        QCOMPARE(r.counts.payload[5], 2ull);
    }
    void partiallyPresentNeedsParent() {
        ImageSpec spec;
        spec.blocks = {{4, bat::PartiallyPresent}};
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatEntryStateInvalid, f);
        VHDX_COMPARE_STR(f.structure, "bat[4]");
        QCOMPARE(img->batScan()->counts.payloadInvalid, 1ull);
    }
    void reservedBits() {
        ImageSpec spec = tenGiB();
        spec.rawBatEntries = {{10, bat::entry(bat::Zero, 0) | (1u << 3)},
                              {11, bat::entry(bat::NotPresent, 0) | (1u << 19)}};
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::BatEntryReservedBits, f);
        QCOMPARE(f.severity, Severity::Warning);
        VHDX_COMPARE_STR(f.structure, "bat[10]");
        QCOMPARE(f.offset, b.batEntryOffset(10));
        QCOMPARE(img->batScan()->counts.reservedBitsSet, 2ull);
        QCOMPARE(img->batScan()->counts.payload[2], 1ull);
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
        QCOMPARE(qs(f.structure), QStringLiteral("bat[%1]").arg(index));
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
        QVERIFY(f.structure.rfind("bat[", 0) == 0);
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
        QCOMPARE(fixed->batScan()->counts.bitmap[6], 1ull);
        QCOMPARE(fixed->batScan()->counts.payload[7], 1ull);
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
        VHDX_COMPARE_STR(f.structure, "bat");
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
    void chunkingDoesNotChangeResults() {
        ImageSpec spec;
        spec.blockSize = MiB;
        spec.virtualSize = 20 * GiB; // ratio 4096, 20,484 entries
        spec.blocks = {{0, bat::FullyPresent}, {4095, bat::Zero}, {4096, bat::FullyPresent}};
        spec.rawBatEntries = {{4096, 5}, {8193, 1u << 4}, {20483, 4}};
        const BuiltImage b = buildImage(spec);
        const auto whole = parseAndScan(b);
        for (uint64_t chunkBytes :
             {uint64_t(8), uint64_t(8 * 4095), uint64_t(8 * 4097), 64 * KiB}) {
            auto img = Image::parse(b.source());
            BatScanOptions options;
            options.chunkBytes = chunkBytes;
            uint64_t lastDone = 0, calls = 0;
            options.progress = [&](uint64_t done, uint64_t total) {
                QVERIFY(done > lastDone);
                QCOMPARE(total, 20484ull);
                lastDone = done;
                ++calls;
            };
            const BatScanResult& r = img->scanBat(options);
            QCOMPARE(lastDone, 20484ull);
            QVERIFY(calls >= 20484 * 8 / std::max<uint64_t>(chunkBytes, 8) - 1);
            QCOMPARE(r.payloadEntries, whole->batScan()->payloadEntries);
            QCOMPARE(r.sectorBitmapEntries, 4ull);
            QCOMPARE(r.counts.payloadInvalid, 1ull);
            QCOMPARE(r.counts.bitmapInvalid, 1ull);
            QCOMPARE(r.counts.reservedBitsSet, 1ull);
            QCOMPARE(img->findings().items().size(), whole->findings().items().size());
        }
    }
    void cancelThenRescan() {
        ImageSpec spec = tenGiB();
        spec.rawBatEntries = {{3, 4}};
        auto img = Image::parse(buildImage(spec).source());
        std::atomic<bool> cancel{true};
        BatScanOptions options;
        options.cancel = &cancel;
        QVERIFY(!img->scanBat(options).completed);
        VHDX_REQUIRE_FINDING(*img, FindingCode::ScanCancelled, f);
        QCOMPARE(f.severity, Severity::Info);
        VHDX_COMPARE_STR(f.structure, "bat");
        const BatScanResult& r = img->scanBat();
        QVERIFY(r.completed);
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::ScanCancelled);
        QCOMPARE(findingsWith(*img, FindingCode::BatEntryStateInvalid).size(), size_t(1));
        // A completed scan is not repeated.
        QCOMPARE(&img->scanBat(), &r);
        QCOMPARE(findingsWith(*img, FindingCode::BatEntryStateInvalid).size(), size_t(1));
    }
    void cancelMidway() {
        ImageSpec spec;
        spec.blockSize = MiB;
        spec.virtualSize = 100 * GiB;
        auto img = Image::parse(buildImage(spec).source());
        std::atomic<bool> cancel{false};
        BatScanOptions options;
        options.cancel = &cancel;
        options.chunkBytes = 64 * KiB;
        options.progress = [&](uint64_t done, uint64_t) {
            if (done >= 16384)
                cancel = true;
        };
        const BatScanResult& r = img->scanBat(options);
        QVERIFY(!r.completed);
        QCOMPARE(r.entriesScanned, 16384ull);
        QVERIFY(img->findings().has(FindingCode::ScanCancelled));
    }
    void ioErrorInBat() {
        const BuiltImage b = buildImage(tenGiB());
        auto src = std::make_shared<FailingSource>(b.bytes, b.batOffset, b.batOffset + 8);
        auto img = Image::parse(src);
        const BatScanResult& r = img->scanBat();
        QVERIFY(!r.completed);
        VHDX_REQUIRE_FINDING(*img, FindingCode::IoError, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(f.structure, "bat");
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::ScanCancelled);
    }
    void ioErrorInHeader() {
        const BuiltImage b = buildImage({});
        auto img = Image::parse(std::make_shared<FailingSource>(b.bytes, 64 * KiB, 65 * KiB));
        VHDX_REQUIRE_FINDING(*img, FindingCode::IoError, f);
        VHDX_COMPARE_STR(f.structure, "header1");
        QCOMPARE(img->headers().current, 2);
    }
};

QTEST_GUILESS_MAIN(TestBat)
#include "tst_bat.moc"
