#pragma once
// Every on-disk structure of MS-VHDX, field by field (MS-VHDX 2.2-2.6). The only place in the
// project that knows a field's offset or size, or a table's stride.
#include "vhdx/schema/field.h"

namespace vhdx::schema {

#define VHDX_FIELDS(...)                                                                           \
    inline constexpr const Field* fieldList[] = {__VA_ARGS__};                                     \
    inline constexpr std::span<const Field* const> fields{fieldList};

// File type identifier, 64 KiB at offset 0 (MS-VHDX 2.2.1).
namespace identifier {
using T = FieldType;
inline constexpr Field signature{"Signature", "signature", 0, 8, T::Signature, "2.2.1", "vhdxfile"};
inline constexpr Field creator{"Creator", "creator", 8, 512, T::Utf16, "2.2.1"};
inline constexpr Field reserved{"Reserved", "reserved", 520, 65016, T::Reserved, "2.2.1"};
VHDX_FIELDS(&signature, &creator, &reserved)
inline constexpr Layout layout{"File identifier", 65536, fields, "2.2.1"};
} // namespace identifier

// Header, 4 KiB covered by the checksum in a 64 KiB slot (MS-VHDX 2.2.2).
namespace header {
using T = FieldType;
inline constexpr Field signature{"Signature", "signature", 0, 4, T::Signature, "2.2.2", "head"};
inline constexpr Field checksum{"Checksum", "checksum", 4, 4, T::Checksum, "2.2.2"};
inline constexpr Field sequenceNumber{"Sequence number", "sequence_number", 8, 8, T::U64, "2.2.2"};
inline constexpr Field fileWriteGuid{
    "File write GUID", "file_write_guid", 16, 16, T::Guid, "2.2.2"};
inline constexpr Field dataWriteGuid{
    "Data write GUID", "data_write_guid", 32, 16, T::Guid, "2.2.2"};
inline constexpr Field logGuid{"Log GUID", "log_guid", 48, 16, T::Guid, "2.2.2"};
inline constexpr Field logVersion{"Log version", "log_version", 64, 2, T::U16, "2.2.2"};
inline constexpr Field version{"Version", "version", 66, 2, T::U16, "2.2.2"};
inline constexpr Field logLength{"Log length", "log_length", 68, 4, T::U32, "2.2.2"};
inline constexpr Field logOffset{"Log offset", "log_offset", 72, 8, T::U64, "2.2.2"};
inline constexpr Field reserved{"Reserved", "reserved", 80, 4016, T::Reserved, "2.2.2"};
VHDX_FIELDS(&signature, &checksum, &sequenceNumber, &fileWriteGuid, &dataWriteGuid, &logGuid,
            &logVersion, &version, &logLength, &logOffset, &reserved)
inline constexpr Layout layout{"Header", 4096, fields, "2.2.2"};
} // namespace header

// Region table, 64 KiB (MS-VHDX 2.2.3): a 16-byte header, then 32-byte entries.
namespace region_table {
using T = FieldType;
inline constexpr Field signature{"Signature", "signature", 0, 4, T::Signature, "2.2.3.1", "regi"};
inline constexpr Field checksum{"Checksum", "checksum", 4, 4, T::Checksum, "2.2.3.1"};
inline constexpr Field entryCount{"Entry count", "entry_count", 8, 4, T::U32, "2.2.3.1"};
inline constexpr Field reserved{"Reserved", "reserved", 12, 4, T::Reserved, "2.2.3.1"};
VHDX_FIELDS(&signature, &checksum, &entryCount, &reserved)
inline constexpr Layout header{"Region table header", 16, fields, "2.2.3.1"};
inline constexpr uint32_t size = 65536;
} // namespace region_table

namespace region_entry {
using T = FieldType;
inline constexpr Field guid{"GUID", "guid", 0, 16, T::Guid, "2.2.3.2"};
inline constexpr Field fileOffset{"File offset", "file_offset", 16, 8, T::U64, "2.2.3.2"};
inline constexpr Field length{"Length", "length", 24, 4, T::U32, "2.2.3.2"};
inline constexpr Field required{"Required", "required", 28, 4, T::Flags, "2.2.3.2"};
VHDX_FIELDS(&guid, &fileOffset, &length, &required)
inline constexpr Layout layout{"Region table entry", 32, fields, "2.2.3.2"};
inline constexpr Bits requiredBit{"Required", "required", 0, 1};
inline constexpr Table table{&layout, 16, 32, 2047};
} // namespace region_entry

// Metadata table, the first 64 KiB of the metadata region (MS-VHDX 2.6.1).
namespace metadata_table {
using T = FieldType;
inline constexpr Field signature{"Signature",  "signature", 0,         8,
                                 T::Signature, "2.6.1.1",   "metadata"};
inline constexpr Field reserved{"Reserved", "reserved", 8, 2, T::Reserved, "2.6.1.1"};
inline constexpr Field entryCount{"Entry count", "entry_count", 10, 2, T::U16, "2.6.1.1"};
inline constexpr Field reserved2{"Reserved", "reserved2", 12, 20, T::Reserved, "2.6.1.1"};
VHDX_FIELDS(&signature, &reserved, &entryCount, &reserved2)
inline constexpr Layout header{"Metadata table header", 32, fields, "2.6.1.1"};
inline constexpr uint32_t size = 65536;
} // namespace metadata_table

namespace metadata_entry {
using T = FieldType;
inline constexpr Field itemId{"Item ID", "item_id", 0, 16, T::Guid, "2.6.1.2"};
inline constexpr Field offset{"Offset", "offset", 16, 4, T::U32, "2.6.1.2"};
inline constexpr Field length{"Length", "length", 20, 4, T::U32, "2.6.1.2"};
inline constexpr Field flags{"Flags", "flags", 24, 4, T::Flags, "2.6.1.2"};
inline constexpr Field reserved{"Reserved", "reserved", 28, 4, T::Reserved, "2.6.1.2"};
VHDX_FIELDS(&itemId, &offset, &length, &flags, &reserved)
inline constexpr Layout layout{"Metadata table entry", 32, fields, "2.6.1.2"};
inline constexpr Bits isUser{"IsUser", "is_user", 0, 1};
inline constexpr Bits isVirtualDisk{"IsVirtualDisk", "is_virtual_disk", 1, 1};
inline constexpr Bits isRequired{"IsRequired", "is_required", 2, 1};
inline constexpr Table table{&layout, 32, 32, 2047};
} // namespace metadata_entry

// The known metadata items (MS-VHDX 2.6.2).
namespace file_parameters {
using T = FieldType;
inline constexpr Field blockSize{"Block size", "block_size", 0, 4, T::U32, "2.6.2.1"};
inline constexpr Field flags{"Flags", "flags", 4, 4, T::Flags, "2.6.2.1"};
VHDX_FIELDS(&blockSize, &flags)
inline constexpr Layout layout{"File Parameters", 8, fields, "2.6.2.1"};
inline constexpr Bits leaveBlocksAllocated{"Leave blocks allocated", "leave_blocks_allocated", 0,
                                           1};
inline constexpr Bits hasParent{"Has parent", "has_parent", 1, 1};
} // namespace file_parameters

namespace virtual_disk_size {
inline constexpr Field value{
    "Virtual disk size", "virtual_disk_size", 0, 8, FieldType::U64, "2.6.2.2"};
VHDX_FIELDS(&value)
inline constexpr Layout layout{"Virtual Disk Size", 8, fields, "2.6.2.2"};
} // namespace virtual_disk_size

namespace virtual_disk_id {
inline constexpr Field value{"Virtual disk ID", "virtual_disk_id", 0, 16,
                             FieldType::Guid,   "2.6.2.3"};
VHDX_FIELDS(&value)
inline constexpr Layout layout{"Virtual Disk ID", 16, fields, "2.6.2.3"};
} // namespace virtual_disk_id

namespace logical_sector_size {
inline constexpr Field value{
    "Logical sector size", "logical_sector_size", 0, 4, FieldType::U32, "2.6.2.4"};
VHDX_FIELDS(&value)
inline constexpr Layout layout{"Logical Sector Size", 4, fields, "2.6.2.4"};
} // namespace logical_sector_size

namespace physical_sector_size {
inline constexpr Field value{
    "Physical sector size", "physical_sector_size", 0, 4, FieldType::U32, "2.6.2.5"};
VHDX_FIELDS(&value)
inline constexpr Layout layout{"Physical Sector Size", 4, fields, "2.6.2.5"};
} // namespace physical_sector_size

// Parent locator item (MS-VHDX 2.6.2.6): a 20-byte header, then 12-byte key/value entries.
namespace parent_locator {
using T = FieldType;
inline constexpr Field locatorType{"Locator type", "type", 0, 16, T::Guid, "2.6.2.6"};
inline constexpr Field reserved{"Reserved", "reserved", 16, 2, T::Reserved, "2.6.2.6"};
inline constexpr Field keyValueCount{"Key/value count", "key_value_count", 18, 2, T::U16,
                                     "2.6.2.6"};
VHDX_FIELDS(&locatorType, &reserved, &keyValueCount)
inline constexpr Layout header{"Parent locator header", 20, fields, "2.6.2.6"};
} // namespace parent_locator

namespace parent_locator_entry {
using T = FieldType;
inline constexpr Field keyOffset{"Key offset", "key_offset", 0, 4, T::U32, "2.6.2.6.1"};
inline constexpr Field valueOffset{"Value offset", "value_offset", 4, 4, T::U32, "2.6.2.6.1"};
inline constexpr Field keyLength{"Key length", "key_length", 8, 2, T::U16, "2.6.2.6.1"};
inline constexpr Field valueLength{"Value length", "value_length", 10, 2, T::U16, "2.6.2.6.1"};
VHDX_FIELDS(&keyOffset, &valueOffset, &keyLength, &valueLength)
inline constexpr Layout layout{"Parent locator entry", 12, fields, "2.6.2.6.1"};
inline constexpr Table table{&layout, 20, 12, 65535};
} // namespace parent_locator_entry

// BAT entry, 64 bits (MS-VHDX 2.5).
namespace bat_entry {
inline constexpr Bits state{"State", "state", 0, 3};
inline constexpr Bits reserved{"Reserved", "reserved", 3, 17};
inline constexpr Bits fileOffsetMB{"File offset (MiB)", "file_offset_mb", 20, 44};
inline constexpr uint32_t size = 8;
} // namespace bat_entry

// Log entry header, 64 bytes at the start of a 4 KiB sector (MS-VHDX 2.3.1.1).
namespace log_entry {
using T = FieldType;
inline constexpr Field signature{"Signature", "signature", 0, 4, T::Signature, "2.3.1.1", "loge"};
inline constexpr Field checksum{"Checksum", "checksum", 4, 4, T::Checksum, "2.3.1.1"};
inline constexpr Field entryLength{"Entry length", "length", 8, 4, T::U32, "2.3.1.1"};
inline constexpr Field tail{"Tail", "tail", 12, 4, T::U32, "2.3.1.1"};
inline constexpr Field sequenceNumber{"Sequence number", "sequence_number", 16, 8, T::U64,
                                      "2.3.1.1"};
inline constexpr Field descriptorCount{"Descriptor count", "descriptor_count", 24, 4, T::U32,
                                       "2.3.1.1"};
inline constexpr Field reserved{"Reserved", "reserved", 28, 4, T::Reserved, "2.3.1.1"};
inline constexpr Field logGuid{"Log GUID", "log_guid", 32, 16, T::Guid, "2.3.1.1"};
inline constexpr Field flushedFileOffset{
    "Flushed file offset", "flushed_file_offset", 48, 8, T::U64, "2.3.1.1"};
inline constexpr Field lastFileOffset{"Last file offset", "last_file_offset", 56, 8, T::U64,
                                      "2.3.1.1"};
VHDX_FIELDS(&signature, &checksum, &entryLength, &tail, &sequenceNumber, &descriptorCount,
            &reserved, &logGuid, &flushedFileOffset, &lastFileOffset)
inline constexpr Layout layout{"Log entry header", 64, fields, "2.3.1.1"};
inline constexpr uint32_t sectorSize = 4096;
} // namespace log_entry

// Descriptors, 32 bytes: the header takes the first two slots of the entry's first sector,
// so descriptor i sits at slot i + 2 of the descriptor area (MS-VHDX 2.3.1.2, 2.3.1.3).
namespace data_descriptor {
using T = FieldType;
inline constexpr Field signature{"Signature", "signature", 0, 4, T::Signature, "2.3.1.3", "desc"};
inline constexpr Field trailingBytes{"Trailing bytes", "trailing_bytes", 4, 4, T::Bytes, "2.3.1.3"};
inline constexpr Field leadingBytes{"Leading bytes", "leading_bytes", 8, 8, T::Bytes, "2.3.1.3"};
inline constexpr Field fileOffset{"Target file offset", "file_offset", 16, 8, T::U64, "2.3.1.3"};
inline constexpr Field sequenceNumber{"Sequence number", "sequence_number", 24, 8, T::U64,
                                      "2.3.1.3"};
VHDX_FIELDS(&signature, &trailingBytes, &leadingBytes, &fileOffset, &sequenceNumber)
inline constexpr Layout layout{"Data descriptor", 32, fields, "2.3.1.3"};
} // namespace data_descriptor

namespace zero_descriptor {
using T = FieldType;
inline constexpr Field signature{"Signature", "signature", 0, 4, T::Signature, "2.3.1.2", "zero"};
inline constexpr Field reserved{"Reserved", "reserved", 4, 4, T::Reserved, "2.3.1.2"};
inline constexpr Field zeroLength{"Zero length", "zero_length", 8, 8, T::U64, "2.3.1.2"};
inline constexpr Field fileOffset{"Target file offset", "file_offset", 16, 8, T::U64, "2.3.1.2"};
inline constexpr Field sequenceNumber{"Sequence number", "sequence_number", 24, 8, T::U64,
                                      "2.3.1.2"};
VHDX_FIELDS(&signature, &reserved, &zeroLength, &fileOffset, &sequenceNumber)
inline constexpr Layout layout{"Zero descriptor", 32, fields, "2.3.1.2"};
} // namespace zero_descriptor

namespace descriptor_area {
inline constexpr uint32_t slotSize = 32;
inline constexpr uint32_t slotsPerSector = 4096 / slotSize;
inline constexpr uint32_t headerSlots = 2; // the 64-byte entry header
// Where descriptor i sits, from the entry start, and how many sectors n descriptors need.
[[nodiscard]] constexpr uint64_t offsetOf(uint64_t i) {
    return (i + headerSlots) * slotSize;
}
[[nodiscard]] constexpr uint64_t sectorsFor(uint64_t descriptors) {
    return (descriptors + headerSlots + slotsPerSector - 1) / slotsPerSector;
}
} // namespace descriptor_area

// Data sector, 4 KiB (MS-VHDX 2.3.1.4).
namespace data_sector {
using T = FieldType;
inline constexpr Field signature{"Signature", "signature", 0, 4, T::Signature, "2.3.1.4", "data"};
inline constexpr Field sequenceHigh{"Sequence high", "sequence_high", 4, 4, T::U32, "2.3.1.4"};
inline constexpr Field data{"Data", "data", 8, 4084, T::Bytes, "2.3.1.4"};
inline constexpr Field sequenceLow{"Sequence low", "sequence_low", 4092, 4, T::U32, "2.3.1.4"};
VHDX_FIELDS(&signature, &sequenceHigh, &data, &sequenceLow)
inline constexpr Layout layout{"Data sector", 4096, fields, "2.3.1.4"};
} // namespace data_sector

#undef VHDX_FIELDS

// Every layout, for the schema's own test.
inline constexpr const Layout* allLayouts[] = {
    &identifier::layout,           &header::layout,
    &region_table::header,         &region_entry::layout,
    &metadata_table::header,       &metadata_entry::layout,
    &file_parameters::layout,      &virtual_disk_size::layout,
    &virtual_disk_id::layout,      &logical_sector_size::layout,
    &physical_sector_size::layout, &parent_locator::header,
    &parent_locator_entry::layout, &log_entry::layout,
    &data_descriptor::layout,      &zero_descriptor::layout,
    &data_sector::layout,
};

} // namespace vhdx::schema
