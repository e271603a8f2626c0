#pragma once
// How numbers, offsets and sizes are written for people, so the document, the viewer and
// the messages agree.
#include <cstdint>
#include <string>

namespace vhdx {

// "32 MiB", "1.5 GiB", "512 B": binary units, at most one decimal.
[[nodiscard]] std::string formatSize(uint64_t bytes);
// "0x10000"
[[nodiscard]] std::string formatOffset(uint64_t offset);
// "104,857,600"
[[nodiscard]] std::string formatCount(uint64_t n);

} // namespace vhdx
