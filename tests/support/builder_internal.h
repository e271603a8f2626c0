#pragma once
// Pieces of the image builder shared between its source files.
#include <cstdint>
#include <vector>

#include "image_builder.h"

namespace vhdx::test::detail {

constexpr uint64_t kMiB = 1024 * 1024;

[[nodiscard]] inline uint64_t roundUp(uint64_t v, uint64_t unit) {
    return (v + unit - 1) / unit * unit;
}

// Grows bytes to at least size (zero filled).
inline void ensureSize(std::vector<uint8_t>& bytes, uint64_t size) {
    if (bytes.size() < size)
        bytes.resize(size, 0);
}

// Writes the metadata region (table + items) at image.metadataOffset, recording items.
void writeMetadata(const ImageSpec& spec, BuiltImage& image);

// Writes the log entries of spec into the log area; call when the file size is final.
void writeLog(const ImageSpec& spec, BuiltImage& image);

} // namespace vhdx::test::detail
