#pragma once
// The documented test hook of the guarded writes (--update-headers, --replay-log): when
// VHDX_UPDATE_TEST_DELAY_US holds a number of microseconds (at most 1,000,000), the write
// sleeps that long after each of its steps (UpdateStep), and with VHDX_UPDATE_TEST_TRACE set
// it names each step on stderr. It only slows the write down so that a test can kill the
// process at every stage; it changes nothing written. Unset or invalid: no hook.
#include <functional>

#include "vhdx/header_update.h"

namespace vhdx::app {

[[nodiscard]] std::function<void(UpdateStep)> testHook();
// The delay alone (0 when unset or invalid), and whether steps are traced, for writers with
// steps of their own (--set-parent).
[[nodiscard]] unsigned testStepDelayMicroseconds();
[[nodiscard]] bool testStepTrace();

} // namespace vhdx::app
