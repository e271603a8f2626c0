#pragma once
// Command-line parsing and the headless modes of cli-contract.md.
#include <string>
#include <vector>

namespace vhdx::app {

enum class Mode { Gui, Json, Report, UpdateHeaders, Chains, SetParent, Help, Version, UsageError };

struct CommandLine {
    Mode mode = Mode::Gui;
    std::vector<std::string> files; // --chains: the folder; --set-parent: CHILD, PARENT
    bool yes = false;
    bool newDataGuid = false;
    bool force = false; // --update-headers --new-data-guid: orphan the image's children
    bool json = false;  // --chains --json
    std::string backupPath;
    std::string error; // for UsageError
};

[[nodiscard]] CommandLine parseCommandLine(int argc, char** argv);
[[nodiscard]] int runHeadless(const CommandLine& cmd);
// --update-headers (app/update_command.cpp).
[[nodiscard]] int runUpdateHeaders(const CommandLine& cmd);
// --chains DIR [--json] (app/chains_command.cpp).
[[nodiscard]] int runChains(const CommandLine& cmd);
// --set-parent CHILD PARENT [--yes] [--backup PATH] (app/set_parent_command.cpp).
[[nodiscard]] int runSetParent(const CommandLine& cmd);
// The test hook of the guarded writers: VHDX_UPDATE_TEST_DELAY_US microseconds (at most
// 1,000,000; 0 when unset or invalid) to sleep after each step (app/update_command.cpp).
[[nodiscard]] unsigned testStepDelayMicroseconds();
// Flushes stdout; true (and a message on stderr) when anything written to it was lost, or
// when the caller saw a write fail.
[[nodiscard]] bool stdoutFailed(bool writeFailed = false);

} // namespace vhdx::app
