#pragma once
// Command-line parsing and the headless modes of the README.
#include <cstdint>
#include <string>
#include <vector>

namespace vhdx::app {

enum class Mode {
    Gui,
    Json,
    Report,
    UpdateHeaders,
    ReplayLog,
    RestoreBackup,
    Chains,
    SetParent,
    ExportRaw,
    ExportVhdx,
    Help,
    Version,
    UsageError
};

struct CommandLine {
    Mode mode = Mode::Gui;
    std::vector<std::string> files; // --chains: the folder; --set-parent: CHILD, PARENT
    bool yes = false;
    bool newDataGuid = false;
    bool force = false;  // --update-headers --new-data-guid: orphan the image's children
    bool json = false;   // --chains --json
    bool stored = false; // --stored: report the bytes as stored, not as after a log replay
    std::string backupPath;
    std::string exportPath; // --export-raw OUT, --export-vhdx OUT
    bool allowMissingParent = false;
    bool rawInput = false;              // --export-vhdx --raw: FILE is a raw disk image
    std::string subformat;              // --subformat dynamic|fixed ("" = dynamic)
    std::string blockSize;              // --block-size SIZE, as given
    uint32_t logicalSectorSize = 0;     // --logical-sector-size 512|4096 (0: FILE's)
    std::vector<std::string> qtOptions; // Qt's own (-style Fusion): left in argv for the GUI
    std::string error;                  // for UsageError
};

[[nodiscard]] CommandLine parseCommandLine(int argc, char** argv);
[[nodiscard]] int runHeadless(const CommandLine& cmd);
// --update-headers (app/update_command.cpp).
[[nodiscard]] int runUpdateHeaders(const CommandLine& cmd);
// --chains DIR [--json] (app/chains_command.cpp).
[[nodiscard]] int runChains(const CommandLine& cmd);
// --set-parent CHILD PARENT [--yes] [--backup PATH] (app/set_parent_command.cpp).
[[nodiscard]] int runSetParent(const CommandLine& cmd);
// --replay-log and --restore-backup (app/replay_command.cpp).
[[nodiscard]] int runReplayLog(const CommandLine& cmd);
[[nodiscard]] int runRestoreBackup(const CommandLine& cmd);
// Flushes stdout; true (and a message on stderr) when anything written to it was lost, or
// when the caller saw a write fail.
[[nodiscard]] bool stdoutFailed(bool writeFailed = false);

} // namespace vhdx::app
