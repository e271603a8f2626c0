// vhdx-inspector --set-parent CHILD PARENT [--yes] [--backup PATH]: prints the plan (the
// locator before and after, the writes in order, the Set-VHD line doing the same on Windows);
// with --yes carries it out through the log. Exit 0 done, dry run or nothing to change;
// 1 refused or failed (reason on stderr); 2 usage error, CHILD or PARENT not openable, or the
// plan could not be shown. The test hook VHDX_WRITE_TEST_DELAY_US (update_command.cpp)
// sleeps after each step of the transaction.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

#include "cli.h"
#include "vhdx/printable.h"
#include "vhdx/set_parent.h"
#include "write_test_hook.h"

namespace vhdx::app {

namespace {

std::string safe(const std::optional<std::string>& v, const char* absent) {
    return v ? "\"" + terminalSafe(*v) + "\"" : absent;
}

void printHeaders(const char* what, const HeaderSlotPlan (&slots)[2]) {
    std::cout << "  " << what << ": header " << slots[0].slot << " (sequence "
              << slots[0].newSequence << "), then header " << slots[1].slot << " (sequence "
              << slots[1].newSequence << "), each flushed; LogGuid "
              << slots[1].oldLogGuid.toString() << " -> " << slots[1].newLogGuid.toString() << "\n";
}

void printPlan(const SetParentPlan& plan, const SetParentOptions& options, bool yes) {
    std::cout << "Reconnect " << terminalSafe(plan.childPath) << "\n"
              << "       to " << terminalSafe(plan.parentPath) << "\n"
              << "PARENT's DataWriteGuid " << plan.parentDataWriteGuid.toString() << " is CHILD's "
              << plan.linkageKey << ": it is the disk CHILD was made from.\n\nParent locator:\n";
    for (const LocatorChange& c : plan.changes)
        std::cout << "  " << terminalSafe(c.key) << ": " << safe(c.oldValue, "(none)") << " -> "
                  << safe(c.newValue, "(removed: its volume GUID is only known to Windows, "
                                      "which adds it back when it opens the chain)")
                  << "\n";
    for (const auto& [key, value] : plan.newLocator) {
        bool changed = false;
        for (const LocatorChange& c : plan.changes)
            changed = changed || c.key == key;
        if (!changed)
            std::cout << "  " << terminalSafe(key) << ": \"" << terminalSafe(value)
                      << "\" (kept)\n";
    }
    const MetadataItemEdit& e = plan.edit;
    std::cout << "The locator item: " << e.oldLength << " bytes at metadata offset " << e.oldOffset
              << " -> " << e.newLength << " bytes at offset " << e.newOffset
              << (e.moved() ? " (moved: it no longer fits where it was)" : "") << "\n"
              << "\nWrites, in order (through the log, MS-VHDX 2.3; a crash at any point leaves "
                 "the old locator or a log whose replay gives the new one):\n";
    printHeaders("1. open the log", plan.log.open);
    std::cout << "  2. log entry " << plan.logSequence << " (" << plan.log.entry.size()
              << " bytes, " << plan.log.sectors.size() << " metadata sectors) at file offset "
              << plan.log.entryFileOffset << ", flushed\n  3. the sectors in place at";
    for (const SectorWrite& s : plan.log.sectors)
        std::cout << " " << s.fileOffset;
    std::cout << ", flushed\n";
    printHeaders("4. close the log", plan.log.close);
    if (!options.backupPath.empty())
        std::cout << "Backup of the first MiB and of the sectors that change: "
                  << terminalSafe(options.backupPath) << "\n";
    std::cout << "\nOn Windows the same: " << terminalSafe(plan.setVhdCommand) << "\n";
    if (!plan.windowsPathsKnown)
        std::cout << "  (with the paths as Windows sees them)\n";
    if (!yes)
        std::cout << "\nDry run: nothing was written (the new GUIDs are drawn again on each run). "
                     "Add --yes to rewrite the locator.\n";
}

// What the file holds after a failure, from the last step completed.
const char* stateAfterFailure(const LogWriteResult& w) {
    if (!w.anyWriteIssued)
        return "Nothing was written.";
    if (!w.anyStep || w.reached < LogWriteStep::EntryWritten)
        return "The headers may carry a new LogGuid but the log holds no entry for it: the file "
               "reads with the old locator.";
    if (w.reached < LogWriteStep::EntryFlushed)
        return "The log entry may not be durable: the file reads with the old locator, or with "
               "the new one once its log is replayed.";
    if (w.reached < LogWriteStep::CloseFirstFlushed)
        return "The log holds the new locator: it is applied when the log is replayed (Hyper-V "
               "or `qemu-img check -r all` replay it; --report shows LOG_REPLAY_NEEDED).";
    return "The log is closed and the new locator is in place; check it with --report.";
}

} // namespace

int runSetParent(const CommandLine& cmd) {
    SetParentOptions options;
    options.backupPath = cmd.backupPath;
    if (const useconds_t delay = testStepDelayMicroseconds()) {
        const bool trace = testStepTrace();
        options.onStep = [delay, trace](LogWriteStep s) {
            if (trace)
                std::fprintf(stderr, "step: %s\n", logWriteStepName(s));
            ::usleep(delay);
        };
    }
    const SetParentPlan plan = planSetParent(cmd.files[0], cmd.files[1], options);
    if (plan.openFailed) {
        std::cerr << "vhdx-inspector: " << terminalSafe(plan.refusal) << "\n";
        return 2;
    }
    if (plan.nothingToDo) {
        std::cout << "The parent locator of " << terminalSafe(plan.childPath)
                  << " already leads to " << terminalSafe(plan.parentPath)
                  << ": nothing to change.\n";
        return stdoutFailed(!std::cout) ? 2 : 0;
    }
    if (!plan.allowed) {
        std::cerr << "vhdx-inspector: set-parent refused: " << terminalSafe(plan.refusal)
                  << "\nNothing was written.\n";
        return 1;
    }
    printPlan(plan, options, cmd.yes);
    std::cout.flush();
    // The plan must reach the user before anything is written.
    if (stdoutFailed(!std::cout)) {
        if (cmd.yes)
            std::cerr << "vhdx-inspector: the plan could not be shown, so nothing was written.\n";
        return 2;
    }
    if (!cmd.yes)
        return 0;
    const SetParentResult r = applySetParent(plan, options);
    if (!r.ok) {
        std::cerr << "vhdx-inspector: set-parent " << (r.refused ? "refused: " : "failed: ")
                  << terminalSafe(r.error) << "\n"
                  << stateAfterFailure(r.write) << "\n";
        return 1;
    }
    std::cout << "Done: the parent locator of " << terminalSafe(plan.childPath) << " leads to "
              << terminalSafe(plan.parentPath) << "; the log is closed; re-read and verified.\n";
    if (r.backupWritten) {
        std::cout << "Backup written to " << terminalSafe(options.backupPath)
                  << ". To undo (headers, then each sector):\n"
                  << "  dd if=BACKUP of=CHILD bs=1M count=1 conv=notrunc\n";
        for (const SectorWrite& s : plan.edit.oldSectors)
            std::cout << "  dd if=BACKUP of=CHILD bs=4096 skip=" << s.fileOffset / 4096
                      << " seek=" << s.fileOffset / 4096 << " count=1 conv=notrunc\n";
    }
    std::cout.flush();
    if (stdoutFailed(!std::cout)) {
        std::cerr << "vhdx-inspector: the locator was rewritten and verified, but this report of "
                     "it could not be written\n";
        return 2;
    }
    return 0;
}

} // namespace vhdx::app
