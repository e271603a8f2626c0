// The test hook of the guarded writes (update_hook.h).
#include "update_hook.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace vhdx::app {

unsigned testStepDelayMicroseconds() {
    const char* text = std::getenv("VHDX_UPDATE_TEST_DELAY_US");
    if (!text || !*text)
        return 0;
    char* end = nullptr;
    const unsigned long v = std::strtoul(text, &end, 10);
    if (*end != '\0' || v > 1000000)
        return 0;
    return unsigned(v);
}

bool testStepTrace() {
    return std::getenv("VHDX_UPDATE_TEST_TRACE") != nullptr;
}

namespace {

const char* stepName(UpdateStep s) {
    switch (s) {
    case UpdateStep::Opened:
        return "opened";
    case UpdateStep::BackupWritten:
        return "backup written";
    case UpdateStep::ReplayWritten:
        return "descriptor written";
    case UpdateStep::ReplayExtended:
        return "file extended";
    case UpdateStep::ReplayFlushed:
        return "descriptors flushed";
    case UpdateStep::FirstWritten:
        return "first header written";
    case UpdateStep::FirstFlushed:
        return "first header flushed";
    case UpdateStep::SecondWritten:
        return "second header written";
    case UpdateStep::SecondFlushed:
        return "second header flushed";
    }
    return "?";
}

} // namespace

std::function<void(UpdateStep)> testHook() {
    const useconds_t delay = testStepDelayMicroseconds();
    if (!delay)
        return {};
    const bool trace = testStepTrace();
    return [delay, trace](UpdateStep s) {
        if (trace)
            std::fprintf(stderr, "step: %s\n", stepName(s));
        ::usleep(delay);
    };
}

} // namespace vhdx::app
