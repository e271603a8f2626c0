#pragma once
// CRC-32C (Castagnoli) as VHDX uses it (MS-VHDX 2.2.2), computed by ISA-L.
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

// CRC-32C arithmetic over GF(2): with a = crc32c(A) and b = crc32c(B),
// crc32c(A || B) == crc32cShift(a, size of B) ^ b. crc32cShift(c, n) is c carried through n
// more bytes of zeros; it costs O(log n), so a CRC over any run of sectors can be had from
// per-sector prefix CRCs without reading the bytes again.
[[nodiscard]] uint32_t crc32cShift(uint32_t crc, uint64_t bytes);
[[nodiscard]] inline uint32_t crc32cCombine(uint32_t crcA, uint32_t crcB, uint64_t sizeB) {
    return crc32cShift(crcA, sizeB) ^ crcB;
}
// The same for a fixed n applied many times: the operator is linear, so it is tabulated
// per byte of the CRC (four lookups a call).
class Crc32cShifter {
  public:
    explicit Crc32cShifter(uint64_t bytes);
    [[nodiscard]] uint32_t operator()(uint32_t crc) const {
        return m_table[0][crc & 0xFF] ^ m_table[1][(crc >> 8) & 0xFF] ^
               m_table[2][(crc >> 16) & 0xFF] ^ m_table[3][crc >> 24];
    }

  private:
    uint32_t m_table[4][256];
};

// CRC-32C of a VHDX structure: the 4 bytes at checksumOffset (default 4) count as zero.
[[nodiscard]] uint32_t structureChecksum(const uint8_t* data, size_t len,
                                         size_t checksumOffset = 4);

} // namespace vhdx
