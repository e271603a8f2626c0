#pragma once
// The metadata region: table, known items, parent locator (MS-VHDX 2.6).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vhdx/byte_source.h"
#include "vhdx/guid.h"

namespace vhdx {

class ByteSource;
class Findings;
struct RegionEntry;

struct MetadataEntry {
    Guid itemId;
    std::string name;    // known item name or "Unknown"
    uint32_t offset = 0; // relative to the region start
    uint32_t length = 0;
    uint32_t flagsRaw = 0;
    // The item lies inside the region after the table and, for a known item, has its size.
    bool placed = false;
    // A placed known item's value was read (Ok), or why not; unknown items are not read.
    ReadStatus valueRead = ReadStatus::PastEnd;
    [[nodiscard]] bool isUser() const;
    [[nodiscard]] bool isVirtualDisk() const;
    [[nodiscard]] bool isRequired() const;
};

struct ParentLocatorEntry {
    std::string key;
    std::string value;
    uint32_t keyOffset = 0;
    uint32_t valueOffset = 0;
    uint16_t keyLength = 0;
    uint16_t valueLength = 0;
};

struct ParentLocator {
    Guid type;
    uint16_t keyValueCount = 0;
    std::vector<ParentLocatorEntry> entries; // the ones that decoded
    bool valid = false;
    std::string problem;
    [[nodiscard]] const std::string* value(const std::string& key) const;
};

struct Metadata {
    bool readable = false;                      // region present and its table read
    ReadStatus tableRead = ReadStatus::PastEnd; // why not, when a region exists
    uint64_t regionOffset = 0;
    uint64_t regionLength = 0;
    bool signatureValid = false;
    std::array<uint8_t, 8> signature{}; // the table's signature as found
    uint16_t entryCount = 0;            // as stored
    std::vector<MetadataEntry> entries;

    std::optional<uint32_t> blockSize;
    std::optional<uint32_t> fileParameterFlags;
    bool leaveBlocksAllocated = false;
    bool hasParent = false;
    std::optional<uint64_t> virtualDiskSize;
    std::optional<Guid> virtualDiskId;
    std::optional<uint32_t> logicalSectorSize;
    std::optional<uint32_t> physicalSectorSize;
    std::optional<ParentLocator> parentLocator;

    // Block size, virtual size and logical sector size present and valid: the BAT geometry
    // can be derived.
    [[nodiscard]] bool geometryKnown() const;
    [[nodiscard]] const MetadataEntry* find(const Guid& id) const;
};

[[nodiscard]] std::string metadataItemName(const Guid& id);

// What kind of disk the File Parameters say it is; Unknown when they were not read.
enum class DiskType { Unknown, Fixed, Dynamic, Differencing };
[[nodiscard]] DiskType diskType(const Metadata& md);
[[nodiscard]] std::string_view diskTypeName(DiskType type); // "fixed", ..., "unknown"

// The index in md.entries of the first item with this id, or md.entries.size().
[[nodiscard]] size_t metadataItemIndex(const Metadata& md, const Guid& id);

// Decodes a parent locator item from its bytes (no I/O); problems go to the result.
[[nodiscard]] ParentLocator decodeParentLocator(const uint8_t* item, size_t len);
// Encodes a parent locator item (MS-VHDX 2.6.2.6): the 20-byte header, one 12-byte entry per
// pair in the given order, then each key and value as UTF-16LE. nullopt (with why set) when
// a key or value is not valid UTF-8, longer than 65535 bytes as UTF-16, or the item would
// exceed 1 MiB.
[[nodiscard]] std::optional<std::vector<uint8_t>>
encodeParentLocator(const Guid& type, const std::vector<std::pair<std::string, std::string>>& kv,
                    std::string& why);

// Reads the metadata table and items of the region (if any) and adds findings.
[[nodiscard]] Metadata readMetadata(const ByteSource& src, const std::optional<RegionEntry>& region,
                                    Findings& findings);

} // namespace vhdx
