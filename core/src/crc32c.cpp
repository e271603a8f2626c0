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
