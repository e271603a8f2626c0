#pragma once
// How numbers, offsets and sizes are shown across the viewer, so every pane agrees.
#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vhdx::ui {

// "32 MiB", "1.5 GiB", "512 B": binary units, at most one decimal.
[[nodiscard]] QString formatSize(uint64_t bytes);
// "0x10000"
[[nodiscard]] QString formatOffset(uint64_t offset);
// "104,857,600"
[[nodiscard]] QString formatCount(uint64_t n);
[[nodiscard]] inline QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}
// Parses "0x1000", "4096", "32M", "1.5G", "2 TiB" (binary units); nullopt on bad input.
[[nodiscard]] std::optional<uint64_t> parseSize(const QString& text);

} // namespace vhdx::ui
