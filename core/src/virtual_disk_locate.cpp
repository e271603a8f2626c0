// "Where does virtual sector S come from": the level of the chain and the file offset, zero,
// a missing parent, or a block that cannot be followed.
#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/virtual_disk.h"

namespace vhdx {

std::optional<BlockSectorMap> VirtualDisk::sectorMap(uint64_t block, std::string* why) const {
    return readBlockSectorMap(*m_levels.front().image, block, why);
}

SectorOrigin VirtualDisk::locate(uint64_t sector) const {
    SectorOrigin o;
    if (sector >= size() / sectorSize()) {
        o.kind = SectorOrigin::Kind::Corrupt;
        o.problem = "sector " + std::to_string(sector) + " is beyond the disk";
        return o;
    }
    const uint64_t offset = sector * sectorSize();
    for (size_t level = 0;; ++level) {
        o.level = level;
        if (level == m_levels.size()) {
            o.kind = SectorOrigin::Kind::MissingParent;
            o.problem = m_missingReason;
            return o;
        }
        const Level& l = m_levels[level];
        o.kind = SectorOrigin::Kind::Zero;
        if (offset >= l.size)
            return o;
        const BatGeometry& geo = l.image->batReader()->geometry();
        const uint64_t block = offset / l.blockSize;
        const uint64_t within = offset % l.blockSize;
        const auto entry = l.image->batReader()->entry(geo.payloadIndexOfBlock(block));
        const uint8_t state = entry ? entry->state() : 0xFF;
        std::shared_ptr<const BlockSectorMap> map;
        std::string why;
        switch (state) {
        case bat_state::notPresent:
        case bat_state::undefined:
            if (!l.hasParent)
                return o;
            continue;
        case bat_state::zero:
        case bat_state::unmapped:
            return o;
        case bat_state::partiallyPresent:
            if (!l.hasParent)
                break;
            map = cachedSectorMap(level, block, why);
            if (!map) {
                o.kind = SectorOrigin::Kind::Corrupt;
                o.problem = why;
                return o;
            }
            if (!map->present(within / l.sectorSize))
                continue;
            [[fallthrough]];
        case bat_state::fullyPresent:
            if (addOverflows(entry->fileOffset(), within, o.fileOffset)) {
                o.kind = SectorOrigin::Kind::Corrupt;
                o.problem = "block " + std::to_string(block) + " has a file offset past 2^64";
                return o;
            }
            if (!l.image->view().contains(o.fileOffset, l.sectorSize)) {
                o.kind = SectorOrigin::Kind::Corrupt;
                o.problem = "block " + std::to_string(block) + " lies beyond the end of the file";
                return o;
            }
            o.kind = SectorOrigin::Kind::File;
            return o;
        default:
            break;
        }
        o.kind = SectorOrigin::Kind::Corrupt;
        o.problem = entry ? "block " + std::to_string(block) + " has BAT state " +
                                std::to_string(state) + ", undefined for this disk"
                          : "the BAT entry of block " + std::to_string(block) + " cannot be read";
        return o;
    }
}

} // namespace vhdx
