#pragma once
// Reconnecting a differencing disk to its parent: CHILD's parent locator is
// rewritten to lead to PARENT (absolute_win32_path and relative_path as Hyper-V writes them;
// parent_linkage and parent_linkage2 kept; volume_path dropped, since its volume GUID is only
// known to Windows, which adds it back when it opens the chain), through the log (log_writer.h).
//
// Like the header update (header_update.h), in two phases:
//   SetParentPlan plan = planSetParent(child, parent, options);  // reads only
//   SetParentResult r = applySetParent(plan, options);            // writes exactly that plan
// The plan refuses when PARENT's DataWriteGuid is not one CHILD expects (parent_linkage, or
// parent_linkage2): then PARENT is another disk, or was written to after CHILD was made, and
// CHILD's blocks on top of it would read as a mix of two disks. There is no override. It also
// refuses on the header update's guards (not a VHDX, no valid header, log replay needed or
// unknown, sequence overflow, existing backup) and when CHILD has other error findings. apply
// refuses when the file changed since the plan (fingerprint: stat, first MiB, the metadata
// sectors read) or is locked.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vhdx/guid.h"
#include "vhdx/header_update.h"
#include "vhdx/log_writer.h"
#include "vhdx/metadata_edit.h"
#include "vhdx/work_budget.h"

namespace vhdx {

struct SetParentOptions {
    std::string backupPath; // empty: none; else the first MiB and the changed metadata sectors
    std::optional<Guid> fileWriteGuid; // for tests; a new random one otherwise
    std::optional<Guid> logGuid;       // for tests; a new random one otherwise
    std::shared_ptr<WorkBudget> budget;
    // Test seam, called after each step of the transaction (the CLI's test hook sleeps here).
    std::function<void(LogWriteStep)> onStep;
};

struct LocatorChange {
    std::string key;
    std::optional<std::string> oldValue; // absent: the key is new
    std::optional<std::string> newValue; // absent: the key is removed
};

struct SetParentPlan {
    bool allowed = false;
    bool openFailed = false;  // CHILD or PARENT could not be opened or read (CLI exit 2)
    bool nothingToDo = false; // the locator already reads exactly so (allowed is false)
    std::string refusal;
    std::string childPath, parentPath; // as given
    Guid parentDataWriteGuid;
    std::string linkageKey; // the key whose GUID PARENT's DataWriteGuid equals
    std::vector<std::pair<std::string, std::string>> newLocator; // in item order
    std::vector<LocatorChange> changes;
    MetadataItemEdit edit;   // where the item goes, the sectors that change
    HeaderUpdatePlan header; // the header update opening the log; its fingerprint
    LogWritePlan log;
    uint64_t logSequence = 0;
    std::string setVhdCommand;      // the PowerShell line doing the same on Windows
    bool windowsPathsKnown = false; // both paths lie on a WSL drive mount (/mnt/<x>/)
};

struct SetParentResult {
    bool ok = false;
    bool refused = false; // nothing was written
    bool backupWritten = false;
    std::string error;
    LogWriteResult write;
    SetParentPlan plan;
};

[[nodiscard]] SetParentPlan planSetParent(const std::string& childPath,
                                          const std::string& parentPath,
                                          const SetParentOptions& options);
// `writer` null: the real file at plan.childPath, opened O_RDWR and locked.
[[nodiscard]] SetParentResult applySetParent(const SetParentPlan& plan,
                                             const SetParentOptions& options,
                                             FileWriter* writer = nullptr);
[[nodiscard]] SetParentResult setParentLocator(const std::string& childPath,
                                               const std::string& parentPath,
                                               const SetParentOptions& options,
                                               FileWriter* writer = nullptr);

} // namespace vhdx
