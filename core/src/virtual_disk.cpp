// The virtual disk: opening the chain and reading byte ranges (MS-VHDX 2.5, "Reading a virtual
// sector"); locating sectors is in virtual_disk_locate.cpp, extents in virtual_disk_extents.cpp.
#include "vhdx/virtual_disk.h"

#include <algorithm>
#include <cstring>

#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/work_budget.h"

namespace vhdx {

namespace {

VirtualReadResult failure(VirtualReadStatus status, std::string problem) {
    VirtualReadResult r;
    r.status = status;
    r.problem = std::move(problem);
    return r;
}

std::string levelName(size_t level) {
    return level == 0 ? std::string("the image") : "ancestor " + std::to_string(level);
}

} // namespace

std::string VirtualDisk::staleLevel() const {
    for (size_t i = 0; i < m_levels.size(); ++i) {
        const Image& img = *m_levels[i].image;
        const LogReplayState state = img.log().replayState;
        if (state == LogReplayState::Unknown)
            return levelName(i) + " has a log that may need a replay, which could not be checked "
                                  "(LOG_REPLAY_UNKNOWN)";
        if (state == LogReplayState::Needed && img.viewKind() != ReadView::Replayed)
            return levelName(i) + " has a pending log replay that could not be applied in memory "
                                  "(LOG_REPLAY_NOT_APPLIED)";
    }
    return {};
}

bool VirtualDisk::addLevel(const Image& image, std::string& why) {
    const BatReader* bat = image.batReader();
    if (!bat || !bat->geometry().valid) {
        why = "no usable BAT and geometry";
        return false;
    }
    const BatGeometry& g = bat->geometry();
    m_levels.push_back({&image, g.virtualDiskSize, g.logicalSectorSize, g.blockSize, g.hasParent});
    m_lastMap.emplace_back();
    return true;
}

std::unique_ptr<VirtualDisk> VirtualDisk::open(const Image& image, std::string& why) {
    std::unique_ptr<VirtualDisk> disk(new VirtualDisk);
    if (!disk->addLevel(image, why))
        return nullptr;
    const auto budget = std::make_shared<WorkBudget>();
    const std::vector<ParentLink>& chain = image.parentChain();
    for (size_t i = 0; disk->m_levels.back().hasParent; ++i) {
        const std::string who = "the parent of " + levelName(i);
        if (i >= chain.size()) {
            disk->m_missingReason =
                who +
                (image.path().empty() ? " cannot be looked for (the image is not a file)"
                 : i == size_t(maxParentChainDepth)
                     ? " was not opened: the chain is deeper than " +
                           std::to_string(maxParentChainDepth) + " images (PARENT_CHAIN_TOO_DEEP)"
                     : " is not named by a usable parent locator");
            break;
        }
        const ParentLink& link = chain[i];
        if (!link.found || !link.readable) {
            disk->m_missingReason =
                who + (link.found ? ", " + link.path +
                                        ", is not a readable VHDX or is already in "
                                        "the chain"
                                  : " was not found");
            break;
        }
        std::string error;
        ParseOptions options;
        options.resolveParent = false;
        options.budget = budget;
        auto parent = Image::open(link.path, error, options);
        std::string levelWhy;
        if (!parent || !disk->addLevel(*parent, levelWhy)) {
            disk->m_missingReason =
                who + ", " + link.path + ", cannot be read: " + (parent ? levelWhy : error);
            break;
        }
        disk->m_owned.push_back(std::move(parent));
    }
    disk->m_parentMissing = disk->m_levels.back().hasParent;
    return disk;
}

std::unique_ptr<VirtualDisk> VirtualDisk::fromChain(const Image& image,
                                                    const std::vector<const Image*>& ancestors,
                                                    std::string& why) {
    std::unique_ptr<VirtualDisk> disk(new VirtualDisk);
    if (!disk->addLevel(image, why))
        return nullptr;
    for (const Image* parent : ancestors) {
        if (!disk->m_levels.back().hasParent)
            break;
        std::string levelWhy;
        if (!parent || !disk->addLevel(*parent, levelWhy)) {
            disk->m_missingReason = "ancestor " + std::to_string(disk->m_levels.size()) +
                                    " cannot be read: " + levelWhy;
            break;
        }
    }
    disk->m_parentMissing = disk->m_levels.back().hasParent;
    if (disk->m_parentMissing && disk->m_missingReason.empty())
        disk->m_missingReason =
            "the parent of " + levelName(disk->m_levels.size() - 1) + " was not given";
    return disk;
}

VirtualReadResult VirtualDisk::readFile(size_t level, uint64_t fileOffset, uint64_t length,
                                        uint8_t* out) const {
    const Image& img = *m_levels[level].image;
    switch (img.view().read(fileOffset, out, length)) {
    case ReadStatus::Ok:
        return {};
    case ReadStatus::PastEnd:
        return failure(VirtualReadStatus::Corrupt,
                       "data of " + levelName(level) + " at file offset " +
                           std::to_string(fileOffset) + " (+" + std::to_string(length) +
                           ") lies beyond the end of its file (" + std::to_string(img.fileSize()) +
                           " bytes)");
    case ReadStatus::IoError:
        break;
    }
    return failure(VirtualReadStatus::IoError, "reading " + levelName(level) + " at file offset " +
                                                   std::to_string(fileOffset) + " failed");
}

std::shared_ptr<const BlockSectorMap> VirtualDisk::cachedSectorMap(size_t level, uint64_t block,
                                                                   std::string& why) const {
    {
        std::lock_guard lock(m_mapMutex);
        const auto& last = m_lastMap[level];
        if (last && last->block == block)
            return last;
    }
    auto map = readBlockSectorMap(*m_levels[level].image, block, &why);
    if (!map)
        return nullptr;
    auto shared = std::make_shared<const BlockSectorMap>(std::move(*map));
    std::lock_guard lock(m_mapMutex);
    m_lastMap[level] = shared;
    return shared;
}

VirtualReadResult VirtualDisk::readPartial(size_t level, uint64_t block, uint64_t within,
                                           uint64_t length, uint64_t fileOffset, uint8_t* out,
                                           const VirtualDiskOptions& options) const {
    std::string why;
    const auto map = cachedSectorMap(level, block, why);
    if (!map)
        return failure(VirtualReadStatus::Corrupt, "partially present block " +
                                                       std::to_string(block) + " of " +
                                                       levelName(level) + ": " + why);
    const Level& l = m_levels[level];
    const uint64_t blockStart = block * l.blockSize;
    VirtualReadResult total;
    const uint64_t end = within + length;
    for (uint64_t pos = within; pos < end;) {
        const bool here = map->present(pos / l.sectorSize);
        uint64_t runEnd = (pos / l.sectorSize + 1) * l.sectorSize;
        while (runEnd < end && map->present(runEnd / l.sectorSize) == here)
            runEnd += l.sectorSize;
        runEnd = std::min(runEnd, end);
        uint8_t* dst = out + (pos - within);
        uint64_t at = 0;
        if (here && addOverflows(fileOffset, pos, at))
            return failure(VirtualReadStatus::Corrupt, "partially present block " +
                                                           std::to_string(block) +
                                                           " has a file offset past 2^64");
        const VirtualReadResult r =
            here ? readFile(level, at, runEnd - pos, dst)
                 : readLevel(level + 1, blockStart + pos, runEnd - pos, dst, options);
        if (!r.ok()) {
            if (here)
                return failure(r.status, "partially present block " + std::to_string(block) + ": " +
                                             r.problem);
            return r;
        }
        total.missingParentReadAsZeros |= r.missingParentReadAsZeros;
        pos = runEnd;
    }
    return total;
}

VirtualReadResult VirtualDisk::readLevel(size_t level, uint64_t offset, uint64_t length,
                                         uint8_t* out, const VirtualDiskOptions& options) const {
    VirtualReadResult total;
    if (level == m_levels.size()) {
        if (!options.missingParentAsZeros)
            return failure(VirtualReadStatus::ParentMissing,
                           "virtual bytes [" + std::to_string(offset) + ", +" +
                               std::to_string(length) +
                               ") come from a missing parent: " + m_missingReason);
        std::memset(out, 0, length);
        total.missingParentReadAsZeros = true;
        return total;
    }
    const Level& l = m_levels[level];
    // An ancestor smaller than its child reads as zeros past its end.
    if (offset >= l.size) {
        std::memset(out, 0, length);
        return total;
    }
    if (length > l.size - offset) {
        std::memset(out + (l.size - offset), 0, length - (l.size - offset));
        length = l.size - offset;
    }
    const BatReader& bat = *l.image->batReader();
    const BatGeometry& geo = bat.geometry();
    while (length) {
        const uint64_t block = offset / l.blockSize;
        const uint64_t within = offset % l.blockSize;
        const uint64_t n = std::min(length, l.blockSize - within);
        const auto entry = bat.entry(geo.payloadIndexOfBlock(block));
        if (!entry)
            return failure(VirtualReadStatus::Corrupt, "the BAT entry of block " +
                                                           std::to_string(block) + " of " +
                                                           levelName(level) + " cannot be read");
        VirtualReadResult r;
        uint64_t at = 0;
        switch (entry->state()) {
        case bat_state::notPresent:
        case bat_state::undefined:
            if (l.hasParent)
                r = readLevel(level + 1, offset, n, out, options);
            else
                std::memset(out, 0, n);
            break;
        case bat_state::zero:
        case bat_state::unmapped:
            std::memset(out, 0, n);
            break;
        case bat_state::fullyPresent:
            if (addOverflows(entry->fileOffset(), within, at))
                return failure(VirtualReadStatus::Corrupt, "block " + std::to_string(block) +
                                                               " of " + levelName(level) +
                                                               " has a file offset past 2^64");
            r = readFile(level, at, n, out);
            if (!r.ok())
                r.problem = "block " + std::to_string(block) + ": " + r.problem;
            break;
        case bat_state::partiallyPresent:
            if (l.hasParent) {
                r = readPartial(level, block, within, n, entry->fileOffset(), out, options);
                break;
            }
            [[fallthrough]];
        default:
            return failure(VirtualReadStatus::Corrupt, "block " + std::to_string(block) + " of " +
                                                           levelName(level) + " has BAT state " +
                                                           std::to_string(entry->state()) +
                                                           ", undefined for this disk");
        }
        if (!r.ok())
            return r;
        total.missingParentReadAsZeros |= r.missingParentReadAsZeros;
        offset += n;
        out += n;
        length -= n;
    }
    return total;
}

VirtualReadResult VirtualDisk::read(uint64_t offset, uint64_t length, uint8_t* out,
                                    const VirtualDiskOptions& options) const {
    if (offset > size() || length > size() - offset)
        return failure(VirtualReadStatus::OutOfRange,
                       "[" + std::to_string(offset) + ", +" + std::to_string(length) +
                           ") reaches past the virtual disk's end (" + std::to_string(size()) +
                           " bytes)");
    return readLevel(0, offset, length, out, options);
}

} // namespace vhdx
