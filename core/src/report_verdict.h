#pragma once
// The verdict's part of the reports (not public): the JSON "verdict" object and the text
// report's opening lines.
#include <string>
#include <vector>

#include "vhdx/verdict.h"

namespace vhdx {

class Image;
class JsonWriter;

namespace detail {

void writeVerdictJson(JsonWriter& w, const Image& image, const Verdict& v);
// The lines that open the text report: "Verdict: ...", the summary, each problem with its
// meaning and next steps (not yet made terminal-safe).
[[nodiscard]] std::vector<std::string> verdictTextLines(const Image& image, const Verdict& v);

} // namespace detail
} // namespace vhdx
