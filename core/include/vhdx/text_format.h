#pragma once
// How numbers, offsets and sizes are written for people, so the document, the viewer and
// the messages agree: offsets in hex, counts and sizes in decimal with units, and one way of
// writing a range of the file.
#include <cstdint>
#include <string>

namespace vhdx {

// "32 MiB", "1.5 GiB", "512 B": binary units, at most one decimal (for display, rounded).
[[nodiscard]] std::string formatSize(uint64_t bytes);
// "4 KiB", "100 MiB" when the size is an exact multiple of a unit, else "104,858,112 bytes":
// an exact size, for messages.
[[nodiscard]] std::string formatBytes(uint64_t bytes);
// "0x10000"
[[nodiscard]] std::string formatOffset(uint64_t offset);
// "+0x2000": an offset inside a structure (the log), not in the file.
[[nodiscard]] std::string formatRelativeOffset(uint64_t offset);
// "104,857,600"
[[nodiscard]] std::string formatCount(uint64_t n);
// "0x100000-0x1fffff (1 MiB)": a range of the file, its last byte included; "0x100000 (0
// bytes)" when empty; "0xfffffffffff00000 + 2 MiB (past 2^64)" when its end overflows.
[[nodiscard]] std::string formatRange(uint64_t offset, uint64_t length);
// A path or argument as one POSIX shell word: as it is when plainly safe (letters, digits and
// "/._-+:@", not starting with '-'), else in single quotes ('it'\''s'). Pasted into a shell it
// is that one argument, whatever it holds ("$(touch x)", spaces, newlines).
[[nodiscard]] std::string shellQuoted(const std::string& s);
// "the end of the file (100 MiB)"
[[nodiscard]] std::string fileEndText(uint64_t fileSize);

} // namespace vhdx
