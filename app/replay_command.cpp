// vhdx-inspector --replay-log FILE [--yes] [--backup PATH] and
// vhdx-inspector --restore-backup BACKUP FILE [--yes]: print the plan; with --yes
// carry it out. Exit 0 done, dry run or nothing to replay; 1 refused or failed (reason on
// stderr); 2 usage error or file not openable.
//
// Test hook: VHDX_WRITE_TEST_DELAY_US (see update_command.cpp) also slows the replay down:
// it sleeps that long after each step, including after every descriptor written.
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>

#include "cli.h"
#include "vhdx/bytes.h"
#include "vhdx/log_replay.h"
#include "vhdx/printable.h"
#include "vhdx/replay_backup.h"
#include "write_test_hook.h"

namespace vhdx::app {

namespace {

// Descriptors the plan lists one per line; --json lists up to 4096.
constexpr size_t kPlanLines = 64;

void printPlan(const LogReplayPlan& plan, const LogReplayOptions& options, bool yes) {
    const ReplayPlan& r = *plan.replay;
    std::cout << "Log replay for " << terminalSafe(plan.path) << "\n"
              << "entries (in order): ";
    for (size_t i = 0; i < r.entrySequence().size(); ++i)
        std::cout << (i ? ", " : "") << r.entrySequence()[i];
    uint64_t changed = 0; // the bytes that end up changed: each overlay once
    for (const ReplayOverlay& o : r.overlays())
        changed += o.length;
    std::cout << "\ndescriptors: " << r.writes().size() << " (" << r.bytesWritten()
              << " bytes written";
    if (changed != r.bytesWritten())
        std::cout << "; they overlap: " << changed << " bytes end up changed";
    std::cout << ")\n";
    size_t shown = 0;
    for (const ReplayWrite& w : r.writes()) {
        if (shown++ == kPlanLines) {
            std::cout << "  ... " << r.writes().size() - kPlanLines
                      << " more (--json lists them under log.replay)\n";
            break;
        }
        std::cout << "  entry " << w.sequenceNumber << " descriptor " << w.descriptorIndex << ": "
                  << (w.isData ? "data " : "zero ") << w.length << " bytes at offset "
                  << w.fileOffset << "\n";
    }
    std::cout << "file size: " << plan.sizeBefore << " -> " << plan.sizeAfter
              << (plan.sizeAfter > plan.sizeBefore ? " (extended)" : "") << "\n";
    for (int i = 0; i < 2; ++i) {
        const HeaderSlotPlan& s = plan.headers.steps[i];
        std::cout << "then header " << s.slot << " at offset " << s.offset << ": sequence "
                  << s.newSequence << ", log_guid " << s.oldLogGuid.toString() << " -> "
                  << s.newLogGuid.toString() << ", fdatasync\n";
    }
    if (!options.backupPath.empty())
        std::cout << "backup first (" << plan.backupBytes
                  << " bytes: the header section and every range the replay overwrites, and "
                     "the old size): "
                  << terminalSafe(options.backupPath) << "\n";
    if (!yes)
        std::cout << "Dry run: nothing was written. Add --yes to replay the log.\n";
}

} // namespace

int runReplayLog(const CommandLine& cmd) {
    LogReplayOptions options;
    options.backupPath = cmd.backupPath;
    options.onStep = testHook();

    const LogReplayPlan plan = planLogReplay(cmd.files.front(), options);
    if (plan.openFailed) {
        std::cerr << "vhdx-inspector: " << terminalSafe(plan.refusal) << "\n";
        return 2;
    }
    if (plan.nothingToReplay) {
        std::cout << "Nothing to replay: " << terminalSafe(plan.path)
                  << " has no active log sequence. Nothing was written.\n";
        std::cout.flush();
        return stdoutFailed(!std::cout) ? 2 : 0;
    }
    if (!plan.allowed) {
        std::cerr << "vhdx-inspector: log replay refused: " << terminalSafe(plan.refusal)
                  << "\nNothing was written.\n";
        return 1;
    }
    printPlan(plan, options, cmd.yes);
    std::cout.flush();
    if (stdoutFailed(!std::cout)) {
        if (cmd.yes)
            std::cerr << "vhdx-inspector: the plan could not be shown, so the replay was not "
                         "made. Nothing was written.\n";
        return 2;
    }
    if (!cmd.yes)
        return 0;

    const LogReplayResult r = applyLogReplay(plan, options);
    if (!r.ok) {
        std::cerr << "vhdx-inspector: log replay " << (r.refused ? "refused: " : "failed: ")
                  << terminalSafe(r.error) << "\n";
        if (r.refused)
            std::cerr << "Nothing was written.\n";
        if (r.backupWritten)
            std::cerr << "Backup: " << terminalSafe(options.backupPath) << "\n";
        return 1;
    }
    std::cout << "Done: " << countOf(r.descriptorsWritten, "descriptor", "descriptors")
              << " written"
              << (r.extended ? ", file extended to " + std::to_string(plan.sizeAfter) + " bytes"
                             : std::string())
              << ", LogGuid cleared; re-read and verified: no replay needed.\n";
    if (r.backupWritten)
        std::cout << "Backup written to " << terminalSafe(options.backupPath)
                  << "; to undo the replay: vhdx-inspector --restore-backup "
                  << terminalSafe(options.backupPath) << " " << terminalSafe(plan.path)
                  << " --yes\n";
    std::cout.flush();
    if (stdoutFailed(!std::cout)) {
        std::cerr << "vhdx-inspector: the log was replayed and verified, but this report of it "
                     "could not be written\n";
        return 2;
    }
    return 0;
}

int runRestoreBackup(const CommandLine& cmd) {
    const std::string& backup = cmd.files[0];
    const std::string& image = cmd.files[1];
    const RestoreResult r = restoreReplayBackup(backup, image, cmd.yes);
    if (!r.ok) {
        std::cerr << "vhdx-inspector: restore " << (r.refused ? "refused: " : "failed: ")
                  << terminalSafe(r.error) << "\n";
        if (r.refused)
            std::cerr << "Nothing was written.\n";
        return 1;
    }
    std::cout << "Restore of " << terminalSafe(image) << " from " << terminalSafe(backup) << ": "
              << r.backup.records.size() << " ranges, size set back to " << r.backup.oldSize
              << " bytes\n";
    for (const BackupRecord& rec : r.backup.records)
        std::cout << "  " << rec.length << " bytes at offset " << rec.offset
                  << (rec.zeros ? " (zeros)" : "") << "\n";
    std::cout << (cmd.yes ? "Done: restored, flushed and re-read.\n"
                          : "Dry run: nothing was written. Add --yes to restore.\n");
    std::cout.flush();
    return stdoutFailed(!std::cout) ? 2 : 0;
}

} // namespace vhdx::app
