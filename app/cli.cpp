#include "cli.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

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
    "  vhdx-inspector --help | --version\n"
    "\n"
    "The viewer also takes Qt's standard options, e.g. -style Fusion, -stylesheet FILE,\n"
    "-platform NAME, -reverse.\n"
    "\n"
    "Exit codes: 0 read, no error finding (or update done); 1 error findings (or update\n"
    "refused/failed); 2 usage error or the file could not be opened or read.\n";

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
                return usageError("only one of --json, --report, --update-headers may be given");
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
        } else if (const int n = qtOptionLength(a, i + 1 < argc)) {
            // For QApplication, which reads them from argv itself (runGui passes it on).
            c.qtOptions.push_back(a);
            if (n == 2)
                c.qtOptions.push_back(argv[++i]);
        } else {
            return usageError("unknown option '" + a + "'");
        }
    }
    const bool updateOnly = c.yes || c.newDataGuid || !c.backupPath.empty();
    if (updateOnly && c.mode != Mode::UpdateHeaders)
        return usageError("--yes, --new-data-guid and --backup go with --update-headers");
    if (!c.qtOptions.empty() && c.mode != Mode::Gui)
        return usageError("Qt's option " + c.qtOptions.front() + " applies to the viewer only");
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
