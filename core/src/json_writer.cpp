#include "vhdx/json_writer.h"

#include <cstdio>

#include "vhdx/printable.h"

namespace vhdx {

std::string jsonEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    for (size_t i = 0; i < s.size();) {
        const Utf8Char u = decodeUtf8(s, i);
        if (u.length == 0) { // not UTF-8 (a path's raw bytes): JSON text must be, so U+FFFD
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (u.length > 1) {
            if (u.codePoint <= 0x9F) { // C1 controls: escaped like C0, never raw on a terminal
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(u.codePoint));
                out += buf;
            } else {
                out.append(s.substr(i, u.length));
            }
            i += u.length;
            continue;
        }
        const unsigned char c = uint8_t(s[i++]);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += char(c);
            }
        }
    }
    return out;
}

void JsonWriter::newline() {
    m_out += '\n';
    m_out.append(2 * m_hasItems.size(), ' ');
}

void JsonWriter::beforeValue() {
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasItems.empty()) {
        if (m_hasItems.back())
            m_out += ',';
        m_hasItems.back() = true;
        newline();
    }
}

JsonWriter& JsonWriter::beginObject() {
    beforeValue();
    m_out += '{';
    m_hasItems.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::endObject() {
    const bool any = m_hasItems.back();
    m_hasItems.pop_back();
    if (any)
        newline();
    m_out += '}';
    if (m_hasItems.empty())
        m_out += '\n';
    return *this;
}

JsonWriter& JsonWriter::beginArray() {
    beforeValue();
    m_out += '[';
    m_hasItems.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::endArray() {
    const bool any = m_hasItems.back();
    m_hasItems.pop_back();
    if (any)
        newline();
    m_out += ']';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
    beforeValue();
    m_out += '"';
    m_out += jsonEscape(k);
    m_out += "\": ";
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
    beforeValue();
    m_out += '"';
    m_out += jsonEscape(s);
    m_out += '"';
    return *this;
}

JsonWriter& JsonWriter::value(uint64_t v) {
    beforeValue();
    m_out += std::to_string(v);
    return *this;
}

JsonWriter& JsonWriter::value(int64_t v) {
    beforeValue();
    m_out += std::to_string(v);
    return *this;
}

JsonWriter& JsonWriter::value(bool b) {
    beforeValue();
    m_out += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null() {
    beforeValue();
    m_out += "null";
    return *this;
}

} // namespace vhdx
