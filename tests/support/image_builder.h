#pragma once
// Builds valid VHDX images in memory from a few knobs, laid out like real writers do:
// 1 MiB header section, the log at 1 MiB, then the BAT, the metadata region and the payload
// blocks. BuiltImage records where every structure went so that a test can damage exactly
// one field and, where the field is checksummed, re-seal it with fixChecksum().
//
// The builder computes the BAT geometry with its own arithmetic (MS-VHDX 2.5), not with the
// core's, so that tests compare two independent derivations.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vhdx/byte_source.h"
#include "vhdx/guid.h"

namespace vhdx::test {

// BAT payload states and the sector-bitmap "present" state, as raw numbers (MS-VHDX 2.5).
namespace bat {
constexpr uint8_t NotPresent = 0, Undefined = 1, Zero = 2, Unmapped = 3, FullyPresent = 6,
                  PartiallyPresent = 7, BitmapPresent = 6;
[[nodiscard]] constexpr uint64_t entry(uint8_t state, uint64_t fileOffset) {
    return (fileOffset & ~uint64_t(0xFFFFF)) | state;
}
} // namespace bat

struct RegionSpec {
    Guid guid;
    uint64_t fileOffset = 0;
    uint32_t length = 0;
    uint32_t required = 0;
};

struct MetadataItemSpec {
    Guid id;
    std::vector<uint8_t> data;
    uint32_t flags = 0; // bit0 IsUser, bit1 IsVirtualDisk, bit2 IsRequired
};

struct LogDataWrite {
    uint64_t fileOffset = 0;     // 4 KiB multiple
    std::vector<uint8_t> sector; // 4096 bytes written there; empty: a pattern
};

struct LogZeroWrite {
    uint64_t fileOffset = 0;
    uint64_t length = 4096;
};

struct LogEntrySpec {
    uint64_t sequenceNumber = 1;
    std::optional<Guid> logGuid; // default: the image's log GUID
    // In the log; default: right after the previous entry. An entry reaching past the end of
    // the log wraps around to its start, as in the circular log of real writers.
    std::optional<uint64_t> offset;
    int tailEntry = -1;                        // index of the entry Tail points at; -1 = itself
    std::optional<uint64_t> flushedFileOffset; // default: the file size
    std::optional<uint64_t> lastFileOffset;    // default: the file size
    std::vector<LogDataWrite> data;
    std::vector<LogZeroWrite> zeros;
    uint32_t paddingSectors = 0; // extra 4 KiB sectors counted in EntryLength
};

struct ImageSpec {
    uint32_t blockSize = 32 * 1024 * 1024;
    uint32_t logicalSectorSize = 512;
    uint32_t physicalSectorSize = 4096;
    uint64_t virtualSize = 1024ull * 1024 * 1024;
    bool fixed = false; // LeaveBlocksAllocated: every payload block FULLY_PRESENT with storage
    bool hasParent = false;
    // Parent locator key/value pairs (UTF-8), written in this order. With hasParent and an
    // empty list, no locator item is written at all.
    std::vector<std::pair<std::string, std::string>> parentLocator;
    bool writeParentLocator = true; // false: omit the item even when keys are given
    Guid parentLocatorType = guids::parentLocatorTypeVhdx;

    std::string creator = "vhdx-inspector test builder";
    uint64_t sequenceNumber[2] = {1, 2}; // header 1, header 2
    Guid fileWriteGuid = Guid::parse("11111111-2222-3333-4444-555555555555").value();
    Guid dataWriteGuid = Guid::parse("66666666-7777-8888-9999-aaaaaaaaaaaa").value();
    Guid virtualDiskId = Guid::parse("bbbbbbbb-cccc-dddd-eeee-ffffffffffff").value();

    Guid logGuid; // null: no log to replay
    uint32_t logLength = 1024 * 1024;
    std::vector<LogEntrySpec> logEntries;

    bool regionsRequired = true; // Windows sets Required on BAT/Metadata, QEMU does not
    bool writeBatRegion = true;
    bool writeMetadataRegion = true;
    std::vector<RegionSpec> extraRegions; // appended after BAT and Metadata
    uint32_t batLength = 0;               // 0: what the geometry needs, rounded to 1 MiB

    std::vector<Guid> omitItems;              // known items left out
    std::vector<MetadataItemSpec> extraItems; // appended after the known items

    // Payload block -> state. FULLY/PARTIALLY_PRESENT blocks get storage (BlockSize bytes at
    // a 1 MiB-aligned offset after the metadata, file grown to fit); other states get none.
    std::map<uint64_t, uint8_t> blocks;
    std::vector<uint64_t> sectorBitmaps;        // chunks with a PRESENT sector bitmap (1 MiB each)
    std::map<uint64_t, uint64_t> rawBatEntries; // BAT index -> raw entry, written last
    bool fillPayload = true; // stamp each present block's first bytes with its block number
    // Non-zero: every byte of every present block is payloadPattern(payloadSeed, its virtual
    // offset) instead of the stamp, so a test can tell which image a byte was read from.
    uint8_t payloadSeed = 0;
    // Partially present block -> one flag per logical sector of the block: set the sector's
    // bit in its chunk's sector bitmap (the chunk must be in sectorBitmaps).
    std::map<uint64_t, std::vector<bool>> sectorBits;
};

// The payload byte at a virtual offset of an image built with payloadSeed seed (never the
// same for two seeds at one offset; differs between neighbouring sectors).
[[nodiscard]] uint8_t payloadPattern(uint8_t seed, uint64_t virtualOffset);

struct MetadataItemPlace {
    Guid id;
    uint64_t entryOffset = 0; // absolute file offset of its 32-byte table entry
    uint64_t dataOffset = 0;  // absolute file offset of its data
    uint32_t length = 0;
};

struct BuiltImage {
    std::vector<uint8_t> bytes;

    uint64_t headerOffset[2] = {};
    uint64_t regionTableOffset[2] = {};
    uint64_t logOffset = 0, logLength = 0;
    uint64_t batOffset = 0, batLength = 0;
    uint64_t metadataOffset = 0, metadataLength = 0;
    std::vector<MetadataItemPlace> items;
    std::vector<uint64_t> logEntryOffsets; // absolute file offsets, in spec order
    std::vector<uint32_t> logEntryLengths;
    std::map<uint64_t, uint64_t> blockOffsets;  // payload block -> file offset
    std::map<uint64_t, uint64_t> bitmapOffsets; // chunk -> file offset

    // Geometry as the builder computed it.
    uint64_t chunkRatio = 0, dataBlocks = 0, totalBatEntries = 0;

    [[nodiscard]] uint64_t batIndexOfBlock(uint64_t block) const {
        return block + block / chunkRatio;
    }
    [[nodiscard]] uint64_t batIndexOfBitmap(uint64_t chunk) const {
        return chunk * (chunkRatio + 1) + chunkRatio;
    }
    [[nodiscard]] uint64_t batEntryOffset(uint64_t index) const { return batOffset + 8 * index; }
    [[nodiscard]] const MetadataItemPlace* item(const Guid& id) const;
    [[nodiscard]] std::shared_ptr<MemorySource> source() const;
};

[[nodiscard]] BuiltImage buildImage(const ImageSpec& spec);

// Recomputes and stores the CRC-32C of the structure at offset (checksum at offset + 4).
void fixChecksum(std::vector<uint8_t>& bytes, uint64_t structureOffset, uint64_t length);
// Re-seal helpers after an edit: header 1/2, region table 1/2, log entry i (one that does
// not wrap around the end of the log).
void resealHeader(BuiltImage& image, int slot);
void resealRegionTable(BuiltImage& image, int slot);
void resealLogEntry(BuiltImage& image, size_t entry);

// Field writers that keep the image otherwise untouched (no re-seal).
void putU16(BuiltImage& image, uint64_t offset, uint16_t v);
void putU32(BuiltImage& image, uint64_t offset, uint32_t v);
void putU64(BuiltImage& image, uint64_t offset, uint64_t v);
void putGuid(BuiltImage& image, uint64_t offset, const Guid& g);
void setBatEntry(BuiltImage& image, uint64_t index, uint64_t raw);
// Appends BlockSize bytes (1 MiB aligned) for a payload block and points its entry there.
uint64_t allocateBlock(BuiltImage& image, uint64_t block, uint8_t state, uint32_t blockSize);

// Encoders, exposed for unit tests of single structures.
[[nodiscard]] std::vector<uint8_t> utf16le(const std::string& utf8);
[[nodiscard]] std::vector<uint8_t>
encodeParentLocator(const Guid& type, const std::vector<std::pair<std::string, std::string>>& kv);

// Field offsets inside the structures (MS-VHDX 2.2-2.6), for tests that damage one field.
namespace field {
constexpr uint64_t headerSequence = 8, headerFileWriteGuid = 16, headerDataWriteGuid = 32,
                   headerLogGuid = 48, headerLogVersion = 64, headerVersion = 66,
                   headerLogLength = 68, headerLogOffset = 72;
constexpr uint64_t regionEntryCount = 8, regionEntries = 16, regionEntrySize = 32,
                   regionEntryOffset = 16, regionEntryLength = 24, regionEntryRequired = 28;
constexpr uint64_t metadataEntryCount = 10, metadataEntries = 32, metadataEntrySize = 32,
                   metadataEntryOffset = 16, metadataEntryLength = 20, metadataEntryFlags = 24;
constexpr uint64_t logEntryLength = 8, logTail = 12, logSequence = 16, logDescriptorCount = 24,
                   logGuid = 32, logFlushedFileOffset = 48, logLastFileOffset = 56;
} // namespace field

} // namespace vhdx::test
