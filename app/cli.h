#pragma once
// Command-line parsing and the headless modes of cli-contract.md.
#include <string>
#include <vector>

namespace vhdx::app {

enum class Mode { Gui, Json, Report, UpdateHeaders, ExportRaw, Help, Version, UsageError };

struct CommandLine {
    Mode mode = Mode::Gui;
    std::vector<std::string> files;
    bool yes = false;
    bool newDataGuid = false;
    std::string backupPath;
    std::string exportPath; // --export-raw OUT
    bool force = false;
    bool allowMissingParent = false;
    std::string error; // for UsageError
};

[[nodiscard]] CommandLine parseCommandLine(int argc, char** argv);
[[nodiscard]] int runHeadless(const CommandLine& cmd);
// --update-headers (app/update_command.cpp).
[[nodiscard]] int runUpdateHeaders(const CommandLine& cmd);
// Flushes stdout; true (and a message on stderr) when anything written to it was lost, or
// when the caller saw a write fail.
[[nodiscard]] bool stdoutFailed(bool writeFailed = false);

} // namespace vhdx::app
