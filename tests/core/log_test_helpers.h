#pragma once
// Builder shorthands shared by the log tests: the dirty-log sample's LogGuid, an 8 KiB entry
// with one data sector, and an image whose header names that log.
#include <utility>
#include <vector>

#include "image_builder.h"
#include "vhdx/bytes.h"

namespace vhdx::test {

inline const Guid kLog = *Guid::parse("c82755bc-427f-1245-b72c-da70aaabe031");

inline LogEntrySpec entry(uint64_t seq, int tail = -1) {
    LogEntrySpec e;
    e.sequenceNumber = seq;
    e.tailEntry = tail;
    e.data.push_back({4 * MiB, {}}); // one data sector: an 8 KiB entry
    return e;
}

inline ImageSpec withLog(std::vector<LogEntrySpec> entries, Guid guid = kLog) {
    ImageSpec spec;
    spec.logGuid = guid;
    spec.logEntries = std::move(entries);
    return spec;
}

} // namespace vhdx::test
