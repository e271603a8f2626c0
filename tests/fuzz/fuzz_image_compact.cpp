// libFuzzer target: the input is a compact image (fuzz_common.h) expanded onto the sparse
// layout of a real file, so that mutations land on the log, BAT and metadata at 1 MiB+.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vhdx::fuzz::exerciseImage(vhdx::fuzz::expandCompact(data, size), data, size);
    return 0;
}
