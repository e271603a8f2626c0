#pragma once
// What the log analysis's source files share (not part of the public API): the one pass
// over the log area, and reads that wrap around the end of the circular log.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vhdx/log.h"

namespace vhdx {
class ByteSource;
class WorkBudget;
} // namespace vhdx

namespace vhdx::detail {

// A 4 KiB sector of the log that starts with "loge", in 24 bytes: a hostile 4 GiB log can
// hold a million of them.
struct LogCandidate {
    uint32_t sector = 0;   // index of its first sector in the log
    uint32_t crcFirst = 0; // CRC-32C of that sector with the checksum field zeroed
    uint32_t length = 0;   // EntryLength
    uint32_t checksum = 0; // as stored
    uint64_t sequence = 0;
};

struct LogScan {
    // prefix[i] = CRC-32C of log sectors [0, i), for i <= scannedSectors.
    std::vector<uint32_t> prefix;
    uint64_t scannedSectors = 0;
    std::vector<LogCandidate> candidates; // every "loge" sector, in log order
    std::vector<LogEntry> listed;         // the first maxLogEntries, decoded
    std::string stopReason;               // why the scan ended early; empty when complete
    bool ioError = false;
    uint64_t ioErrorOffset = 0; // file offset of the failed read

    [[nodiscard]] uint64_t sectorCount() const { return prefix.empty() ? 0 : prefix.size() - 1; }
    // CRC-32C of `count` sectors from `first`, wrapping at the log's end; nullopt when they
    // were not all scanned.
    [[nodiscard]] std::optional<uint32_t> crcOfSectors(uint64_t first, uint64_t count) const;
};

// Reads the log area once (holes skipped), taking its bytes from budget.
[[nodiscard]] LogScan scanLogArea(const ByteSource& src, const Log& log, WorkBudget& budget);

// The 64-byte entry header at log offset rel.
[[nodiscard]] LogEntry decodeEntryHeader(const uint8_t* header, uint64_t rel, const Log& log);

// Reads len bytes at a log-relative offset, wrapping at the end of the circular log.
[[nodiscard]] bool readWrapped(const ByteSource& src, const Log& log, uint64_t rel, uint8_t* buf,
                               size_t len);

// Checks an entry's descriptors and data sectors (the checksum already held), reading them
// with budget. Returns false when the budget ran out (entry not checked); else sets
// e.problem when they are wrong and counts e.dataDescriptors / e.zeroDescriptors.
[[nodiscard]] bool checkDescriptors(const ByteSource& src, const Log& log, LogEntry& e,
                                    WorkBudget& budget);

// Marks the active sequence among the valid entries (log_sequence.cpp).
void findActiveSequence(Log& log);

} // namespace vhdx::detail
