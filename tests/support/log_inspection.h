#pragma once
// What a log replay would write, read with the core's log analysis: the data sectors of the
// active sequence, in order, each rebuilt from its descriptor (LeadingBytes + the 4084 data
// bytes + TrailingBytes). Tests compare them with what a writer logged.
#include <string>
#include <vector>

#include "vhdx/image.h"
#include "vhdx/log_writer.h"

namespace vhdx::test {

// Empty (with why set) when the image has no active sequence or an entry cannot be read.
[[nodiscard]] std::vector<SectorWrite> activeLogSectors(const Image& image,
                                                        std::string* why = nullptr);

} // namespace vhdx::test
