#pragma once
// Text for the viewer: core's number formats as QString, and the parser of typed sizes.
#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vhdx/text_format.h"

namespace vhdx::ui {

[[nodiscard]] inline QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}
// core's vhdx::formatSize ("32 MiB"), formatOffset ("0x10000"), formatCount ("104,857,600").
[[nodiscard]] inline QString formatSize(uint64_t bytes) {
    return qs(vhdx::formatSize(bytes));
}
[[nodiscard]] inline QString formatOffset(uint64_t offset) {
    return qs(vhdx::formatOffset(offset));
}
[[nodiscard]] inline QString formatCount(uint64_t n) {
    return qs(vhdx::formatCount(n));
}
// core's exact sizes ("4 KiB", "104,858,112 bytes") and ranges ("0x100000-0x1fffff (1 MiB)").
[[nodiscard]] inline QString formatBytes(uint64_t bytes) {
    return qs(vhdx::formatBytes(bytes));
}
[[nodiscard]] inline QString formatRange(uint64_t offset, uint64_t length) {
    return qs(vhdx::formatRange(offset, length));
}
// Parses "0x1000", "4096", "32M", "1.5G", "2 TiB" (binary units); nullopt on bad input.
[[nodiscard]] std::optional<uint64_t> parseSize(const QString& text);

} // namespace vhdx::ui
