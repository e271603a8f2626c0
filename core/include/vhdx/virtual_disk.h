#pragma once
// The virtual disk behind an image: reads any byte range of the guest's disk by resolving each
// sector through the BAT, the sector bitmaps and the parent chain (MS-VHDX 2.5 and
// 2.5.1). Reads go through each image's view() (as after its pending log replay);
// BAT entries through its BatReader (on demand, bounded cache). Memory stays bounded for any
// disk size.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vhdx/sector_bitmap.h"

namespace vhdx {

class Image;
class WorkBudget;

enum class VirtualReadStatus {
    Ok,
    OutOfRange,    // the range reaches past the virtual disk's end
    ParentMissing, // some sectors come from a parent that could not be opened
    Corrupt,       // a BAT entry or sector bitmap that cannot be followed (undefined state, ...)
    IoError,       // a file read failed
};

struct VirtualReadResult {
    VirtualReadStatus status = VirtualReadStatus::Ok;
    // Sectors of a missing parent were read as zeros (only when the caller allowed it).
    bool missingParentReadAsZeros = false;
    std::string problem; // what failed and where, for a message
    [[nodiscard]] bool ok() const { return status == VirtualReadStatus::Ok; }
};

// Where one virtual sector comes from.
struct SectorOrigin {
    enum class Kind { File, Zero, MissingParent, Corrupt };
    Kind kind = Kind::Zero;
    size_t level = 0; // File: 0 = this image, 1 = its parent, ...; else the level that decided
    uint64_t fileOffset = 0; // File: offset in that level's file
    std::string problem;     // Corrupt, MissingParent: why
};

// A run of the virtual disk: Data may hold non-zero bytes (some level stores them); Zero reads
// as zeros for sure; MissingParent comes from a parent that could not be opened.
struct VirtualExtent {
    enum class Kind { Data, Zero, MissingParent };
    uint64_t offset = 0;
    uint64_t length = 0;
    Kind kind = Kind::Zero;
};

struct VirtualDiskOptions {
    // Read sectors of a missing parent as zeros (and say so) instead of failing.
    bool missingParentAsZeros = false;
};

class VirtualDisk {
  public:
    // The disk of image and its ancestors, opened from image.parentChain() (each with
    // Image::open, not resolving further: the chain is the child's). Null when the image has
    // no usable BAT or geometry; why says so.
    [[nodiscard]] static std::unique_ptr<VirtualDisk> open(const Image& image, std::string& why);
    // For images without files (tests): ancestors given nearest first, not owned. A level whose
    // metadata has HasParent and that has no ancestor after it makes the chain incomplete.
    [[nodiscard]] static std::unique_ptr<VirtualDisk>
    fromChain(const Image& image, const std::vector<const Image*>& ancestors, std::string& why);

    [[nodiscard]] uint64_t size() const { return m_levels.front().size; }
    [[nodiscard]] uint64_t sectorSize() const { return m_levels.front().sectorSize; }
    // Opened levels: 0 = the image, 1 = its parent, ...
    [[nodiscard]] size_t levels() const { return m_levels.size(); }
    [[nodiscard]] const Image& level(size_t i) const { return *m_levels.at(i).image; }
    // True when the last opened level has HasParent: its parent could not be opened. The
    // missing level is levels(); missingParentReason() says why.
    [[nodiscard]] bool parentMissing() const { return m_parentMissing; }
    [[nodiscard]] const std::string& missingParentReason() const { return m_missingReason; }
    // Why a level's bytes may not be the disk's: its log needs a replay that could not be
    // applied in memory (LOG_REPLAY_NOT_APPLIED) or whose need is unknown (LOG_REPLAY_UNKNOWN).
    // Empty when every level reads as the disk (a pending replay applied counts as the disk).
    [[nodiscard]] std::string staleLevel() const;

    // Reads [offset, offset+length) of the virtual disk into out.
    [[nodiscard]] VirtualReadResult read(uint64_t offset, uint64_t length, uint8_t* out,
                                         const VirtualDiskOptions& options = {}) const;
    // Where virtual sector (of sectorSize() bytes) comes from; Corrupt past the disk's end.
    [[nodiscard]] SectorOrigin locate(uint64_t sector) const;
    // Visits the extents covering [from, to) in order, adjacent runs of one kind merged;
    // stops early when visit returns false. Walks each level's BAT once, forward, in 256 KiB
    // runs: the time is that of the tables, not of the virtual size.
    void extents(uint64_t from, uint64_t to,
                 const std::function<bool(const VirtualExtent&)>& visit) const;

    // The sector map of a partially present block of level 0 (nullopt, why set, otherwise).
    [[nodiscard]] std::optional<BlockSectorMap> sectorMap(uint64_t block, std::string* why) const;

  private:
    struct Level {
        const Image* image = nullptr;
        uint64_t size = 0;
        uint64_t sectorSize = 0;
        uint64_t blockSize = 0;
        bool hasParent = false;
    };
    class ExtentWalk;

    VirtualDisk() = default;
    [[nodiscard]] bool addLevel(const Image& image, std::string& why);
    [[nodiscard]] VirtualReadResult readLevel(size_t level, uint64_t offset, uint64_t length,
                                              uint8_t* out,
                                              const VirtualDiskOptions& options) const;
    [[nodiscard]] VirtualReadResult readPartial(size_t level, uint64_t block, uint64_t within,
                                                uint64_t length, uint64_t fileOffset, uint8_t* out,
                                                const VirtualDiskOptions& options) const;
    [[nodiscard]] std::shared_ptr<const BlockSectorMap>
    cachedSectorMap(size_t level, uint64_t block, std::string& why) const;
    [[nodiscard]] VirtualReadResult readFile(size_t level, uint64_t fileOffset, uint64_t length,
                                             uint8_t* out) const;

    std::vector<Level> m_levels;
    std::vector<std::unique_ptr<Image>> m_owned; // ancestors opened by open()
    bool m_parentMissing = false;
    std::string m_missingReason;
    // The last sector map read, per level: a partially present block is read in many pieces.
    mutable std::mutex m_mapMutex;
    mutable std::vector<std::shared_ptr<const BlockSectorMap>> m_lastMap;
};

} // namespace vhdx
