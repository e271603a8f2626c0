// Log analysis (MS-VHDX 2.3): find every entry in the circular log, validate it, and work out
// the active sequence a replay would apply. Work is bounded: at most maxLogEntries entries
// are kept, and checksum/descriptor reads are capped at a multiple of the log length.
#include "vhdx/log.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/findings.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"

namespace vhdx {

namespace {

constexpr uint64_t kSector = layout::logSectorSize;
constexpr size_t kMaxEntryFindings = 100;

// Reads len bytes at a log-relative offset, wrapping at the end of the circular log.
bool readWrapped(const ByteSource& src, const Log& log, uint64_t rel, uint8_t* buf, size_t len) {
    while (len) {
        rel %= log.length;
        const size_t n = size_t(std::min<uint64_t>(len, log.length - rel));
        if (src.read(log.offset + rel, buf, n) != ReadStatus::Ok)
            return false;
        buf += n;
        len -= n;
        rel += n;
    }
    return true;
}

struct EntryChecker {
    const ByteSource& src;
    const Log& log;
    uint64_t budget; // bytes that may still be read for checksums and descriptors

    // Streams the entry for its CRC and walks descriptors and data sectors.
    void check(LogEntry& e, const uint8_t* first) {
        if (e.length == 0 || e.length % kSector || e.length > log.length) {
            e.problem = "EntryLength " + std::to_string(e.length) +
                        " is not a 4 KiB multiple within the log";
            return;
        }
        if (e.length > budget) {
            e.problem = "not checked: the log scan's read budget is used up";
            return;
        }
        budget -= e.length;
        const uint64_t sectors = e.length / kSector;
        const uint64_t descSectors = (uint64_t(e.descriptorCount) + 2 + 127) / 128;
        std::vector<uint8_t> sector(kSector);
        uint32_t crc = crc32cInit();
        std::vector<uint64_t> dataSeq; // expected (sequence) per data sector, in order
        std::string problem;
        if (descSectors > sectors)
            problem = std::to_string(e.descriptorCount) + " descriptors do not fit the entry";
        uint64_t descIndex = 0, dataSeen = 0;
        for (uint64_t s = 0; s < sectors; ++s) {
            if (!readWrapped(src, log, e.offset + s * kSector, sector.data(), kSector)) {
                e.problem = "could not be read";
                return;
            }
            if (s == 0)
                std::memset(sector.data() + 4, 0, 4);
            crc = crc32cUpdate(crc, sector.data(), kSector);
            if (!problem.empty())
                continue;
            if (s < descSectors) {
                const size_t startSlot = s == 0 ? 2 : 0; // the header takes two slots
                for (size_t slot = startSlot; slot < 128 && descIndex < e.descriptorCount;
                     ++slot, ++descIndex) {
                    const uint8_t* d = sector.data() + slot * 32;
                    const bool isData = std::memcmp(d, "desc", 4) == 0;
                    const bool isZero = std::memcmp(d, "zero", 4) == 0;
                    const uint64_t seq = le64(d + 24);
                    const uint64_t off = le64(d + 16);
                    if (!isData && !isZero)
                        problem = "descriptor " + std::to_string(descIndex) + " has no signature";
                    else if (seq != e.sequenceNumber)
                        problem = "descriptor " + std::to_string(descIndex) +
                                  " carries another sequence number";
                    else if (off % kSector || (isZero && le64(d + 8) % kSector))
                        problem =
                            "descriptor " + std::to_string(descIndex) + " is not 4 KiB aligned";
                    isData ? ++e.dataDescriptors : ++e.zeroDescriptors;
                    if (!problem.empty())
                        break;
                }
                if (problem.empty() && s + 1 == descSectors &&
                    descSectors + e.dataDescriptors > sectors)
                    problem =
                        std::to_string(e.dataDescriptors) + " data sectors do not fit the entry";
            } else if (dataSeen < e.dataDescriptors) {
                const uint8_t* d = sector.data();
                const uint64_t seq = uint64_t(le32(d + 4)) << 32 | le32(d + kSector - 4);
                if (std::memcmp(d, "data", 4) != 0 || seq != e.sequenceNumber)
                    problem = "data sector " + std::to_string(dataSeen) +
                              " has a bad signature or sequence number";
                ++dataSeen;
            }
        }
        (void)first;
        e.checksumComputed = crc32cFinal(crc);
        e.checksumValid = e.checksum == e.checksumComputed;
        if (!e.checksumValid)
            e.problem =
                "stored CRC " + hex32(e.checksum) + ", computed " + hex32(e.checksumComputed);
        else if (!problem.empty())
            e.problem = problem;
        else if (e.sequenceNumber == 0)
            e.problem = "sequence number is zero";
        else if (!e.guidMatches)
            e.problem = "LogGuid " + e.logGuid.toString() + " is not the header's (stale entry)";
        else if (e.tail % kSector || e.tail >= log.length)
            e.problem = "Tail " + std::to_string(e.tail) + " is not a sector inside the log";
        e.valid = e.problem.empty();
    }
};

LogEntry decodeEntryHeader(const uint8_t* h, uint64_t rel, const Log& log) {
    LogEntry e;
    e.offset = rel;
    e.fileOffset = log.offset + rel;
    e.checksum = le32(h + 4);
    e.length = le32(h + 8);
    e.tail = le32(h + 12);
    e.sequenceNumber = le64(h + 16);
    e.descriptorCount = le32(h + 24);
    e.logGuid = Guid::fromDisk(h + 32);
    e.flushedFileOffset = le64(h + 48);
    e.lastFileOffset = le64(h + 56);
    e.guidMatches = e.logGuid == log.logGuid;
    return e;
}

} // namespace

void findActiveSequence(Log& log); // log_sequence.cpp

Log readLog(const ByteSource& src, const Header& current, Findings& f) {
    Log log;
    log.offset = current.logOffset;
    log.length = current.logLength;
    log.logGuid = current.logGuid;
    log.present = !current.logGuid.isNull();
    if (!log.present)
        return log;
    if (log.length == 0 || !src.contains(log.offset, log.length) || log.offset % MiB ||
        log.length % MiB) {
        f.add(Severity::Error, FindingCode::LogInvalid, "log", log.offset,
              "The header has a log to replay (LogGuid " + log.logGuid.toString() +
                  ") but the log area [" + std::to_string(log.offset) + ", +" +
                  std::to_string(log.length) + ") is empty, misaligned or beyond end of file",
              "2.3");
        return log;
    }
    log.readable = true;
    EntryChecker checker{src, log, 4 * log.length + 64 * MiB};
    std::vector<uint8_t> chunk(MiB);
    size_t invalidReported = 0;
    for (uint64_t base = 0; base < log.length; base += MiB) {
        const size_t n = size_t(std::min<uint64_t>(MiB, log.length - base));
        if (src.read(log.offset + base, chunk.data(), n) != ReadStatus::Ok) {
            f.add(Severity::Error, FindingCode::IoError, "log", log.offset + base,
                  "Reading the log failed", "2.3");
            break;
        }
        for (size_t s = 0; s + kSector <= n; s += kSector) {
            const uint8_t* h = chunk.data() + s;
            if (std::memcmp(h, "loge", 4) != 0)
                continue;
            if (log.entries.size() == maxLogEntries) {
                log.entriesLimited = true;
                break;
            }
            LogEntry e = decodeEntryHeader(h, base + s, log);
            checker.check(e, h);
            if (!e.valid && invalidReported++ < kMaxEntryFindings)
                f.add(Severity::Info, FindingCode::LogEntryInvalid,
                      "log[" + std::to_string(e.offset) + "]", e.fileOffset,
                      "Log entry " + std::to_string(e.sequenceNumber) + " at log offset " +
                          std::to_string(e.offset) + " is not valid: " + e.problem,
                      "2.3.1");
            log.entries.push_back(std::move(e));
        }
    }
    if (log.entriesLimited || invalidReported > kMaxEntryFindings)
        f.add(Severity::Info, FindingCode::LogEntriesLimited, "log", log.offset,
              "The log holds more entry candidates than are listed (" +
                  std::to_string(log.entries.size()) + " kept, " +
                  std::to_string(std::min(invalidReported, kMaxEntryFindings)) +
                  " invalid ones reported)",
              "2.3");
    findActiveSequence(log);
    if (log.replayNeeded) {
        const LogEntry* head = nullptr;
        for (const auto& e : log.entries)
            if (e.active && (!head || e.sequenceNumber > head->sequenceNumber))
                head = &e;
        f.add(Severity::Warning, FindingCode::LogReplayNeeded, "log", log.offset,
              "The log has an active sequence of " +
                  countOf(log.activeSequence.size(), "entry", "entries") +
                  " that must be replayed before the BAT and metadata can be trusted",
              "2.3.3");
        if (head && head->flushedFileOffset > src.size())
            f.add(Severity::Error, FindingCode::LogInvalid, "log", head->fileOffset,
                  "The active log sequence needs a file of at least " +
                      std::to_string(head->flushedFileOffset) +
                      " bytes (FlushedFileOffset) "
                      "but the file has " +
                      std::to_string(src.size()) + ": it cannot be replayed",
                  "2.3.3");
    }
    return log;
}

} // namespace vhdx
