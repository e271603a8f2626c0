#pragma once
// Replacing one metadata item's bytes (the parent locator the set-parent rewrites): where the
// new bytes go in the metadata region (in place when they fit, else the first free gap after
// the 64 KiB table), and which 4 KiB sectors of the region change as a result (the table
// sector with the item's entry when its offset or length changes, the old bytes zeroed, the
// new ones). Reads only; the log writer writes the sectors.
#include <cstdint>
#include <string>
#include <vector>

#include "vhdx/guid.h"
#include "vhdx/log_writer.h"

namespace vhdx {

class ByteSource;
struct Metadata;

struct MetadataItemEdit {
    bool ok = false;
    std::string problem;                   // why not, when !ok
    uint32_t oldOffset = 0, oldLength = 0; // relative to the region start
    uint32_t newOffset = 0, newLength = 0;
    [[nodiscard]] bool moved() const { return newOffset != oldOffset; }
    std::vector<SectorWrite> sectors;    // the changed sectors' new bytes, in file order
    std::vector<SectorWrite> oldSectors; // the same sectors as they are now
};

// The item must appear once in the table and lie inside the region (the caller checked the
// metadata has no error finding). The new item may be shorter or longer than the old one.
[[nodiscard]] MetadataItemEdit planMetadataItemEdit(const ByteSource& src, const Metadata& md,
                                                    const Guid& itemId,
                                                    const std::vector<uint8_t>& newItem);

} // namespace vhdx
