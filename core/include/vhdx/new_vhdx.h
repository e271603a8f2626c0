#pragma once
// A new VHDX file, not a differencing disk (MS-VHDX 2.1-2.6): its geometry, where each part
// goes, and the bytes of everything before the BAT. The layout is Hyper-V's (README, "Writing
// a VHDX"): the header section in the first MiB, an empty 1 MiB log at 1 MiB, the metadata
// region at 2 MiB (1 MiB), the BAT at 3 MiB (a 1 MiB multiple), then the payload blocks, each
// at a 1 MiB multiple; both region tables with every entry Required; LogGuid zero.
#include <cstdint>
#include <string>
#include <vector>

#include "vhdx/bat.h"
#include "vhdx/guid.h"

namespace vhdx {

struct NewVhdxSpec {
    uint64_t virtualSize = 0;
    uint32_t blockSize = 32 << 20; // Hyper-V's default
    uint32_t logicalSectorSize = 512;
    uint32_t physicalSectorSize = 4096;
    bool fixed = false; // LeaveBlocksAllocated: every payload block FULLY_PRESENT
    Guid virtualDiskId;
    Guid fileWriteGuid;
    Guid dataWriteGuid;
    std::string creator = "vhdx-inspector";
};

// Where each part of the file goes.
struct NewVhdxLayout {
    BatGeometry bat;
    uint64_t logOffset = 0, logLength = 0;
    uint64_t metadataOffset = 0, metadataLength = 0;
    uint64_t batOffset = 0, batLength = 0;
    uint64_t firstBlockOffset = 0; // the first payload block's place
    // The BAT slot of payload block b (a sector-bitmap slot follows every ChunkRatio blocks).
    [[nodiscard]] uint64_t slotOf(uint64_t block) const { return block + block / bat.chunkRatio; }
};

// "" when the spec can be written (block size a power of two in 1..256 MiB, sector sizes
// 512 or 4096, the virtual size a non-zero multiple of the logical sector size, at most
// 64 TiB), else why not.
[[nodiscard]] std::string newVhdxProblem(const NewVhdxSpec& spec);
// The layout of a valid spec.
[[nodiscard]] NewVhdxLayout newVhdxLayout(const NewVhdxSpec& spec);
// The bytes of [0, layout.batOffset): file identifier, both headers (sequence 1 and 2, the
// second current), both region tables, the empty log, the metadata region.
[[nodiscard]] std::vector<uint8_t> encodeNewVhdxFront(const NewVhdxSpec& spec,
                                                      const NewVhdxLayout& layout);
// A payload BAT entry: state and the block's file offset (a 1 MiB multiple).
[[nodiscard]] uint64_t batEntryValue(uint8_t state, uint64_t fileOffset);

} // namespace vhdx
