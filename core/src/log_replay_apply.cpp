// Carrying out a log replay plan (MS-VHDX 2.3): lock, re-check the fingerprint, optional
// backup, every descriptor in sequence order, the file extended to its replayed size,
// fdatasync, the two-step header update that clears the LogGuid, then a re-read. Every result
// is checked; the first failure stops the replay. The log itself is never written, so until
// the LogGuid is cleared a second replay writes the same bytes.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "header_update_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"
#include "vhdx/log_replay.h"
#include "vhdx/replay_backup.h"
#include "vhdx/replayed_source.h"

namespace vhdx {

namespace {
constexpr uint64_t kSector = layout::logSectorSize;

std::string errnoText() {
    return errno ? std::string(": ") + std::strerror(errno) : std::string();
}

class Replay {
  public:
    Replay(const LogReplayPlan& plan, const LogReplayOptions& options, FileWriter& file,
           LogReplayResult& result)
        : m_plan(plan), m_replay(*plan.replay), m_options(options), m_file(file), m_result(result) {
    }

    void run() {
        step(WriteStep::Opened);
        if (!unchanged())
            return;
        if (!m_options.backupPath.empty()) {
            if (!writeBackup())
                return;
            m_result.backupWritten = true;
            step(WriteStep::BackupWritten);
            if (!unchanged()) // immediately before the first write
                return;
        }
        for (const ReplayWrite& w : m_replay.writes()) {
            if (!writeDescriptor(w))
                return;
            step(WriteStep::ReplayWritten);
        }
        FileStat st;
        if (!m_file.stat(st))
            return fail("cannot stat the file after writing the descriptors" + errnoText());
        if (st.size < m_plan.sizeAfter) {
            errno = 0;
            if (!m_file.resize(m_plan.sizeAfter))
                return fail("extending the file to " + std::to_string(m_plan.sizeAfter) +
                            " bytes failed" + errnoText());
            m_result.extended = true;
            step(WriteStep::ReplayExtended);
        }
        errno = 0;
        if (!m_file.flush())
            return fail("flushing the replayed descriptors to stable storage failed" + errnoText());
        m_result.dataFlushed = true;
        step(WriteStep::ReplayFlushed);
        HeaderUpdateResult headers;
        const bool headersOk = detail::writeHeaderSlots(
            m_file, m_plan.headers.steps, m_options.onStep, headers.blocksWritten, headers.error);
        m_result.headerBlocksWritten = headers.blocksWritten;
        if (!headersOk) {
            m_result.error = "clearing the LogGuid failed: " + headers.error +
                             ". The descriptors were written and flushed; headers are written "
                             "non-current slot first, so the file is either fully replayed or "
                             "still has its log active (a replay gives the same result)";
            return;
        }
        if (verify())
            m_result.ok = true;
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
    // Before the headers: the log is untouched and still active. A file the replay grew is
    // set back to its old size (the log grows it again on the next replay).
    void fail(const std::string& why) {
        m_result.error = why + "; the log is still active, so replaying again gives the same "
                               "result";
        FileStat st;
        if (m_file.stat(st) && st.size != m_plan.sizeBefore) {
            errno = 0;
            if (m_file.resize(m_plan.sizeBefore))
                m_result.error += " (the file was set back to its old size of " +
                                  std::to_string(m_plan.sizeBefore) + " bytes)";
            else
                m_result.error += " (setting the file back to its old size of " +
                                  std::to_string(m_plan.sizeBefore) + " bytes failed" +
                                  errnoText() + ")";
        }
    }
    bool unchanged() {
        const std::string why = detail::changedSincePlan(m_file, m_plan.headers.fingerprint);
        if (!why.empty())
            refuse(why);
        return why.empty();
    }

    bool writeBackup() {
        ReplayBackup meta;
        meta.oldSize = m_plan.sizeBefore;
        meta.sizeAfter = m_plan.sizeAfter;
        meta.fileWriteGuidAfter = m_plan.headers.steps[0].newFileWriteGuid;
        std::string error;
        if (!writeReplayBackup(m_options.backupPath, meta,
                               backupRanges(m_replay, m_plan.sizeBefore), m_file, error)) {
            refuse(error);
            return false;
        }
        return true;
    }

    bool writeAll(const uint8_t* p, uint64_t len, uint64_t offset, const std::string& what) {
        errno = 0;
        const long long n = m_file.pwrite(p, len, offset);
        if (n == static_cast<long long>(len))
            return true;
        fail(what + " failed" +
             (n < 0 ? errnoText()
                    : ": short write (" + std::to_string(n) + " of " + std::to_string(len) +
                          " bytes)"));
        return false;
    }

    bool writeDescriptor(const ReplayWrite& w) {
        const std::string what = "writing descriptor " + std::to_string(w.descriptorIndex) +
                                 " of log entry " + std::to_string(w.sequenceNumber) +
                                 " at offset " + std::to_string(w.fileOffset);
        ++m_result.descriptorsWritten;
        if (w.isData) {
            uint8_t sector[kSector];
            errno = 0;
            if (!m_file.pread(sector, kSector, m_replay.logOffset() + w.dataLogOffset)) {
                fail("reading the data sector of " + what.substr(8) + errnoText());
                return false;
            }
            const uint64_t seq = uint64_t(le32(sector + 4)) << 32 | le32(sector + kSector - 4);
            if (std::memcmp(sector, "data", 4) != 0 || seq != w.sequenceNumber) {
                fail("the data sector of " + what.substr(8) + " no longer matches the plan");
                return false;
            }
            putLe64(sector, w.leadingBytes);
            putLe32(sector + kSector - 4, w.trailingBytes);
            return writeAll(sector, kSector, w.fileOffset, what);
        }
        // A zero run: extended or cleared in one call, whatever its length (no bytes written
        // where the file system can punch a hole).
        errno = 0;
        if (m_file.zeroRange(w.fileOffset, w.length))
            return true;
        fail(what + " failed" + errnoText());
        return false;
    }

    // The file now: the size planned, no replay needed, and every overlaid range holding the
    // bytes of the descriptor that writes it last.
    bool verify() {
        FileStat st;
        if (!m_file.stat(st) || st.size != m_plan.sizeAfter) {
            m_result.error = "verification failed: the file is not " +
                             std::to_string(m_plan.sizeAfter) + " bytes long";
            return false;
        }
        auto now = std::make_shared<detail::DescriptorSource>(m_file, st.size, m_plan.path);
        ParseOptions parse;
        parse.view = ReadView::Stored;
        parse.resolveParent = false;
        parse.budget = m_options.budget;
        const auto image = Image::parse(now, parse);
        if (image->log().present || image->log().replayState != LogReplayState::None) {
            m_result.error = "verification failed: the re-read file still has a log to replay";
            return false;
        }
        const ReplayedSource expected(now, m_plan.replay);
        std::vector<uint8_t> want, got;
        for (const ReplayOverlay& o : m_replay.overlays()) {
            for (uint64_t done = 0; done < o.length;) {
                const uint64_t n = std::min<uint64_t>(o.length - done, MiB);
                want.resize(n);
                got.resize(n);
                if (expected.read(o.offset + done, want.data(), n) != ReadStatus::Ok ||
                    now->read(o.offset + done, got.data(), n) != ReadStatus::Ok || want != got) {
                    m_result.error = "verification failed: the bytes at offset " +
                                     std::to_string(o.offset + done) +
                                     " do not read back as the replay wrote them";
                    return false;
                }
                done += n;
            }
        }
        return true;
    }

    const LogReplayPlan& m_plan;
    const ReplayPlan& m_replay;
    const LogReplayOptions& m_options;
    FileWriter& m_file;
    LogReplayResult& m_result;
};
} // namespace

LogReplayResult applyLogReplay(const LogReplayPlan& plan, const LogReplayOptions& options,
                               FileWriter* writer) {
    LogReplayResult result;
    result.plan = plan;
    auto refuse = [&](std::string why) {
        result.refused = true;
        result.error = std::move(why);
        return result;
    };
    if (!plan.allowed)
        return refuse(plan.refusal);
    if (!plan.replay || !plan.headers.allowed)
        return refuse("internal error: incomplete replay plan");
    std::unique_ptr<PosixFileWriter> own;
    std::string error;
    if (!writer) {
        own = PosixFileWriter::open(plan.path, error);
        if (!own)
            return refuse(error);
        writer = own.get();
    }
    if (!writer->lock(error))
        return refuse(error);
    Replay(plan, options, *writer, result).run();
    return result;
}

} // namespace vhdx
