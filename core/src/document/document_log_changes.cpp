// The nodes whose bytes the pending log replay writes (issue 9, "what the replay changes"):
// every node of the document except the file itself and the log, whose ranges meet a write of
// the plan. The writes are sorted once; each node range is one binary search, so a plan of
// thousands of descriptors costs little even on a large document.
#include <algorithm>

#include "document_builder.h"
#include "vhdx/image.h"
#include "vhdx/replay_effects.h"
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
