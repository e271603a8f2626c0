#pragma once
// The log (MS-VHDX 2.3): every entry found in the log area, its validity, the
// active sequence and whether a replay is needed.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vhdx/guid.h"

namespace vhdx {

class ByteSource;
class Findings;
class WorkBudget;
struct Header;

struct LogEntry {
    uint64_t offset = 0;     // relative to the log start
    uint64_t fileOffset = 0; // absolute
    uint32_t length = 0;     // EntryLength
    uint32_t tail = 0;
    uint64_t sequenceNumber = 0;
    uint32_t descriptorCount = 0;
    Guid logGuid;
    uint64_t flushedFileOffset = 0;
    uint64_t lastFileOffset = 0;
    uint32_t checksum = 0;
    uint32_t checksumComputed = 0;
    bool checksumValid = false;
    bool guidMatches = false; // LogGuid equals the current header's
    bool valid = false;
    bool active = false; // part of the active sequence
    std::string problem; // why it is not valid
    // Log offset of a descriptor or data sector whose read failed (the entry was not
    // checked: the log's replay state is then Unknown); nullopt when every read succeeded.
    std::optional<uint64_t> readFailedAt;
    uint32_t dataDescriptors = 0;
    uint32_t zeroDescriptors = 0;
};

struct LogDescriptor {
    bool isData = false; // "desc"; else "zero"
    bool signatureValid = false;
    std::array<uint8_t, 4> signature{}; // as found
    uint32_t trailingBytes = 0;
    uint64_t leadingBytes = 0;
    uint64_t zeroLength = 0;
    uint64_t targetOffset = 0; // FileOffset: where in the file its bytes go
    uint64_t sequenceNumber = 0;
};

// Whether the log holds updates not yet applied. Unknown when the log could not be checked
// to its end (a read failed, the open's read budget ran out, too many valid entries): a
// pending replay cannot be ruled out, so no guarded write may go ahead.
enum class LogReplayState { None, Needed, Unknown };

struct Log {
    bool present = false; // the current header has a non-zero LogGuid
    uint64_t offset = 0;  // from the current header
    uint64_t length = 0;
    Guid logGuid;
    bool readable = false;                // the log area lies inside the file
    std::vector<LogEntry> entries;        // in log order
    std::vector<uint64_t> activeSequence; // sequence numbers a replay applies, in order
    bool replayNeeded = false;            // replayState == Needed
    LogReplayState replayState = LogReplayState::None;
    std::string replayUnknownReason; // why, when Unknown
    bool entriesLimited = false;     // more entry candidates than listed (see maxLogEntries)
    uint64_t candidateCount = 0;     // 4 KiB sectors of the log that start with "loge"
};

// Entries listed (in Log::entries, the reports and the tree). 16384 back-to-back 4 KiB entries
// fill a 64 MiB log, 64 times what real writers use. With 65536 a hostile 256 MiB log of
// damaged entries made the JSON report alone take ~54 MB (tests/robustness). Candidates
// past the cap are still checked; valid ones among them are listed too, up to this many
// more; beyond that the replay state is Unknown.
constexpr size_t maxLogEntries = 16384;

// Scans the log area named by the current header and adds LOG_* findings. Each byte of the
// log is read once (holes of sparse files not at all) and checksums of any entry come from
// per-sector prefix CRCs; only the descriptors of entries whose checksum holds are read
// again. Reads are taken from `budget`, shared by the whole open.
[[nodiscard]] Log readLog(const ByteSource& src, const Header& current, Findings& findings,
                          WorkBudget& budget);

// The descriptors of one entry, read on demand (at most `limit`).
[[nodiscard]] std::vector<LogDescriptor> readLogDescriptors(const ByteSource& src, const Log& log,
                                                            const LogEntry& entry,
                                                            size_t limit = 4096);

} // namespace vhdx
