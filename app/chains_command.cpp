// vhdx-inspector --chains DIR [--json]: the differencing chains of the images below DIR, as an
// indented tree or as JSON. Exit 0 no error finding, 1 error findings, 2 DIR unreadable or
// the report could not be written.
#include <cerrno>
#include <cstdio>

#include "cli.h"
#include "vhdx/chain_forest.h"
#include "vhdx/chain_report.h"
#include "vhdx/printable.h"

namespace vhdx::app {

int runChains(const CommandLine& cmd) {
    std::string error;
    const auto forest = mapChains(cmd.files.front(), error);
    if (!forest) {
        std::fprintf(stderr, "vhdx-inspector: %s\n", terminalSafe(error).c_str());
        return 2;
    }
    const std::string out = cmd.json ? chainsJson(*forest) : chainsText(*forest);
    errno = 0;
    if (stdoutFailed(std::fwrite(out.data(), 1, out.size(), stdout) != out.size()))
        return 2;
    return exitCodeFor(*forest);
}

} // namespace vhdx::app
