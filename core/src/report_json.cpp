// The JSON report of cli-contract.md. Keys are stable: add, never rename.
#include <set>
#include <string_view>

#include "vhdx/image.h"
#include "vhdx/json_writer.h"
#include "vhdx/report.h"
#include "vhdx/virtual_disk_report.h"

namespace vhdx {

namespace {

void writeHeader(JsonWriter& w, const Header& h) {
    w.beginObject().field("index", h.index).field("offset", h.offset);
    if (!h.readable) {
        w.field("readable", false).field("valid", false).endObject();
        return;
    }
    w.field("readable", true)
        .field("valid", h.valid())
        .field("signature_valid", h.signatureValid)
        .field("checksum", uint64_t(h.checksum))
        .field("checksum_computed", uint64_t(h.checksumComputed))
        .field("checksum_valid", h.checksumValid)
        .field("sequence_number", h.sequenceNumber)
        .field("file_write_guid", h.fileWriteGuid.toString())
        .field("data_write_guid", h.dataWriteGuid.toString())
        .field("log_guid", h.logGuid.toString())
        .field("log_version", unsigned(h.logVersion))
        .field("version", unsigned(h.version))
        .field("log_length", uint64_t(h.logLength))
        .field("log_offset", h.logOffset)
        .endObject();
}

void writeRegionTable(JsonWriter& w, const RegionTable& t) {
    w.beginObject().field("index", t.index).field("offset", t.offset);
    if (!t.readable) {
        w.field("readable", false).field("valid", false).endObject();
        return;
    }
    w.field("readable", true)
        .field("valid", t.valid())
        .field("signature_valid", t.signatureValid)
        .field("checksum", uint64_t(t.checksum))
        .field("checksum_computed", uint64_t(t.checksumComputed))
        .field("checksum_valid", t.checksumValid)
        .field("entry_count", uint64_t(t.entryCount));
    w.key("entries").beginArray();
    for (const auto& e : t.entries)
        w.beginObject()
            .field("guid", e.guid.toString())
            .field("name", e.name)
            .field("file_offset", e.fileOffset)
            .field("length", uint64_t(e.length))
            .field("required", e.required())
            .endObject();
    w.endArray().endObject();
}

template <class T> void optionalField(JsonWriter& w, const char* k, const std::optional<T>& v) {
    w.key(k);
    if (v)
        w.value(uint64_t(*v));
    else
        w.null();
}

void writeMetadata(JsonWriter& w, const Metadata& m) {
    w.beginObject()
        .field("offset", m.regionOffset)
        .field("length", m.regionLength)
        .field("signature_valid", m.signatureValid)
        .field("entry_count", uint64_t(m.entryCount));
    w.key("entries").beginArray();
    for (const auto& e : m.entries)
        w.beginObject()
            .field("item_id", e.itemId.toString())
            .field("name", e.name)
            .field("offset", uint64_t(e.offset))
            .field("length", uint64_t(e.length))
            .field("is_user", e.isUser())
            .field("is_virtual_disk", e.isVirtualDisk())
            .field("is_required", e.isRequired())
            .endObject();
    w.endArray();
    optionalField(w, "block_size", m.blockSize);
    w.field("leave_blocks_allocated", m.leaveBlocksAllocated).field("has_parent", m.hasParent);
    optionalField(w, "virtual_disk_size", m.virtualDiskSize);
    w.key("virtual_disk_id");
    if (m.virtualDiskId)
        w.value(m.virtualDiskId->toString());
    else
        w.null();
    optionalField(w, "logical_sector_size", m.logicalSectorSize);
    optionalField(w, "physical_sector_size", m.physicalSectorSize);
    w.key("parent_locator");
    if (m.parentLocator) {
        w.beginObject()
            .field("type", m.parentLocator->type.toString())
            .field("valid", m.parentLocator->valid);
        // A key given twice (PARENT_LOCATOR_INVALID says so) appears once: its first value,
        // the one the parent search uses. A JSON object must not repeat a name.
        w.key("entries").beginObject();
        std::set<std::string_view> seen;
        for (const auto& e : m.parentLocator->entries)
            if (seen.insert(e.key).second)
                w.field(e.key, e.value);
        w.endObject().endObject();
    } else {
        w.null();
    }
    w.endObject();
}

void writeBat(JsonWriter& w, const Image& img) {
    const BatGeometry& g = img.batGeometry();
    if (!g.valid) {
        w.null();
        return;
    }
    w.beginObject()
        .field("offset", img.regions().bat ? img.regions().bat->fileOffset : 0)
        .field("entry_count", g.totalEntries)
        .field("payload_entries", g.dataBlocks)
        .field("sector_bitmap_entries", g.sectorBitmapBlocks)
        .field("chunk_ratio", g.chunkRatio);
    const auto& scan = img.batScan();
    w.field("scanned", bool(scan && scan->completed));
    if (scan) {
        const BatStateCounts& c = scan->counts;
        const uint64_t invalidPayload = c.payloadInvalid;
        w.key("payload_states")
            .beginObject()
            .field("not_present", c.payload[0])
            .field("undefined", c.payload[1])
            .field("zero", c.payload[2])
            .field("unmapped", c.payload[3])
            .field("fully_present", c.payload[6])
            .field("partially_present", g.hasParent ? c.payload[7] : 0)
            .field("invalid", invalidPayload)
            .endObject();
        w.key("sector_bitmap_states")
            .beginObject()
            .field("not_present", c.bitmap[0])
            .field("present", c.bitmap[6])
            .field("invalid", c.bitmapInvalid)
            .endObject();
    }
    w.endObject();
}

void writeLog(JsonWriter& w, const Log& log) {
    w.beginObject()
        .field("present", log.present)
        .field("offset", log.offset)
        .field("length", log.length);
    // Unknown is null: neither "needed" nor "not needed" could be established.
    w.key("replay_needed");
    if (log.replayState == LogReplayState::Unknown)
        w.null();
    else
        w.value(log.replayNeeded);
    w.field("replay_state", log.replayState == LogReplayState::Needed    ? "needed"
                            : log.replayState == LogReplayState::Unknown ? "unknown"
                                                                         : "none");
    w.key("entries").beginArray();
    for (const auto& e : log.entries)
        w.beginObject()
            .field("offset", e.offset)
            .field("file_offset", e.fileOffset)
            .field("sequence_number", e.sequenceNumber)
            .field("length", uint64_t(e.length))
            .field("tail", uint64_t(e.tail))
            .field("descriptor_count", uint64_t(e.descriptorCount))
            .field("log_guid", e.logGuid.toString())
            .field("checksum_valid", e.checksumValid)
            .field("valid", e.valid)
            .field("active", e.active)
            .field("problem", e.problem)
            .endObject();
    w.endArray();
    w.key("active_sequence").beginArray();
    for (uint64_t s : log.activeSequence)
        w.value(s);
    w.endArray().endObject();
}

void writeParentChain(JsonWriter& w, const std::vector<ParentLink>& chain) {
    w.beginArray();
    for (const auto& l : chain) {
        w.beginObject()
            .field("found", l.found)
            .field("path", l.path)
            .field("locator_key", l.locatorKey)
            .field("readable", l.readable)
            .field("linkage_matches", l.linkageMatches);
        w.key("data_write_guid");
        if (l.readable)
            w.value(l.parentDataWriteGuid.toString());
        else
            w.null();
        w.key("tried").beginArray();
        for (const auto& t : l.tried)
            w.value(t);
        w.endArray().endObject();
    }
    w.endArray();
}

} // namespace

std::string reportJson(const Image& img) {
    JsonWriter w;
    w.beginObject();
    w.key("file").beginObject().field("path", img.path()).field("size", img.fileSize()).endObject();
    const bool vhdx = img.identifier().signatureValid;
    w.key("identifier");
    if (img.identifier().readable)
        w.beginObject()
            .field("signature_valid", vhdx)
            .field("creator", img.identifier().creator)
            .endObject();
    else
        w.null();
    w.key("headers");
    if (vhdx) {
        w.beginArray();
        for (const auto& h : img.headers().headers)
            writeHeader(w, h);
        w.endArray();
    } else {
        w.null();
    }
    w.key("current_header");
    if (img.headers().current)
        w.value(img.headers().current);
    else
        w.null();
    w.key("region_tables");
    if (vhdx) {
        w.beginArray();
        for (const auto& t : img.regions().tables)
            writeRegionTable(w, t);
        w.endArray();
    } else {
        w.null();
    }
    w.key("metadata");
    if (img.metadata().readable)
        writeMetadata(w, img.metadata());
    else
        w.null();
    w.key("bat");
    writeBat(w, img);
    w.key("log");
    if (vhdx && img.headers().current)
        writeLog(w, img.log());
    else
        w.null();
    w.key("parent_chain");
    writeParentChain(w, img.parentChain());
    w.key("virtual_disk");
    writeVirtualDiskJson(w, img);
    w.key("findings").beginArray();
    for (const auto& f : img.findings().items())
        w.beginObject()
            .field("severity", severityName(f.severity))
            .field("code", codeName(f.code))
            .field("structure", f.structure)
            .field("offset", f.offset)
            .field("message", f.message)
            .field("spec", f.spec)
            .endObject();
    w.endArray();
    w.endObject();
    return w.str();
}

int exitCodeFor(const Image& image) {
    return image.findings().hasErrors() ? 1 : 0;
}

} // namespace vhdx
