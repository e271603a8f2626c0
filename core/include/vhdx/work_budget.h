#pragma once
// What one open may spend on work that a hostile file can inflate: the bytes of logs read.
// One budget is shared by an image and every ancestor of its parent chain, so a chain of
// hostile images costs what one costs, not one budget per file.
#include <atomic>
#include <cstdint>

#include "vhdx/bytes.h"

namespace vhdx {

class WorkBudget {
  public:
    // Real logs are 1 MiB (Hyper-V, QEMU) and rarely above 64 MiB; holes of sparse files
    // are skipped for free, so only real bytes count.
    static constexpr uint64_t defaultLogBytes = 512 * MiB;

    explicit WorkBudget(uint64_t logBytes = defaultLogBytes) : m_logBytes(logBytes) {}
    // Takes bytes of log reading; false (and nothing taken) when not that much is left.
    [[nodiscard]] bool takeLogBytes(uint64_t bytes) {
        uint64_t left = m_logBytes.load(std::memory_order_relaxed);
        do {
            if (bytes > left)
                return false;
        } while (!m_logBytes.compare_exchange_weak(left, left - bytes, std::memory_order_relaxed));
        return true;
    }
    [[nodiscard]] uint64_t logBytesLeft() const { return m_logBytes.load(); }

  private:
    std::atomic<uint64_t> m_logBytes;
};

} // namespace vhdx
