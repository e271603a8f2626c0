#pragma once
// The Block Allocation Table (format §8, MS-VHDX 2.5): geometry, entry decoding, on-demand
// access with a small cache, and the chunked validation scan.
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace vhdx {

class ByteSource;
class Findings;

enum class PayloadState : uint8_t {
    NotPresent = 0,
    Undefined = 1,
    Zero = 2,
    Unmapped = 3,
    FullyPresent = 6,
    PartiallyPresent = 7,
};
enum class BitmapState : uint8_t { NotPresent = 0, Present = 6 };

struct BatEntry {
    uint64_t raw = 0;
    [[nodiscard]] uint8_t state() const { return uint8_t(raw & 7); }
    [[nodiscard]] uint32_t reservedBits() const { return uint32_t((raw >> 3) & 0x1FFFF); }
    [[nodiscard]] uint64_t fileOffsetMB() const { return raw >> 20; }
    [[nodiscard]] uint64_t fileOffset() const { return fileOffsetMB() << 20; }
};

// Display name of a state for a slot kind: "fully present", "present"; "invalid" for an
// undefined state (callers show the number beside it).
[[nodiscard]] std::string_view payloadStateName(uint8_t state);
[[nodiscard]] std::string_view bitmapStateName(uint8_t state);
[[nodiscard]] bool payloadStateDefined(uint8_t state, bool hasParent);
[[nodiscard]] bool bitmapStateDefined(uint8_t state);

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
    [[nodiscard]] bool isSectorBitmapIndex(uint64_t index) const {
        return (index % (chunkRatio + 1)) == chunkRatio;
    }
    [[nodiscard]] uint64_t payloadIndexOfBlock(uint64_t block) const {
        return block + block / chunkRatio;
    }
    // Block number of a payload slot (caller checks it is not a bitmap slot).
    [[nodiscard]] uint64_t blockOfPayloadIndex(uint64_t index) const {
        return index - index / (chunkRatio + 1);
    }
    [[nodiscard]] uint64_t sectorBitmapIndexOfChunk(uint64_t chunk) const {
        return chunk * (chunkRatio + 1) + chunkRatio;
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

struct BatStateCounts {
    uint64_t payload[8] = {};
    uint64_t bitmap[8] = {};
    uint64_t payloadInvalid = 0;
    uint64_t bitmapInvalid = 0;
    uint64_t reservedBitsSet = 0;
};

// A file offset found inside a present payload or sector-bitmap block by the scan.
struct BatBlockHit {
    uint64_t offset = 0;
    uint64_t index = 0; // BAT index of the block's entry
    bool sectorBitmap = false;
};

struct BatScanResult {
    bool completed = false; // false when cancelled or the table could not be read
    uint64_t entriesScanned = 0;
    uint64_t payloadEntries = 0;
    uint64_t sectorBitmapEntries = 0;
    BatStateCounts counts;
    std::vector<BatBlockHit> located; // the options' locate offsets found in present blocks
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
