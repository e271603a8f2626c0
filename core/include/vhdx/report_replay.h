#pragma once
// The log replay parts of the reports: the top-level "view", JSON log.replay and
// the text report's "Log replay" section. Kept apart from report_json.cpp/report_text.cpp,
// which only call these.
#include <cstddef>
#include <string>
#include <string_view>

#include "vhdx/replay_effects.h"

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

// Where a descriptor lands, in words: "BAT entries 0..511", "metadata item File Parameters".
[[nodiscard]] std::string replayTargetText(const ReplayTarget& t);
// A BAT entry's class label in its slot of this image ("fully present").
[[nodiscard]] std::string_view replayBatClassLabel(const Image& image, uint64_t index,
                                                   uint64_t raw);

// The text report's "Log replay" section ("" when there is nothing to replay).
[[nodiscard]] std::string replayText(const Image& image);

} // namespace vhdx
