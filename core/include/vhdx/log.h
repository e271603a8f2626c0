#pragma once
// The log (format §9, MS-VHDX 2.3): every entry found in the log area, its validity, the
// active sequence and whether a replay is needed.
#include <cstdint>
#include <string>
#include <vector>

#include "vhdx/guid.h"

namespace vhdx {

class ByteSource;
class Findings;
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
    uint32_t dataDescriptors = 0;
    uint32_t zeroDescriptors = 0;
};

struct LogDescriptor {
    bool isData = false; // "desc"; else "zero"
    bool signatureValid = false;
    uint32_t trailingBytes = 0;
    uint64_t leadingBytes = 0;
    uint64_t zeroLength = 0;
    uint64_t fileOffset = 0;
    uint64_t sequenceNumber = 0;
};

struct Log {
    bool present = false; // the current header has a non-zero LogGuid
    uint64_t offset = 0;  // from the current header
    uint64_t length = 0;
    Guid logGuid;
    bool readable = false;                // the log area lies inside the file
    std::vector<LogEntry> entries;        // in log order
    std::vector<uint64_t> activeSequence; // sequence numbers a replay applies, in order
    bool replayNeeded = false;
    bool entriesLimited = false; // more entries than kept (see maxLogEntries)
};

// 16384 back-to-back 4 KiB entries fill a 64 MiB log, 64 times what real writers use. With
// 65536 a hostile 256 MiB log of damaged entries made the JSON report alone take ~54 MB
// (and the parse 16 MB), beyond the 64 MiB a hostile file may cost (tests/robustness).
constexpr size_t maxLogEntries = 16384;

// Scans the log area named by the current header and adds LOG_* findings.
[[nodiscard]] Log readLog(const ByteSource& src, const Header& current, Findings& findings);

// The descriptors of one entry, read on demand (at most `limit`).
[[nodiscard]] std::vector<LogDescriptor> readLogDescriptors(const ByteSource& src, const Log& log,
                                                            const LogEntry& entry,
                                                            size_t limit = 4096);

} // namespace vhdx
