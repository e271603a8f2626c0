// What a replay changes, where the comparison cannot read: a stored file whose
// BAT sector or metadata item cannot be read leaves the BAT "not compared" (and the text
// report says so) and counts the structure as possibly changed; writes placed in payload and
// sector-bitmap blocks from the scan's hits (and only those wholly unallocated); the JSON
// names of every target kind.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/layout.h"
#include "vhdx/report.h"
#include "vhdx/report_replay.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
using K = ReplayTargetKind;

// 1 GiB of 1 MiB blocks with a log; one entry rewriting the first BAT sector (entry 0 ZERO)
// and the sector that holds the Virtual Disk ID item, unchanged.
struct Case {
    BuiltImage built;
    uint64_t itemSector = 0;
};
Case batAndItemEntry() {
    ImageSpec s;
    s.blockSize = 1 << 20;
    s.logGuid = Guid::random();
    const BuiltImage plain = buildImage(s);
    std::vector<uint8_t> batSector(4096, 0);
    putLe64(batSector.data(), bat::entry(bat::Zero, 0));
    const uint64_t item = plain.item(guids::page83Data)->dataOffset / 4096 * 4096;
    const std::vector<uint8_t> itemSector(plain.bytes.begin() + long(item),
                                          plain.bytes.begin() + long(item + 4096));
    LogEntrySpec e;
    e.sequenceNumber = 1;
    e.data = {{plain.batOffset, batSector}, {item, itemSector}};
    s.logEntries = {e};
    return {buildImage(s), item};
}

// The batAndItemEntry image, scanned, and effects that hold only its plan: the targets are
// for placeReplayInBlocks to fill.
struct PlanOnly {
    std::unique_ptr<Image> img;
    ReplayEffects fx;
};
PlanOnly planOnly() {
    PlanOnly p{parseAndScan(batAndItemEntry().built), {}};
    p.fx.plan = p.img->replay()->plan;
    return p;
}

// "  label:" padded so that the value starts at column 31 (as the text report's lines).
std::string row(const std::string& label, const std::string& value) {
    std::string head = "  " + label + ':';
    head.resize(std::max<size_t>(head.size() + 1, 31), ' ');
    return head + value + "\n";
}
} // namespace

class TestReplayEffectsEdges : public QObject {
    Q_OBJECT
  private slots:
    void readableStoredFileIsCompared() {
        const Case c = batAndItemEntry();
        const auto img = parseAndScan(c.built);
        const ReplayEffects* fx = img->replay();
        QVERIFY(fx && fx->applied);
        QVERIFY(fx->batCompared);
        QCOMPARE(fx->batChangeCount, uint64_t(1));
        QVERIFY(fx->changedStructures.empty()); // the item's bytes are rewritten as they were
        const std::string text = reportText(*img);
        QVERIFY2(text.find(row("BAT entries changed", "1")) != std::string::npos, text.c_str());
    }

    // The stored BAT sector cannot be read: the BAT is not compared; the stored item sector
    // cannot be read: the item may change, so it is listed.
    void unreadableStoredBytesAreNotCompared() {
        const Case c = batAndItemEntry();
        const auto img = parseAndScan(c.built);
        const ReplayEffects& good = *img->replay();
        ReplayEffects fx;
        fx.plan = good.plan;
        const FailingSource stored(c.built.bytes, c.built.batOffset, c.built.batOffset + 4096);
        Findings f;
        describeReplay(fx, stored, img->view(), img->regions(), img->metadata(), img->batGeometry(),
                       f);
        QVERIFY(!fx.batCompared);
        QVERIFY(fx.batChanges.empty());
        QVERIFY(fx.changedStructures.empty());

        const FailingSource noItem(c.built.bytes, c.itemSector, c.itemSector + 4096);
        ReplayEffects fx2;
        fx2.plan = good.plan;
        describeReplay(fx2, noItem, img->view(), img->regions(), img->metadata(),
                       img->batGeometry(), f);
        QVERIFY(fx2.batCompared);
        QCOMPARE(fx2.batChangeCount, uint64_t(1));
        // Every item in that sector (the builder packs them from 64 KiB into the region).
        QStringList names;
        for (const ByteRangeChange& ch : fx2.changedStructures)
            names << qs(ch.name);
        QCOMPARE(names, QStringList({"File Parameters", "Virtual Disk Size", "Virtual Disk ID",
                                     "Logical Sector Size", "Physical Sector Size"}));
        QCOMPARE(f.items().size(), size_t(0)); // nothing lands in the header section or log
    }

    // Through the image: the stored BAT sector fails to read, the text says "not compared".
    void textSaysNotCompared() {
        const Case c = batAndItemEntry();
        auto src = std::make_shared<FailingSource>(c.built.bytes, c.built.batOffset,
                                                   c.built.batOffset + 4096);
        const auto img = Image::parse(src);
        QVERIFY(img->replay());
        QVERIFY(!img->replay()->batCompared);
        const std::string text = reportText(*img);
        QVERIFY2(text.find(row("BAT entries changed", "not compared")) != std::string::npos,
                 text.c_str());
    }

    // Hits from the scan turn "unallocated" writes into payload or sector-bitmap blocks;
    // a write without a hit at its first byte stays unallocated.
    void placedInBlocksFromHits() {
        auto [img, fx] = planOnly();
        const auto& w = fx.plan->writes();
        QCOMPARE(w.size(), size_t(2));
        fx.targets = {{{K::Unallocated, "unallocated"}}, {{K::Unallocated, "unallocated"}}};
        // Geometry: 1 GiB of 1 MiB blocks, 512-byte sectors: ChunkRatio 2^23*512/1 MiB = 4096.
        const BatGeometry& geo = img->batGeometry();
        QCOMPARE(geo.chunkRatio, uint64_t(4096));
        std::vector<BatBlockHit> hits = {{w[1].fileOffset, 4096, true},
                                         {w[0].fileOffset + 1, 7, false}};
        placeReplayInBlocks(fx, hits, geo);
        QCOMPARE(fx.targets[0][0].kind, K::Unallocated); // no hit at its first byte
        QCOMPARE(fx.targets[1][0].kind, K::SectorBitmapBlock);
        QCOMPARE(qs(fx.targets[1][0].name), QString("sector bitmap block"));
        QCOMPARE(fx.targets[1][0].first, uint64_t(0)); // chunk 0: index 4096 / (4096 + 1)
        QCOMPARE(fx.targets[1][0].last, uint64_t(4096));
        placeReplayInBlocks(fx, {{w[0].fileOffset, 7, false}}, geo);
        QCOMPARE(fx.targets[0][0].kind, K::PayloadBlock);
        QCOMPARE(fx.targets[0][0].first, uint64_t(7));
        VHDX_COMPARE_STR(replayTargetText(fx.targets[0][0]), "payload block 7 (BAT entry 7)");
        VHDX_COMPARE_STR(replayTargetText(fx.targets[1][0]),
                         "sector bitmap block 0 (BAT entry 4096)");
    }

    // Only a write that lies wholly in unallocated space is placed: one already placed in a
    // structure keeps its target, and so does one that spans unallocated space and more.
    void placedWritesKeepTheirTargets() {
        auto [img, fx] = planOnly();
        const auto& w = fx.plan->writes();
        QCOMPARE(w.size(), size_t(2));
        fx.targets = {{{K::MetadataRegion, "metadata region"}},
                      {{K::Unallocated, "unallocated"}, {K::MetadataRegion, "metadata region"}}};
        placeReplayInBlocks(fx, {{w[0].fileOffset, 7, false}, {w[1].fileOffset, 8, false}},
                            img->batGeometry());
        QCOMPARE(fx.targets[0].size(), size_t(1));
        QCOMPARE(fx.targets[0][0].kind, K::MetadataRegion);
        QCOMPARE(fx.targets[1].size(), size_t(2));
        QCOMPARE(fx.targets[1][0].kind, K::Unallocated);
        QCOMPARE(fx.targets[1][1].kind, K::MetadataRegion);
    }

    // A zero descriptor over 1 MiB + 4 KiB of BAT: the comparison reads it in 1 MiB chunks
    // and finds the change in each (BAT entries 3 and 131079 of a 1 TiB disk of 1 MiB
    // blocks, stored ZERO, made NOT_PRESENT), and nothing else of the 131,584 entries.
    void batChangesAcrossComparisonChunks() {
        ImageSpec s;
        s.blockSize = 1 << 20;
        s.virtualSize = uint64_t(1) << 40;
        s.logGuid = Guid::random();
        s.logLength = 2 * uint32_t(MiB);
        LogEntrySpec e;
        e.sequenceNumber = 1;
        e.zeros = {{buildImage(s).batOffset, MiB + 4096}};
        s.logEntries = {e};
        BuiltImage b = buildImage(s);
        putU64(b, b.batOffset + 3 * 8, bat::entry(bat::Zero, 0));
        putU64(b, b.batOffset + 131079 * 8, bat::entry(bat::Zero, 0));
        const auto img = parseAndScan(b);
        const ReplayEffects* fx = img->replay();
        QVERIFY(fx && fx->applied);
        QCOMPARE(fx->plan->overlays().size(), size_t(1));
        QCOMPARE(fx->plan->overlays()[0].length, MiB + 4096);
        QVERIFY(fx->batCompared);
        QCOMPARE(fx->batChangeCount, uint64_t(2));
        QCOMPARE(fx->batChanges.size(), size_t(2));
        QCOMPARE(fx->batChanges[0].index, uint64_t(3));
        QCOMPARE(fx->batChanges[1].index, uint64_t(131079));
        QCOMPARE(fx->batChanges[1].before, bat::entry(bat::Zero, 0));
        QCOMPARE(fx->batChanges[1].after, uint64_t(0));
    }

    // A differencing disk (1 GiB, 32 MiB blocks: ChunkRatio 128, the sector bitmap of chunk
    // 0 at BAT index 128) whose log rewrites its present sector bitmap block: the scan places
    // the write there; JSON and text name the chunk and the BAT entry.
    void replayIntoASectorBitmapBlock() {
        ImageSpec s;
        s.hasParent = true;
        s.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                           {"relative_path", "p.vhdx"}};
        s.sectorBitmaps = {0};
        s.logGuid = Guid::random();
        const uint64_t bitmap = buildImage(s).bitmapOffsets.at(0);
        LogEntrySpec e;
        e.sequenceNumber = 3;
        e.data = {{bitmap + 4096, std::vector<uint8_t>(4096, 0xFF)}};
        s.logEntries = {e};
        const auto img = parseAndScan(buildImage(s));
        const ReplayEffects* fx = img->replay();
        QVERIFY(fx && fx->applied);
        QCOMPARE(fx->targets.size(), size_t(1));
        QCOMPARE(fx->targets[0].size(), size_t(1));
        QCOMPARE(fx->targets[0][0].kind, K::SectorBitmapBlock);
        QCOMPARE(fx->targets[0][0].first, uint64_t(0));
        QCOMPARE(fx->targets[0][0].last, uint64_t(128));
        const std::string json = reportJson(*img);
        const std::string target = "\"kind\": \"sector_bitmap_block\",\n              \"name\": "
                                   "\"sector bitmap block\",\n              \"block\": 0,\n    "
                                   "          \"bat_index\": 128";
        QVERIFY2(json.find(target) != std::string::npos, json.c_str());
        const std::string text = reportText(*img);
        QVERIFY2(text.find(row("entry 3 descriptor 0", "data 4096 bytes at " +
                                                           std::to_string(bitmap + 4096) +
                                                           " -> sector bitmap block 0 (BAT "
                                                           "entry 128)")) != std::string::npos,
                 text.c_str());
    }

    // A label of 28 characters or more is followed by one space.
    void longLabelsInTheReplaySection() {
        ImageSpec s;
        s.logGuid = Guid::random();
        LogEntrySpec e;
        e.sequenceNumber = 1000000000000000ull;
        e.data = {{3 * MiB + 512 * KiB, {}}};
        s.logEntries = {e};
        const auto img = parseAndScan(buildImage(s));
        const std::string text = reportText(*img);
        const std::string line = "\n  entry 1000000000000000 descriptor 0: data 4096 bytes at " +
                                 std::to_string(3 * MiB + 512 * KiB) + " -> metadata region\n";
        QVERIFY2(text.find(line) != std::string::npos, text.c_str());
    }

    void targetKindNames() {
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::HeaderSection)), "header_section");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::RegionTable)), "region_table");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::Log)), "log");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::Bat)), "bat");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::MetadataTable)), "metadata_table");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::MetadataItem)), "metadata_item");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::MetadataRegion)), "metadata_region");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::PayloadBlock)), "payload_block");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::SectorBitmapBlock)),
                         "sector_bitmap_block");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::Unallocated)), "unallocated");
        VHDX_COMPARE_STR(std::string(replayTargetKindName(K::BeyondEndOfFile)),
                         "beyond_end_of_file");
    }
};

VHDX_TEST_MAIN(TestReplayEffectsEdges)
#include "tst_replay_effects_edges.moc"
