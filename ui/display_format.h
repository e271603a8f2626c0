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
// Parses "0x1000", "4096", "32M", "1.5G", "2 TiB" (binary units); nullopt on bad input.
[[nodiscard]] std::optional<uint64_t> parseSize(const QString& text);

} // namespace vhdx::ui
