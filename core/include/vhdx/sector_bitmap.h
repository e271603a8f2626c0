#pragma once
// Sector bitmaps (MS-VHDX 2.5.1): which sectors of a partially present block are
// stored in this file (bit set) and which are read from the parent (bit clear). One present
// sector-bitmap block (1 MiB) covers a chunk of ChunkRatio payload blocks.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vhdx {

class Image;
struct BatGeometry;

// Where the bits of one payload block lie inside its chunk's sector-bitmap block.
struct SectorBitmapSlice {
    uint64_t chunk = 0;
    uint64_t byteOffset = 0; // inside the 1 MiB bitmap block
    uint64_t sectors = 0;    // sectors per block (one bit each)
};
[[nodiscard]] SectorBitmapSlice sectorBitmapSlice(const BatGeometry& geo, uint64_t block);

// The decoded bits of one partially present block.
struct BlockSectorMap {
    uint64_t block = 0;
    uint64_t bitmapFileOffset = 0; // file offset of the slice's first byte
    uint64_t sectors = 0;
    std::vector<uint8_t> bits; // sectors / 8 bytes, least significant bit first
    [[nodiscard]] bool present(uint64_t sector) const {
        return (bits[sector / 8] >> (sector % 8)) & 1;
    }
    [[nodiscard]] uint64_t presentCount() const;
};

// Reads the sector map of a payload block: nullopt with why set when the block is not
// partially present, its chunk has no present bitmap, or the bitmap cannot be read.
[[nodiscard]] std::optional<BlockSectorMap> readBlockSectorMap(const Image& image, uint64_t block,
                                                               std::string* why = nullptr);

// For a small picture of a block: `cells` cells, each the share of present sectors of its
// run of sectors, 0 (none) .. 255 (all). Empty when cells is 0.
[[nodiscard]] std::vector<uint8_t> sectorMapCells(const BlockSectorMap& map, size_t cells);

struct ChunkBitmapCount {
    uint64_t chunk = 0;
    uint64_t fileOffset = 0;             // of the 1 MiB bitmap block
    uint64_t partiallyPresentBlocks = 0; // in this chunk
    uint64_t sectorsPresent = 0;         // bits set in those blocks' slices
};

struct SectorBitmapSummary {
    bool walked = false;   // the BAT was walked (differencing disks only)
    bool complete = false; // every partially present block's bits were counted
    std::string problem;   // why not complete
    uint64_t presentBitmaps = 0;
    uint64_t sectorsPerBlock = 0;
    uint64_t partiallyPresentBlocks = 0;
    uint64_t partiallyPresentSectors = 0;  // sectors of those blocks
    uint64_t sectorsPresent = 0;           // of those, stored in this file
    uint64_t blocksWithoutBitmap = 0;      // partially present, chunk without a present bitmap
    std::vector<ChunkBitmapCount> bitmaps; // present bitmaps, at most maxListed
    bool listTruncated = false;
};

struct SectorBitmapSummaryOptions {
    uint64_t maxListed = 1024;          // entries of SectorBitmapSummary::bitmaps
    uint64_t maxBitmapBytes = 64 << 20; // bitmap bytes read; past it the counts stop
};

// Counts the sector bitmaps of a differencing disk: walks the BAT in chunks and reads only
// the slices of partially present blocks (bounded by maxBitmapBytes). A disk without a
// parent is not walked: its blocks cannot be partially present.
[[nodiscard]] SectorBitmapSummary
summarizeSectorBitmaps(const Image& image, const SectorBitmapSummaryOptions& options = {});

} // namespace vhdx
