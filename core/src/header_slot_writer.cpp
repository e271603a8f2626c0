// Writing the two header slots of an update (MS-VHDX 2.2.2 steps 4-5): the non-current slot first,
// each write checked and flushed before the next, then both re-read and verified. Shared by the
// header update and the log writer (which opens and closes its log with it).
#include <cerrno>
#include <cstring>

#include "header_update_internal.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"

namespace vhdx::detail {

namespace {
std::string errnoText() {
    return errno ? std::string(": ") + std::strerror(errno) : std::string();
}

bool writeSlot(FileWriter& file, const HeaderSlotPlan& s, int& blocksWritten, std::string& error) {
    const std::vector<uint8_t>& block = s.newBlock;
    errno = 0;
    ++blocksWritten;
    const long long n = file.pwrite(block.data(), block.size(), s.offset);
    if (n == static_cast<long long>(block.size()))
        return true;
    const std::string what = "writing header " + std::to_string(s.slot) + " at offset " +
                             std::to_string(s.offset) + " failed";
    if (n < 0)
        error = what + errnoText();
    else
        error = what + ": short write (" + std::to_string(n) + " of " +
                std::to_string(block.size()) + " bytes)";
    return false;
}

bool verify(FileWriter& file, const HeaderSlotPlan (&steps)[2], std::string& error) {
    std::vector<uint8_t> got[2];
    Header h[2];
    for (int i = 0; i < 2; ++i) {
        const HeaderSlotPlan& s = steps[i];
        got[i].assign(layout::headerSize, 0);
        errno = 0;
        if (!file.pread(got[i].data(), got[i].size(), s.offset)) {
            error = "re-reading header " + std::to_string(s.slot) + " failed" + errnoText();
            return false;
        }
        h[i] = decodeHeader(got[i].data(), s.slot, s.offset);
        if (got[i] != s.newBlock || !h[i].valid() || h[i].sequenceNumber != s.newSequence) {
            error = "verification failed: header " + std::to_string(s.slot) +
                    " does not read back as written" +
                    (h[i].valid() ? "" : " (" + h[i].problem() + ")");
            return false;
        }
    }
    const Header& first = steps[0].slot == 1 ? h[0] : h[1];
    const Header& second = steps[0].slot == 1 ? h[1] : h[0];
    if (chooseCurrentHeader(first, second) != steps[1].slot) {
        error = "verification failed: the last written header is not the current one";
        return false;
    }
    return true;
}
} // namespace

bool writeHeaderSlots(FileWriter& file, const HeaderSlotPlan (&steps)[2],
                      const std::function<void(WriteStep)>& onStep, int& blocksWritten,
                      std::string& error) {
    auto step = [&](WriteStep s) {
        if (onStep)
            onStep(s);
    };
    for (int i = 0; i < 2; ++i) {
        if (!writeSlot(file, steps[i], blocksWritten, error))
            return false;
        step(i == 0 ? WriteStep::FirstWritten : WriteStep::SecondWritten);
        errno = 0;
        if (!file.flush()) {
            error = "flushing header " + std::to_string(steps[i].slot) +
                    " to stable storage failed" + errnoText() +
                    "; the update stopped, the write may not be durable";
            return false;
        }
        step(i == 0 ? WriteStep::FirstFlushed : WriteStep::SecondFlushed);
    }
    return verify(file, steps, error);
}

} // namespace vhdx::detail
