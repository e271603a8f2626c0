// vhdx-inspector: the GUI, or headless --json / --report / --update-headers
// (shared/docs/cli-contract.md). The headless modes never create a Qt application object.
#include "cli.h"

#ifdef VHDX_WITH_GUI
#include "gui_main.h"
#endif

int main(int argc, char** argv) {
    const vhdx::app::CommandLine cmd = vhdx::app::parseCommandLine(argc, argv);
    if (cmd.mode != vhdx::app::Mode::Gui)
        return vhdx::app::runHeadless(cmd);
#ifdef VHDX_WITH_GUI
    return vhdx::ui::runGui(argc, argv, cmd.files);
#else
    return vhdx::app::runHeadless(cmd);
#endif
}
