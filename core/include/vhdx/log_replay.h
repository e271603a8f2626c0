#pragma once
// The guarded log replay (MS-VHDX 2.3.3), built on the header update's
// machinery (header_update.h): the same writer seam, fingerprint, lock and two-step header
// write.
//
//   LogReplayPlan plan = planLogReplay(path, options);     // reads only
//   LogReplayResult r = applyLogReplay(plan, options);      // writes exactly that plan
//
// Order of the apply: lock, re-check the fingerprint, optional backup (header section + every
// byte the replay overwrites + the old size, see replay_backup.h), the descriptors in
// sequence order, the file extended to its replayed size, fdatasync, then the two-step header
// update that clears the LogGuid, then a re-read that checks the written bytes and that no
// replay is needed any more. Until the LogGuid is cleared the log stays active: a crash at any
// point leaves a file that replays again to the same result.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vhdx/header_update.h"
#include "vhdx/replay_plan.h"

namespace vhdx {

struct LogReplayOptions {
    std::string backupPath;            // empty: no backup
    std::optional<Guid> fileWriteGuid; // for tests; a new random one otherwise
    std::shared_ptr<WorkBudget> budget;
    std::function<void(WriteStep)> onStep; // test seam, as HeaderUpdateOptions::onStep
    // Backups are built in memory: larger ones are refused (copy the file instead).
    uint64_t maxBackupBytes = uint64_t(1) << 30;
};

struct LogReplayPlan {
    bool allowed = false;
    bool openFailed = false;      // the file could not be opened or read (CLI exit 2)
    bool nothingToReplay = false; // no active sequence: nothing to do (CLI exit 0)
    std::string refusal;          // why not, when !allowed
    std::string path;
    std::shared_ptr<const ReplayPlan> replay; // the descriptors, in order
    uint64_t sizeBefore = 0, sizeAfter = 0;
    uint64_t backupBytes = 0; // bytes of the old file the backup keeps
    HeaderUpdatePlan headers; // the LogGuid-clearing two-step update; its fingerprint is
                              // the file as the plan saw it
};

struct LogReplayResult {
    bool ok = false;
    bool refused = false;          // refused before anything was written: file unchanged
    size_t descriptorsWritten = 0; // descriptors whose write was issued
    bool extended = false;
    bool dataFlushed = false;
    int headerBlocksWritten = 0;
    bool backupWritten = false;
    std::string error;
    LogReplayPlan plan;
};

// What a replay would write and whether the guards allow it (reads the file, writes nothing).
[[nodiscard]] LogReplayPlan planLogReplay(const std::string& path, const LogReplayOptions& options);
// Writes exactly `plan`; `writer` null means the real file at plan.path (O_RDWR, locked).
[[nodiscard]] LogReplayResult applyLogReplay(const LogReplayPlan& plan,
                                             const LogReplayOptions& options,
                                             FileWriter* writer = nullptr);
// planLogReplay + applyLogReplay.
[[nodiscard]] LogReplayResult replayLog(const std::string& path, const LogReplayOptions& options,
                                        FileWriter* writer = nullptr);

} // namespace vhdx
