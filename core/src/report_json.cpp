// The JSON report of the README. Keys are stable: add, never rename. Field keys come
// from the schema (schema/structures.h), BAT state keys from the state table, structure names
// from the findings' typed references.
#include <set>
#include <string_view>

#include "report_verdict.h"
#include "vhdx/image.h"
#include "vhdx/json_writer.h"
#include "vhdx/report.h"
#include "vhdx/report_replay.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/schema/structures.h"
#include "vhdx/virtual_disk_report.h"

namespace vhdx {

namespace {

namespace hs = schema::header;

// index, offset, and the common part of a checksummed block; false when it was not read.
bool writeBlockStart(JsonWriter& w, const ChecksummedBlock& b) {
    w.beginObject().field("index", b.index).field("offset", b.offset);
    if (!b.readable) {
        w.field("readable", false).field("valid", false).endObject();
        return false;
    }
    return true;
}

void writeChecksums(JsonWriter& w, const ChecksummedBlock& b, bool valid) {
    w.field("readable", true)
        .field("valid", valid)
        .field("signature_valid", b.signatureValid)
        .field(hs::checksum.key, uint64_t(b.checksum))
        .field("checksum_computed", uint64_t(b.checksumComputed))
        .field("checksum_valid", b.checksumValid);
}

void writeHeader(JsonWriter& w, const Header& h) {
    if (!writeBlockStart(w, h))
        return;
    writeChecksums(w, h, h.valid());
    w.field(hs::sequenceNumber.key, h.sequenceNumber)
        .field(hs::fileWriteGuid.key, h.fileWriteGuid.toString())
        .field(hs::dataWriteGuid.key, h.dataWriteGuid.toString())
        .field(hs::logGuid.key, h.logGuid.toString())
        .field(hs::logVersion.key, unsigned(h.logVersion))
        .field(hs::version.key, unsigned(h.version))
        .field(hs::logLength.key, uint64_t(h.logLength))
        .field(hs::logOffset.key, h.logOffset)
        .endObject();
}

void writeRegionTable(JsonWriter& w, const RegionTable& t) {
    namespace re = schema::region_entry;
    if (!writeBlockStart(w, t))
        return;
    writeChecksums(w, t, t.valid());
    w.field(schema::region_table::entryCount.key, uint64_t(t.entryCount));
    w.key("entries").beginArray();
    for (const auto& e : t.entries)
        w.beginObject()
            .field(re::guid.key, e.guid.toString())
            .field("name", e.name)
            .field(re::fileOffset.key, e.fileOffset)
            .field(re::length.key, uint64_t(e.length))
            .field(re::required.key, e.required())
            .endObject();
    w.endArray().endObject();
}

template <class T>
void optionalField(JsonWriter& w, std::string_view k, const std::optional<T>& v) {
    w.key(k);
    if (v)
        w.value(uint64_t(*v));
    else
        w.null();
}

void writeLocator(JsonWriter& w, const ParentLocator& pl) {
    w.beginObject()
        .field(schema::parent_locator::locatorType.key, pl.type.toString())
        .field("valid", pl.valid);
    // A key given twice (PARENT_LOCATOR_INVALID says so) appears once: its first value, the
    // one the parent search uses. A JSON object must not repeat a name.
    w.key("entries").beginObject();
    std::set<std::string_view> seen;
    for (const auto& e : pl.entries)
        if (seen.insert(e.key).second)
            w.field(e.key, e.value);
    w.endObject().endObject();
}

void writeMetadata(JsonWriter& w, const Metadata& m) {
    namespace me = schema::metadata_entry;
    w.beginObject()
        .field("offset", m.regionOffset)
        .field("length", m.regionLength)
        .field("signature_valid", m.signatureValid)
        .field(schema::metadata_table::entryCount.key, uint64_t(m.entryCount));
    w.key("entries").beginArray();
    for (const auto& e : m.entries)
        w.beginObject()
            .field(me::itemId.key, e.itemId.toString())
            .field("name", e.name)
            .field(me::offset.key, uint64_t(e.offset))
            .field(me::length.key, uint64_t(e.length))
            .field(me::isUser.key, e.isUser())
            .field(me::isVirtualDisk.key, e.isVirtualDisk())
            .field(me::isRequired.key, e.isRequired())
            .endObject();
    w.endArray();
    namespace fp = schema::file_parameters;
    optionalField(w, fp::blockSize.key, m.blockSize);
    w.field(fp::leaveBlocksAllocated.key, m.leaveBlocksAllocated)
        .field(fp::hasParent.key, m.hasParent);
    optionalField(w, schema::virtual_disk_size::value.key, m.virtualDiskSize);
    w.key(schema::virtual_disk_id::value.key);
    if (m.virtualDiskId)
        w.value(m.virtualDiskId->toString());
    else
        w.null();
    optionalField(w, schema::logical_sector_size::value.key, m.logicalSectorSize);
    optionalField(w, schema::physical_sector_size::value.key, m.physicalSectorSize);
    w.key("parent_locator");
    if (m.parentLocator)
        writeLocator(w, *m.parentLocator);
    else
        w.null();
    w.endObject();
}

void writeStateCounts(JsonWriter& w, const BatStateCounts& c, SlotKind kind) {
    w.beginObject();
    for (const BatClassInfo& info : batClasses())
        if (info.kind == kind)
            w.field(info.key, c.of(info.cls));
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
        w.key("payload_states");
        writeStateCounts(w, scan->counts, SlotKind::Payload);
        w.key("sector_bitmap_states");
        writeStateCounts(w, scan->counts, SlotKind::SectorBitmap);
    }
    w.endObject();
}

void writeLog(JsonWriter& w, const Log& log, const Image& img) {
    namespace le = schema::log_entry;
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
            .field(le::sequenceNumber.key, e.sequenceNumber)
            .field(le::entryLength.key, uint64_t(e.length))
            .field(le::tail.key, uint64_t(e.tail))
            .field(le::descriptorCount.key, uint64_t(e.descriptorCount))
            .field(le::logGuid.key, e.logGuid.toString())
            .field("checksum_valid", e.checksumValid)
            .field("valid", e.valid)
            .field("active", e.active)
            .field("problem", e.problem)
            .endObject();
    w.endArray();
    w.key("active_sequence").beginArray();
    for (uint64_t s : log.activeSequence)
        w.value(s);
    w.endArray();
    w.key("replay");
    writeReplayJson(w, img);
    w.endObject();
}

void writeParentChain(JsonWriter& w, const std::vector<ParentLink>& chain) {
    w.beginArray();
    for (const auto& l : chain) {
        w.beginObject()
            .field("found", l.found)
            .field("path", l.path)
            .field("locator_key", l.locatorKey)
            .field("readable", l.readable);
        // Checked only against a parent that was read: null otherwise, not "mismatch".
        w.key("linkage_matches");
        if (l.readable)
            w.value(l.linkageMatches);
        else
            w.null();
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

void writeFindings(JsonWriter& w, const Image& img) {
    w.key("findings").beginArray();
    for (const auto& f : img.findings().items())
        w.beginObject()
            .field("severity", severityName(f.severity))
            .field("code", codeName(f.code))
            .field("structure", structureKey(f.where, img.metadata()))
            .field("offset", f.offset)
            .field("message", f.message)
            .field("spec", f.spec)
            .field("advice", codeAdvice(f.code))
            .endObject();
    w.endArray();
}

} // namespace

std::string reportJson(const Image& img) {
    JsonWriter w;
    w.beginObject();
    w.key("file").beginObject().field("path", img.path()).field("size", img.fileSize()).endObject();
    w.field("view", viewName(img));
    w.key("verdict");
    detail::writeVerdictJson(w, img, assessImage(img, img.findings().items()));
    const bool vhdx = img.isVhdx();
    w.key("identifier");
    if (img.identifier().readable)
        w.beginObject()
            .field("signature_valid", img.identifier().signatureValid)
            .field(schema::identifier::creator.key, img.identifier().creator)
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
        writeLog(w, img.log(), img);
    else
        w.null();
    w.key("parent_chain");
    writeParentChain(w, img.parentChain());
    w.key("virtual_disk");
    writeVirtualDiskJson(w, img);
    writeFindings(w, img);
    w.endObject();
    return w.str();
}

int exitCodeFor(const Image& image) {
    return image.findings().hasErrors() ? 1 : 0;
}

} // namespace vhdx
