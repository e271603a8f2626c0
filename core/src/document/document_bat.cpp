// The BAT in the document: geometry at once, state counts (by class, from the one state
// table) once the scan has finished.
#include "document_builder.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/text_format.h"

namespace vhdx::detail {

namespace {

void addStateCounts(Document& d, NodeId bat, const BatScanResult& scan, SlotKind kind) {
    const bool payload = kind == SlotKind::Payload;
    const NodeId group =
        d.add(bat, NodeKind::BatStates, payload ? "Payload states" : "Sector bitmap states",
              formatCount(payload ? scan.payloadEntries : scan.sectorBitmapEntries));
    for (const BatClassInfo& c : batClasses()) {
        if (c.kind != kind)
            continue;
        const uint64_t n = scan.counts.of(c.cls);
        const NodeId row = d.add(group, NodeKind::Field, std::string(c.label), formatCount(n));
        const bool invalid = c.cls == BatClass::PayloadInvalid || c.cls == BatClass::BitmapInvalid;
        if (invalid && n)
            setStatus(d, row, NodeStatus::Error,
                      payload ? "undefined state for a payload slot"
                              : "undefined state for a sector-bitmap slot");
    }
}

} // namespace

void addBatNodes(DocBuild& b) {
    Document& d = b.doc;
    const Image& img = b.image;
    const BatGeometry& geo = img.batGeometry();
    const NodeId node = d.add(d.root(), NodeKind::Bat, "BAT");
    d.setRef(node, ref::bat());
    if (!img.regions().bat) {
        d.edit(node).value = "no BAT region";
        setStatus(d, node, NodeStatus::Error, missingRegionReason(img.regions(), "BAT"));
        return;
    }
    d.edit(node).ranges = {{img.regions().bat->fileOffset, img.regions().bat->length}};
    if (!geo.valid) {
        d.edit(node).value = "geometry unknown";
        setStatus(d, node, NodeStatus::Error,
                  "block size, virtual size or sector size is missing or invalid");
        return;
    }
    d.edit(node).value = formatCount(geo.totalEntries) + " entries (" +
                         formatCount(geo.dataBlocks) + " payload + " +
                         formatCount(geo.sectorBitmapBlocks) + " sector bitmap)";
    d.add(node, NodeKind::Field, "Block size", formatSize(geo.blockSize));
    d.add(node, NodeKind::Field, "Chunk ratio", std::to_string(geo.chunkRatio));
    d.add(node, NodeKind::Field, "Total entries", formatCount(geo.totalEntries));
    if (const BatReader* reader = img.batReader())
        d.add(node, NodeKind::Field, "Readable entries", formatCount(reader->readableEntries()));
    const auto& scan = img.batScan();
    if (!b.options.scanDone || !scan) {
        d.add(node, NodeKind::Field, "Scan", "running…");
        return;
    }
    const NodeId state =
        d.add(node, NodeKind::Field, "Scan",
              scan->completed ? "complete"
                              : "incomplete (" + formatCount(scan->entriesScanned) + " of " +
                                    formatCount(geo.totalEntries) + " entries)");
    setStatus(d, state, scan->completed ? NodeStatus::Ok : NodeStatus::Warning,
              scan->completed ? "every entry checked" : "cancelled or unreadable");
    if (scan->completed)
        setStatus(d, node, NodeStatus::Ok, "every entry scanned");
    addStateCounts(d, node, *scan, SlotKind::Payload);
    addStateCounts(d, node, *scan, SlotKind::SectorBitmap);
    const NodeId reserved = d.add(node, NodeKind::Field, "Reserved bits set",
                                  formatCount(scan->counts.reservedBitsSet));
    if (scan->counts.reservedBitsSet)
        setStatus(d, reserved, NodeStatus::Warning, "bits 3-19 must be zero");
}

} // namespace vhdx::detail
