#include "vhdx/metadata.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/findings.h"
#include "vhdx/layout.h"
#include "vhdx/region_table.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

namespace vhdx {

namespace mt = schema::metadata_table;
namespace me = schema::metadata_entry;

namespace {

struct KnownItem {
    const Guid* id;
    const char* name; // as MS-VHDX 2.6.2 names the item
    const schema::Layout* layout;
    bool variable; // the parent locator: any size from its 20-byte header up
    bool required;
};

const KnownItem kKnownItems[] = {
    {&guids::fileParameters, "File Parameters", &schema::file_parameters::layout, false, true},
    {&guids::virtualDiskSize, "Virtual Disk Size", &schema::virtual_disk_size::layout, false, true},
    {&guids::page83Data, "Virtual Disk ID", &schema::virtual_disk_id::layout, false, true},
    {&guids::logicalSectorSize, "Logical Sector Size", &schema::logical_sector_size::layout, false,
     true},
    {&guids::physicalSectorSize, "Physical Sector Size", &schema::physical_sector_size::layout,
     false, true},
    {&guids::parentLocator, "Parent Locator", &schema::parent_locator::header, true, false},
};

const KnownItem* knownItem(const Guid& id) {
    for (const auto& k : kKnownItems)
        if (*k.id == id)
            return &k;
    return nullptr;
}

constexpr const char* kSpec = "2.6";
// Duplicate and overlapping items: the first pairs listed, the rest counted (a hostile table
// of 2047 items would otherwise give millions of findings).
constexpr uint64_t kMaxPairFindings = 100;

bool isPowerOfTwo(uint64_t v) {
    return v && !(v & (v - 1));
}

// Decodes the value of one known item from its bytes and checks it (MS-VHDX 2.6).
void decodeItem(const KnownItem& k, const std::vector<uint8_t>& v, StructureRef where,
                uint64_t fileOffset, Metadata& md, Findings& f) {
    namespace fp = schema::file_parameters;
    const uint8_t* p = v.data();
    if (*k.id == guids::fileParameters) {
        md.blockSize = schema::read<fp::blockSize>(p);
        md.fileParameterFlags = schema::read<fp::flags>(p);
        md.leaveBlocksAllocated = fp::leaveBlocksAllocated.of(*md.fileParameterFlags);
        md.hasParent = fp::hasParent.of(*md.fileParameterFlags);
        const uint32_t bs = *md.blockSize;
        if (!isPowerOfTwo(bs) || bs < layout::minBlockSize || bs > layout::maxBlockSize)
            f.add(Severity::Error, FindingCode::BlockSizeInvalid, where, fileOffset,
                  "Block size " + formatBytes(bs) +
                      " is not a power of two between 1 MiB and 256 MiB",
                  "2.6.2.1");
    } else if (*k.id == guids::virtualDiskSize) {
        md.virtualDiskSize = schema::read<schema::virtual_disk_size::value>(p);
    } else if (*k.id == guids::page83Data) {
        md.virtualDiskId = schema::read<schema::virtual_disk_id::value>(p);
    } else if (*k.id == guids::logicalSectorSize || *k.id == guids::physicalSectorSize) {
        const bool logical = *k.id == guids::logicalSectorSize;
        const uint32_t s = logical ? schema::read<schema::logical_sector_size::value>(p)
                                   : schema::read<schema::physical_sector_size::value>(p);
        (logical ? md.logicalSectorSize : md.physicalSectorSize) = s;
        if (s != 512 && s != 4096)
            f.add(Severity::Error, FindingCode::SectorSizeInvalid, where, fileOffset,
                  std::string(logical ? "Logical" : "Physical") + " sector size " + formatBytes(s) +
                      " is neither 512 nor 4,096 bytes",
                  std::string(k.layout->spec));
    } else if (*k.id == guids::parentLocator) {
        md.parentLocator = decodeParentLocator(p, v.size());
        if (!md.parentLocator->valid)
            f.add(Severity::Error, FindingCode::ParentLocatorInvalid, where, fileOffset,
                  "Parent locator: " + md.parentLocator->problem, "2.6.2.6");
    }
}

void checkVirtualSize(const Metadata& md, Findings& f) {
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
        why = "is not a multiple of the logical sector size (" + formatBytes(sector) + ")";
    if (why.empty())
        return;
    const size_t i = metadataItemIndex(md, guids::virtualDiskSize);
    f.add(Severity::Error, FindingCode::VirtualDiskSizeInvalid, ref::metadataItem(i),
          md.regionOffset + md.entries[i].offset,
          "Virtual disk size " + formatBytes(vs) + " " + why, "2.6.2.2");
}

// Why a table entry's item is not placed right ("" when it is).
std::string placementProblem(const MetadataEntry& e, const KnownItem* k, uint64_t regionLength) {
    const uint64_t end = uint64_t(e.offset) + e.length; // cannot overflow: two u32
    if (e.length > layout::maxMetadataItemSize)
        return "is longer than 1 MiB";
    if (e.length && e.offset < mt::size)
        return "starts inside the 64 KiB metadata table";
    if (end > regionLength)
        return "ends beyond the metadata region";
    if (k && !k->variable && e.length != k->layout->size)
        return "is " + formatBytes(e.length) + " long, expected " + formatBytes(k->layout->size);
    if (k && k->variable && e.length < k->layout->size)
        return "is too short for a parent locator header";
    return {};
}

// Items sharing bytes, each pair once (at most 2047^2 / 2 cheap comparisons).
void checkOverlaps(const Metadata& md, Findings& f) {
    uint64_t overlaps = 0;
    for (size_t i = 0; i < md.entries.size(); ++i)
        for (size_t j = i + 1; j < md.entries.size(); ++j) {
            const auto &a = md.entries[i], &b = md.entries[j];
            if (!a.placed || !b.placed || !rangesOverlap(a.offset, a.length, b.offset, b.length) ||
                overlaps++ >= kMaxPairFindings)
                continue;
            f.add(Severity::Warning, FindingCode::MetadataItemOverlap, ref::metadataItem(j),
                  md.regionOffset + b.offset,
                  "Metadata items " + a.name + " and " + b.name + " share bytes", "2.6.1.2");
        }
    if (overlaps > kMaxPairFindings)
        f.add(Severity::Warning, FindingCode::MetadataItemOverlap, ref::metadata(), md.regionOffset,
              formatCount(overlaps - kMaxPairFindings) +
                  " more pairs of metadata items share bytes (not listed)",
              "2.6.1.2");
}

} // namespace

std::string metadataItemName(const Guid& id) {
    const KnownItem* k = knownItem(id);
    return k ? k->name : "Unknown";
}

bool MetadataEntry::isUser() const {
    return me::isUser.of(flagsRaw);
}
bool MetadataEntry::isVirtualDisk() const {
    return me::isVirtualDisk.of(flagsRaw);
}
bool MetadataEntry::isRequired() const {
    return me::isRequired.of(flagsRaw);
}

bool Metadata::geometryKnown() const {
    return blockSize && virtualDiskSize && logicalSectorSize;
}

const MetadataEntry* Metadata::find(const Guid& id) const {
    const size_t i = metadataItemIndex(*this, id);
    return i < entries.size() ? &entries[i] : nullptr;
}

size_t metadataItemIndex(const Metadata& md, const Guid& id) {
    for (size_t i = 0; i < md.entries.size(); ++i)
        if (md.entries[i].itemId == id)
            return i;
    return md.entries.size();
}

DiskType diskType(const Metadata& md) {
    if (!md.fileParameterFlags)
        return DiskType::Unknown;
    return md.hasParent              ? DiskType::Differencing
           : md.leaveBlocksAllocated ? DiskType::Fixed
                                     : DiskType::Dynamic;
}

std::string_view diskTypeName(DiskType type) {
    switch (type) {
    case DiskType::Fixed:
        return "fixed";
    case DiskType::Dynamic:
        return "dynamic";
    case DiskType::Differencing:
        return "differencing";
    case DiskType::Unknown:
        break;
    }
    return "unknown";
}

Metadata readMetadata(const ByteSource& src, const std::optional<RegionEntry>& region,
                      Findings& f) {
    Metadata md;
    if (!region)
        return md;
    md.regionOffset = region->fileOffset;
    md.regionLength = region->length;
    const uint64_t tableLen = std::min<uint64_t>(mt::size, md.regionLength);
    std::vector<uint8_t> table(mt::size, 0);
    md.tableRead = tableLen < mt::header.size ? ReadStatus::PastEnd
                                              : src.read(md.regionOffset, table.data(), tableLen);
    if (md.tableRead == ReadStatus::IoError) {
        f.add(Severity::Error, FindingCode::IoError, ref::metadata(), md.regionOffset,
              "The metadata table at " + formatOffset(md.regionOffset) +
                  " could not be read (I/O error)",
              kSpec);
        return md;
    }
    if (md.tableRead != ReadStatus::Ok) {
        f.add(Severity::Error, FindingCode::FileTruncated, ref::metadata(), md.regionOffset,
              "The metadata table at " + formatOffset(md.regionOffset) +
                  " lies beyond the end of the file or the region is too short for it",
              kSpec);
        return md;
    }
    md.readable = true;
    md.signatureValid = schema::hasSignature(table.data(), mt::signature);
    std::copy_n(table.begin() + mt::signature.offset, md.signature.size(), md.signature.begin());
    md.entryCount = schema::read<mt::entryCount>(table.data());
    if (!md.signatureValid) {
        f.add(Severity::Error, FindingCode::MetadataSignatureBad, ref::metadata(), md.regionOffset,
              "The metadata table signature is not \"metadata\"", "2.6.1.1");
        return md;
    }
    if (md.entryCount > me::table.maxEntries)
        f.add(Severity::Error, FindingCode::MetadataEntryCountInvalid, ref::metadata(),
              md.regionOffset + mt::entryCount.offset,
              "Metadata entry count " + formatCount(md.entryCount) + " exceeds " +
                  formatCount(me::table.maxEntries),
              "2.6.1.1");
    const size_t n =
        std::min<size_t>(md.entryCount, (tableLen - me::table.first) / me::table.stride);
    uint64_t duplicates = 0;
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = table.data() + me::table.offsetOf(i);
        MetadataEntry e;
        e.itemId = schema::read<me::itemId>(p);
        e.offset = schema::read<me::offset>(p);
        e.length = schema::read<me::length>(p);
        e.flagsRaw = schema::read<me::flags>(p);
        e.name = metadataItemName(e.itemId);
        const uint64_t entryAt = md.regionOffset + me::table.offsetOf(i);
        const KnownItem* k = knownItem(e.itemId);
        const StructureRef where = ref::metadataItem(i);
        if (md.find(e.itemId)) {
            if (duplicates++ < kMaxPairFindings)
                f.add(Severity::Error, FindingCode::MetadataItemDuplicate, where, entryAt,
                      "Metadata item " + e.name + " (" + e.itemId.toString() + ") appears twice",
                      "2.6.1.2");
            md.entries.push_back(e);
            continue;
        }
        if (const std::string bad = placementProblem(e, k, md.regionLength); !bad.empty())
            f.add(Severity::Error, FindingCode::MetadataItemOutOfBounds, where, entryAt,
                  "Metadata item " + e.name + " at region offset " +
                      formatRelativeOffset(e.offset) + " (" + formatBytes(e.length) + ") " + bad,
                  "2.6.1.2");
        else
            e.placed = true;
        if (!k && e.isRequired())
            f.add(Severity::Error, FindingCode::MetadataUnknownRequired, where, entryAt,
                  "Unknown metadata item " + e.itemId.toString() +
                      " is marked required: the file must not be opened",
                  "2.6.1.2");
        md.entries.push_back(e);
        if (!k || !e.placed)
            continue;
        std::vector<uint8_t> value(e.length);
        const uint64_t at = md.regionOffset + e.offset;
        const ReadStatus st = src.read(at, value.data(), value.size());
        md.entries.back().valueRead = st;
        if (st != ReadStatus::Ok) {
            const bool io = st == ReadStatus::IoError;
            f.add(Severity::Error, io ? FindingCode::IoError : FindingCode::FileTruncated, where,
                  at,
                  "Metadata item " + e.name +
                      (io ? " could not be read (I/O error)" : " lies beyond the end of the file"),
                  "2.6.1.2");
            continue;
        }
        decodeItem(*k, value, where, at, md, f);
    }
    if (duplicates > kMaxPairFindings)
        f.add(Severity::Error, FindingCode::MetadataItemDuplicate, ref::metadata(), md.regionOffset,
              formatCount(duplicates - kMaxPairFindings) +
                  " more metadata items appear twice (not listed)",
              "2.6.1.2");
    checkOverlaps(md, f);
    for (const auto& k : kKnownItems)
        if (k.required && !md.find(*k.id))
            f.add(Severity::Error, FindingCode::MetadataItemMissing, ref::metadata(),
                  md.regionOffset,
                  std::string("The required metadata item ") + k.name + " is missing", "2.6.2");
    checkVirtualSize(md, f);
    const size_t locator = metadataItemIndex(md, guids::parentLocator);
    if (md.hasParent && locator == md.entries.size())
        f.add(Severity::Error, FindingCode::ParentLocatorMissing, ref::metadata(), md.regionOffset,
              "The File Parameters' Has parent flag is set but there is no parent locator item",
              "2.6.2.6");
    if (!md.hasParent && locator < md.entries.size() && md.fileParameterFlags)
        f.add(Severity::Warning, FindingCode::ParentLocatorUnexpected, ref::metadataItem(locator),
              md.regionOffset + md.entries[locator].offset,
              "A parent locator is present but the Has parent flag is not set: it is ignored",
              "2.6.2.1");
    return md;
}

} // namespace vhdx
