// libFuzzer target: the input bytes are the whole file.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vhdx::fuzz::exerciseImage(std::vector<uint8_t>(data, data + size), data, size);
    return 0;
}
