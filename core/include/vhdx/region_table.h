#pragma once
// The two region tables (MS-VHDX 2.2.3).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vhdx/checksummed_block.h"
#include "vhdx/guid.h"

namespace vhdx {

class ByteSource;
class Findings;

struct RegionEntry {
    Guid guid;
    std::string name; // "BAT", "Metadata" or "Unknown"
    uint64_t fileOffset = 0;
    uint32_t length = 0;
    uint32_t requiredRaw = 0;
    [[nodiscard]] bool required() const { return requiredRaw & 1u; }
};

// index 1 or 2, offset 192 KiB or 256 KiB, raw = the 64 KiB table.
struct RegionTable : ChecksummedBlock {
    bool entryCountValid = false;     // <= 2047
    uint32_t entryCount = 0;          // as stored
    std::vector<RegionEntry> entries; // at most 2047 decoded

    [[nodiscard]] bool valid() const {
        return readable && signatureValid && checksumValid && entryCountValid;
    }
    [[nodiscard]] std::string problem() const;
    [[nodiscard]] const RegionEntry* find(const Guid& g) const;
};

struct Regions {
    std::array<RegionTable, 2> tables;
    int used = 0; // the table the rest of the parse trusts: 1, 2, or 0 when neither is valid
    bool identical = false;
    std::optional<RegionEntry> bat;
    std::optional<RegionEntry> metadata;
};

[[nodiscard]] RegionTable decodeRegionTable(const uint8_t* block64k, int index, uint64_t offset);

// Reads both copies, picks the one to use, checks the entries (against fileSize and the
// log range from the current header) and adds findings.
[[nodiscard]] Regions readRegions(const ByteSource& src, uint64_t logOffset, uint64_t logLength,
                                  Findings& findings);

} // namespace vhdx
