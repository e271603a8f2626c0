#pragma once
// --export-vhdx: the virtual disk written as a new VHDX (app/vhdx_export.cpp).

namespace vhdx::app {

struct CommandLine;

// Exit codes as --export-raw's: 0 exported, 1 refused or failed (nothing left under OUT's
// name), 2 FILE could not be opened or read, or stdout failed.
[[nodiscard]] int runExportVhdx(const CommandLine& cmd);

} // namespace vhdx::app
