#include "vhdx/crc32c.h"

#include <isa-l/crc.h>

namespace vhdx {

uint32_t crc32cUpdate(uint32_t state, const void* data, size_t len) {
    // crc32_iscsi takes and returns the raw (non-inverted) register.
    return crc32_iscsi(static_cast<unsigned char*>(const_cast<void*>(data)), int(len), state);
}

uint32_t crc32c(const void* data, size_t len) {
    uint32_t s = crc32cInit();
    const auto* p = static_cast<const uint8_t*>(data);
    // crc32_iscsi takes an int length: feed large buffers in pieces.
    constexpr size_t piece = 1u << 30;
    while (len > piece) {
        s = crc32cUpdate(s, p, piece);
        p += piece;
        len -= piece;
    }
    return crc32cFinal(crc32cUpdate(s, p, len));
}

namespace {

// Polynomials over GF(2) modulo the Castagnoli polynomial, in the CRC's reflected bit order:
// bit 31 is the coefficient of x^0, bit 0 that of x^31.
constexpr uint32_t kPolyReflected = 0x82F63B78u;
constexpr uint32_t kOne = 1u << 31; // x^0

// a * b mod P: shift-and-add, b multiplied by x at each step.
uint32_t multiplyModP(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (uint32_t bit = kOne; bit && a; bit >>= 1) {
        if (a & bit) {
            product ^= b;
            a &= ~bit;
        }
        b = (b & 1) ? (b >> 1) ^ kPolyReflected : b >> 1;
    }
    return product;
}

// x^(2^k) mod P for k = 0..63, by repeated squaring from x^1.
struct PowersOfX {
    uint32_t p[64];
    PowersOfX() {
        p[0] = kOne >> 1; // x^1
        for (int k = 1; k < 64; ++k)
            p[k] = multiplyModP(p[k - 1], p[k - 1]);
    }
};

// x^(8 * bytes) mod P: the operator that carries a CRC through `bytes` zero bytes.
uint32_t zeroBytesOperator(uint64_t bytes) {
    static const PowersOfX powers;
    uint32_t op = kOne;
    // 8 * bytes bits = bytes * 2^3: start at x^(2^3).
    for (int k = 3; bytes && k < 64; ++k, bytes >>= 1)
        if (bytes & 1)
            op = multiplyModP(powers.p[k], op);
    return op;
}

} // namespace

uint32_t crc32cShift(uint32_t crc, uint64_t bytes) {
    return multiplyModP(zeroBytesOperator(bytes), crc);
}

Crc32cShifter::Crc32cShifter(uint64_t bytes) {
    const uint32_t op = zeroBytesOperator(bytes);
    for (int k = 0; k < 4; ++k)
        for (uint32_t v = 0; v < 256; ++v)
            m_table[k][v] = multiplyModP(op, v << (8 * k));
}

uint32_t structureChecksum(const uint8_t* data, size_t len, size_t checksumOffset) {
    static const uint8_t zeros[4] = {};
    uint32_t s = crc32cInit();
    if (checksumOffset + 4 > len)
        return crc32cFinal(crc32cUpdate(s, data, len));
    s = crc32cUpdate(s, data, checksumOffset);
    s = crc32cUpdate(s, zeros, 4);
    s = crc32cUpdate(s, data + checksumOffset + 4, len - checksumOffset - 4);
    return crc32cFinal(s);
}

} // namespace vhdx
