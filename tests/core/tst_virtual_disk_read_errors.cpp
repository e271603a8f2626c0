// Read failures of the virtual disk, each pinned by the status and the message that names the
// level, block and file offset: a failed payload read (fully and partially present blocks, and
// in an ancestor), an unreadable sector bitmap (read, locate, sector map, bitmap summary), an
// unreadable BAT (read, locate, sector map, summary, extents past the first window of the
// walk), a fully present block whose file offset wraps past 2^64, and a level whose log could
// not be checked (staleLevel). The failures come from a memory source that fails reads
// touching one range (core_test_helpers.h FailingSource); offsets from the builder's layout.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/json_writer.h"
#include "vhdx/virtual_disk.h"
#include "vhdx/virtual_disk_report.h"
#include "virtual_disk_reference.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

constexpr uint32_t kMiB = 1 << 20;

std::unique_ptr<Image> failingImage(const BuiltImage& b, uint64_t from, uint64_t to) {
    return Image::parse(std::make_shared<FailingSource>(b.bytes, from, to));
}

// A child with block 0 partially present (even sectors here) and block 1 fully present, over
// a base with blocks 0 and 1 fully present; 4 MiB, 1 MiB blocks, 512-byte sectors.
ImageSpec childSpec() {
    ImageSpec s;
    s.blockSize = kMiB;
    s.virtualSize = 4 * kMiB;
    s.hasParent = true;
    s.blocks = {{0, bat::PartiallyPresent}, {1, bat::FullyPresent}};
    s.sectorBitmaps = {0};
    s.sectorBits = {{0, flags("10", 2048)}};
    s.payloadSeed = 3;
    return s;
}
ImageSpec baseSpec() {
    ImageSpec s;
    s.blockSize = kMiB;
    s.virtualSize = 4 * kMiB;
    s.blocks = {{0, bat::FullyPresent}, {1, bat::FullyPresent}};
    s.payloadSeed = 5;
    return s;
}

std::string at(uint64_t offset) {
    return std::to_string(offset);
}

} // namespace

class TestVirtualDiskReadErrors : public QObject {
    Q_OBJECT

  private slots:
    void payloadReadFails() {
        const BuiltImage child = buildImage(childSpec());
        const BuiltImage base = buildImage(baseSpec());
        const uint64_t b1 = child.blockOffsets.at(1), b0 = child.blockOffsets.at(0);
        // Fully present block 1 of the image: its second sector cannot be read.
        const auto img = failingImage(child, b1 + 512, b1 + 1024);
        const auto parent = Image::parse(base.source());
        std::string why;
        auto disk = VirtualDisk::fromChain(*img, {parent.get()}, why);
        QVERIFY2(disk, why.c_str());
        std::vector<uint8_t> buf(kMiB);
        VirtualReadResult r = disk->read(kMiB, kMiB, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::IoError);
        QCOMPARE(r.problem, "block 1: reading the image at file offset " + at(b1) + " failed");
        QVERIFY(disk->read(kMiB, 512, buf.data()).ok()); // the sector before it reads

        // Partially present block 0: sector 2 is stored here (bit set) and cannot be read.
        const auto img2 = failingImage(child, b0 + 1024, b0 + 1536);
        disk = VirtualDisk::fromChain(*img2, {parent.get()}, why);
        QVERIFY(disk);
        r = disk->read(0, 4096, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::IoError);
        QCOMPARE(r.problem, "partially present block 0: reading the image at file offset " +
                                at(b0 + 1024) + " failed");
        // Sector 3 comes from the parent (bit clear): it reads, and as the base's bytes.
        r = disk->read(3 * 512, 512, buf.data());
        QVERIFY2(r.ok(), r.problem.c_str());
        for (uint64_t i = 0; i < 512; ++i)
            QCOMPARE(buf[i], payloadPattern(5, 3 * 512 + i));
    }

    // A clear bit sends the read to the parent, whose own read fails: the parent's message
    // comes back unchanged, naming ancestor 1.
    void ancestorReadFails() {
        const BuiltImage child = buildImage(childSpec());
        const BuiltImage base = buildImage(baseSpec());
        const uint64_t p0 = base.blockOffsets.at(0);
        const auto img = Image::parse(child.source());
        const auto parent = failingImage(base, p0 + 512, p0 + 1024);
        std::string why;
        const auto disk = VirtualDisk::fromChain(*img, {parent.get()}, why);
        QVERIFY(disk);
        std::vector<uint8_t> buf(2048);
        const VirtualReadResult r = disk->read(0, 2048, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::IoError);
        QCOMPARE(r.problem,
                 "block 0: reading ancestor 1 at file offset " + at(p0 + 512) + " failed");
        QVERIFY(disk->read(0, 512, buf.data()).ok()); // sector 0 is the child's own
    }

    void sectorBitmapUnreadable() {
        const BuiltImage child = buildImage(childSpec());
        const uint64_t bm = child.bitmapOffsets.at(0);
        const auto img = failingImage(child, bm, bm + 1);
        std::string why;
        const auto disk = VirtualDisk::fromChain(*img, {}, why);
        QVERIFY(disk);
        const std::string reason = "the sector bitmap of chunk 0 at " + at(bm) + " cannot be read";
        std::vector<uint8_t> buf(512);
        const VirtualReadResult r = disk->read(0, 512, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::Corrupt);
        QCOMPARE(r.problem, "partially present block 0 of the image: " + reason);
        const SectorOrigin o = disk->locate(0);
        QCOMPARE(o.kind, SectorOrigin::Kind::Corrupt);
        QCOMPARE(o.problem, reason);
        QVERIFY(!disk->sectorMap(0, &why));
        QCOMPARE(why, reason);
        const SectorBitmapSummary sum = summarizeSectorBitmaps(*img);
        QVERIFY(sum.walked);
        QVERIFY(!sum.complete);
        QCOMPARE(sum.problem, reason);
        QCOMPARE(sum.partiallyPresentBlocks, uint64_t(1));
        QCOMPARE(sum.sectorsPresent, uint64_t(0));
    }

    // The count stops at the first unreadable bitmap: a later chunk's partially present
    // blocks are listed but not counted. 512-byte sectors, 1 MiB blocks: 4096 blocks a chunk.
    void bitmapSummaryStopsAtFirstFailure() {
        const uint64_t spb = 2048;
        LevelSpec child{{{7, bat::PartiallyPresent}, {4096, bat::PartiallyPresent}},
                        {{7, flags("1", spb)}, {4096, flags("1", spb)}},
                        9};
        const BuiltChain c = buildChain(kMiB, 512, uint64_t(4097) * kMiB, {child}, true);
        const SectorBitmapSummary good = summarizeSectorBitmaps(*c.images[0]);
        QVERIFY(good.complete);
        QCOMPARE(good.sectorsPresent, 2 * spb);
        const uint64_t bm0 = c.built[0].bitmapOffsets.at(0);
        const auto img = failingImage(c.built[0], bm0, bm0 + kMiB);
        const SectorBitmapSummary sum = summarizeSectorBitmaps(*img);
        QVERIFY(!sum.complete);
        QCOMPARE(sum.problem, "the sector bitmap of chunk 0 at " + at(bm0) + " cannot be read");
        QCOMPARE(sum.presentBitmaps, uint64_t(2));
        QCOMPARE(sum.partiallyPresentBlocks, uint64_t(2));
        QCOMPARE(sum.sectorsPresent, uint64_t(0)); // chunk 1 was not counted either
        QCOMPARE(sum.bitmaps.size(), size_t(2));
        QCOMPARE(sum.bitmaps[1].sectorsPresent, uint64_t(0));
    }

    void batUnreadable() {
        const BuiltImage child = buildImage(childSpec());
        const auto img = failingImage(child, child.batOffset, child.batOffset + child.batLength);
        QVERIFY(img->batReader());
        std::string why;
        const auto disk = VirtualDisk::fromChain(*img, {}, why);
        QVERIFY2(disk, why.c_str());
        std::vector<uint8_t> buf(512);
        const VirtualReadResult r = disk->read(kMiB, 512, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::Corrupt);
        QCOMPARE(r.problem, std::string("the BAT entry of block 1 of the image cannot be read"));
        const SectorOrigin o = disk->locate(2048);
        QCOMPARE(o.kind, SectorOrigin::Kind::Corrupt);
        QCOMPARE(o.problem, std::string("the BAT entry of block 1 cannot be read"));
        QVERIFY(!readBlockSectorMap(*img, 0, &why));
        QCOMPARE(why, std::string("the BAT entry of block 0 cannot be read"));
        const SectorBitmapSummary sum = summarizeSectorBitmaps(*img);
        QVERIFY(sum.walked && !sum.complete);
        QCOMPARE(sum.problem, std::string("the BAT cannot be read at block 0"));
        // Unreadable entries count as data, so an export reads them and fails with the reason.
        std::vector<VirtualExtent> seen;
        disk->extents(0, disk->size(), [&](const VirtualExtent& e) {
            seen.push_back(e);
            return true;
        });
        QCOMPARE(seen.size(), size_t(1));
        QCOMPARE(seen[0].kind, VirtualExtent::Kind::Data);
        QCOMPARE(seen[0].length, disk->size());
    }

    // The extent walk reads the BAT in windows of 32768 entries; here the second window
    // cannot be read. The blocks up to it (not present, no parent) are zero, the rest data.
    void extentsPastAnUnreadableWindow() {
        ImageSpec s;
        s.blockSize = kMiB;
        s.virtualSize = uint64_t(40000) * kMiB;
        const BuiltImage b = buildImage(s);
        const uint64_t window = 32768;
        QVERIFY(b.batLength >= b.totalBatEntries * 8);
        uint64_t first = 0; // the first block whose entry lies in the second window
        while (b.batIndexOfBlock(first) < window)
            ++first;
        const auto img = failingImage(b, b.batEntryOffset(window), b.batOffset + b.batLength);
        std::string why;
        const auto disk = VirtualDisk::fromChain(*img, {}, why);
        QVERIFY(disk);
        std::vector<VirtualExtent> seen;
        disk->extents(0, disk->size(), [&](const VirtualExtent& e) {
            seen.push_back(e);
            return true;
        });
        QCOMPARE(seen.size(), size_t(2));
        QCOMPARE(seen[0].kind, VirtualExtent::Kind::Zero);
        QCOMPARE(seen[0].length, first * kMiB);
        QCOMPARE(seen[1].kind, VirtualExtent::Kind::Data);
        QCOMPARE(seen[1].offset + seen[1].length, disk->size());
        std::vector<uint8_t> buf(512);
        QCOMPARE(disk->read(first * kMiB, 512, buf.data()).status, VirtualReadStatus::Corrupt);
        QVERIFY(disk->read(first * kMiB - 512, 512, buf.data()).ok());
    }

    // A fully present block at the top of the file-offset range: its first MiB starts below
    // 2^64 (and past the file's end), its second would wrap.
    void fullyPresentOffsetWraps() {
        ImageSpec s;
        s.blockSize = 2 * kMiB;
        s.virtualSize = 4 * kMiB;
        s.blocks = {{0, bat::FullyPresent}};
        BuiltImage b = buildImage(s);
        setBatEntry(b, b.batIndexOfBlock(0), bat::entry(bat::FullyPresent, ~uint64_t(0)));
        const auto img = Image::parse(b.source());
        std::string why;
        const auto disk = VirtualDisk::fromChain(*img, {}, why);
        QVERIFY(disk);
        const uint64_t top = ~uint64_t(0xFFFFF);
        std::vector<uint8_t> buf(512);
        VirtualReadResult r = disk->read(kMiB, 512, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::Corrupt);
        QCOMPARE(r.problem, std::string("block 0 of the image has a file offset past 2^64"));
        r = disk->read(0, 512, buf.data());
        QCOMPARE(r.status, VirtualReadStatus::Corrupt);
        QCOMPARE(r.problem, "block 0: data of the image at file offset " + at(top) +
                                " (+512) lies beyond the end of its file (" + at(b.bytes.size()) +
                                " bytes)");
        const SectorOrigin o = disk->locate(2048);
        QCOMPARE(o.kind, SectorOrigin::Kind::Corrupt);
        QCOMPARE(qs(o.problem), QString("block 0 has a file offset past 2^64"));
        QCOMPARE(disk->locate(0).problem, std::string("block 0 lies beyond the end of the file"));
    }

    // A log that cannot be read to its end: whether it needs a replay is unknown, for the
    // image and for an ancestor.
    void unreadableLogIsStale() {
        ImageSpec s = baseSpec();
        s.logGuid = Guid::parse("12345678-1234-4234-8234-123456789abc").value();
        s.logEntries = {LogEntrySpec{}};
        const BuiltImage b = buildImage(s);
        const auto img = failingImage(b, b.logOffset, b.logOffset + b.logLength);
        QCOMPARE(img->log().replayState, LogReplayState::Unknown);
        std::string why;
        auto disk = VirtualDisk::fromChain(*img, {}, why);
        QVERIFY(disk);
        QCOMPARE(disk->staleLevel(),
                 std::string("the image has a log that may need a replay, "
                             "which could not be checked (LOG_REPLAY_UNKNOWN)"));
        const auto child = Image::parse(buildImage(childSpec()).source());
        disk = VirtualDisk::fromChain(*child, {img.get()}, why);
        QVERIFY(disk);
        QCOMPARE(disk->levels(), size_t(2));
        QCOMPARE(disk->staleLevel(),
                 std::string("ancestor 1 has a log that may need a replay, "
                             "which could not be checked (LOG_REPLAY_UNKNOWN)"));
        const auto clean = Image::parse(buildImage(baseSpec()).source());
        disk = VirtualDisk::fromChain(*child, {clean.get()}, why);
        QCOMPARE(disk->staleLevel(), std::string());
    }
    // The text report of a child without its file's parent and with an unreadable bitmap:
    // the parent named missing, the count INCOMPLETE, the probe's failed read and its zeros.
    void textReportOfABrokenChild() {
        const BuiltImage child = buildImage(childSpec());
        const uint64_t bm = child.bitmapOffsets.at(0);
        const auto img = failingImage(child, bm, bm + 1);
        std::map<std::string, std::vector<std::string>> lines;
        for (const auto& [label, value] : virtualDiskTextLines(*img))
            lines[label].push_back(value);
        const std::string reason = "the sector bitmap of chunk 0 at " + at(bm) + " cannot be read";
        QCOMPARE(lines["levels"], std::vector<std::string>{"1 (parent missing: the parent of the "
                                                           "image cannot be looked for (the image "
                                                           "is not a file))"});
        QCOMPARE(lines["sector bitmaps present"], std::vector<std::string>{"1"});
        QCOMPARE(
            lines["partially present blocks"],
            std::vector<std::string>{"1 (0 of 2048 sectors in this file), INCOMPLETE: " + reason});
        QCOMPARE(lines["probe problem"],
                 std::vector<std::string>{"partially present block 0 of the image: " + reason});
        QCOMPARE(lines["probe"],
                 std::vector<std::string>{"sectors of the missing parent were read as zeros"});
        QCOMPARE(lines["partition table"], std::vector<std::string>{"none found"});

        // The same in the JSON report's "virtual_disk" object.
        JsonWriter w;
        writeVirtualDiskJson(w, *img);
        const QJsonObject vd = QJsonDocument::fromJson(QByteArray::fromStdString(w.str())).object();
        QCOMPARE(vd["levels"].toInteger(), 1);
        QVERIFY(vd["parent_missing"].toBool());
        const QJsonObject bms = vd["sector_bitmaps"].toObject();
        QCOMPARE(bms["complete"].toBool(), false);
        QCOMPARE(bms["problem"].toString(), qs(reason));
        QCOMPARE(bms["sectors_per_block"].toInteger(), 2048);
        QCOMPARE(bms["present"].toInteger(), 1);
        QCOMPARE(bms["partially_present_blocks"].toInteger(), 1);
        QCOMPARE(bms["partially_present_sectors"].toInteger(), 2048);
        QCOMPARE(bms["sectors_present"].toInteger(), 0);
        QCOMPARE(bms["blocks_without_bitmap"].toInteger(), 0);
        const QJsonArray list = bms["bitmaps"].toArray();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0]["chunk"].toInteger(), 0);
        QCOMPARE(list[0]["file_offset"].toInteger(), qint64(bm));
        QCOMPARE(list[0]["partially_present_blocks"].toInteger(), 1);
        QCOMPARE(bms["bitmaps_truncated"].toBool(), false);
        QVERIFY(vd["probe"]["missing_parent_read_as_zeros"].toBool());

        // No BAT, no virtual disk: no text section, a JSON null.
        const auto junk = Image::parse(std::make_shared<MemorySource>(std::vector<uint8_t>(10)));
        QVERIFY(virtualDiskTextLines(*junk).empty());
        JsonWriter none;
        writeVirtualDiskJson(none, *junk);
        QCOMPARE(none.str(), std::string("null"));
    }
};

VHDX_TEST_MAIN(TestVirtualDiskReadErrors)
#include "tst_virtual_disk_read_errors.moc"
