#pragma once
// Writing through the log (MS-VHDX 2.3): a change of
// metadata sectors made crash-safe. The transaction:
//   1. header update setting a new non-zero LogGuid (two slots, each flushed);
//   2. one log entry holding the new sectors at the log's start, flushed;
//   3. the sectors written in place, flushed;
//   4. header update clearing the LogGuid.
// A crash before 2 is durable leaves the old sectors (no valid entry carries the LogGuid); from
// then until 4's first slot is durable the entry is active and a replay (ours, QEMU's,
// Hyper-V's) writes the new sectors; after that the log is inactive and the sectors are new.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vhdx/guid.h"
#include "vhdx/header_update.h"

namespace vhdx {

// 4 KiB to write at a 4 KiB-aligned file offset (what a log data descriptor carries).
struct SectorWrite {
    uint64_t fileOffset = 0;
    std::vector<uint8_t> bytes; // 4096
};

struct LogEntryFields {
    Guid logGuid;
    uint64_t sequenceNumber = 1;
    uint32_t tail = 0;              // log offset of the oldest entry not known to be applied
    uint64_t flushedFileOffset = 0; // the file size when the entry is written
    uint64_t lastFileOffset = 0;    // the file size the entry needs
};

// EntryLength of an entry with this many data sectors: descriptor sectors + data sectors.
[[nodiscard]] uint64_t logEntryLength(size_t dataSectors);
// Encodes one entry (MS-VHDX 2.3.1): header, one data descriptor per sector (LeadingBytes =
// its first 8 bytes, TrailingBytes = its last 4), the data sectors ("data", SequenceHigh,
// 4084 bytes, SequenceLow), checksum over the whole entry. Pure.
[[nodiscard]] std::vector<uint8_t> encodeLogEntry(const LogEntryFields& fields,
                                                  const std::vector<SectorWrite>& sectors);

// Writes each sector at its file offset: what a replay does with an entry's data
// descriptors. Kept apart (and small) so that the log replay can share it. The caller
// flushes. False, error set, at the first failed or short write.
[[nodiscard]] bool writeSectorsInPlace(FileWriter& file, const std::vector<SectorWrite>& sectors,
                                       std::string& error);

// The points the transaction passes, in order (for onStep: the kill test's delays).
enum class LogWriteStep {
    OpenFirstWritten, // first header slot with the new LogGuid written
    OpenFirstFlushed,
    OpenSecondWritten,
    OpenSecondFlushed, // the LogGuid is set in both slots
    EntryWritten,
    EntryFlushed, // from here a replay gives the new sectors
    SectorsWritten,
    SectorsFlushed,
    CloseFirstWritten, // first header slot with the LogGuid cleared written
    CloseFirstFlushed, // from here the log is inactive and the sectors are the new ones
    CloseSecondWritten,
    CloseSecondFlushed,
};
[[nodiscard]] const char* logWriteStepName(LogWriteStep s);

struct LogWritePlan {
    HeaderSlotPlan open[2];  // the LogGuid set; non-current slot first
    HeaderSlotPlan close[2]; // the LogGuid cleared
    uint64_t entryFileOffset = 0;
    std::vector<uint8_t> entry;
    std::vector<SectorWrite> sectors; // the entry's sectors, written in place in step 3
};

struct LogWriteResult {
    bool ok = false;
    std::string error;
    bool anyWriteIssued = false;
    // The last step completed; nothing completed when !anyStep.
    bool anyStep = false;
    LogWriteStep reached = LogWriteStep::OpenFirstWritten;
};

// Runs the transaction on a file the caller opened for writing, locked, and checked to be the
// one planned for. Every write and flush is checked; the first failure stops it (the file is
// then in one of the states above). Re-reads the sectors and headers at the end.
[[nodiscard]] LogWriteResult writeThroughLog(FileWriter& file, const LogWritePlan& plan,
                                             const std::function<void(LogWriteStep)>& onStep);

} // namespace vhdx
