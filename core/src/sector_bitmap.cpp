#include "vhdx/sector_bitmap.h"
#include "vhdx/schema/bat_states.h"

#include <algorithm>
#include <bit>

#include "bat_window.h"
#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"

namespace vhdx {

SectorBitmapSlice sectorBitmapSlice(const BatGeometry& geo, uint64_t block) {
    SectorBitmapSlice s;
    s.chunk = block / geo.chunkRatio;
    s.sectors = geo.blockSize / geo.logicalSectorSize; // >= 256: whole bytes
    s.byteOffset = (block % geo.chunkRatio) * s.sectors / 8;
    return s;
}

uint64_t BlockSectorMap::presentCount() const {
    uint64_t n = 0;
    for (uint8_t b : bits)
        n += uint64_t(std::popcount(b));
    return n;
}

std::optional<BlockSectorMap> readBlockSectorMap(const Image& image, uint64_t block,
                                                 std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<BlockSectorMap> {
        if (why)
            *why = std::move(reason);
        return std::nullopt;
    };
    const BatReader* reader = image.batReader();
    if (!reader)
        return fail("the image has no readable BAT");
    const BatGeometry& geo = reader->geometry();
    if (block >= geo.dataBlocks)
        return fail("block " + std::to_string(block) + " is beyond the disk");
    const auto entry = reader->entry(geo.payloadIndexOfBlock(block));
    if (!entry)
        return fail("the BAT entry of block " + std::to_string(block) + " cannot be read");
    if (entry->state() != bat_state::partiallyPresent || !geo.hasParent)
        return fail("block " + std::to_string(block) + " is not partially present");
    const SectorBitmapSlice slice = sectorBitmapSlice(geo, block);
    const auto bitmap = reader->entry(geo.sectorBitmapIndexOfChunk(slice.chunk));
    if (!bitmap || bitmap->state() != bat_state::bitmapPresent)
        return fail("chunk " + std::to_string(slice.chunk) + " has no present sector bitmap");
    BlockSectorMap map;
    map.block = block;
    map.sectors = slice.sectors;
    map.bitmapFileOffset = bitmap->fileOffset() + slice.byteOffset;
    map.bits.resize(slice.sectors / 8);
    if (image.view().read(map.bitmapFileOffset, map.bits.data(), map.bits.size()) != ReadStatus::Ok)
        return fail("the sector bitmap of chunk " + std::to_string(slice.chunk) + " at " +
                    std::to_string(bitmap->fileOffset()) + " cannot be read");
    return map;
}

std::vector<uint8_t> sectorMapCells(const BlockSectorMap& map, size_t cells) {
    std::vector<uint8_t> out(cells, 0);
    if (!cells || !map.sectors)
        return out;
    for (size_t c = 0; c < cells; ++c) {
        const uint64_t from = map.sectors * c / cells;
        const uint64_t to = std::max(from + 1, map.sectors * (c + 1) / cells);
        uint64_t present = 0;
        for (uint64_t s = from; s < to; ++s)
            present += map.present(s);
        out[c] = uint8_t(present * 255 / (to - from));
    }
    return out;
}

SectorBitmapSummary summarizeSectorBitmaps(const Image& image,
                                           const SectorBitmapSummaryOptions& options) {
    SectorBitmapSummary sum;
    const BatReader* reader = image.batReader();
    if (!reader || !reader->geometry().hasParent)
        return sum;
    const BatGeometry& geo = reader->geometry();
    sum.walked = true;
    sum.complete = true;
    sum.sectorsPerBlock = geo.blockSize / geo.logicalSectorSize;
    detail::BatWindow window(*reader);
    uint64_t bitmapBytes = 0;
    std::vector<uint8_t> bits(sum.sectorsPerBlock / 8);
    const uint64_t chunks = geo.sectorBitmapBlocks;
    for (uint64_t chunk = 0; chunk < chunks; ++chunk) {
        const uint64_t firstBlock = chunk * geo.chunkRatio;
        const uint64_t endBlock = std::min(geo.dataBlocks, firstBlock + geo.chunkRatio);
        // The bitmap slot follows its chunk's payload slots: read them first (the window
        // moves forward only).
        ChunkBitmapCount count{chunk, 0, 0, 0};
        std::vector<uint64_t> partial;
        for (uint64_t b = firstBlock; b < endBlock; ++b) {
            const auto e = window.at(geo.payloadIndexOfBlock(b));
            if (!e) {
                sum.complete = false;
                sum.problem = "the BAT cannot be read at block " + std::to_string(b);
                return sum;
            }
            if (e->state() == bat_state::partiallyPresent)
                partial.push_back(b);
        }
        const auto bitmapEntry = window.at(geo.sectorBitmapIndexOfChunk(chunk));
        const bool present = bitmapEntry && bitmapEntry->state() == bat_state::bitmapPresent;
        sum.partiallyPresentBlocks += partial.size();
        sum.partiallyPresentSectors += partial.size() * sum.sectorsPerBlock;
        if (!present) {
            sum.blocksWithoutBitmap += partial.size();
            continue;
        }
        ++sum.presentBitmaps;
        count.fileOffset = bitmapEntry->fileOffset();
        count.partiallyPresentBlocks = partial.size();
        for (uint64_t b : partial) {
            if (!sum.complete)
                break;
            const SectorBitmapSlice slice = sectorBitmapSlice(geo, b);
            if (bitmapBytes + bits.size() > options.maxBitmapBytes) {
                sum.complete = false;
                sum.problem = "more than " + std::to_string(options.maxBitmapBytes) +
                              " bytes of sector bitmaps: counted up to block " + std::to_string(b);
                break;
            }
            bitmapBytes += bits.size();
            if (image.view().read(count.fileOffset + slice.byteOffset, bits.data(), bits.size()) !=
                ReadStatus::Ok) {
                sum.complete = false;
                sum.problem = "the sector bitmap of chunk " + std::to_string(chunk) + " at " +
                              std::to_string(count.fileOffset) + " cannot be read";
                break;
            }
            for (uint8_t byte : bits)
                count.sectorsPresent += uint64_t(std::popcount(byte));
        }
        sum.sectorsPresent += count.sectorsPresent;
        if (sum.bitmaps.size() < options.maxListed)
            sum.bitmaps.push_back(count);
        else
            sum.listTruncated = true;
    }
    return sum;
}

} // namespace vhdx
