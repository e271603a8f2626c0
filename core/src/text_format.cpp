#include "vhdx/text_format.h"

#include <cmath>
#include <cstdio>

namespace vhdx {

std::string formatSize(uint64_t bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
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
    std::snprintf(buf, sizeof buf, whole ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return buf;
}

std::string formatOffset(uint64_t offset) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(offset));
    return buf;
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

} // namespace vhdx
