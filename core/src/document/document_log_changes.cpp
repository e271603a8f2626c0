// The nodes whose bytes the pending log replay writes ("what the replay changes"):
// every node of the document except the file itself and the log, whose ranges meet a write of
// the plan. The writes are sorted once; each node range is one binary search, so a plan of
// thousands of descriptors costs little even on a large document.
#include <algorithm>

#include "document_builder.h"
#include "vhdx/image.h"
#include "vhdx/replay_effects.h"
#include "vhdx/report_replay.h"
#include "vhdx/text_format.h"

namespace vhdx::detail {

namespace {

std::string describe(const ReplayWrite& w) {
    return "log entry sequence " + std::to_string(w.sequenceNumber) + ", descriptor " +
           std::to_string(w.descriptorIndex) + " (" + (w.isData ? "data" : "zeros") + ", " +
           formatBytes(w.length) + " at " + formatOffset(w.fileOffset) + ")";
}

bool isLogOrFile(const Document& d, NodeId id) {
    for (; id != noNode && id != d.root(); id = d.node(id).parent) {
        const NodeKind k = d.node(id).kind;
        if (k == NodeKind::Log || k == NodeKind::File)
            return true;
    }
    return false;
}

} // namespace

void addReplayNodes(DocBuild& b, NodeId log) {
    const ReplayEffects* fx = b.image.replay();
    if (!fx || !fx->plan)
        return;
    Document& d = b.doc;
    const ReplayPlan& plan = *fx->plan;
    const NodeId r =
        d.add(log, NodeKind::Field, "Replay",
              fx->applied ? "shown as after it (the view)" : "not applied (as stored)");
    if (!fx->replayable)
        setStatus(d, r, NodeStatus::Error, "not replayable: " + fx->notReplayable);
    std::string entries;
    for (uint64_t s : plan.entrySequence())
        entries += (entries.empty() ? "" : ", ") + std::to_string(s);
    d.add(r, NodeKind::Field, "Entries", entries.empty() ? "-" : entries);
    d.add(r, NodeKind::Field, "File size",
          formatBytes(fx->sizeBefore) + " -> " + formatBytes(fx->sizeAfter));
    const NodeId ds = d.add(r, NodeKind::Field, "Descriptors",
                            formatCount(plan.writes().size()) + " (" +
                                formatBytes(plan.bytesWritten()) + " written)");
    // Listed as the reports list them (targets is empty when no plan could be built). No byte
    // ranges: the bytes they write belong to the structures they land in.
    const size_t listed = std::min(fx->targets.size(), b.options.maxEntriesWithDescriptors *
                                                           b.options.maxDescriptorsPerEntry);
    for (size_t i = 0; i < listed; ++i) {
        const ReplayWrite& w = plan.writes()[i];
        std::string where;
        for (const ReplayTarget& t : fx->targets[i])
            where += (where.empty() ? "" : ", ") + replayTargetText(t);
        d.add(ds, NodeKind::Field,
              "Entry " + std::to_string(w.sequenceNumber) + " descriptor " +
                  std::to_string(w.descriptorIndex),
              std::string(w.isData ? "data, " : "zeros, ") + formatBytes(w.length) + " at " +
                  formatOffset(w.fileOffset) + " -> " + where);
    }
    if (listed < plan.writes().size())
        d.add(ds, NodeKind::Field, "Not listed",
              formatCount(plan.writes().size() - listed) + " more");
    const NodeId bc = d.add(r, NodeKind::Field, "BAT entries changed",
                            fx->batCompared ? formatCount(fx->batChangeCount) : "not compared");
    for (const BatEntryChange& c : fx->batChanges)
        d.add(bc, NodeKind::Field, "BAT entry " + formatCount(c.index),
              std::string(replayBatClassLabel(b.image, c.index, c.before)) + " -> " +
                  std::string(replayBatClassLabel(b.image, c.index, c.after)) + " at " +
                  formatOffset(BatEntry{c.after}.fileOffset()));
    if (!fx->changedStructures.empty()) {
        const NodeId cs = d.add(r, NodeKind::Field, "Structures changed",
                                formatCount(fx->changedStructures.size()));
        for (const ByteRangeChange& c : fx->changedStructures)
            d.add(cs, NodeKind::Field, c.name, formatRange(c.offset, c.length));
    }
}

void markLogChanges(DocBuild& b) {
    const ReplayEffects* fx = b.image.replay();
    if (!fx || !fx->plan || fx->plan->writes().empty())
        return;
    // Writes by start offset; maxEnd[i] is the largest end among the first i + 1, so the
    // writes that can reach a range are found from a binary search on the start alone.
    std::vector<const ReplayWrite*> writes;
    for (const ReplayWrite& w : fx->plan->writes())
        if (w.length)
            writes.push_back(&w);
    std::sort(writes.begin(), writes.end(), [](const ReplayWrite* a, const ReplayWrite* c) {
        return a->fileOffset < c->fileOffset;
    });
    std::vector<uint64_t> maxEnd(writes.size());
    for (size_t i = 0; i < writes.size(); ++i) {
        const uint64_t end =
            writes[i]->fileOffset + std::min(writes[i]->length, UINT64_MAX - writes[i]->fileOffset);
        maxEnd[i] = std::max(end, i ? maxEnd[i - 1] : 0);
    }
    Document& d = b.doc;
    for (NodeId id = 1; id < d.nodeCount(); ++id) {
        if (d.node(id).ranges.empty() || isLogOrFile(d, id))
            continue;
        const ReplayWrite* first = nullptr;
        for (const ByteRange& r : d.node(id).ranges) {
            if (!r.length)
                continue;
            const uint64_t end = r.offset + std::min(r.length, UINT64_MAX - r.offset);
            // Writes starting before the range's end; the ones among them that end after its
            // start meet it. Walk back while some earlier write can still reach the range.
            auto it = std::lower_bound(
                writes.begin(), writes.end(), end,
                [](const ReplayWrite* w, uint64_t e) { return w->fileOffset < e; });
            for (size_t i = size_t(it - writes.begin()); i-- > 0 && maxEnd[i] > r.offset;) {
                const ReplayWrite* w = writes[i];
                if (w->fileOffset + std::min(w->length, UINT64_MAX - w->fileOffset) > r.offset &&
                    (!first || w->sequenceNumber < first->sequenceNumber ||
                     (w->sequenceNumber == first->sequenceNumber &&
                      w->descriptorIndex < first->descriptorIndex)))
                    first = w;
            }
        }
        if (first) {
            DocNode& n = d.edit(id);
            n.changedByLog = true;
            n.changedBy = describe(*first);
        }
    }
}

} // namespace vhdx::detail
