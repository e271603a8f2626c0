#pragma once
// Shared by the libFuzzer targets, the seed generator and the regression replay test: how a
// fuzz input becomes an image, and the walk through the whole core that every input gets.
// No Qt and no libFuzzer here, so tests/robustness can link it in every build.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vhdx::fuzz {

// Raw inputs: the bytes are the file.
//
// Compact inputs map a short buffer onto the sparse layout of a real image, so that the
// fuzzer can reach the log, BAT and metadata that live at 1 MiB and beyond without
// mutating megabytes of zeros:
//
//   byte 0        flags: bit0 seal both headers' CRC, bit1 seal both region tables' CRC,
//                 bit2 seal the CRC of (up to 16) log entries found at 4 KiB boundaries
//   byte 1        low 2 bits: zero MiB appended to the file (room for payload blocks)
//   then          1 KiB -> file 0 (identifier), 4 KiB -> 64 KiB (header 1),
//                 4 KiB -> 128 KiB (header 2), 4 KiB -> 192 KiB (region table 1),
//                 4 KiB -> 256 KiB (region table 2); the rest of those slots stays zero
//   then          32 KiB segments: segment k's first 16 KiB -> (1 + k) MiB, its second
//                 16 KiB -> (1 + k) MiB + 64 KiB (where metadata items start)
//
// The file ends right after the last mapped input byte (so truncation is reachable), then
// grows by the requested extra MiB.
constexpr size_t kCompactPrefix = 2;
constexpr size_t kCompactSlots[5][2] = {
    {0, 1024}, {64 * 1024, 4096}, {128 * 1024, 4096}, {192 * 1024, 4096}, {256 * 1024, 4096}};
constexpr size_t kCompactHeaderBytes = 1024 + 4 * 4096;
constexpr size_t kSegmentBytes = 32 * 1024;
constexpr size_t kSegmentHalf = 16 * 1024;

[[nodiscard]] std::vector<uint8_t> expandCompact(const uint8_t* data, size_t size);
// The inverse for seeds: the parts of a full image that expandCompact can express, with the
// given flags (the seal bits re-create checksums the fuzzer cannot compute).
[[nodiscard]] std::vector<uint8_t> compactFromImage(const std::vector<uint8_t>& image,
                                                    uint8_t flags, size_t maxSegments);

// Parse, BAT scan, BAT reader, log descriptors, parent locator decoding of the raw bytes,
// parent path candidates, header update blocks, both reports and the exit code. Returns the exit
// code (0 or 1) so callers can check it.
int exerciseImage(std::vector<uint8_t> file, const uint8_t* raw, size_t rawSize);

} // namespace vhdx::fuzz
