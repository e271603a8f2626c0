#include "cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "raw_export.h"
#include "vhdx/image.h"
#include "vhdx/printable.h"
#include "vhdx/report.h"

namespace vhdx::app {

namespace {

const char* kUsage =
    "Usage:\n"
    "  vhdx-inspector [FILE...]                 open the viewer (on each FILE)\n"
    "  vhdx-inspector --json FILE               JSON report on stdout\n"
    "  vhdx-inspector --report FILE             text report on stdout\n"
    "  vhdx-inspector --update-headers FILE [--yes] [--new-data-guid] [--backup PATH]\n"
    "                                           guarded two-step header update; without\n"
    "                                           --yes it only prints the plan\n"
    "  vhdx-inspector --export-raw OUT FILE [--force] [--allow-missing-parent]\n"
    "                                           the virtual disk (through its parents) as a\n"
    "                                           sparse raw file; --force replaces OUT\n"
    "  vhdx-inspector --help | --version\n"
    "\n"
    "Exit codes: 0 read, no error finding (or update done); 1 error findings (or update\n"
    "refused/failed, or an export refused/failed); 2 usage error or the file could not be\n"
    "opened or read.\n";

CommandLine usageError(std::string why) {
    CommandLine c;
    c.mode = Mode::UsageError;
    c.error = std::move(why);
    return c;
}

} // namespace

bool stdoutFailed(bool writeFailed) {
    const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) || writeFailed;
    if (failed)
        std::fprintf(stderr, "vhdx-inspector: writing to standard output failed: %s\n",
                     std::strerror(errno ? errno : EIO));
    return failed;
}

CommandLine parseCommandLine(int argc, char** argv) {
    CommandLine c;
    bool modeSet = false;
    bool onlyFiles = false;
    auto setMode = [&](Mode m) {
        if (modeSet && c.mode != m)
            return false;
        c.mode = m;
        modeSet = true;
        return true;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (onlyFiles || a.empty() || a[0] != '-' || a == "-") {
            c.files.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyFiles = true;
        } else if (a == "--json" || a == "--report" || a == "--update-headers") {
            const Mode m = a == "--json"     ? Mode::Json
                           : a == "--report" ? Mode::Report
                                             : Mode::UpdateHeaders;
            if (!setMode(m))
                return usageError(
                    "only one of --json, --report, --update-headers, --export-raw may be given");
        } else if (a == "--export-raw") {
            if (!setMode(Mode::ExportRaw))
                return usageError(
                    "only one of --json, --report, --update-headers, --export-raw may be given");
            if (i + 1 >= argc || !*argv[i + 1])
                return usageError("--export-raw needs an OUT path (not empty)");
            c.exportPath = argv[++i];
        } else if (a == "--force") {
            c.force = true;
        } else if (a == "--allow-missing-parent") {
            c.allowMissingParent = true;
        } else if (a == "--yes") {
            c.yes = true;
        } else if (a == "--new-data-guid") {
            c.newDataGuid = true;
        } else if (a == "--backup") {
            if (i + 1 >= argc || !*argv[i + 1])
                return usageError("--backup needs a PATH (not empty)");
            c.backupPath = argv[++i];
        } else if (a == "--help" || a == "-h") {
            c.mode = Mode::Help;
            return c;
        } else if (a == "--version") {
            c.mode = Mode::Version;
            return c;
        } else {
            return usageError("unknown option '" + a + "'");
        }
    }
    const bool updateOnly = c.yes || c.newDataGuid || !c.backupPath.empty();
    if (updateOnly && c.mode != Mode::UpdateHeaders)
        return usageError("--yes, --new-data-guid and --backup go with --update-headers");
    if ((c.force || c.allowMissingParent) && c.mode != Mode::ExportRaw)
        return usageError("--force and --allow-missing-parent go with --export-raw");
    if (c.mode != Mode::Gui && c.files.size() != 1)
        return usageError(c.files.empty() ? "no FILE given" : "give exactly one FILE");
    return c;
}

int runHeadless(const CommandLine& cmd) {
    switch (cmd.mode) {
    case Mode::Help:
        std::fputs(kUsage, stdout);
        return stdoutFailed() ? 2 : 0;
    case Mode::Version:
        std::printf("vhdx-inspector %s\n", VHDX_VERSION);
        return stdoutFailed() ? 2 : 0;
    case Mode::UsageError:
        std::fprintf(stderr, "vhdx-inspector: %s\n\n%s", terminalSafe(cmd.error).c_str(), kUsage);
        return 2;
    case Mode::Gui:
        std::fprintf(stderr, "vhdx-inspector: built without the GUI; use --json or --report\n");
        return 2;
    case Mode::UpdateHeaders:
        return runUpdateHeaders(cmd);
    case Mode::ExportRaw:
        return runExportRaw(cmd);
    case Mode::Json:
    case Mode::Report:
        break;
    }
    std::string error;
    auto image = Image::openAndScan(cmd.files.front(), error);
    if (!image) {
        std::fprintf(stderr, "vhdx-inspector: %s\n", terminalSafe(error).c_str());
        return 2;
    }
    const std::string out = cmd.mode == Mode::Json ? reportJson(*image) : reportText(*image);
    // A report that did not reach its reader (a full disk, a closed pipe) is not a result.
    errno = 0;
    if (stdoutFailed(std::fwrite(out.data(), 1, out.size(), stdout) != out.size()))
        return 2;
    return exitCodeFor(*image);
}

} // namespace vhdx::app
