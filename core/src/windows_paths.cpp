// Windows forms of paths on this machine, for the parent locator the set-parent writes and the
// Set-VHD line it prints.
#include "vhdx/windows_paths.h"

#include <cstdint>
#include <filesystem>

namespace vhdx {

namespace fs = std::filesystem;

namespace {
std::string backslashes(std::string p) {
    for (char& c : p)
        if (c == '/')
            c = '\\';
    return p;
}

bool isDriveLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
} // namespace

std::optional<std::string> windowsRelativePath(const std::string& childPath,
                                               const std::string& parentPath) {
    const fs::path dir = fs::path(childPath).parent_path();
    const fs::path rel = fs::path(parentPath).lexically_relative(dir);
    if (rel.empty() || rel.filename().empty())
        return std::nullopt;
    const std::string text = backslashes(rel.string());
    return text.rfind("..", 0) == 0 ? text : ".\\" + text;
}

bool hasWindowsDrive(const std::string& path) {
    // "/mnt/c" or "/mnt/c/..."
    return path.size() >= 6 && path.rfind("/mnt/", 0) == 0 && isDriveLetter(path[5]) &&
           (path.size() == 6 || path[6] == '/');
}

std::string windowsAbsolutePath(const std::string& path) {
    if (!hasWindowsDrive(path))
        return backslashes(path);
    const char drive = char(path[5] >= 'a' ? path[5] - 'a' + 'A' : path[5]);
    const std::string rest = path.size() > 6 ? path.substr(7) : std::string();
    return std::string(1, drive) + ":\\" + backslashes(rest);
}

std::string powershellQuoted(const std::string& text) {
    // PowerShell also ends a single-quoted string at the typographic quotes U+2018..U+201B
    // (UTF-8 E2 80 98..9B): each is doubled like '.
    std::string out = "'";
    for (size_t i = 0; i < text.size(); ++i) {
        const bool curly = i + 2 < text.size() && uint8_t(text[i]) == 0xE2 &&
                           uint8_t(text[i + 1]) == 0x80 && uint8_t(text[i + 2]) >= 0x98 &&
                           uint8_t(text[i + 2]) <= 0x9B;
        if (curly) {
            out += text.substr(i, 3) + text.substr(i, 3);
            i += 2;
        } else {
            out += text[i];
            if (text[i] == '\'')
                out += '\'';
        }
    }
    return out + "'";
}

} // namespace vhdx
