// Carrying out a header update plan (format §5): open and lock, re-check that the file is the
// one planned for, optional backup, then non-current slot write + flush, other slot write +
// flush, re-read and verify. Every result is checked; the first failure stops the update.
#include <cerrno>
#include <cstring>

#include "header_update_internal.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"

namespace vhdx {

namespace {
std::string errnoText() {
    return errno ? std::string(": ") + std::strerror(errno) : std::string();
}

// The two slot writes, each flushed, then the verifying re-read (format §5).
class HeaderSteps {
  public:
    HeaderSteps(const HeaderUpdatePlan& plan, HeaderWriter& file,
                const std::function<void(UpdateStep)>& onStep, HeaderUpdateResult& result)
        : m_plan(plan), m_file(file), m_onStep(onStep), m_result(result) {}

    bool run() {
        for (int i = 0; i < 2; ++i) {
            if (!writeSlot(m_plan.steps[i]))
                return false;
            step(i == 0 ? UpdateStep::FirstWritten : UpdateStep::SecondWritten);
            errno = 0;
            if (!m_file.flush())
                return fail("flushing header " + std::to_string(m_plan.steps[i].slot) +
                            " to stable storage failed" + errnoText() +
                            "; the update stopped, the write may not be durable");
            step(i == 0 ? UpdateStep::FirstFlushed : UpdateStep::SecondFlushed);
        }
        return verify();
    }

  private:
    void step(UpdateStep s) {
        if (m_onStep)
            m_onStep(s);
    }
    bool fail(const std::string& why) {
        m_result.error = why;
        return false;
    }

    bool writeSlot(const HeaderSlotPlan& s) {
        const std::vector<uint8_t>& block = s.newBlock;
        errno = 0;
        ++m_result.blocksWritten;
        const long long n = m_file.pwrite(block.data(), block.size(), s.offset);
        if (n == static_cast<long long>(block.size()))
            return true;
        const std::string what = "writing header " + std::to_string(s.slot) + " at offset " +
                                 std::to_string(s.offset) + " failed";
        if (n < 0)
            return fail(what + errnoText());
        return fail(what + ": short write (" + std::to_string(n) + " of " +
                    std::to_string(block.size()) + " bytes)");
    }

    bool verify() {
        std::vector<uint8_t> got[2];
        Header h[2];
        for (int i = 0; i < 2; ++i) {
            const HeaderSlotPlan& s = m_plan.steps[i];
            got[i].assign(layout::headerSize, 0);
            errno = 0;
            if (!m_file.pread(got[i].data(), got[i].size(), s.offset))
                return fail("re-reading header " + std::to_string(s.slot) + " failed" +
                            errnoText());
            h[i] = decodeHeader(got[i].data(), s.slot, s.offset);
            if (got[i] != s.newBlock || !h[i].valid() || h[i].sequenceNumber != s.newSequence)
                return fail("verification failed: header " + std::to_string(s.slot) +
                            " does not read back as written" +
                            (h[i].valid() ? "" : " (" + h[i].problem() + ")"));
        }
        const Header& first = m_plan.steps[0].slot == 1 ? h[0] : h[1];
        const Header& second = m_plan.steps[0].slot == 1 ? h[1] : h[0];
        if (chooseCurrentHeader(first, second) != m_plan.steps[1].slot)
            return fail("verification failed: the last written header is not the current one");
        return true;
    }

    const HeaderUpdatePlan& m_plan;
    HeaderWriter& m_file;
    const std::function<void(UpdateStep)>& m_onStep;
    HeaderUpdateResult& m_result;
};

class Update {
  public:
    Update(const HeaderUpdatePlan& plan, const HeaderUpdateOptions& options, HeaderWriter& file,
           HeaderUpdateResult& result)
        : m_plan(plan), m_options(options), m_file(file), m_result(result) {}

    void run() {
        step(UpdateStep::Opened);
        if (!unchanged())
            return;
        if (!m_options.backupPath.empty()) {
            std::string error;
            if (!detail::writeBackup(m_options.backupPath, m_plan.fingerprint.head, error))
                return refuse(error);
            m_result.backupWritten = true;
            step(UpdateStep::BackupWritten);
            if (!unchanged()) // immediately before the first write
                return;
        }
        if (detail::writeHeaderSteps(m_plan, m_file, m_options.onStep, m_result))
            m_result.ok = true;
    }

  private:
    void step(UpdateStep s) {
        if (m_options.onStep)
            m_options.onStep(s);
    }
    void refuse(const std::string& why) {
        m_result.refused = true;
        m_result.error = why;
    }
    bool unchanged() {
        const std::string why = detail::changedSince(m_file, m_plan.fingerprint);
        if (!why.empty())
            refuse(why);
        return why.empty();
    }

    const HeaderUpdatePlan& m_plan;
    const HeaderUpdateOptions& m_options;
    HeaderWriter& m_file;
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

namespace detail {
std::string changedSince(HeaderWriter& file, const FileFingerprint& planned) {
    FileFingerprint now;
    std::string error;
    if (!readFingerprint(file, now, error))
        return "cannot re-check the file before writing: " + error;
    const std::string diff = fingerprintDifference(planned, now);
    if (!diff.empty())
        return "the file changed on disk since it was read: " + diff + "; plan the update again";
    return {};
}

bool writeHeaderSteps(const HeaderUpdatePlan& plan, HeaderWriter& file,
                      const std::function<void(UpdateStep)>& onStep, HeaderUpdateResult& result) {
    return HeaderSteps(plan, file, onStep, result).run();
}
} // namespace detail

HeaderUpdateResult applyHeaderUpdate(const HeaderUpdatePlan& plan,
                                     const HeaderUpdateOptions& options, HeaderWriter* writer) {
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
    std::unique_ptr<FileHeaderWriter> own;
    if (!writer) {
        std::string error;
        own = FileHeaderWriter::open(plan.path, error);
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
