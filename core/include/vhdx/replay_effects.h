#pragma once
// What a replay of the active log sequence changes, in the image's terms: where
// each descriptor lands (BAT entries i..j, a metadata item, a payload block, the header
// section, the log, beyond end of file), the BAT entries before -> after, the metadata items
// and region tables whose bytes change, and the file size before -> after.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vhdx/bat.h"
#include "vhdx/replay_plan.h"

namespace vhdx {

class ByteSource;
class Findings;
struct Metadata;
struct Regions;

enum class ReplayTargetKind {
    HeaderSection,     // the first 1 MiB outside the region tables (identifier, headers)
    RegionTable,       // name "region_table1" / "region_table2"
    Log,               // the log area itself
    Bat,               // BAT entries [first, last]
    MetadataTable,     // the 64 KiB metadata table
    MetadataItem,      // name = the item's name
    MetadataRegion,    // the rest of the metadata region
    PayloadBlock,      // block number first (BAT index last), known after the BAT scan
    SectorBitmapBlock, // chunk first (BAT index last), known after the BAT scan
    Unallocated,       // inside the stored file, in no structure the image knows
    BeyondEndOfFile,   // past the stored end of the file
};

struct ReplayTarget {
    ReplayTargetKind kind = ReplayTargetKind::Unallocated;
    std::string name;
    uint64_t first = 0, last = 0;
};

[[nodiscard]] const char* replayTargetKindName(ReplayTargetKind k); // "bat", "metadata_item"...

struct BatEntryChange {
    uint64_t index = 0;
    uint64_t before = 0, after = 0; // raw entries
};

struct ByteRangeChange {
    std::string name; // "File Parameters", "region_table1", "metadata table"
    uint64_t offset = 0;
    uint64_t length = 0;
};

// BAT changes listed in full up to this many; the count is always exact.
constexpr size_t maxListedBatChanges = 100;

struct ReplayEffects {
    std::shared_ptr<const ReplayPlan> plan;
    bool applied = false;      // the image's structures were read through the replay
    bool replayable = false;   // a replay may run (plan buildable, FlushedFileOffset fits)
    std::string notReplayable; // why not, when !replayable
    std::vector<std::vector<ReplayTarget>> targets; // per plan write
    std::vector<BatEntryChange> batChanges;         // the first maxListedBatChanges
    uint64_t batChangeCount = 0;
    bool batCompared = false;                       // false: no BAT geometry or a read failed
    std::vector<ByteRangeChange> changedStructures; // region tables, metadata table and items
    uint64_t sizeBefore = 0, sizeAfter = 0;
    uint64_t writesIntoHeaderSection = 0, writesIntoLog = 0, writesBeyondLastFileOffset = 0;
};

// Classifies every write of effects.plan against the image's structures and compares the
// stored file with the replayed view (BAT entries, metadata, region tables). Adds the
// LOG_REPLAY_WRITES_* findings. replayed must be the view over stored made from the plan.
void describeReplay(ReplayEffects& effects, const ByteSource& stored, const ByteSource& replayed,
                    const Regions& regions, const Metadata& metadata, const BatGeometry& geometry,
                    Findings& findings);

// After the BAT scan: the writes whose first byte lies in a payload or sector-bitmap block
// (hits from BatScanOptions::locate).
void placeReplayInBlocks(ReplayEffects& effects, std::vector<BatBlockHit> hits,
                         const BatGeometry& geometry);
// The first bytes of the writes that describeReplay could not place, sorted, for
// BatScanOptions::locate.
[[nodiscard]] std::vector<uint64_t> unplacedReplayOffsets(const ReplayEffects& effects);

} // namespace vhdx
