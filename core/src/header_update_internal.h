#pragma once
// Helpers shared by the header update's source files (not part of the public API).
#include <string>
#include <vector>

#include "vhdx/header_update.h"

namespace vhdx::detail {

// Reads the file's fingerprint (fstat + first min(size, 1 MiB) bytes) through `file`.
[[nodiscard]] bool readFingerprint(HeaderWriter& file, FileFingerprint& out, std::string& error);
// "" when both describe the same unchanged file, else a sentence naming what differs.
[[nodiscard]] std::string fingerprintDifference(const FileFingerprint& before,
                                                const FileFingerprint& now);

// True when something (file, dangling symlink, directory) exists at path.
[[nodiscard]] bool pathExists(const std::string& path);
// Creates path (never overwriting: O_CREAT | O_EXCL), writes bytes, fsyncs the file and its
// directory. On failure removes what it created and sets error.
[[nodiscard]] bool writeBackup(const std::string& path, const std::vector<uint8_t>& bytes,
                               std::string& error);

} // namespace vhdx::detail
