// The "virtual_disk" key of the JSON report and the "Virtual disk" section of the text report.
#include <string_view>

#include "vhdx/image.h"
#include "vhdx/json_writer.h"
#include "vhdx/virtual_disk.h"
#include "vhdx/virtual_disk_report.h"

namespace vhdx {

std::optional<VirtualDiskSummary> summarizeVirtualDisk(const Image& image) {
    std::string why;
    const auto disk = VirtualDisk::open(image, why);
    if (!disk)
        return std::nullopt;
    VirtualDiskSummary s;
    s.size = disk->size();
    s.sectorSize = disk->sectorSize();
    s.levels = disk->levels();
    s.parentMissing = disk->parentMissing();
    s.missingParentReason = disk->missingParentReason();
    s.sectorBitmaps = summarizeSectorBitmaps(image);
    s.guest = probeGuest(*disk);
    return s;
}

namespace {

void stringOrNull(JsonWriter& w, std::string_view key, const std::string& v) {
    w.key(key);
    if (v.empty())
        w.null();
    else
        w.value(v);
}

void writeFilesystem(JsonWriter& w, const std::optional<GuestFilesystem>& fs) {
    if (!fs) {
        w.null();
        return;
    }
    w.beginObject().field("type", fs->type);
    stringOrNull(w, "label", fs->label);
    stringOrNull(w, "uuid", fs->uuid);
    stringOrNull(w, "usage", fs->usage);
    w.endObject();
}

void writeSectorBitmaps(JsonWriter& w, const SectorBitmapSummary& b) {
    if (!b.walked) {
        w.null();
        return;
    }
    w.beginObject()
        .field("complete", b.complete)
        .field("sectors_per_block", b.sectorsPerBlock)
        .field("present", b.presentBitmaps)
        .field("partially_present_blocks", b.partiallyPresentBlocks)
        .field("partially_present_sectors", b.partiallyPresentSectors)
        .field("sectors_present", b.sectorsPresent)
        .field("blocks_without_bitmap", b.blocksWithoutBitmap);
    stringOrNull(w, "problem", b.problem);
    w.key("bitmaps").beginArray();
    for (const auto& c : b.bitmaps)
        w.beginObject()
            .field("chunk", c.chunk)
            .field("file_offset", c.fileOffset)
            .field("partially_present_blocks", c.partiallyPresentBlocks)
            .field("sectors_present", c.sectorsPresent)
            .endObject();
    w.endArray().field("bitmaps_truncated", b.listTruncated).endObject();
}

void writePartitionTable(JsonWriter& w, const std::optional<GuestPartitionTable>& t) {
    if (!t) {
        w.null();
        return;
    }
    w.beginObject().field("type", t->type);
    stringOrNull(w, "id", t->id);
    w.key("partitions").beginArray();
    for (const auto& p : t->partitions) {
        w.beginObject()
            .field("number", p.number)
            .field("start", p.start)
            .field("size", p.size)
            .field("type", p.type);
        stringOrNull(w, "name", p.name);
        stringOrNull(w, "uuid", p.uuid);
        w.field("logical", p.logical).field("extended", p.extended).field("probed", p.probed);
        w.key("filesystem");
        writeFilesystem(w, p.filesystem);
        w.endObject();
    }
    w.endArray().field("truncated", t->truncated).endObject();
}

std::string describe(const GuestFilesystem& fs) {
    std::string s = fs.type;
    if (!fs.label.empty())
        s += " label \"" + fs.label + "\"";
    if (!fs.uuid.empty())
        s += " uuid " + fs.uuid;
    return s;
}

} // namespace

void writeVirtualDiskJson(JsonWriter& w, const Image& image) {
    const auto s = summarizeVirtualDisk(image);
    if (!s) {
        w.null();
        return;
    }
    w.beginObject()
        .field("size", s->size)
        .field("logical_sector_size", s->sectorSize)
        .field("levels", uint64_t(s->levels))
        .field("parent_missing", s->parentMissing);
    stringOrNull(w, "missing_parent", s->missingParentReason);
    w.key("sector_bitmaps");
    writeSectorBitmaps(w, s->sectorBitmaps);
    const GuestProbe& g = s->guest;
    w.key("probe")
        .beginObject()
        .field("performed", g.performed)
        .field("bytes_read", g.bytesRead)
        .field("limited", g.limited)
        .field("missing_parent_read_as_zeros", g.missingParentReadAsZeros);
    stringOrNull(w, "problem", g.problem);
    w.endObject();
    w.key("partition_table");
    writePartitionTable(w, g.table);
    w.key("filesystem");
    writeFilesystem(w, g.filesystem);
    w.endObject();
}

std::vector<std::pair<std::string, std::string>> virtualDiskTextLines(const Image& image) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto s = summarizeVirtualDisk(image);
    if (!s)
        return out;
    out.emplace_back("levels",
                     std::to_string(s->levels) +
                         (s->parentMissing ? " (parent missing: " + s->missingParentReason + ")"
                                           : std::string()));
    const SectorBitmapSummary& b = s->sectorBitmaps;
    if (b.walked) {
        out.emplace_back("sector bitmaps present", std::to_string(b.presentBitmaps));
        out.emplace_back("partially present blocks",
                         std::to_string(b.partiallyPresentBlocks) + " (" +
                             std::to_string(b.sectorsPresent) + " of " +
                             std::to_string(b.partiallyPresentSectors) + " sectors in this file)" +
                             (b.complete ? "" : ", INCOMPLETE: " + b.problem));
    }
    const GuestProbe& g = s->guest;
    if (g.table) {
        out.emplace_back("partition table",
                         g.table->type +
                             (g.table->id.empty() ? std::string() : " id " + g.table->id));
        for (const auto& p : g.table->partitions) {
            std::string v = "start " + std::to_string(p.start) + " size " + std::to_string(p.size) +
                            " type " + p.type;
            if (!p.name.empty())
                v += " name \"" + p.name + "\"";
            if (p.filesystem)
                v += ", " + describe(*p.filesystem);
            out.emplace_back("partition " + std::to_string(p.number), v);
        }
    } else {
        out.emplace_back("partition table", "none found");
    }
    if (g.filesystem)
        out.emplace_back("filesystem", describe(*g.filesystem));
    if (!g.problem.empty())
        out.emplace_back("probe problem", g.problem);
    if (g.limited)
        out.emplace_back("probe", "stopped at its budget of read bytes: results may be partial");
    if (g.missingParentReadAsZeros)
        out.emplace_back("probe", "sectors of the missing parent were read as zeros");
    return out;
}

} // namespace vhdx
