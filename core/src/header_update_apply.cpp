// Carrying out a header update plan (MS-VHDX 2.2.2): open and lock, re-check that the file is the
// one planned for, optional backup, then the two slots (header_slot_writer.cpp: non-current
// slot write + flush, other slot write + flush, re-read and verify). Every result is checked;
// the first failure stops the update.
#include "header_update_internal.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"

namespace vhdx {

namespace {
class Update {
  public:
    Update(const HeaderUpdatePlan& plan, const HeaderUpdateOptions& options, FileWriter& file,
           HeaderUpdateResult& result)
        : m_plan(plan), m_options(options), m_file(file), m_result(result) {}

    void run() {
        step(WriteStep::Opened);
        if (!unchanged())
            return;
        if (!m_options.backupPath.empty()) {
            std::string error;
            if (!detail::writeBackup(m_options.backupPath, {{0, m_plan.fingerprint.head}}, error))
                return refuse(error);
            m_result.backupWritten = true;
            step(WriteStep::BackupWritten);
            if (!unchanged()) // immediately before the first write
                return;
        }
        std::string error;
        if (detail::writeHeaderSlots(m_file, m_plan.steps, m_options.onStep, m_result.blocksWritten,
                                     error))
            m_result.ok = true;
        else
            fail(error);
    }

  private:
    void step(WriteStep s) {
        if (m_options.onStep)
            m_options.onStep(s);
    }
    void refuse(const std::string& why) {
        m_result.refused = true;
        m_result.error = why;
    }
    void fail(const std::string& why) { m_result.error = why; }

    bool unchanged() {
        const std::string why = detail::changedSincePlan(m_file, m_plan.fingerprint);
        if (!why.empty())
            refuse(why);
        return why.empty();
    }

    const HeaderUpdatePlan& m_plan;
    const HeaderUpdateOptions& m_options;
    FileWriter& m_file;
    HeaderUpdateResult& m_result;
};

bool planIsComplete(const HeaderUpdatePlan& plan) {
    for (const HeaderSlotPlan& s : plan.steps)
        if (s.newBlock.size() != layout::headerSize ||
            (s.offset != layout::headerOffset[0] && s.offset != layout::headerOffset[1]))
            return false;
    return plan.steps[0].offset != plan.steps[1].offset;
}
} // namespace

HeaderUpdateResult applyHeaderUpdate(const HeaderUpdatePlan& plan,
                                     const HeaderUpdateOptions& options, FileWriter* writer) {
    HeaderUpdateResult result;
    result.plan = plan;
    if (!plan.allowed) {
        result.refused = true;
        result.error = plan.refusal;
        return result;
    }
    if (!planIsComplete(plan)) {
        result.refused = true;
        result.error = "internal error: incomplete update plan";
        return result;
    }
    std::unique_ptr<PosixFileWriter> own;
    if (!writer) {
        std::string error;
        own = PosixFileWriter::open(plan.path, error);
        if (!own) {
            result.refused = true;
            result.error = error;
            return result;
        }
        writer = own.get();
    }
    std::string error;
    if (!writer->lock(error)) {
        result.refused = true;
        result.error = error;
        return result;
    }
    Update(plan, options, *writer, result).run();
    return result;
}

} // namespace vhdx
