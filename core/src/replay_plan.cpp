// The descriptors of the active log sequence in replay order (MS-VHDX 2.3.3), and the file
// ranges each finally owns: a later descriptor wins over an earlier one where they overlap,
// exactly as writing them one after the other would leave the file.
#include "vhdx/replay_plan.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/log.h"

namespace vhdx {

namespace {
constexpr uint64_t kSector = layout::logSectorSize;

uint64_t descriptorSectors(uint64_t count) {
    return (count + 2 + 127) / 128; // the entry header takes the first two 32-byte slots
}
} // namespace

std::shared_ptr<const ReplayPlan> ReplayPlan::build(const ByteSource& src, const Log& log) {
    auto plan = std::make_shared<ReplayPlan>();
    plan->m_logOffset = log.offset;
    plan->m_logLength = log.length;
    plan->m_storedSize = src.size();
    plan->m_replayedSize = src.size();

    std::vector<const LogEntry*> active;
    for (const LogEntry& e : log.entries)
        if (e.active)
            active.push_back(&e);
    std::sort(active.begin(), active.end(), [](const LogEntry* a, const LogEntry* b) {
        return a->sequenceNumber < b->sequenceNumber;
    });
    if (active.empty() || !log.readable || log.length == 0)
        return plan;
    const LogEntry& head = *active.back();
    plan->m_headLastFileOffset = head.lastFileOffset;
    plan->m_headFlushedFileOffset = head.flushedFileOffset;
    plan->m_replayedSize = std::max(plan->m_replayedSize, head.lastFileOffset);

    size_t total = 0;
    for (const LogEntry* e : active)
        total += e->descriptorCount;
    if (total > maxReplayWrites) {
        plan->m_problem = "the active sequence has " + std::to_string(total) +
                          " descriptors, more than the " + std::to_string(maxReplayWrites) +
                          " an in-memory replay keeps";
        return plan;
    }
    for (const LogEntry* e : active) {
        plan->m_entries.push_back(e->sequenceNumber);
        const std::vector<LogDescriptor> descriptors =
            readLogDescriptors(src, log, *e, e->descriptorCount);
        if (descriptors.size() != e->descriptorCount) {
            plan->m_problem = "the descriptors of log entry " + std::to_string(e->sequenceNumber) +
                              " could not be read";
            return plan;
        }
        const uint64_t firstData = e->offset + descriptorSectors(e->descriptorCount) * kSector;
        uint64_t dataIndex = 0;
        for (uint32_t i = 0; i < descriptors.size(); ++i) {
            const LogDescriptor& d = descriptors[i];
            ReplayWrite w;
            w.isData = d.isData;
            w.sequenceNumber = e->sequenceNumber;
            w.descriptorIndex = i;
            w.entryLogOffset = e->offset;
            w.lastFileOffset = e->lastFileOffset;
            w.fileOffset = d.targetOffset;
            w.length = d.isData ? kSector : d.zeroLength;
            if (d.isData) {
                w.dataLogOffset = (firstData + dataIndex++ * kSector) % log.length;
                w.leadingBytes = d.leadingBytes;
                w.trailingBytes = d.trailingBytes;
            }
            uint64_t end = 0;
            if (addOverflows(w.fileOffset, w.length, end)) {
                plan->m_problem = "descriptor " + std::to_string(i) + " of log entry " +
                                  std::to_string(e->sequenceNumber) + " reaches past 2^64";
                return plan;
            }
            plan->addWrite(w);
        }
    }
    if (plan->m_replayedSize > maxReplayedSize) {
        plan->m_problem = "the replay would make the file " + std::to_string(plan->m_replayedSize) +
                          " bytes, more than the " + std::to_string(maxReplayedSize) +
                          " an in-memory replay accepts";
        return plan;
    }
    plan->flatten();
    return plan;
}

void ReplayPlan::addWrite(const ReplayWrite& w) {
    m_writes.push_back(w);
    m_bytesWritten += w.length;
    m_replayedSize = std::max(m_replayedSize, w.end());
}

void ReplayPlan::flatten() {
    // start -> (end, write): disjoint pieces; each write in order takes its range over.
    std::map<uint64_t, std::pair<uint64_t, size_t>> pieces;
    for (size_t i = 0; i < m_writes.size(); ++i) {
        const uint64_t a = m_writes[i].fileOffset, b = m_writes[i].end();
        if (a == b)
            continue;
        auto it = pieces.lower_bound(a);
        if (it != pieces.begin()) {
            auto prev = std::prev(it);
            if (prev->second.first > a) { // starts before a and reaches into [a, b)
                const auto [prevEnd, prevWrite] = prev->second;
                prev->second.first = a;
                if (prevEnd > b)
                    pieces.emplace(b, std::make_pair(prevEnd, prevWrite));
            }
        }
        it = pieces.lower_bound(a);
        while (it != pieces.end() && it->first < b) {
            const auto [end, write] = it->second;
            it = pieces.erase(it);
            if (end > b) {
                pieces.emplace(b, std::make_pair(end, write));
                break;
            }
        }
        pieces.emplace(a, std::make_pair(b, i));
    }
    m_overlays.reserve(pieces.size());
    for (const auto& [start, piece] : pieces)
        m_overlays.push_back({start, piece.first - start, piece.second});
}

size_t ReplayPlan::firstOverlayEndingAfter(uint64_t offset) const {
    const auto it =
        std::upper_bound(m_overlays.begin(), m_overlays.end(), offset,
                         [](uint64_t off, const ReplayOverlay& o) { return off < o.end(); });
    return size_t(it - m_overlays.begin());
}

const ReplayOverlay* ReplayPlan::overlayAt(uint64_t fileOffset) const {
    const size_t i = firstOverlayEndingAfter(fileOffset);
    if (i < m_overlays.size() && m_overlays[i].offset <= fileOffset)
        return &m_overlays[i];
    return nullptr;
}

} // namespace vhdx
