#include "vhdx/guid.h"

#include <cstdio>
#include <uuid/uuid.h>

#include "vhdx/bytes.h"
#include "vhdx/printable.h"

namespace vhdx {

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

Guid fromCanonical(const char* text) {
    return *Guid::parse(text);
}
} // namespace

Guid Guid::fromDisk(const uint8_t* p) {
    Guid g;
    std::copy(p, p + 16, g.bytes.begin());
    return g;
}

void Guid::toDisk(uint8_t* p) const {
    std::copy(bytes.begin(), bytes.end(), p);
}

std::optional<Guid> Guid::parse(std::string_view t) {
    if (t.size() == 38 && t.front() == '{' && t.back() == '}')
        t = t.substr(1, 36);
    if (t.size() != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-')
        return std::nullopt;
    uint8_t be[16]; // canonical (big-endian text) order
    size_t n = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            continue;
        const int hi = hexValue(t[i]), lo = hexValue(t[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        be[n++] = uint8_t(hi << 4 | lo);
        ++i;
    }
    Guid g;
    // Data1..Data3 are little-endian on disk.
    const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < 16; ++i)
        g.bytes[i] = be[order[i]];
    return g;
}

Guid Guid::random() {
    uuid_t u;
    uuid_generate_random(u);
    // libuuid gives RFC 4122 big-endian bytes; store Data1..Data3 little-endian so the
    // printed form equals libuuid's text.
    Guid g;
    const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < 16; ++i)
        g.bytes[i] = u[order[i]];
    return g;
}

std::string Guid::toString() const {
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  le32(bytes.data()), le16(bytes.data() + 4), le16(bytes.data() + 6), bytes[8],
                  bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
    return buf;
}

bool Guid::isNull() const {
    for (uint8_t b : bytes)
        if (b)
            return false;
    return true;
}

namespace guids {
const Guid batRegion = fromCanonical("2DC27766-F623-4200-9D64-115E9BFD4A08");
const Guid metadataRegion = fromCanonical("8B7CA206-4790-4B9A-B8FE-575F050F886E");
const Guid fileParameters = fromCanonical("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
const Guid virtualDiskSize = fromCanonical("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
const Guid page83Data = fromCanonical("BECA12AB-B2E6-4523-93EF-C309E000C746");
const Guid logicalSectorSize = fromCanonical("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
const Guid physicalSectorSize = fromCanonical("CDA348C7-445D-4471-9CC9-E9885251C556");
const Guid parentLocator = fromCanonical("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
const Guid parentLocatorTypeVhdx = fromCanonical("B04AEFB7-D19E-4A81-B789-25B8E9445913");
} // namespace guids

// Text helpers declared in bytes.h live here with the other text conversions.
std::string utf16leToUtf8(const uint8_t* p, size_t bytes, bool stopAtNul) {
    std::string out;
    const size_t units = bytes / 2;
    for (size_t i = 0; i < units; ++i) {
        uint32_t c = le16(p + 2 * i);
        if (c == 0 && stopAtNul)
            break;
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < units) {
            const uint32_t lo = le16(p + 2 * (i + 1));
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                ++i;
            } else {
                c = 0xFFFD;
            }
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            c = 0xFFFD;
        }
        if (c < 0x80) {
            out += char(c);
        } else if (c < 0x800) {
            out += char(0xC0 | (c >> 6));
            out += char(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += char(0xE0 | (c >> 12));
            out += char(0x80 | ((c >> 6) & 0x3F));
            out += char(0x80 | (c & 0x3F));
        } else {
            out += char(0xF0 | (c >> 18));
            out += char(0x80 | ((c >> 12) & 0x3F));
            out += char(0x80 | ((c >> 6) & 0x3F));
            out += char(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::optional<std::vector<uint8_t>> utf8ToUtf16le(std::string_view text) {
    std::vector<uint8_t> out;
    out.reserve(2 * text.size());
    auto unit = [&](uint32_t u) {
        out.push_back(uint8_t(u));
        out.push_back(uint8_t(u >> 8));
    };
    for (size_t i = 0; i < text.size();) {
        const Utf8Char c = decodeUtf8(text, i);
        if (c.length == 0)
            return std::nullopt;
        if (c.codePoint >= 0x10000) {
            unit(0xD800 + ((c.codePoint - 0x10000) >> 10));
            unit(0xDC00 + ((c.codePoint - 0x10000) & 0x3FF));
        } else {
            unit(c.codePoint);
        }
        i += c.length;
    }
    return out;
}

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::string hex64(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace vhdx
