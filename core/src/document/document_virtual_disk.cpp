// The disk behind the image in the document: its size and chain, the sector
// bitmaps of a differencing disk, and the guest's partition table and filesystems as libblkid
// reads them through the virtual-disk reader. None of it has bytes in this file (offsets are
// in the virtual disk), so the nodes have no ranges.
#include "document_builder.h"
#include "vhdx/text_format.h"
#include "vhdx/virtual_disk_report.h"

namespace vhdx::detail {

namespace {

std::string filesystemText(const GuestFilesystem& fs) {
    std::string s = fs.type;
    if (!fs.label.empty())
        s += " \"" + fs.label + "\"";
    return s;
}

void addFilesystemFields(Document& d, NodeId parent, const GuestFilesystem& fs) {
    d.add(parent, NodeKind::Field, "Filesystem", fs.type);
    if (!fs.label.empty())
        d.add(parent, NodeKind::Field, "Label", fs.label);
    if (!fs.uuid.empty())
        d.add(parent, NodeKind::Field, "Filesystem UUID", fs.uuid);
}

void addPartition(Document& d, NodeId table, const GuestPartition& p, uint64_t sectorSize) {
    std::string value = p.filesystem ? filesystemText(*p.filesystem)
                        : p.extended ? std::string("extended (a container)")
                                     : std::string("no filesystem found");
    value += ", " + formatSize(p.size) + " at " + formatOffset(p.start);
    const NodeId n =
        d.add(table, NodeKind::GuestPartition, "Partition " + std::to_string(p.number), value);
    d.add(n, NodeKind::Field, "Start",
          formatOffset(p.start) + " (sector " + formatCount(p.start / sectorSize) + ")");
    d.add(n, NodeKind::Field, "Size", formatBytes(p.size));
    d.add(n, NodeKind::Field, "Type", p.type);
    if (!p.name.empty())
        d.add(n, NodeKind::Field, "Name", p.name);
    if (!p.uuid.empty())
        d.add(n, NodeKind::Field, "Partition UUID", p.uuid);
    if (p.logical)
        d.add(n, NodeKind::Field, "Logical", "yes");
    if (p.filesystem)
        addFilesystemFields(d, n, *p.filesystem);
}

} // namespace

void addVirtualDiskNodes(DocBuild& b) {
    if (!b.options.virtualDisk)
        return;
    const VirtualDiskSummary& s = *b.options.virtualDisk;
    const GuestProbe& g = s.guest;
    Document& d = b.doc;
    std::string value = formatSize(s.size);
    if (g.table)
        value += ", " + g.table->type + ", " + std::to_string(g.table->partitions.size()) +
                 (g.table->partitions.size() == 1 ? " partition" : " partitions");
    else if (g.filesystem)
        value += ", " + filesystemText(*g.filesystem) + " on the whole disk";
    else
        value += ", no partition table found";
    const NodeId vd = d.add(d.root(), NodeKind::VirtualDisk, "Virtual disk", value);
    if (s.parentMissing)
        setStatus(d, vd, NodeStatus::Error,
                  "a parent is missing (" + s.missingParentReason +
                      "): its sectors were read as zeros for the probe");
    else if (!g.problem.empty())
        setStatus(d, vd, NodeStatus::Warning, "the probe failed: " + g.problem);
    else if (g.limited)
        setStatus(d, vd, NodeStatus::Info,
                  "the probe stopped at its budget of bytes read: results may be partial");
    d.add(vd, NodeKind::Field, "Size", formatBytes(s.size));
    d.add(vd, NodeKind::Field, "Logical sector size", formatBytes(s.sectorSize));
    d.add(vd, NodeKind::Field, "Images in the chain", std::to_string(s.levels));
    const SectorBitmapSummary& bm = s.sectorBitmaps;
    if (bm.walked) {
        d.add(vd, NodeKind::Field, "Sector bitmaps present", formatCount(bm.presentBitmaps));
        d.add(vd, NodeKind::Field, "Partially present blocks",
              formatCount(bm.partiallyPresentBlocks) + " (" + formatCount(bm.sectorsPresent) +
                  " of " + formatCount(bm.partiallyPresentSectors) + " sectors in this file)");
    }
    if (g.table) {
        const NodeId t = d.add(vd, NodeKind::Field, "Partition table",
                               g.table->type + (g.table->id.empty() ? "" : " " + g.table->id));
        for (const GuestPartition& p : g.table->partitions)
            addPartition(d, t, p, std::max<uint64_t>(1, s.sectorSize));
        if (g.table->truncated)
            d.add(t, NodeKind::Field, "More", "more partitions than listed");
    }
    if (g.filesystem)
        addFilesystemFields(d, vd, *g.filesystem);
    d.add(vd, NodeKind::Field, "Read for the probe", formatBytes(g.bytesRead));
}

} // namespace vhdx::detail
