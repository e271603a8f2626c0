#include "vhdx/text_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vhdx {

namespace {
const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
} // namespace

std::string formatSize(uint64_t bytes) {
    int unit = 0;
    double value = double(bytes);
    while (value >= 1024.0 && unit < 6) {
        value /= 1024.0;
        ++unit;
    }
    if (unit == 0)
        return std::to_string(bytes) + " B";
    const bool whole = std::fabs(value - std::round(value)) < 0.05;
    char buf[32];
    std::snprintf(buf, sizeof buf, whole ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
    return buf;
}

std::string formatBytes(uint64_t bytes) {
    int unit = 0;
    uint64_t v = bytes;
    while (unit < 6 && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        ++unit;
    }
    if (unit == 0)
        return formatCount(bytes) + (bytes == 1 ? " byte" : " bytes");
    return formatCount(v) + " " + kUnits[unit];
}

std::string formatOffset(uint64_t offset) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(offset));
    return buf;
}

std::string formatRelativeOffset(uint64_t offset) {
    return "+" + formatOffset(offset);
}

std::string formatCount(uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

std::string formatRange(uint64_t offset, uint64_t length) {
    if (length == 0)
        return formatOffset(offset) + " (0 bytes)";
    if (offset + (length - 1) < offset)
        return formatOffset(offset) + " + " + formatBytes(length) + " (past 2^64)";
    return formatOffset(offset) + "-" + formatOffset(offset + (length - 1)) + " (" +
           formatBytes(length) + ")";
}

std::string fileEndText(uint64_t fileSize) {
    return "the end of the file (" + formatBytes(fileSize) + ")";
}

std::string shellQuoted(const std::string& s) {
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ':' || c == '@';
    });
    if (plain && s[0] != '-')
        return s;
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace vhdx
