#include "image_builder.h"

#include <algorithm>
#include <cstring>

#include "builder_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/layout.h"

namespace vhdx::test {

using detail::ensureSize;
using detail::kMiB;
using detail::roundUp;

namespace {

void computeGeometry(const ImageSpec& spec, BuiltImage& img) {
    const uint64_t bs = spec.blockSize ? spec.blockSize : 1;
    img.chunkRatio = std::max<uint64_t>(1, (uint64_t(1) << 23) * spec.logicalSectorSize / bs);
    img.dataBlocks = (spec.virtualSize + bs - 1) / bs;
    const uint64_t cr = img.chunkRatio;
    if (spec.hasParent)
        img.totalBatEntries = (img.dataBlocks + cr - 1) / cr * (cr + 1);
    else
        img.totalBatEntries = img.dataBlocks ? img.dataBlocks + (img.dataBlocks - 1) / cr : 0;
}

void writeIdentifier(const ImageSpec& spec, BuiltImage& img) {
    std::memcpy(img.bytes.data(), "vhdxfile", 8);
    const std::vector<uint8_t> creator = utf16le(spec.creator);
    std::copy_n(creator.begin(), std::min<size_t>(creator.size(), 512), img.bytes.begin() + 8);
}

void writeHeaders(const ImageSpec& spec, BuiltImage& img) {
    for (int i = 0; i < 2; ++i) {
        const uint64_t off = layout::headerOffset[i];
        img.headerOffset[i] = off;
        uint8_t* h = img.bytes.data() + off;
        std::memcpy(h, "head", 4);
        putLe64(h + field::headerSequence, spec.sequenceNumber[i]);
        spec.fileWriteGuid.toDisk(h + field::headerFileWriteGuid);
        spec.dataWriteGuid.toDisk(h + field::headerDataWriteGuid);
        spec.logGuid.toDisk(h + field::headerLogGuid);
        putLe16(h + field::headerLogVersion, 0);
        putLe16(h + field::headerVersion, 1);
        putLe32(h + field::headerLogLength, uint32_t(img.logLength));
        putLe64(h + field::headerLogOffset, img.logOffset);
        fixChecksum(img.bytes, off, layout::headerSize);
    }
}

void writeRegionTables(const ImageSpec& spec, BuiltImage& img) {
    std::vector<RegionSpec> regions;
    const uint32_t req = spec.regionsRequired ? 1 : 0;
    if (spec.writeBatRegion)
        regions.push_back({guids::batRegion, img.batOffset, uint32_t(img.batLength), req});
    if (spec.writeMetadataRegion)
        regions.push_back(
            {guids::metadataRegion, img.metadataOffset, uint32_t(img.metadataLength), req});
    regions.insert(regions.end(), spec.extraRegions.begin(), spec.extraRegions.end());
    const size_t fit = (layout::regionTableSize - field::regionEntries) / field::regionEntrySize;
    for (int i = 0; i < 2; ++i) {
        const uint64_t off = layout::regionTableOffset[i];
        img.regionTableOffset[i] = off;
        uint8_t* t = img.bytes.data() + off;
        std::memcpy(t, "regi", 4);
        putLe32(t + field::regionEntryCount, uint32_t(regions.size()));
        for (size_t r = 0; r < regions.size() && r < fit; ++r) {
            uint8_t* e = t + field::regionEntries + r * field::regionEntrySize;
            regions[r].guid.toDisk(e);
            putLe64(e + field::regionEntryOffset, regions[r].fileOffset);
            putLe32(e + field::regionEntryLength, regions[r].length);
            putLe32(e + field::regionEntryRequired, regions[r].required);
        }
        fixChecksum(img.bytes, off, layout::regionTableSize);
    }
}

// Decides where present blocks and bitmaps go; returns the end of the file.
uint64_t placeBlocks(const ImageSpec& spec, BuiltImage& img, uint64_t cursor,
                     std::map<uint64_t, uint8_t>& states) {
    if (spec.fixed)
        for (uint64_t b = 0; b < img.dataBlocks; ++b)
            states[b] = bat::FullyPresent;
    for (const auto& [block, state] : spec.blocks)
        states[block] = state;
    const uint64_t step = roundUp(spec.blockSize, kMiB);
    for (const auto& [block, state] : states) {
        if (state == bat::FullyPresent || state == bat::PartiallyPresent) {
            img.blockOffsets[block] = cursor;
            cursor += step;
        }
    }
    for (uint64_t chunk : spec.sectorBitmaps) {
        img.bitmapOffsets[chunk] = cursor;
        cursor += kMiB;
    }
    return cursor;
}

void writeBat(const ImageSpec& spec, BuiltImage& img, const std::map<uint64_t, uint8_t>& states) {
    auto put = [&](uint64_t index, uint64_t raw) {
        if (index < img.batLength / 8)
            putLe64(img.bytes.data() + img.batEntryOffset(index), raw);
    };
    for (const auto& [block, state] : states) {
        const auto placed = img.blockOffsets.find(block);
        const uint64_t off = placed == img.blockOffsets.end() ? 0 : placed->second;
        put(img.batIndexOfBlock(block), bat::entry(state, off));
        if (spec.payloadSeed && off) {
            const uint64_t virtualStart = block * uint64_t(spec.blockSize);
            for (uint64_t i = 0; i < spec.blockSize; ++i)
                img.bytes[off + i] = payloadPattern(spec.payloadSeed, virtualStart + i);
        } else if (spec.fillPayload && off) {
            putLe64(img.bytes.data() + off, 0x4B434F4C42000000ull | block); // "BLOCK" + number
        }
    }
    // Sector bitmap bits (MS-VHDX 2.5): bit (block mod ChunkRatio) * sectors-per-block + sector
    // of the chunk's bitmap block, least significant bit first.
    const uint64_t sectorsPerBlock = spec.blockSize / spec.logicalSectorSize;
    for (const auto& [block, flags] : spec.sectorBits) {
        const auto bitmap = img.bitmapOffsets.find(block / img.chunkRatio);
        if (bitmap == img.bitmapOffsets.end())
            continue;
        for (uint64_t sector = 0; sector < flags.size() && sector < sectorsPerBlock; ++sector)
            if (flags[sector]) {
                const uint64_t bit = (block % img.chunkRatio) * sectorsPerBlock + sector;
                img.bytes[bitmap->second + bit / 8] |= uint8_t(1u << (bit % 8));
            }
    }
    for (const auto& [chunk, off] : img.bitmapOffsets)
        put(img.batIndexOfBitmap(chunk), bat::entry(bat::BitmapPresent, off));
    for (const auto& [index, raw] : spec.rawBatEntries)
        put(index, raw);
}

} // namespace

uint8_t payloadPattern(uint8_t seed, uint64_t virtualOffset) {
    const uint64_t sector = virtualOffset / 512;
    return uint8_t(seed * 37 + (sector * 0x9E3779B1u >> 7) + (virtualOffset % 512) * 3);
}

const MetadataItemPlace* BuiltImage::item(const Guid& id) const {
    for (const auto& i : items)
        if (i.id == id)
            return &i;
    return nullptr;
}

std::shared_ptr<MemorySource> BuiltImage::source() const {
    return std::make_shared<MemorySource>(bytes);
}

BuiltImage buildImage(const ImageSpec& spec) {
    BuiltImage img;
    computeGeometry(spec, img);
    img.logOffset = kMiB;
    img.logLength = spec.logLength;
    img.batOffset = img.logOffset + roundUp(spec.logLength, kMiB);
    img.batLength = spec.batLength ? spec.batLength
                                   : roundUp(std::max<uint64_t>(img.totalBatEntries * 8, 1), kMiB);
    img.metadataOffset = img.batOffset + roundUp(img.batLength, kMiB);
    uint64_t itemBytes = 0;
    for (const auto& it : spec.extraItems)
        itemBytes += it.data.size() + 8;
    for (const auto& [k, v] : spec.parentLocator)
        itemBytes += 12 + 4 * (k.size() + v.size());
    img.metadataLength = roundUp(layout::metadataTableSize + 4096 + itemBytes, kMiB);

    std::map<uint64_t, uint8_t> states;
    const uint64_t end = placeBlocks(spec, img, img.metadataOffset + img.metadataLength, states);
    img.bytes.assign(end, 0);

    writeIdentifier(spec, img);
    writeHeaders(spec, img);
    writeRegionTables(spec, img);
    writeBat(spec, img, states);
    detail::writeMetadata(spec, img);
    detail::writeLog(spec, img);
    return img;
}

void fixChecksum(std::vector<uint8_t>& bytes, uint64_t structureOffset, uint64_t length) {
    if (structureOffset > bytes.size() || length > bytes.size() - structureOffset || length < 8)
        return;
    uint8_t* p = bytes.data() + structureOffset;
    putLe32(p + 4, structureChecksum(p, length));
}

void resealHeader(BuiltImage& image, int slot) {
    fixChecksum(image.bytes, image.headerOffset[slot - 1], layout::headerSize);
}

void resealRegionTable(BuiltImage& image, int slot) {
    fixChecksum(image.bytes, image.regionTableOffset[slot - 1], layout::regionTableSize);
}

void resealLogEntry(BuiltImage& image, size_t entry) {
    fixChecksum(image.bytes, image.logEntryOffsets.at(entry), image.logEntryLengths.at(entry));
}

void putU16(BuiltImage& image, uint64_t offset, uint16_t v) {
    ensureSize(image.bytes, offset + 2);
    putLe16(image.bytes.data() + offset, v);
}
void putU32(BuiltImage& image, uint64_t offset, uint32_t v) {
    ensureSize(image.bytes, offset + 4);
    putLe32(image.bytes.data() + offset, v);
}
void putU64(BuiltImage& image, uint64_t offset, uint64_t v) {
    ensureSize(image.bytes, offset + 8);
    putLe64(image.bytes.data() + offset, v);
}
void putGuid(BuiltImage& image, uint64_t offset, const Guid& g) {
    ensureSize(image.bytes, offset + 16);
    g.toDisk(image.bytes.data() + offset);
}

void setBatEntry(BuiltImage& image, uint64_t index, uint64_t raw) {
    putU64(image, image.batEntryOffset(index), raw);
}

uint64_t allocateBlock(BuiltImage& image, uint64_t block, uint8_t state, uint32_t blockSize) {
    const uint64_t off = roundUp(image.bytes.size(), kMiB);
    image.bytes.resize(off + roundUp(blockSize, kMiB), 0);
    image.blockOffsets[block] = off;
    setBatEntry(image, image.batIndexOfBlock(block), bat::entry(state, off));
    return off;
}

} // namespace vhdx::test
