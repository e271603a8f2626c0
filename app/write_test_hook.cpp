// The test hook of the guarded writes (write_test_hook.h).
#include "write_test_hook.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace vhdx::app {

unsigned testStepDelayMicroseconds() {
#ifndef VHDX_WRITE_TEST_HOOK
    return 0;
#endif
    const char* text = std::getenv("VHDX_WRITE_TEST_DELAY_US");
    if (!text || !*text)
        return 0;
    char* end = nullptr;
    const unsigned long v = std::strtoul(text, &end, 10);
    if (*end != '\0' || v > 1000000)
        return 0;
    return unsigned(v);
}

bool testStepTrace() {
#ifndef VHDX_WRITE_TEST_HOOK
    return false;
#endif
    return std::getenv("VHDX_WRITE_TEST_TRACE") != nullptr;
}

namespace {

const char* stepName(WriteStep s) {
    switch (s) {
    case WriteStep::Opened:
        return "opened";
    case WriteStep::BackupWritten:
        return "backup written";
    case WriteStep::ReplayWritten:
        return "descriptor written";
    case WriteStep::ReplayExtended:
        return "file extended";
    case WriteStep::ReplayFlushed:
        return "descriptors flushed";
    case WriteStep::FirstWritten:
        return "first header written";
    case WriteStep::FirstFlushed:
        return "first header flushed";
    case WriteStep::SecondWritten:
        return "second header written";
    case WriteStep::SecondFlushed:
        return "second header flushed";
    }
    return "?";
}

} // namespace

std::function<void(WriteStep)> testHook() {
    const useconds_t delay = testStepDelayMicroseconds();
    if (!delay)
        return {};
    const bool trace = testStepTrace();
    return [delay, trace](WriteStep s) {
        if (trace)
            std::fprintf(stderr, "step: %s\n", stepName(s));
        ::usleep(delay);
    };
}

} // namespace vhdx::app
