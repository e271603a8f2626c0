#include "vhdx/schema/field.h"

#include <cstdio>

namespace vhdx::schema {

std::string signatureText(const uint8_t* base, const Field& f) {
    std::string out;
    char buf[8];
    for (uint32_t i = 0; i < f.size; ++i) {
        const uint8_t c = base[f.offset + i];
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            out += char(c);
        } else {
            std::snprintf(buf, sizeof buf, "\\x%02x", unsigned(c));
            out += buf;
        }
    }
    return out;
}

} // namespace vhdx::schema
