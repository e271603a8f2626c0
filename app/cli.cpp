#include "cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "raw_export.h"
#include "vhdx/image.h"
#include "vhdx/printable.h"
#include "vhdx/report.h"
#include "vhdx_export.h"

namespace vhdx::app {

namespace {

const char* kUsage =
    "Usage:\n"
    "  vhdx-inspector [FILE...]                 open the viewer (on each FILE)\n"
    "  vhdx-inspector --json FILE [--stored]    JSON report on stdout\n"
    "  vhdx-inspector --report FILE [--stored]  text report on stdout (--stored: the bytes as\n"
    "                                           stored, not as after the pending log replay)\n"
    "  vhdx-inspector --update-headers FILE [--yes] [--new-data-guid [--force]] [--backup PATH]\n"
    "                                           guarded two-step header update; without\n"
    "                                           --yes it only prints the plan; --force lets\n"
    "                                           --new-data-guid orphan the image's children\n"
    "  vhdx-inspector --replay-log FILE [--yes] [--backup PATH]\n"
    "                                           guarded log replay; without --yes it only\n"
    "                                           prints the plan\n"
    "  vhdx-inspector --restore-backup BACKUP FILE [--yes]\n"
    "                                           puts back what a --replay-log backup saved\n"
    "  vhdx-inspector --chains DIR [--json]     the differencing chains of the images below DIR\n"
    "  vhdx-inspector --set-parent CHILD PARENT [--yes] [--backup PATH]\n"
    "                                           point CHILD's parent locator at PARENT, through\n"
    "                                           the log; without --yes it only prints the plan\n"
    "  vhdx-inspector --export-raw OUT FILE [--force] [--allow-missing-parent]\n"
    "                                           the virtual disk (through its parents and the\n"
    "                                           replayed log) as a sparse raw file; --force\n"
    "                                           replaces OUT\n"
    "  vhdx-inspector --export-vhdx OUT FILE [--raw] [--subformat dynamic|fixed]\n"
    "                 [--block-size SIZE] [--logical-sector-size 512|4096] [--force]\n"
    "                 [--allow-missing-parent]\n"
    "                                           the virtual disk (through its parents and the\n"
    "                                           replayed log; --raw: FILE is a raw image) as a\n"
    "                                           new VHDX, not differencing; --force replaces OUT\n"
    "  vhdx-inspector --help | --version\n"
    "\n"
    "The viewer also takes Qt's standard options, e.g. -style Fusion, -stylesheet FILE,\n"
    "-platform NAME, -reverse.\n"
    "\n"
    "Exit codes: 0 read, no error finding (or update done); 1 error findings (or update\n"
    "refused/failed, or an export refused/failed); 2 usage error or the file or folder could\n"
    "not be opened or read.\n";

const char* kOneMode =
    "only one of --json, --report, --update-headers, --replay-log, "
    "--restore-backup, --chains, --set-parent, --export-raw, --export-vhdx may be given";

CommandLine usageError(std::string why) {
    CommandLine c;
    c.mode = Mode::UsageError;
    c.error = std::move(why);
    return c;
}

// The standard options of QGuiApplication and QApplication (Qt's documentation of both),
// spelled with one dash or two, with their value as the next argument or after '='.
constexpr const char* kQtOptionsWithValue[] = {
    "style",         "stylesheet",    "platform",        "platformpluginpath",
    "platformtheme", "plugin",        "qwindowgeometry", "qwindowicon",
    "qwindowtitle",  "session",       "display",         "geometry",
    "title",         "name",          "visual",          "ncols",
    "cmap",          "qmljsdebugger", "dialogs",         "fontengine"};
constexpr const char* kQtFlags[] = {"reverse", "widgetcount", "nograb",
                                    "dograb",  "sync",        "darkmode"};

// 0: not a Qt option; 1: a Qt option alone; 2: a Qt option and its value (the next argument).
int qtOptionLength(const std::string& arg, bool hasNext) {
    if (arg.size() < 2 || arg[0] != '-')
        return 0;
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t eq = name.find('=');
    const bool inlineValue = eq != std::string::npos;
    if (inlineValue)
        name.resize(eq);
    for (const char* o : kQtOptionsWithValue)
        if (name == o)
            return inlineValue ? 1 : (hasNext ? 2 : 0);
    for (const char* o : kQtFlags)
        if (name == o && !inlineValue)
            return 1;
    return 0;
}

// Why the argument after option (at i) cannot be its path operand; "" when it can. A path
// that starts with '-' is refused: "--export-raw --force FILE" would otherwise write a file
// named "--force" (./-name is the way to give such a name).
std::string pathOperandProblem(const std::string& option, const std::string& what, int i, int argc,
                               char** argv) {
    if (i + 1 >= argc || !*argv[i + 1])
        return option + " needs " + what + " (not empty)";
    const std::string next = argv[i + 1];
    if (next[0] == '-')
        return option + " needs " + what + ", not '" + next + "' (an option); write ./" + next +
               " for a file of that name";
    return {};
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
        } else if (a == "--json") {
            c.json = true; // a mode of its own, or the format of --chains (resolved below)
        } else if (a == "--report" || a == "--update-headers" || a == "--replay-log" ||
                   a == "--restore-backup" || a == "--chains" || a == "--set-parent") {
            const Mode m = a == "--report"           ? Mode::Report
                           : a == "--update-headers" ? Mode::UpdateHeaders
                           : a == "--replay-log"     ? Mode::ReplayLog
                           : a == "--restore-backup" ? Mode::RestoreBackup
                           : a == "--chains"         ? Mode::Chains
                                                     : Mode::SetParent;
            if (!setMode(m))
                return usageError(kOneMode);
        } else if (a == "--stored") {
            c.stored = true;
        } else if (a == "--export-raw" || a == "--export-vhdx") {
            if (!setMode(a == "--export-raw" ? Mode::ExportRaw : Mode::ExportVhdx))
                return usageError(kOneMode);
            if (!c.exportPath.empty())
                return usageError(a + " given twice");
            if (const std::string why = pathOperandProblem(a, "an OUT path", i, argc, argv);
                !why.empty())
                return usageError(why);
            c.exportPath = argv[++i];
        } else if (a == "--raw") {
            c.rawInput = true;
        } else if (a == "--subformat" || a == "--block-size" || a == "--logical-sector-size") {
            if (i + 1 >= argc || !*argv[i + 1])
                return usageError(a + " needs a value");
            const std::string v = argv[++i];
            if (a == "--subformat") {
                if (v != "dynamic" && v != "fixed")
                    return usageError("--subformat is dynamic or fixed, not '" + v + "'");
                c.subformat = v;
            } else if (a == "--block-size") {
                c.blockSize = v;
            } else {
                if (v != "512" && v != "4096")
                    return usageError("--logical-sector-size is 512 or 4096, not '" + v + "'");
                c.logicalSectorSize = uint32_t(std::stoul(v));
            }
        } else if (a == "--allow-missing-parent") {
            c.allowMissingParent = true;
        } else if (a == "--yes") {
            c.yes = true;
        } else if (a == "--new-data-guid") {
            c.newDataGuid = true;
        } else if (a == "--force") {
            c.force = true;
        } else if (a == "--backup") {
            if (!c.backupPath.empty())
                return usageError("--backup given twice");
            if (const std::string why = pathOperandProblem("--backup", "a PATH", i, argc, argv);
                !why.empty())
                return usageError(why);
            c.backupPath = argv[++i];
        } else if (a == "--help" || a == "-h") {
            c.mode = Mode::Help;
            return c;
        } else if (a == "--version") {
            c.mode = Mode::Version;
            return c;
        } else if (const int n = qtOptionLength(a, i + 1 < argc)) {
            // For QApplication, which reads them from argv itself (runGui passes it on).
            c.qtOptions.push_back(a);
            if (n == 2)
                c.qtOptions.push_back(argv[++i]);
        } else {
            return usageError("unknown option '" + a + "'");
        }
    }
    if (c.json && c.mode != Mode::Chains) {
        if (modeSet && c.mode != Mode::Json)
            return usageError(kOneMode);
        c.mode = Mode::Json;
    }
    const bool writes =
        c.mode == Mode::UpdateHeaders || c.mode == Mode::ReplayLog || c.mode == Mode::SetParent;
    if ((c.yes && !writes && c.mode != Mode::RestoreBackup) || (!c.backupPath.empty() && !writes))
        return usageError("--yes and --backup go with --update-headers, --replay-log or "
                          "--set-parent (--yes also with --restore-backup)");
    if (c.newDataGuid && c.mode != Mode::UpdateHeaders)
        return usageError("--new-data-guid goes with --update-headers");
    const bool exports = c.mode == Mode::ExportRaw || c.mode == Mode::ExportVhdx;
    if (c.force && !c.newDataGuid && !exports)
        return usageError("--force goes with --update-headers --new-data-guid, --export-raw or "
                          "--export-vhdx");
    if (c.allowMissingParent && !exports)
        return usageError("--allow-missing-parent goes with --export-raw or --export-vhdx");
    if ((c.rawInput || !c.subformat.empty() || !c.blockSize.empty() || c.logicalSectorSize) &&
        c.mode != Mode::ExportVhdx)
        return usageError("--raw, --subformat, --block-size and --logical-sector-size go with "
                          "--export-vhdx");
    if (c.rawInput && c.allowMissingParent)
        return usageError("--allow-missing-parent has no parent to miss with --raw");
    if (c.stored && c.mode != Mode::Json && c.mode != Mode::Report)
        return usageError("--stored goes with --json or --report");
    if (c.mode == Mode::RestoreBackup && c.files.size() != 2)
        return usageError("--restore-backup needs BACKUP and FILE");
    if (c.mode == Mode::SetParent && c.files.size() != 2)
        return usageError("--set-parent needs CHILD and PARENT");
    if (c.mode == Mode::Chains && c.files.size() != 1)
        return usageError(c.files.empty() ? "no DIR given" : "give exactly one DIR");
    if (!c.qtOptions.empty() && c.mode != Mode::Gui)
        return usageError("Qt's option " + c.qtOptions.front() + " applies to the viewer only");
    const bool twoFiles = c.mode == Mode::RestoreBackup || c.mode == Mode::SetParent;
    if (c.mode != Mode::Gui && c.mode != Mode::Chains && !twoFiles && c.files.size() != 1)
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
    case Mode::ReplayLog:
        return runReplayLog(cmd);
    case Mode::RestoreBackup:
        return runRestoreBackup(cmd);
    case Mode::Chains:
        return runChains(cmd);
    case Mode::SetParent:
        return runSetParent(cmd);
    case Mode::ExportRaw:
        return runExportRaw(cmd);
    case Mode::ExportVhdx:
        return runExportVhdx(cmd);
    case Mode::Json:
    case Mode::Report:
        break;
    }
    std::string error;
    ParseOptions options;
    options.view = cmd.stored ? ReadView::Stored : ReadView::Replayed;
    auto image = Image::openAndScan(cmd.files.front(), error, options);
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
