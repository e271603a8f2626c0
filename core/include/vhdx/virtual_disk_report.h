#pragma once
// The "virtual_disk" part of the reports: the disk behind the image (size, chain), its sector
// bitmaps and the guest's partitions. Computed once per report; probing reads at most
// GuestProbeOptions::maxBytes of the virtual disk.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vhdx/guest_partitions.h"
#include "vhdx/sector_bitmap.h"

namespace vhdx {

class Image;
class JsonWriter;

struct VirtualDiskSummary {
    uint64_t size = 0;
    uint64_t sectorSize = 0;
    size_t levels = 0; // opened: 1 = the image alone
    bool parentMissing = false;
    std::string missingParentReason;
    SectorBitmapSummary sectorBitmaps;
    GuestProbe guest;
};

// Nullopt when the image has no usable BAT and geometry.
[[nodiscard]] std::optional<VirtualDiskSummary> summarizeVirtualDisk(const Image& image);

// The value of the report's "virtual_disk" key (an object, or null).
void writeVirtualDiskJson(JsonWriter& w, const Image& image);
// The text report's "Virtual disk" section as label/value lines (empty: no section).
[[nodiscard]] std::vector<std::pair<std::string, std::string>>
virtualDiskTextLines(const Image& image);

} // namespace vhdx
