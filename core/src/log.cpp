// Log analysis (MS-VHDX 2.3): find every entry in the circular log, validate it, and work out
// the active sequence a replay would apply. The log is read once (log_scan.cpp); entries are
// checked in log order, checksums from the scan's prefix CRCs, descriptors read only for
// entries whose checksum holds. All reads come from the open's WorkBudget; when the log
// cannot be checked to its end, whether it needs a replay is Unknown, never "no".
#include "vhdx/log.h"

#include <algorithm>

#include "log_internal.h"
#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/checksummed_block.h"
#include "vhdx/crc32c.h"
#include "vhdx/findings.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"
#include "vhdx/structure_ref.h"
#include "vhdx/text_format.h"
#include "vhdx/work_budget.h"

namespace vhdx {

namespace {

constexpr uint64_t kSector = layout::logSectorSize;
constexpr size_t kMaxEntryFindings = 100;

using detail::LogCandidate;
using detail::LogScan;

class EntryChecker {
  public:
    EntryChecker(const ByteSource& src, const Log& log, const LogScan& scan, WorkBudget& budget)
        : m_src(src), m_log(log), m_scan(scan), m_budget(budget) {}

    // Fills e.checksumComputed, e.checksumValid, e.problem and e.valid. False when the entry
    // could matter for the replay but was not fully checked.
    bool check(const LogCandidate& c, LogEntry& e) {
        if (e.length == 0 || e.length % kSector || e.length > m_log.length) {
            e.problem = "Entry length " + formatBytes(e.length) +
                        " is not a multiple of 4 KiB within the log";
            return true;
        }
        const uint64_t sectors = e.length / kSector;
        const auto rest = m_scan.crcOfSectors(c.sector + 1, sectors - 1);
        if (!rest) {
            e.problem = "not checked: " + m_scan.stopReason;
            return !e.guidMatches;
        }
        e.checksumComputed = crc32cCombine(c.crcFirst, *rest, (sectors - 1) * kSector);
        e.checksumValid = e.checksum == e.checksumComputed;
        if (!e.checksumValid) {
            e.problem = checksumText(e.checksum, e.checksumComputed);
            return true;
        }
        if (!detail::checkDescriptors(m_src, m_log, e, m_budget)) {
            e.problem = "not checked: the open's read budget for logs ran out";
            return !e.guidMatches;
        }
        if (!e.problem.empty()) // a descriptor or data sector is wrong
            ;
        else if (e.sequenceNumber == 0)
            e.problem = "sequence number is zero";
        else if (!e.guidMatches)
            e.problem = "Log GUID " + e.logGuid.toString() + " is not the header's (stale entry)";
        else if (e.tail % kSector || e.tail >= m_log.length)
            e.problem = "Tail " + formatRelativeOffset(e.tail) + " is not a sector inside the log";
        e.valid = e.problem.empty();
        return true;
    }

  private:
    const ByteSource& m_src;
    const Log& m_log;
    const LogScan& m_scan;
    WorkBudget& m_budget;
};

void setUnknown(Log& log, std::string why) {
    if (log.replayState == LogReplayState::Unknown)
        return; // the first reason is the one that stopped the analysis
    log.replayState = LogReplayState::Unknown;
    log.replayUnknownReason = std::move(why);
}

} // namespace

Log readLog(const ByteSource& src, const Header& current, Findings& f, WorkBudget& budget) {
    Log log;
    log.offset = current.logOffset;
    log.length = current.logLength;
    log.logGuid = current.logGuid;
    log.present = !current.logGuid.isNull();
    if (!log.present)
        return log;
    if (log.length == 0 || !src.contains(log.offset, log.length) || log.offset % MiB ||
        log.length % MiB) {
        f.add(Severity::Error, FindingCode::LogInvalid, ref::log(), log.offset,
              "The header has a log to replay (Log GUID " + log.logGuid.toString() +
                  ") but the log area " + formatRange(log.offset, log.length) +
                  " is empty, misaligned or beyond " + fileEndText(src.size()),
              "2.3");
        return log;
    }
    log.readable = true;
    LogScan scan = detail::scanLogArea(src, log, budget);
    if (scan.ioError)
        f.add(Severity::Error, FindingCode::IoError, ref::log(), scan.ioErrorOffset,
              "Reading the log failed", "2.3");
    if (!scan.stopReason.empty())
        setUnknown(log, "the log was not read to its end: " + scan.stopReason);
    log.candidateCount = scan.candidates.size();
    log.entriesLimited = scan.candidates.size() > scan.listed.size();

    EntryChecker checker(src, log, scan, budget);
    size_t invalidReported = 0;
    size_t extraValid = 0; // valid entries past the listing cap
    for (size_t i = 0; i < scan.candidates.size(); ++i) {
        const LogCandidate& c = scan.candidates[i];
        const bool listed = i < scan.listed.size();
        LogEntry extra;
        if (!listed) {
            // Past the cap: a cheap look first, the header read only for a matching checksum.
            const bool lengthOk = c.length && c.length % kSector == 0 && c.length <= log.length;
            const auto rest =
                lengthOk ? scan.crcOfSectors(c.sector + 1, c.length / kSector - 1) : std::nullopt;
            if (!lengthOk ||
                (rest && crc32cCombine(c.crcFirst, *rest, c.length - kSector) != c.checksum))
                continue;
            uint8_t header[64];
            if (!detail::readWrapped(src, log, uint64_t(c.sector) * kSector, header,
                                     sizeof header)) {
                setUnknown(log, "a log entry header could not be read");
                continue;
            }
            extra = detail::decodeEntryHeader(header, uint64_t(c.sector) * kSector, log);
        }
        LogEntry& e = listed ? scan.listed[i] : extra;
        if (!checker.check(c, e))
            setUnknown(log, "log entry " + formatRelativeOffset(e.offset) +
                                " carries the header's Log GUID but could not be checked (" +
                                e.problem + ")");
        if (e.readFailedAt && log.replayState != LogReplayState::Unknown) {
            // A read error says nothing about the entry: it may be the newest transaction.
            // (Reported once: the first failure decides the state.)
            f.add(Severity::Error, FindingCode::IoError, ref::logEntry(e.offset),
                  log.offset + *e.readFailedAt,
                  "Reading log entry " + formatRelativeOffset(e.offset) + " failed: " + e.problem,
                  "2.3");
            setUnknown(log, "reading log entry " + formatRelativeOffset(e.offset) + " failed (" +
                                e.problem + ")");
        }
        if (!listed) {
            if (!e.valid)
                continue;
            if (extraValid++ == maxLogEntries) {
                setUnknown(log, "more than " + formatCount(2 * maxLogEntries) +
                                    " log entries would have to be kept");
                break;
            }
            scan.listed.push_back(std::move(e));
            continue;
        }
        if (!e.valid && !e.readFailedAt && invalidReported++ < kMaxEntryFindings)
            f.add(Severity::Info, FindingCode::LogEntryInvalid, ref::logEntry(e.offset),
                  e.fileOffset,
                  logEntryTitle(e.offset) + " (sequence " + std::to_string(e.sequenceNumber) +
                      ") is not valid: " + e.problem,
                  "2.3.1");
    }
    log.entries = std::move(scan.listed);
    if (log.entriesLimited || invalidReported > kMaxEntryFindings)
        f.add(Severity::Info, FindingCode::LogEntriesLimited, ref::log(), log.offset,
              "The log holds more entry candidates than are listed (" +
                  formatCount(log.entries.size()) + " kept, " +
                  formatCount(std::min(invalidReported, kMaxEntryFindings)) +
                  " invalid ones reported)",
              "2.3");
    detail::findActiveSequence(log);
    if (log.replayState == LogReplayState::Unknown) {
        log.replayNeeded = false;
        f.add(Severity::Error, FindingCode::LogReplayUnknown, ref::log(), log.offset,
              "Whether the log holds updates that must be replayed is unknown: " +
                  log.replayUnknownReason +
                  ". The BAT and metadata may not be the disk's; no guarded write is allowed",
              "2.3.3");
        return log;
    }
    if (log.replayNeeded) {
        log.replayState = LogReplayState::Needed;
        const LogEntry* head = nullptr;
        for (const auto& e : log.entries)
            if (e.active && (!head || e.sequenceNumber > head->sequenceNumber))
                head = &e;
        f.add(Severity::Warning, FindingCode::LogReplayNeeded, ref::log(), log.offset,
              "The log has an active sequence of " +
                  countOf(log.activeSequence.size(), "entry", "entries") +
                  " that must be replayed before the BAT and metadata can be trusted",
              "2.3.3");
        if (head && head->flushedFileOffset > src.size())
            f.add(Severity::Error, FindingCode::LogInvalid, ref::log(), head->fileOffset,
                  "The active log sequence needs a file of at least " +
                      formatBytes(head->flushedFileOffset) +
                      " (its Flushed file offset) but the file is " + formatBytes(src.size()) +
                      ": it cannot be replayed",
                  "2.3.3");
    }
    return log;
}

} // namespace vhdx
