#pragma once
// CRC-32C (Castagnoli) as VHDX uses it (format §3), computed by ISA-L.
#include <cstddef>
#include <cstdint>

namespace vhdx {

// Plain CRC-32C of a buffer ("123456789" -> 0xE3069283).
[[nodiscard]] uint32_t crc32c(const void* data, size_t len);

// Incremental form: start with crc32cInit(), feed pieces, finish with crc32cFinal().
[[nodiscard]] constexpr uint32_t crc32cInit() {
    return 0xFFFFFFFFu;
}
[[nodiscard]] uint32_t crc32cUpdate(uint32_t state, const void* data, size_t len);
[[nodiscard]] constexpr uint32_t crc32cFinal(uint32_t state) {
    return state ^ 0xFFFFFFFFu;
}

// CRC-32C of a VHDX structure: the 4 bytes at checksumOffset (default 4) count as zero.
[[nodiscard]] uint32_t structureChecksum(const uint8_t* data, size_t len,
                                         size_t checksumOffset = 4);

} // namespace vhdx
