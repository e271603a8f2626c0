#pragma once
// The reports of the README: JSON and aligned text, from a parsed (and scanned) image.
#include <string>

namespace vhdx {

class Image;

[[nodiscard]] std::string reportJson(const Image& image);
[[nodiscard]] std::string reportText(const Image& image);
// 0 = no error finding, 1 = at least one (the README's exit codes).
[[nodiscard]] int exitCodeFor(const Image& image);

} // namespace vhdx
