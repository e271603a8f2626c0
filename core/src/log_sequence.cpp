// The active log sequence (MS-VHDX 2.3.3): among runs of valid, contiguous entries with
// sequence numbers increasing by one, the one with the highest head whose Tail points at an
// entry inside the run. Entries from the tail entry to the head are what a replay applies.
#include <algorithm>
#include <map>
#include <utility>

#include "log_internal.h"
#include "vhdx/log.h"

namespace vhdx {

namespace detail {
void findActiveSequence(Log& log) {
    std::vector<size_t> valid;
    for (size_t i = 0; i < log.entries.size(); ++i)
        if (log.entries[i].valid)
            valid.push_back(i);
    if (valid.empty() || log.length == 0)
        return;
    // Predecessor lookup: (where an entry ends, its sequence number) -> entry.
    std::map<std::pair<uint64_t, uint64_t>, size_t> byEnd;
    std::map<std::pair<uint64_t, uint64_t>, size_t> byStart;
    for (size_t i : valid) {
        const LogEntry& e = log.entries[i];
        byEnd[{(e.offset + e.length) % log.length, e.sequenceNumber}] = i;
        byStart[{e.offset, e.sequenceNumber}] = i;
    }
    // Heads: valid entries with no valid successor, highest sequence first.
    std::vector<size_t> heads;
    for (size_t i : valid) {
        const LogEntry& e = log.entries[i];
        if (!byStart.count({(e.offset + e.length) % log.length, e.sequenceNumber + 1}))
            heads.push_back(i);
    }
    std::sort(heads.begin(), heads.end(), [&](size_t a, size_t b) {
        return log.entries[a].sequenceNumber > log.entries[b].sequenceNumber;
    });
    size_t steps = 0;
    const size_t maxSteps = 4 * valid.size() + 16;
    for (size_t h : heads) {
        std::vector<size_t> run{h};
        const uint64_t tail = log.entries[h].tail;
        bool found = log.entries[h].offset == tail;
        while (!found && steps++ < maxSteps) {
            const LogEntry& e = log.entries[run.back()];
            if (e.sequenceNumber == 0)
                break;
            auto it = byEnd.find({e.offset, e.sequenceNumber - 1});
            if (it == byEnd.end())
                break;
            run.push_back(it->second);
            found = log.entries[it->second].offset == tail;
        }
        if (!found)
            continue;
        std::reverse(run.begin(), run.end());
        for (size_t i : run) {
            log.entries[i].active = true;
            log.activeSequence.push_back(log.entries[i].sequenceNumber);
        }
        log.replayNeeded = true;
        return;
    }
}

} // namespace detail

} // namespace vhdx
