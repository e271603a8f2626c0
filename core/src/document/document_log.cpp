// The log in the document: the area, every entry listed, with its fields and descriptors
// placed through the circular log, so an entry that wraps around the log's end shows its
// bytes in two ranges and each field where it really is.
#include "document_builder.h"
#include "vhdx/checksummed_block.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

namespace vhdx::detail {

namespace {

namespace le = schema::log_entry;

// The file ranges of `length` bytes from `rel` in the circular log.
std::vector<ByteRange> logRanges(const Log& log, uint64_t rel, uint64_t length) {
    std::vector<ByteRange> out;
    if (log.length == 0)
        return out;
    rel %= log.length;
    while (length) {
        const uint64_t n = std::min(length, log.length - rel);
        out.push_back({log.offset + rel, n});
        length -= n;
        rel = 0;
        if (out.size() > 1) // an entry is never longer than the log: at most two pieces
            break;
    }
    return out;
}

void addDescriptors(Document& d, NodeId entry, const Image& img, const LogEntry& e, size_t limit) {
    namespace dd = schema::data_descriptor;
    namespace zd = schema::zero_descriptor;
    const auto descriptors = readLogDescriptors(img.source(), img.log(), e, limit);
    for (size_t i = 0; i < descriptors.size(); ++i) {
        const LogDescriptor& ld = descriptors[i];
        const NodeId n = d.add(entry, NodeKind::LogDescriptor, "Descriptor " + std::to_string(i),
                               ld.isData ? "data → " + formatOffset(ld.targetOffset)
                                         : "zero " + formatSize(ld.zeroLength) + " at " +
                                               formatOffset(ld.targetOffset));
        d.edit(n).ranges =
            subRanges(d.node(entry).ranges, schema::descriptor_area::offsetOf(i), dd::layout.size);
        if (!ld.signatureValid)
            setStatus(d, n, NodeStatus::Info, "signature is neither \"desc\" nor \"zero\"");
        addField(d, n, dd::signature, schema::signatureText(ld.signature.data(), dd::signature));
        if (ld.isData) {
            addField(d, n, dd::trailingBytes, hex32(ld.trailingBytes));
            addField(d, n, dd::leadingBytes, hex64(ld.leadingBytes));
        } else {
            addField(d, n, zd::zeroLength, formatSize(ld.zeroLength));
        }
        addField(d, n, dd::fileOffset, formatOffset(ld.targetOffset));
        addField(d, n, dd::sequenceNumber, std::to_string(ld.sequenceNumber));
    }
}

void addEntry(DocBuild& b, NodeId logNode, const LogEntry& e, bool withDescriptors) {
    Document& d = b.doc;
    const Log& log = b.image.log();
    // Named by its place in the log (structureTitle): sequence numbers repeat among stale
    // entries and run to 17 digits, which a narrow column would cut where they differ.
    const NodeId entry =
        d.add(logNode, NodeKind::LogEntry, logEntryTitle(e.offset),
              "sequence " + std::to_string(e.sequenceNumber) + ", " + formatSize(e.length) + ", " +
                  std::to_string(e.descriptorCount) + " descriptor" +
                  (e.descriptorCount == 1 ? "" : "s") + (e.active ? " (active)" : ""));
    d.setRef(entry, ref::logEntry(e.offset));
    DocNode& n = d.edit(entry);
    // An entry whose length is not usable still shows its header sector.
    n.ranges =
        logRanges(log, e.offset, e.length && e.length <= log.length ? e.length : le::sectorSize);
    n.emphasized = e.active;
    if (e.valid)
        setStatus(d, entry, NodeStatus::Ok,
                  e.active ? "valid; part of the active sequence" : "valid");
    else
        setStatus(d, entry, NodeStatus::Info, e.problem);
    addField(d, entry, le::signature, std::string(le::signature.magic));
    const std::string why = checksumText(e.checksum, e.checksumComputed);
    setStatus(d, addField(d, entry, le::checksum, hex32(e.checksum)),
              e.checksumValid ? NodeStatus::Ok : NodeStatus::Info,
              e.checksumValid ? why + ": match" : why);
    addField(d, entry, le::entryLength, formatSize(e.length));
    addField(d, entry, le::tail, formatOffset(e.tail));
    addField(d, entry, le::sequenceNumber, std::to_string(e.sequenceNumber));
    addField(d, entry, le::descriptorCount,
             std::to_string(e.descriptorCount) + " (" + std::to_string(e.dataDescriptors) +
                 " data, " + std::to_string(e.zeroDescriptors) + " zero)");
    setStatus(d, addField(d, entry, le::logGuid, e.logGuid.toString()),
              e.guidMatches ? NodeStatus::Ok : NodeStatus::Info,
              e.guidMatches ? "matches the header's LogGuid"
                            : "differs from the header's LogGuid: a stale entry");
    addField(d, entry, le::flushedFileOffset, formatOffset(e.flushedFileOffset));
    addField(d, entry, le::lastFileOffset, formatOffset(e.lastFileOffset));
    if (withDescriptors)
        addDescriptors(d, entry, b.image, e, b.options.maxDescriptorsPerEntry);
}

} // namespace

void addLogNodes(DocBuild& b) {
    Document& d = b.doc;
    const Log& log = b.image.log();
    const NodeId node = d.add(d.root(), NodeKind::Log, "Log");
    d.setRef(node, ref::log());
    if (log.length)
        d.edit(node).ranges = {{log.offset, log.length}};
    if (!log.present) {
        d.edit(node).value = "empty (LogGuid is zero)";
        setStatus(d, node, NodeStatus::Ok, "nothing to replay");
    } else if (log.replayState == LogReplayState::Unknown) {
        d.edit(node).value = "replay state unknown";
        setStatus(d, node, NodeStatus::Error, log.replayUnknownReason);
    } else {
        d.edit(node).value = log.replayNeeded ? "replay needed" : "nothing to replay";
        setStatus(d, node, log.replayNeeded ? NodeStatus::Warning : NodeStatus::Ok,
                  log.replayNeeded ? "an active log sequence exists; the data is not consistent "
                                     "until the log is replayed"
                                   : "no active sequence");
    }
    d.add(node, NodeKind::Field, "Log GUID", guidText(log.logGuid));
    d.add(node, NodeKind::Field, "Offset", formatOffset(log.offset));
    d.add(node, NodeKind::Field, "Length", formatSize(log.length));
    std::string active;
    for (uint64_t s : log.activeSequence)
        active += (active.empty() ? "" : ", ") + std::to_string(s);
    d.add(node, NodeKind::Field, "Active sequence", active.empty() ? "(none)" : active);
    addReplayNodes(b, node);
    size_t shown = 0;
    for (const LogEntry& e : log.entries)
        addEntry(b, node, e, shown++ < b.options.maxEntriesWithDescriptors);
}

} // namespace vhdx::detail
