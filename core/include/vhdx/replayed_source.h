#pragma once
// The file as a replay of its active log sequence would leave it (MS-VHDX 2.3), in memory: a
// ByteSource layered over the stored file. Reads outside every overlay go straight to the
// file; overlaid ranges take their bytes from the descriptor that writes them last (the
// leading/trailing bytes kept in the plan, the 4084 data bytes read from the log, zeros for a
// zero descriptor). Bytes past the stored end of the file read as zeros, as a file extended by
// the replay would.
#include <memory>

#include "vhdx/byte_source.h"
#include "vhdx/replay_plan.h"

namespace vhdx {

class ReplayedSource final : public ByteSource {
  public:
    // plan must be buildable() and made from file.
    ReplayedSource(std::shared_ptr<const ByteSource> file, std::shared_ptr<const ReplayPlan> plan);

    [[nodiscard]] uint64_t size() const override { return m_plan->replayedSize(); }
    [[nodiscard]] ReadStatus read(uint64_t offset, void* buf, size_t len) const override;
    [[nodiscard]] std::string path() const override { return m_file->path(); }
    [[nodiscard]] uint64_t nextData(uint64_t offset) const override;

    [[nodiscard]] const ByteSource& file() const { return *m_file; }
    [[nodiscard]] const ReplayPlan& plan() const { return *m_plan; }

  private:
    // The bytes [from, from+len) of write w's output (from counted from its fileOffset).
    [[nodiscard]] ReadStatus readWrite(const ReplayWrite& w, uint64_t from, uint8_t* out,
                                       size_t len) const;

    std::shared_ptr<const ByteSource> m_file;
    std::shared_ptr<const ReplayPlan> m_plan;
};

} // namespace vhdx
