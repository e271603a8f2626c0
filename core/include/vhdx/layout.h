#pragma once
// Fixed positions and limits of the format (format §1, §10).
#include <cstdint>

#include "vhdx/bytes.h"

namespace vhdx::layout {

constexpr uint64_t identifierOffset = 0;
constexpr uint64_t identifierSize = 64 * KiB;
constexpr uint64_t headerOffset[2] = {64 * KiB, 128 * KiB};
constexpr uint64_t headerSize = 4 * KiB; // what the checksum covers
constexpr uint64_t headerSlotSize = 64 * KiB;
constexpr uint64_t regionTableOffset[2] = {192 * KiB, 256 * KiB};
constexpr uint64_t regionTableSize = 64 * KiB;
constexpr uint64_t headerSectionSize = 1 * MiB;
constexpr uint32_t maxRegionEntries = 2047;
constexpr uint32_t maxMetadataEntries = 2047;
constexpr uint64_t maxMetadataItemSize = 1 * MiB;
constexpr uint64_t metadataTableSize = 64 * KiB;
constexpr uint32_t minBlockSize = 1 * MiB;
constexpr uint32_t maxBlockSize = 256 * MiB;
constexpr uint64_t maxVirtualDiskSize = 64 * TiB;
constexpr uint64_t logSectorSize = 4 * KiB;

} // namespace vhdx::layout
