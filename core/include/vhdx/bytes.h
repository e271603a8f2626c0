#pragma once
// Little-endian field access on byte buffers, and overflow-safe range arithmetic.
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vhdx {

inline uint16_t le16(const uint8_t* p) {
    return uint16_t(p[0] | (p[1] << 8));
}
inline uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t le64(const uint8_t* p) {
    if constexpr (std::endian::native == std::endian::little) {
        uint64_t v;
        std::memcpy(&v, p, 8); // one load; the hot BAT scan relies on it vectorizing
        return v;
    }
    return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32;
}
inline void putLe16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
}
inline void putLe32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        p[i] = uint8_t(v >> (8 * i));
}
inline void putLe64(uint8_t* p, uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = uint8_t(v >> (8 * i));
}

// a + b, or false when it overflows.
[[nodiscard]] inline bool addOverflows(uint64_t a, uint64_t b, uint64_t& sum) {
    return __builtin_add_overflow(a, b, &sum);
}
// [aStart, aStart+aLen) and [bStart, bStart+bLen) intersect (lengths may be 0: never).
// Exact for any 64-bit values: the ends are computed in 128 bits, so a range reaching past
// 2^64 still overlaps what it covers.
[[nodiscard]] inline bool rangesOverlap(uint64_t aStart, uint64_t aLen, uint64_t bStart,
                                        uint64_t bLen) {
    if (aLen == 0 || bLen == 0)
        return false;
    using U128 = unsigned __int128;
    return U128(aStart) < U128(bStart) + bLen && U128(bStart) < U128(aStart) + aLen;
}

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;
constexpr uint64_t TiB = 1024 * GiB;

// UTF-16LE (NUL-terminated or not) to UTF-8; invalid surrogates become U+FFFD.
[[nodiscard]] std::string utf16leToUtf8(const uint8_t* p, size_t bytes, bool stopAtNul);
// UTF-8 to UTF-16LE (no NUL); nullopt when the text is not valid UTF-8.
[[nodiscard]] std::optional<std::vector<uint8_t>> utf8ToUtf16le(std::string_view text);
// "0x1234abcd"
[[nodiscard]] std::string hex32(uint32_t v);
[[nodiscard]] std::string hex64(uint64_t v);
// "1 entry", "7 entries"
[[nodiscard]] inline std::string countOf(uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace vhdx
