#pragma once
// A replacement of the global operator new/delete that counts live heap bytes and their
// peak, so that a test can bound what the core allocates for one input. Only the
// executable that links counting_alloc.cpp gets it. Thread-safe (atomics).
#include <cstddef>

namespace vhdx::test::alloc {

[[nodiscard]] size_t current(); // bytes allocated with operator new and not yet freed
[[nodiscard]] size_t peak();    // highest value of current() since resetPeak()
void resetPeak();               // peak := current

} // namespace vhdx::test::alloc
