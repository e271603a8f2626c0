// vhdx-inspector --update-headers FILE [--yes] [--new-data-guid [--force]] [--backup PATH]
// (README): prints the plan; with --yes carries it out. Exit 0 done / dry run,
// 1 refused or failed (reason on stderr), 2 usage error or file not openable. A new
// DataWriteGuid that would orphan differencing disks of the image's folder is refused unless
// --force is given (then they are named in a warning).
//
// Test hook: VHDX_WRITE_TEST_DELAY_US (write_test_hook.h).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

#include "cli.h"
#include "vhdx/header_update.h"
#include "vhdx/printable.h"
#include "write_test_hook.h"

namespace vhdx::app {

namespace {
std::string change(const Guid& from, const Guid& to) {
    return from == to ? to.toString() + " (unchanged)" : from.toString() + " -> " + to.toString();
}

void printPlan(const HeaderUpdatePlan& plan, const HeaderUpdateOptions& options, bool yes) {
    std::cout << "Header update for " << terminalSafe(plan.path) << "\n"
              << "current header: " << plan.currentSlot << " (sequence "
              << plan.steps[1].oldSequence << ")\n";
    for (int i = 0; i < 2; ++i) {
        const HeaderSlotPlan& s = plan.steps[i];
        std::cout << "step " << i + 1 << ": write header " << s.slot << " at offset " << s.offset
                  << (i == 0 ? " (the non-current slot), then fdatasync\n" : ", then fdatasync\n");
        std::cout << "  sequence_number: ";
        if (s.oldValid)
            std::cout << s.oldSequence;
        else
            std::cout << "invalid header (" << terminalSafe(s.oldProblem) << ")";
        std::cout << " -> " << s.newSequence << "\n"
                  << "  file_write_guid: " << change(s.oldFileWriteGuid, s.newFileWriteGuid) << "\n"
                  << "  data_write_guid: " << change(s.oldDataWriteGuid, s.newDataWriteGuid)
                  << "\n";
    }
    if (!options.backupPath.empty())
        std::cout << "backup of the first 1 MiB: " << terminalSafe(options.backupPath) << "\n";
    if (!yes)
        std::cout << "Dry run: nothing was written (the new GUIDs are drawn again on each run). "
                     "Add --yes to update the headers.\n";
}
} // namespace

int runUpdateHeaders(const CommandLine& cmd) {
    if (cmd.files.size() != 1) {
        std::cerr << "vhdx-inspector: --update-headers needs exactly one FILE\n";
        return 2;
    }
    HeaderUpdateOptions options;
    options.newDataWriteGuid = cmd.newDataGuid;
    options.allowOrphaningChildren = cmd.force;
    options.backupPath = cmd.backupPath;
    options.onStep = testHook();

    const HeaderUpdatePlan plan = planHeaderUpdate(cmd.files.front(), options);
    if (plan.openFailed) {
        std::cerr << "vhdx-inspector: " << terminalSafe(plan.refusal) << "\n";
        return 2;
    }
    if (!plan.allowed) {
        std::cerr << "vhdx-inspector: header update refused: " << terminalSafe(plan.refusal)
                  << "\nNothing was written.\n";
        return 1;
    }
    if (!plan.orphanedChildren.empty()) {
        std::cerr << "vhdx-inspector: warning: the new DataWriteGuid orphans "
                  << plan.orphanedChildren.size()
                  << " differencing disk(s) of its folder made from this image (--force):";
        for (const std::string& c : plan.orphanedChildren)
            std::cerr << " " << terminalSafe(c);
        std::cerr << "\n";
    }
    printPlan(plan, options, cmd.yes);
    std::cout.flush();
    // The plan must reach the user before anything is written: with stdout lost (a full
    // disk, a closed pipe) the update does not go ahead.
    if (stdoutFailed(!std::cout)) {
        if (cmd.yes)
            std::cerr << "vhdx-inspector: the plan could not be shown, so the update was not "
                         "made. Nothing was written.\n";
        return 2;
    }
    if (!cmd.yes)
        return 0;

    const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
    if (!r.ok) {
        std::cerr << "vhdx-inspector: header update " << (r.refused ? "refused: " : "failed: ")
                  << terminalSafe(r.error) << "\n";
        if (r.blocksWritten == 0)
            std::cerr << "No header was written.\n";
        else
            std::cerr << "Headers are written non-current slot first, so the file still has a "
                         "valid current header; check it with --report.\n";
        return 1;
    }
    std::cout << "Done: header " << plan.steps[0].slot << " has sequence "
              << plan.steps[0].newSequence << ", header " << plan.steps[1].slot
              << " (current) has sequence " << plan.steps[1].newSequence
              << "; both re-read and verified.\n";
    if (r.backupWritten)
        std::cout << "Backup written to " << terminalSafe(options.backupPath) << "\n";
    std::cout.flush();
    if (stdoutFailed(!std::cout)) {
        std::cerr << "vhdx-inspector: the headers were updated and verified, but this report of "
                     "it could not be written\n";
        return 2;
    }
    return 0;
}

} // namespace vhdx::app
