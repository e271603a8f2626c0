#include "vhdx/metadata.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/findings.h"
#include "vhdx/layout.h"
#include "vhdx/region_table.h"

namespace vhdx {

namespace {

struct KnownItem {
    const Guid* id;
    const char* name;
    uint32_t size; // exact size; 0 = variable (parent locator)
    bool required;
};

const KnownItem kKnownItems[] = {
    {&guids::fileParameters, "File Parameters", 8, true},
    {&guids::virtualDiskSize, "Virtual Disk Size", 8, true},
    {&guids::page83Data, "Virtual Disk ID", 16, true},
    {&guids::logicalSectorSize, "Logical Sector Size", 4, true},
    {&guids::physicalSectorSize, "Physical Sector Size", 4, true},
    {&guids::parentLocator, "Parent Locator", 0, false},
};

const KnownItem* knownItem(const Guid& id) {
    for (const auto& k : kKnownItems)
        if (*k.id == id)
            return &k;
    return nullptr;
}

constexpr const char* kSpec = "2.6";

} // namespace

std::string metadataItemName(const Guid& id) {
    const KnownItem* k = knownItem(id);
    return k ? k->name : "Unknown";
}

bool Metadata::geometryKnown() const {
    return blockSize && virtualDiskSize && logicalSectorSize;
}

const MetadataEntry* Metadata::find(const Guid& id) const {
    for (const auto& e : entries)
        if (e.itemId == id)
            return &e;
    return nullptr;
}

namespace {

bool isPowerOfTwo(uint64_t v) {
    return v && !(v & (v - 1));
}

// Decodes the value of one known item from its bytes and checks it (format §7).
void decodeItem(const KnownItem& k, const MetadataEntry& e, const std::vector<uint8_t>& v,
                uint64_t fileOffset, Metadata& md, Findings& f) {
    const std::string structure = std::string("metadata:") + k.name;
    const uint8_t* p = v.data();
    if (*k.id == guids::fileParameters) {
        md.blockSize = le32(p);
        md.fileParameterFlags = le32(p + 4);
        md.leaveBlocksAllocated = *md.fileParameterFlags & 1u;
        md.hasParent = *md.fileParameterFlags & 2u;
        const uint32_t bs = *md.blockSize;
        if (!isPowerOfTwo(bs) || bs < layout::minBlockSize || bs > layout::maxBlockSize)
            f.add(Severity::Error, FindingCode::BlockSizeInvalid, structure, fileOffset,
                  "Block size " + std::to_string(bs) +
                      " is not a power of two between 1 MiB and 256 MiB",
                  "2.6.2.1");
    } else if (*k.id == guids::virtualDiskSize) {
        md.virtualDiskSize = le64(p);
    } else if (*k.id == guids::page83Data) {
        md.virtualDiskId = Guid::fromDisk(p);
    } else if (*k.id == guids::logicalSectorSize || *k.id == guids::physicalSectorSize) {
        const uint32_t s = le32(p);
        const bool logical = *k.id == guids::logicalSectorSize;
        (logical ? md.logicalSectorSize : md.physicalSectorSize) = s;
        if (s != 512 && s != 4096)
            f.add(Severity::Error, FindingCode::SectorSizeInvalid, structure, fileOffset,
                  std::string(logical ? "Logical" : "Physical") + " sector size " +
                      std::to_string(s) + " is neither 512 nor 4096",
                  logical ? "2.6.2.4" : "2.6.2.5");
    } else if (*k.id == guids::parentLocator) {
        md.parentLocator = decodeParentLocator(p, v.size());
        if (!md.parentLocator->valid)
            f.add(Severity::Error, FindingCode::ParentLocatorInvalid, structure, fileOffset,
                  "Parent locator: " + md.parentLocator->problem, "2.6.2.6");
    }
    (void)e;
}

void checkVirtualSize(const Metadata& md, uint64_t offset, Findings& f) {
    if (!md.virtualDiskSize)
        return;
    const uint64_t vs = *md.virtualDiskSize;
    const uint64_t sector = md.logicalSectorSize.value_or(512);
    std::string why;
    if (vs == 0)
        why = "is zero";
    else if (vs > layout::maxVirtualDiskSize)
        why = "exceeds 64 TiB";
    else if ((sector == 512 || sector == 4096) && vs % sector)
        why = "is not a multiple of the logical sector size " + std::to_string(sector);
    if (!why.empty())
        f.add(Severity::Error, FindingCode::VirtualDiskSizeInvalid, "metadata:Virtual Disk Size",
              offset, "Virtual disk size " + std::to_string(vs) + " " + why, "2.6.2.2");
}

} // namespace

Metadata readMetadata(const ByteSource& src, const std::optional<RegionEntry>& region,
                      Findings& f) {
    Metadata md;
    if (!region)
        return md;
    md.regionOffset = region->fileOffset;
    md.regionLength = region->length;
    const uint64_t tableLen = std::min<uint64_t>(layout::metadataTableSize, md.regionLength);
    std::vector<uint8_t> table(layout::metadataTableSize, 0);
    if (tableLen < 32 || src.read(md.regionOffset, table.data(), tableLen) != ReadStatus::Ok) {
        f.add(Severity::Error, FindingCode::FileTruncated, "metadata", md.regionOffset,
              "The metadata table at " + std::to_string(md.regionOffset) +
                  " lies beyond end of file or the region is too short for it",
              kSpec);
        return md;
    }
    md.readable = true;
    md.signatureValid = std::memcmp(table.data(), "metadata", 8) == 0;
    md.entryCount = le16(table.data() + 10);
    if (!md.signatureValid) {
        f.add(Severity::Error, FindingCode::MetadataSignatureBad, "metadata", md.regionOffset,
              "The metadata table signature is not \"metadata\"", "2.6.1.1");
        return md;
    }
    if (md.entryCount > layout::maxMetadataEntries)
        f.add(Severity::Error, FindingCode::MetadataEntryCountInvalid, "metadata",
              md.regionOffset + 10,
              "Metadata EntryCount " + std::to_string(md.entryCount) + " exceeds 2047", "2.6.1.1");
    const size_t n = std::min<size_t>(md.entryCount, (tableLen - 32) / 32);
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = table.data() + 32 + 32 * i;
        MetadataEntry e;
        e.itemId = Guid::fromDisk(p);
        e.offset = le32(p + 16);
        e.length = le32(p + 20);
        e.flagsRaw = le32(p + 24);
        e.name = metadataItemName(e.itemId);
        const uint64_t entryAt = md.regionOffset + 32 + 32 * i;
        const KnownItem* k = knownItem(e.itemId);
        const std::string structure = "metadata:" + e.name;
        if (md.find(e.itemId)) {
            f.add(Severity::Error, FindingCode::MetadataItemDuplicate, structure, entryAt,
                  "Metadata item " + e.name + " (" + e.itemId.toString() + ") appears twice",
                  "2.6.1.2");
            md.entries.push_back(e);
            continue;
        }
        const uint64_t end = uint64_t(e.offset) + e.length; // cannot overflow: two u32
        std::string bad;
        if (e.length > layout::maxMetadataItemSize)
            bad = "is longer than 1 MiB";
        else if (e.length && e.offset < layout::metadataTableSize)
            bad = "starts inside the 64 KiB metadata table";
        else if (end > md.regionLength)
            bad = "ends beyond the metadata region";
        else if (k && k->size && e.length != k->size)
            bad =
                "has length " + std::to_string(e.length) + ", expected " + std::to_string(k->size);
        else if (k && !k->size && e.length < 20)
            bad = "is too short for a parent locator header";
        if (!bad.empty()) {
            f.add(Severity::Error, FindingCode::MetadataItemOutOfBounds, structure, entryAt,
                  "Metadata item " + e.name + " at offset " + std::to_string(e.offset) +
                      " length " + std::to_string(e.length) + " " + bad,
                  "2.6.1.2");
        } else {
            e.inBounds = true;
        }
        if (!k && e.isRequired())
            f.add(Severity::Error, FindingCode::MetadataUnknownRequired, structure, entryAt,
                  "Unknown metadata item " + e.itemId.toString() +
                      " is marked required: the file must not be opened",
                  "2.6.1.2");
        md.entries.push_back(e);
        if (!k || !e.inBounds)
            continue;
        std::vector<uint8_t> value(e.length);
        const uint64_t at = md.regionOffset + e.offset;
        const ReadStatus st = src.read(at, value.data(), value.size());
        if (st != ReadStatus::Ok) {
            f.add(Severity::Error,
                  st == ReadStatus::IoError ? FindingCode::IoError : FindingCode::FileTruncated,
                  structure, at, "Metadata item " + e.name + " lies beyond end of file", "2.6.1.2");
            md.entries.back().inBounds = false;
            continue;
        }
        decodeItem(*k, e, value, at, md, f);
    }
    // Items sharing bytes (each pair once; at most 2047^2 / 2 cheap comparisons). A hostile
    // table can make every pair overlap: list the first pairs only, then count the rest, so
    // that findings stay O(entries) and not O(entries^2) (2 million findings otherwise).
    constexpr size_t kMaxOverlapFindings = 100;
    uint64_t overlaps = 0;
    for (size_t i = 0; i < md.entries.size(); ++i)
        for (size_t j = i + 1; j < md.entries.size(); ++j) {
            const auto &a = md.entries[i], &b = md.entries[j];
            if (!a.inBounds || !b.inBounds ||
                !rangesOverlap(a.offset, a.length, b.offset, b.length) ||
                overlaps++ >= kMaxOverlapFindings)
                continue;
            f.add(Severity::Warning, FindingCode::MetadataItemOverlap, "metadata:" + b.name,
                  md.regionOffset + b.offset,
                  "Metadata items " + a.name + " and " + b.name + " share bytes", "2.6.1.2");
        }
    if (overlaps > kMaxOverlapFindings)
        f.add(Severity::Warning, FindingCode::MetadataItemOverlap, "metadata", md.regionOffset,
              std::to_string(overlaps - kMaxOverlapFindings) +
                  " more pairs of metadata items share bytes (not listed)",
              "2.6.1.2");
    for (const auto& k : kKnownItems)
        if (k.required && !md.find(*k.id))
            f.add(Severity::Error, FindingCode::MetadataItemMissing, "metadata", md.regionOffset,
                  std::string("The required metadata item ") + k.name + " is missing", "2.6.2");
    checkVirtualSize(md,
                     md.find(guids::virtualDiskSize)
                         ? md.regionOffset + md.find(guids::virtualDiskSize)->offset
                         : md.regionOffset,
                     f);
    if (md.hasParent && !md.find(guids::parentLocator))
        f.add(Severity::Error, FindingCode::ParentLocatorMissing, "metadata", md.regionOffset,
              "The File Parameters say HasParent but there is no parent locator item", "2.6.2.6");
    if (!md.hasParent && md.find(guids::parentLocator) && md.fileParameterFlags)
        f.add(Severity::Warning, FindingCode::ParentLocatorUnexpected, "metadata:Parent Locator",
              md.regionOffset + md.find(guids::parentLocator)->offset,
              "A parent locator is present but HasParent is not set: it is ignored", "2.6.2.1");
    return md;
}

} // namespace vhdx
