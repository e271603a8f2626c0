#pragma once
// The test hook of the guarded writes (--update-headers, --replay-log, --set-parent): when
// VHDX_WRITE_TEST_DELAY_US holds a number of microseconds (at most 1,000,000), the write
// sleeps that long after each of its steps (WriteStep), and with VHDX_WRITE_TEST_TRACE set
// it names each step on stderr. It only slows the write down so that a test can kill the
// process at every stage; it changes nothing written. Unset or invalid: no hook. Compiled in
// only when the tests are built (VHDX_BUILD_TESTS, which defines VHDX_WRITE_TEST_HOOK): a
// binary built without them ignores the variables.
#include <functional>

#include "vhdx/file_writer.h"

namespace vhdx::app {

[[nodiscard]] std::function<void(WriteStep)> testHook();
// The delay alone (0 when unset or invalid), and whether steps are traced, for writers with
// steps of their own (--set-parent).
[[nodiscard]] unsigned testStepDelayMicroseconds();
[[nodiscard]] bool testStepTrace();

} // namespace vhdx::app
