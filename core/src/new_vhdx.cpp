// A new VHDX file's layout and the bytes before its BAT (new_vhdx.h), encoded field by field
// through the schema.
#include "vhdx/new_vhdx.h"

#include <cstring>

#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"
#include "vhdx/schema/structures.h"

namespace vhdx {

namespace {

uint64_t roundUp(uint64_t v, uint64_t unit) {
    return (v + unit - 1) / unit * unit;
}

bool powerOfTwo(uint64_t v) {
    return v && (v & (v - 1)) == 0;
}

void writeIdentifier(uint8_t* p, const std::string& creator) {
    namespace id = schema::identifier;
    std::memcpy(p + id::signature.offset, id::signature.magic.data(), id::signature.size);
    // The creator in UTF-16LE (ASCII here), at most 256 code units.
    for (size_t i = 0; i < creator.size() && 2 * i + 2 <= id::creator.size; ++i)
        p[id::creator.offset + 2 * i] = uint8_t(creator[i]);
}

void writeRegionTable(uint8_t* p, const NewVhdxLayout& l) {
    namespace rt = schema::region_table;
    namespace re = schema::region_entry;
    std::memcpy(p + rt::signature.offset, rt::signature.magic.data(), rt::signature.size);
    schema::write<rt::entryCount>(p, uint32_t(2));
    const struct {
        const Guid& guid;
        uint64_t offset, length;
    } entries[] = {{guids::batRegion, l.batOffset, l.batLength},
                   {guids::metadataRegion, l.metadataOffset, l.metadataLength}};
    for (size_t i = 0; i < 2; ++i) {
        uint8_t* e = p + re::table.offsetOf(i);
        schema::write<re::guid>(e, entries[i].guid);
        schema::write<re::fileOffset>(e, entries[i].offset);
        schema::write<re::length>(e, uint32_t(entries[i].length));
        schema::write<re::required>(e, uint32_t(re::requiredBit.mask()));
    }
    schema::write<rt::checksum>(p, structureChecksum(p, rt::size));
}

void writeMetadata(uint8_t* p, const NewVhdxSpec& s) {
    namespace mt = schema::metadata_table;
    namespace me = schema::metadata_entry;
    std::memcpy(p + mt::signature.offset, mt::signature.magic.data(), mt::signature.size);
    // Items right after the 64 KiB table, in Hyper-V's order and places.
    constexpr uint32_t kItems = uint32_t(layout::metadataTableSize);
    const uint32_t virtualDisk = uint32_t(me::isVirtualDisk.mask());
    const uint32_t required = uint32_t(me::isRequired.mask());
    const struct {
        const Guid& id;
        uint32_t offset, length, flags;
    } items[] = {
        {guids::fileParameters, 0, 8, required},
        {guids::virtualDiskSize, 8, 8, virtualDisk | required},
        {guids::logicalSectorSize, 16, 4, virtualDisk | required},
        {guids::physicalSectorSize, 20, 4, virtualDisk | required},
        {guids::page83Data, 24, 16, virtualDisk | required},
    };
    schema::write<mt::entryCount>(p, uint16_t(std::size(items)));
    for (size_t i = 0; i < std::size(items); ++i) {
        uint8_t* e = p + me::table.offsetOf(i);
        schema::write<me::itemId>(e, items[i].id);
        schema::write<me::offset>(e, kItems + items[i].offset);
        schema::write<me::length>(e, items[i].length);
        schema::write<me::flags>(e, items[i].flags);
    }
    uint8_t* v = p + kItems;
    schema::write<schema::file_parameters::blockSize>(v, s.blockSize);
    schema::write<schema::file_parameters::flags>(
        v, uint32_t(s.fixed ? schema::file_parameters::leaveBlocksAllocated.mask() : 0));
    schema::write<schema::virtual_disk_size::value>(v + 8, s.virtualSize);
    schema::write<schema::logical_sector_size::value>(v + 16, s.logicalSectorSize);
    schema::write<schema::physical_sector_size::value>(v + 20, s.physicalSectorSize);
    schema::write<schema::virtual_disk_id::value>(v + 24, s.virtualDiskId);
}

} // namespace

std::string newVhdxProblem(const NewVhdxSpec& s) {
    if (!powerOfTwo(s.blockSize) || s.blockSize < layout::minBlockSize ||
        s.blockSize > layout::maxBlockSize)
        return "the block size " + std::to_string(s.blockSize) +
               " is not a power of two from 1 MiB to 256 MiB";
    for (uint32_t sector : {s.logicalSectorSize, s.physicalSectorSize})
        if (sector != 512 && sector != 4096)
            return "a sector size of " + std::to_string(sector) + " is neither 512 nor 4096";
    if (s.virtualSize == 0 || s.virtualSize % s.logicalSectorSize)
        return "the virtual size " + std::to_string(s.virtualSize) +
               " is not a non-zero multiple of the logical sector size";
    if (s.virtualSize > layout::maxVirtualDiskSize)
        return "the virtual size " + std::to_string(s.virtualSize) + " is above 64 TiB";
    return {};
}

NewVhdxLayout newVhdxLayout(const NewVhdxSpec& s) {
    NewVhdxLayout l;
    l.bat = BatGeometry::compute(s.blockSize, s.logicalSectorSize, s.virtualSize, false);
    l.logOffset = MiB;
    l.logLength = MiB;
    l.metadataOffset = 2 * MiB;
    l.metadataLength = MiB;
    l.batOffset = 3 * MiB;
    l.batLength = roundUp(l.bat.totalEntries * schema::bat_entry::size, MiB);
    l.firstBlockOffset = l.batOffset + l.batLength;
    return l;
}

std::vector<uint8_t> encodeNewVhdxFront(const NewVhdxSpec& s, const NewVhdxLayout& l) {
    std::vector<uint8_t> out(l.batOffset, 0);
    writeIdentifier(out.data(), s.creator);
    for (int i = 0; i < 2; ++i) {
        Header h;
        h.sequenceNumber = uint64_t(i + 1); // header 2 current
        h.fileWriteGuid = s.fileWriteGuid;
        h.dataWriteGuid = s.dataWriteGuid;
        h.version = 1;
        h.logVersion = 0;
        h.logLength = uint32_t(l.logLength);
        h.logOffset = l.logOffset;
        encodeHeader(h, out.data() + layout::headerOffset[i]);
    }
    for (int i = 0; i < 2; ++i)
        writeRegionTable(out.data() + layout::regionTableOffset[i], l);
    writeMetadata(out.data() + l.metadataOffset, s);
    return out;
}

uint64_t batEntryValue(uint8_t state, uint64_t fileOffset) {
    return uint64_t(state) | (fileOffset / MiB) << schema::bat_entry::fileOffsetMB.shift;
}

} // namespace vhdx
