// The log writer's transaction (MS-VHDX 2.3): open the log with a
// header update, append the entry and flush it, write its sectors in place and flush them,
// close the log with a header update. Each write and flush is checked; the first failure stops
// it, and the result says how far it came (log_writer.h tells what each point leaves).
#include "vhdx/log_writer.h"

#include <cerrno>
#include <cstring>

#include "header_update_internal.h"

namespace vhdx {

const char* logWriteStepName(LogWriteStep s) {
    switch (s) {
    case LogWriteStep::OpenFirstWritten:
        return "log opened: first header written";
    case LogWriteStep::OpenFirstFlushed:
        return "log opened: first header flushed";
    case LogWriteStep::OpenSecondWritten:
        return "log opened: second header written";
    case LogWriteStep::OpenSecondFlushed:
        return "log opened: second header flushed";
    case LogWriteStep::EntryWritten:
        return "log entry written";
    case LogWriteStep::EntryFlushed:
        return "log entry flushed";
    case LogWriteStep::SectorsWritten:
        return "sectors written in place";
    case LogWriteStep::SectorsFlushed:
        return "sectors flushed";
    case LogWriteStep::CloseFirstWritten:
        return "log closed: first header written";
    case LogWriteStep::CloseFirstFlushed:
        return "log closed: first header flushed";
    case LogWriteStep::CloseSecondWritten:
        return "log closed: second header written";
    case LogWriteStep::CloseSecondFlushed:
        return "log closed: second header flushed";
    }
    return "?";
}

bool writeSectorsInPlace(FileWriter& file, const std::vector<SectorWrite>& sectors,
                         std::string& error) {
    for (const SectorWrite& s : sectors) {
        errno = 0;
        const long long n = file.pwrite(s.bytes.data(), s.bytes.size(), s.fileOffset);
        if (n != static_cast<long long>(s.bytes.size())) {
            error = "writing the sector at offset " + std::to_string(s.fileOffset) + " failed" +
                    (n < 0 ? std::string(": ") + std::strerror(errno ? errno : EIO)
                           : ": short write (" + std::to_string(n) + " of " +
                                 std::to_string(s.bytes.size()) + " bytes)");
            return false;
        }
    }
    return true;
}

namespace {

class Transaction {
  public:
    Transaction(FileWriter& file, const LogWritePlan& plan,
                const std::function<void(LogWriteStep)>& onStep, LogWriteResult& result)
        : m_file(file), m_plan(plan), m_onStep(onStep), m_result(result) {}

    void run() {
        if (!headers(m_plan.open, LogWriteStep::OpenFirstWritten, "opening the log: "))
            return;
        m_result.anyWriteIssued = true;
        errno = 0;
        const long long n =
            m_file.pwrite(m_plan.entry.data(), m_plan.entry.size(), m_plan.entryFileOffset);
        if (n != static_cast<long long>(m_plan.entry.size()))
            return fail("writing the log entry at offset " +
                        std::to_string(m_plan.entryFileOffset) + " failed" + errnoText(n));
        step(LogWriteStep::EntryWritten);
        if (!flush("the log entry"))
            return;
        step(LogWriteStep::EntryFlushed);
        std::string error;
        if (!writeSectorsInPlace(m_file, m_plan.sectors, error))
            return fail(error + " (the log holds them: a replay completes the change)");
        step(LogWriteStep::SectorsWritten);
        if (!flush("the sectors written in place"))
            return;
        step(LogWriteStep::SectorsFlushed);
        if (!headers(m_plan.close, LogWriteStep::CloseFirstWritten, "closing the log: "))
            return;
        m_result.ok = verifySectors();
    }

  private:
    void step(LogWriteStep s) {
        m_result.anyStep = true;
        m_result.reached = s;
        if (m_onStep)
            m_onStep(s);
    }
    void fail(const std::string& why) { m_result.error = why; }
    static std::string errnoText(long long n) {
        if (n >= 0)
            return ": short write";
        return errno ? std::string(": ") + std::strerror(errno) : std::string();
    }
    bool flush(const char* what) {
        errno = 0;
        if (m_file.flush())
            return true;
        fail(std::string("flushing ") + what + " to stable storage failed" + errnoText(-1));
        return false;
    }

    // A header update's two slots; first is the step of its first written slot.
    bool headers(const HeaderSlotPlan (&slots)[2], LogWriteStep first, const char* what) {
        int written = 0;
        std::string error;
        const bool ok = detail::writeHeaderSlots(
            m_file, slots,
            [&](WriteStep s) {
                step(LogWriteStep(int(first) + int(s) - int(WriteStep::FirstWritten)));
            },
            written, error);
        m_result.anyWriteIssued |= written > 0;
        if (!ok)
            fail(what + error);
        return ok;
    }

    bool verifySectors() {
        std::vector<uint8_t> got;
        for (const SectorWrite& s : m_plan.sectors) {
            got.assign(s.bytes.size(), 0);
            if (!m_file.pread(got.data(), got.size(), s.fileOffset) || got != s.bytes) {
                fail("verification failed: the sector at offset " + std::to_string(s.fileOffset) +
                     " does not read back as written");
                return false;
            }
        }
        return true;
    }

    FileWriter& m_file;
    const LogWritePlan& m_plan;
    const std::function<void(LogWriteStep)>& m_onStep;
    LogWriteResult& m_result;
};

} // namespace

LogWriteResult writeThroughLog(FileWriter& file, const LogWritePlan& plan,
                               const std::function<void(LogWriteStep)>& onStep) {
    LogWriteResult result;
    Transaction(file, plan, onStep, result).run();
    return result;
}

} // namespace vhdx
