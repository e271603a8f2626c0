#pragma once
// The log replay parts of the reports (issue 9): the top-level "view", JSON log.replay and
// the text report's "Log replay" section. Kept apart from report_json.cpp/report_text.cpp,
// which only call these.
#include <cstddef>
#include <string>

namespace vhdx {

class Image;
class JsonWriter;

// Descriptors listed one by one in the reports (the count is always given): a real log holds
// a few dozen, a hostile one up to maxReplayWrites.
constexpr size_t maxListedReplayDescriptors = 4096;

// "replayed" when the structures were read through the replay, else "stored".
[[nodiscard]] const char* viewName(const Image& image);

// Writes the value of log.replay: null when the log has no active sequence.
void writeReplayJson(JsonWriter& w, const Image& image);

// The text report's "Log replay" section ("" when there is nothing to replay).
[[nodiscard]] std::string replayText(const Image& image);

} // namespace vhdx
