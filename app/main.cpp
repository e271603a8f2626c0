// vhdx-inspector: the GUI, or headless --json / --report / --update-headers / --chains /
// --set-parent
// (README). The headless modes never create a Qt application object.
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"

#ifdef VHDX_WITH_GUI
#include "gui_main.h"
#endif

namespace {
// A process started with fd 0, 1 or 2 closed would hand that number to the first file it
// opens: the image itself could then receive whatever is written to "stderr". Make the three
// standard descriptors valid (on /dev/null) before anything is opened.
bool protectStandardStreams() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1)
            continue;
        const int n = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (n < 0)
            return false;
        if (n != fd) { // a lower descriptor was free: cannot happen, fds are taken in order
            ::close(n);
            return false;
        }
    }
    return true;
}
} // namespace

int main(int argc, char** argv) {
    if (!protectStandardStreams())
        return 2; // nowhere to say why, and nothing safe to open
    const vhdx::app::CommandLine cmd = vhdx::app::parseCommandLine(argc, argv);
    if (cmd.mode != vhdx::app::Mode::Gui)
        return vhdx::app::runHeadless(cmd);
#ifdef VHDX_WITH_GUI
    return vhdx::ui::runGui(argc, argv, cmd.files);
#else
    return vhdx::app::runHeadless(cmd);
#endif
}
