#pragma once
// The guarded header update (MS-VHDX 2.2.2.1): two steps,
// non-current slot first, each write flushed, both re-read and verified. It refuses, changing
// nothing, whenever it cannot be sure of leaving the file at least as good as before.
//
// Two-phase use (the GUI dialog, the CLI):
//   HeaderUpdatePlan plan = planHeaderUpdate(path, options);   // reads only
//   ... show plan.steps / plan.refusal, let the user confirm ...
//   HeaderUpdateResult r = applyHeaderUpdate(plan, options);    // writes exactly that plan
// applyHeaderUpdate refuses when the file changed on disk since the plan was made (size,
// mtime, ctime, device/inode or the first 1 MiB differ), checked on the open descriptor just
// before the first write. updateHeaders() is both in one call.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vhdx/file_writer.h"
#include "vhdx/guid.h"
#include "vhdx/work_budget.h"

namespace vhdx {

struct Header;

// Bytes of the file at an offset (a fingerprint's extra ranges, a backup's pieces).
struct FileRange {
    uint64_t offset = 0;
    std::vector<uint8_t> bytes;
    bool operator==(const FileRange&) const = default;
};

struct FileFingerprint {
    FileStat stat;
    std::vector<uint8_t> head; // the first min(size, 1 MiB) bytes
    // Further bytes a writer relies on (the set-parent plan: the metadata sectors it read).
    std::vector<FileRange> ranges;
    bool operator==(const FileFingerprint&) const = default;
};

struct HeaderUpdateOptions {
    bool newDataWriteGuid = false;
    // A new DataWriteGuid orphans the differencing disks of the image's folder made from it:
    // the plan refuses when there are any (it lists them in orphanedChildren) unless this is set.
    bool allowOrphaningChildren = false;
    // The update also sets this LogGuid: a new non-zero one is the log writer's first step
    // (MS-VHDX 2.3), the null GUID the last step of a log replay (the log is inactive once the
    // current header has a null LogGuid).
    std::optional<Guid> logGuid;
    std::string backupPath;            // empty: no backup of the first 1 MiB
    std::optional<Guid> fileWriteGuid; // for tests; a new random one otherwise
    std::optional<Guid> dataWriteGuid; // for tests, with newDataWriteGuid
    // The open's work budget for reading the log (null: the default). A log it cannot check
    // to its end leaves the replay state Unknown, and the update refuses.
    std::shared_ptr<WorkBudget> budget;
    // Test seam, called by applyHeaderUpdate after each step (a test changes the file behind
    // the update's back; the CLI's documented test hook sleeps here). Null: nothing.
    std::function<void(WriteStep)> onStep;
};

struct HeaderSlotPlan {
    int slot = 0; // 1 or 2, in write order
    uint64_t offset = 0;
    uint64_t oldSequence = 0;
    uint64_t newSequence = 0;
    bool oldValid = false;
    std::string oldProblem; // why the old header is not valid ("" when it is)
    Guid oldFileWriteGuid, newFileWriteGuid;
    Guid oldDataWriteGuid, newDataWriteGuid;
    Guid oldLogGuid, newLogGuid;
    std::vector<uint8_t> newBlock; // the 4 KiB that will be written
};

struct HeaderUpdatePlan {
    bool allowed = false;
    bool openFailed = false; // the file could not be opened or read at all (CLI exit 2)
    std::string refusal;     // why not, when !allowed
    std::string path;
    int currentSlot = 0;
    HeaderSlotPlan steps[2];     // steps[0] is the non-current slot, written first
    FileFingerprint fingerprint; // the file as the plan saw it
    // With newDataWriteGuid: the differencing disks of its folder that expect the current
    // DataWriteGuid (relative paths), whom the update would orphan.
    std::vector<std::string> orphanedChildren;
};

struct HeaderUpdateResult {
    bool ok = false;
    bool refused = false;  // a guard refused before anything was written: file unchanged
    int blocksWritten = 0; // header writes issued (0, 1 or 2), whether or not they completed
    bool backupWritten = false;
    std::string error; // what failed or why it was refused, when !ok
    HeaderUpdatePlan plan;
};

// The two 4 KiB blocks of an update, built from the current header's block: sequence +1 and
// +2, the given FileWriteGuid, DataWriteGuid replaced when newDataWriteGuid is set, LogGuid
// when newLogGuid is set (a null GUID clears it), every other byte kept, checksum
// recomputed. Pure; the caller checks the sequence for overflow.
[[nodiscard]] std::array<std::vector<uint8_t>, 2>
buildHeaderBlocks(const uint8_t* current4k, const Guid& fileWriteGuid,
                  const std::optional<Guid>& newDataWriteGuid,
                  const std::optional<Guid>& newLogGuid = std::nullopt);
// The plan of one slot: old header -> the block that will replace it.
[[nodiscard]] HeaderSlotPlan headerSlotPlan(const Header& old, const std::vector<uint8_t>& block);

// What an update would do, and whether the guards allow it (reads the file, writes nothing).
[[nodiscard]] HeaderUpdatePlan planHeaderUpdate(const std::string& path,
                                                const HeaderUpdateOptions& options);
// Writes exactly `plan` (its blocks and GUIDs); from options it uses backupPath and onStep.
// `writer` null means the real file at plan.path, opened O_RDWR and locked.
[[nodiscard]] HeaderUpdateResult applyHeaderUpdate(const HeaderUpdatePlan& plan,
                                                   const HeaderUpdateOptions& options,
                                                   FileWriter* writer = nullptr);
// planHeaderUpdate + applyHeaderUpdate.
[[nodiscard]] HeaderUpdateResult updateHeaders(const std::string& path,
                                               const HeaderUpdateOptions& options,
                                               FileWriter* writer = nullptr);

} // namespace vhdx
