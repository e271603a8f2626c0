#pragma once
// Paths written the way Hyper-V writes them in a parent locator (MS-VHDX 2.6.2.6.3), computed
// on this machine: "\" separators; relative_path starts with ".\" or "..\"; absolute_win32_path
// without the "\\?\" prefix (Hyper-V omits it in practice). Windows drive letters are only
// known for WSL-style drive mounts (/mnt/c/...).
#include <optional>
#include <string>

namespace vhdx {

// The parent relative to the child's folder: ".\parent.vhdx", "..\base\parent.vhdx". Both
// paths absolute and normalised (canonical); nullopt when no relative path exists.
[[nodiscard]] std::optional<std::string> windowsRelativePath(const std::string& childPath,
                                                             const std::string& parentPath);

// An absolute path in Windows form: "/mnt/c/VMs/p.vhdx" -> "C:\VMs\p.vhdx" (a WSL drive
// mount); any other absolute path keeps its place on this machine with "\" separators
// ("/srv/vms/p.vhdx" -> "\srv\vms\p.vhdx"), which parentCandidates maps back and Windows
// ignores in favour of relative_path.
[[nodiscard]] std::string windowsAbsolutePath(const std::string& absolutePath);

// True when windowsAbsolutePath(path) names a drive (the path lies below /mnt/<letter>/).
[[nodiscard]] bool hasWindowsDrive(const std::string& absolutePath);

// A PowerShell single-quoted string literal: 'it''s'.
[[nodiscard]] std::string powershellQuoted(const std::string& text);

} // namespace vhdx
