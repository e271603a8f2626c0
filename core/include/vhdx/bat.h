#pragma once
// The Block Allocation Table (MS-VHDX 2.5): geometry, entry decoding, on-demand
// access with a small cache, and the chunked validation scan.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "vhdx/findings.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/schema/structures.h"

namespace vhdx {

class ByteSource;
class Findings;

struct BatEntry {
    uint64_t raw = 0;
    [[nodiscard]] uint8_t state() const { return uint8_t(schema::bat_entry::state.of(raw)); }
    [[nodiscard]] uint32_t reservedBits() const {
        return uint32_t(schema::bat_entry::reserved.of(raw));
    }
    [[nodiscard]] uint64_t fileOffsetMB() const { return schema::bat_entry::fileOffsetMB.of(raw); }
    [[nodiscard]] uint64_t fileOffset() const { return fileOffsetMB() << 20; }
};

struct BatGeometry {
    bool valid = false;
    uint64_t blockSize = 0;
    uint64_t logicalSectorSize = 0;
    uint64_t virtualDiskSize = 0;
    bool hasParent = false;
    uint64_t chunkRatio = 0;
    uint64_t dataBlocks = 0;
    uint64_t sectorBitmapBlocks = 0; // number of sector-bitmap slots in the table
    uint64_t totalEntries = 0;

    [[nodiscard]] static BatGeometry compute(uint64_t blockSize, uint64_t logicalSectorSize,
                                             uint64_t virtualDiskSize, bool hasParent);
    // A chunk is ChunkRatio payload slots and, last, its sector-bitmap slot.
    [[nodiscard]] uint64_t slotsPerChunk() const { return chunkRatio + 1; }
    [[nodiscard]] uint64_t chunkOfIndex(uint64_t index) const { return index / slotsPerChunk(); }
    [[nodiscard]] bool isSectorBitmapIndex(uint64_t index) const {
        return (index % slotsPerChunk()) == chunkRatio;
    }
    // The payload blocks a slot covers: its own block, or all the blocks of a bitmap's chunk.
    struct BlockSpan {
        uint64_t first = 0;
        uint64_t count = 0;
    };
    [[nodiscard]] BlockSpan blocksOfIndex(uint64_t index) const {
        if (isSectorBitmapIndex(index))
            return {chunkOfIndex(index) * chunkRatio, chunkRatio};
        return {blockOfPayloadIndex(index), 1};
    }
    [[nodiscard]] SlotKind slotKind(uint64_t index) const {
        return isSectorBitmapIndex(index) ? SlotKind::SectorBitmap : SlotKind::Payload;
    }
    // A payload slot past the last block: the trailing slots of a differencing disk's last
    // chunk, which no block of the disk uses.
    [[nodiscard]] bool isPaddingIndex(uint64_t index) const {
        return !isSectorBitmapIndex(index) && blockOfPayloadIndex(index) >= dataBlocks;
    }
    // The class of an entry in this slot: a padding slot is padding whatever it holds.
    [[nodiscard]] BatClass classify(uint64_t index, BatEntry e) const {
        if (isPaddingIndex(index))
            return BatClass::PayloadPadding;
        return classifyBatState(e.state(), slotKind(index), hasParent);
    }
    // The first padding slot (totalEntries when there is none): padding slots are the
    // payload slots from here on.
    [[nodiscard]] uint64_t firstPaddingIndex() const {
        return valid && dataBlocks ? std::min(totalEntries, payloadIndexOfBlock(dataBlocks))
                                   : totalEntries;
    }
    [[nodiscard]] uint64_t payloadIndexOfBlock(uint64_t block) const {
        return block + block / chunkRatio;
    }
    // Block number of a payload slot (caller checks it is not a bitmap slot).
    [[nodiscard]] uint64_t blockOfPayloadIndex(uint64_t index) const {
        return index - chunkOfIndex(index);
    }
    [[nodiscard]] uint64_t sectorBitmapIndexOfChunk(uint64_t chunk) const {
        return chunk * slotsPerChunk() + chunkRatio;
    }
    // BAT index of the payload block covering a virtual byte offset.
    [[nodiscard]] std::optional<uint64_t> indexOfVirtualOffset(uint64_t virtualOffset) const;
};

// On-demand reads of BAT entries with a small LRU cache of 64 KiB pages. Thread-safe.
class BatReader {
  public:
    BatReader(const ByteSource& src, uint64_t batOffset, uint64_t batLength, BatGeometry geo);
    [[nodiscard]] const BatGeometry& geometry() const { return m_geo; }
    // Entries available (min of totalEntries and what the region and file hold).
    [[nodiscard]] uint64_t readableEntries() const { return m_readable; }
    // The entry whose 8 bytes hold this file offset, if it is one of the table's entries.
    [[nodiscard]] std::optional<uint64_t> indexAtFileOffset(uint64_t fileOffset) const;
    // Where entry index lies in the file.
    [[nodiscard]] uint64_t fileOffsetOfIndex(uint64_t index) const {
        return m_offset + index * schema::bat_entry::size;
    }
    [[nodiscard]] std::optional<BatEntry> entry(uint64_t index) const;
    // Reads count entries from first into out (resized); false on failure.
    [[nodiscard]] bool readRange(uint64_t first, uint64_t count, std::vector<BatEntry>& out) const;

  private:
    const ByteSource& m_src;
    uint64_t m_offset;
    uint64_t m_readable;
    BatGeometry m_geo;
    struct Page {
        uint64_t number = UINT64_MAX;
        uint64_t lastUse = 0;
        std::vector<uint8_t> bytes;
    };
    mutable std::mutex m_mutex;
    mutable std::vector<Page> m_pages;
    mutable uint64_t m_clock = 0;
};

// Entries per class (schema/bat_states.h): each entry counted once, in its one class.
struct BatStateCounts {
    uint64_t byClass[batClassCount] = {};
    uint64_t reservedBitsSet = 0;
    [[nodiscard]] uint64_t of(BatClass c) const { return byClass[size_t(c)]; }
};

// A file offset found inside a present payload or sector-bitmap block by the scan.
struct BatBlockHit {
    uint64_t offset = 0;
    uint64_t index = 0; // BAT index of the block's entry
    bool sectorBitmap = false;
};

// What can be wrong with one entry; each kind is one BAT finding (bat_scan.cpp).
enum class BatProblem : uint8_t {
    InvalidState,        // BAT_ENTRY_STATE_INVALID
    ReservedBits,        // BAT_ENTRY_RESERVED_BITS
    BeyondEof,           // BAT_ENTRY_BEYOND_EOF
    OverlapsStructure,   // BAT_ENTRY_OVERLAP: with the headers, log, BAT or metadata
    OverlapsBlock,       // BAT_ENTRY_OVERLAP: with a block listed before it
    SectorBitmapMissing, // BAT_SECTOR_BITMAP_MISSING, on the chunk's sector-bitmap slot
    Count
};
inline constexpr size_t batProblemCount = size_t(BatProblem::Count);
// "its block ends beyond the end of the file": what the problem means for one entry.
[[nodiscard]] std::string_view batProblemText(BatProblem p);
// The finding code that reports this kind of problem.
[[nodiscard]] FindingCode batProblemCode(BatProblem p);

// The entries with one kind of problem: all of them counted, the first ones listed (in index
// order), so a viewer can show and walk them without scanning again.
struct BatProblemList {
    static constexpr size_t maxListed = 65536;
    uint64_t count = 0;
    std::vector<uint64_t> listed;
};

struct BatScanResult {
    bool completed = false; // false when cancelled or the table could not be read
    uint64_t entriesScanned = 0;
    uint64_t payloadEntries = 0;
    uint64_t sectorBitmapEntries = 0;
    BatStateCounts counts;
    std::vector<BatBlockHit> located; // the options' locate offsets found in present blocks
    std::array<BatProblemList, batProblemCount> problems;
    [[nodiscard]] const BatProblemList& problem(BatProblem p) const { return problems[size_t(p)]; }
    // The problems listed for one entry (a bit per BatProblem).
    [[nodiscard]] uint32_t problemsOf(uint64_t index) const;
};

// A file range that BAT blocks must not overlap (header section, log, BAT, metadata).
struct ReservedRange {
    uint64_t offset = 0;
    uint64_t length = 0;
    const char* name = "";
};

struct BatScanOptions {
    std::function<void(uint64_t done, uint64_t total)> progress; // may be empty
    const std::atomic<bool>* cancel = nullptr;
    uint64_t chunkBytes = 256 * 1024; // fits in L2 while it is scanned
    // Sorted file offsets to find in present blocks (the log replay's targets); may be null.
    const std::vector<uint64_t>* locate = nullptr;
};

// Reads the whole table in chunks (constant memory apart from a bitmap of the file's MiB
// units, 1 bit each), counts states and adds BAT_* findings.
[[nodiscard]] BatScanResult scanBat(const ByteSource& src, uint64_t batOffset, uint64_t batLength,
                                    const BatGeometry& geo,
                                    const std::vector<ReservedRange>& reserved, Findings& findings,
                                    const BatScanOptions& options = {});

} // namespace vhdx
