#pragma once
// Untrusted text (creator strings, locator keys and values, paths) made safe to print. A
// VHDX file can hold any UTF-16, and a path any bytes: printed raw, escape sequences would
// retitle or recolour the terminal and forge report lines, and invalid UTF-8 would make the
// JSON report invalid.
#include <string>
#include <string_view>

namespace vhdx {

// For a terminal: C0 and C1 control characters, DEL and the bidirectional overrides are
// written as \xNN / \u{NNNN}; bytes that are not UTF-8 as \xNN. Other text is unchanged.
[[nodiscard]] std::string terminalSafe(std::string_view text);

// Decodes one UTF-8 sequence at text[i]: its code point and length, or length 0 when the
// bytes there are not a valid, shortest-form sequence of a Unicode scalar value.
struct Utf8Char {
    char32_t codePoint = 0;
    size_t length = 0;
};
[[nodiscard]] Utf8Char decodeUtf8(std::string_view text, size_t i);

} // namespace vhdx
