#pragma once
// Where the fixed structures sit in the file, and the limits of the format (MS-VHDX 2.1).
// The structures' own sizes and fields are in schema/structures.h.
#include <cstdint>

#include "vhdx/bytes.h"
#include "vhdx/schema/structures.h"

namespace vhdx::layout {

constexpr uint64_t identifierOffset = 0;
constexpr uint64_t identifierSize = schema::identifier::layout.size;
constexpr uint64_t headerOffset[2] = {64 * KiB, 128 * KiB};
constexpr uint64_t headerSize = schema::header::layout.size; // what the checksum covers
constexpr uint64_t headerSlotSize = 64 * KiB;
constexpr uint64_t regionTableOffset[2] = {192 * KiB, 256 * KiB};
constexpr uint64_t regionTableSize = schema::region_table::size;
constexpr uint64_t headerSectionSize = 1 * MiB;
constexpr uint64_t maxMetadataItemSize = 1 * MiB;
constexpr uint64_t metadataTableSize = schema::metadata_table::size;
constexpr uint32_t minBlockSize = 1 * MiB;
constexpr uint32_t maxBlockSize = 256 * MiB;
constexpr uint64_t maxVirtualDiskSize = 64 * TiB;
constexpr uint64_t logSectorSize = schema::log_entry::sectorSize;

} // namespace vhdx::layout
