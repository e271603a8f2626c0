// The BAT reader (on-demand entries, cache, threads) and how the chunked scan runs:
// chunk sizes, progress, cancellation, I/O errors.
#include <QTest>

#include <atomic>
#include <thread>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/bat.h"

using namespace vhdx;
using namespace vhdx::test;

class TestBatReader : public QObject {
    Q_OBJECT
  private slots:
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
};

VHDX_TEST_MAIN(TestBatReader)
#include "tst_bat_reader.moc"
