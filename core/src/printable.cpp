#include "vhdx/printable.h"

#include <cstdio>

namespace vhdx {

Utf8Char decodeUtf8(std::string_view s, size_t i) {
    const auto byte = [&](size_t k) { return uint8_t(s[k]); };
    const uint8_t b0 = byte(i);
    if (b0 < 0x80)
        return {b0, 1};
    size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return {};
    }
    if (len > s.size() - i)
        return {};
    for (size_t k = 1; k < len; ++k) {
        const uint8_t b = byte(i + k);
        if ((b & 0xC0) != 0x80)
            return {};
        cp = cp << 6 | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return {}; // overlong, beyond Unicode, or a surrogate
    return {cp, len};
}

namespace {
bool unsafeForTerminal(char32_t c) {
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}
} // namespace

std::string terminalSafe(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    char buf[16];
    for (size_t i = 0; i < s.size();) {
        const Utf8Char c = decodeUtf8(s, i);
        if (c.length == 0) {
            std::snprintf(buf, sizeof buf, "\\x%02x", unsigned(uint8_t(s[i])));
            out += buf;
            ++i;
            continue;
        }
        if (unsafeForTerminal(c.codePoint)) {
            if (c.codePoint < 0x80)
                std::snprintf(buf, sizeof buf, "\\x%02x", unsigned(c.codePoint));
            else
                std::snprintf(buf, sizeof buf, "\\u{%04x}", unsigned(c.codePoint));
            out += buf;
        } else {
            out.append(s.substr(i, c.length));
        }
        i += c.length;
    }
    return out;
}

} // namespace vhdx
