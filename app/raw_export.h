#pragma once
// --export-raw: the virtual disk written as a sparse raw file (app/raw_export.cpp).
#include <string>

namespace vhdx::app {

struct CommandLine;

// Exit codes per the CLI contract: 0 exported, 1 refused or failed (nothing left under OUT's
// name), 2 the image could not be opened or read, or stdout failed.
[[nodiscard]] int runExportRaw(const CommandLine& cmd);

} // namespace vhdx::app
