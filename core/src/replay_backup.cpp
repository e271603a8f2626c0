// The log replay's backup (format in replay_backup.h): what it keeps, and its encoding, in
// memory or read a piece at a time.
#include "vhdx/replay_backup.h"

#include <algorithm>
#include <cstring>

#include "replay_backup_internal.h"
#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/layout.h"
#include "vhdx/replay_plan.h"

namespace vhdx {

namespace detail {

size_t backupHeaderSize(uint32_t version) {
    return version == 1 ? kBackupHeaderV1 : kBackupHeaderV2;
}

std::vector<uint8_t> encodeBackupHeader(const ReplayBackup& b, uint32_t count) {
    std::vector<uint8_t> h(backupHeaderSize(b.version), 0);
    std::memcpy(h.data(), kBackupMagic, 8);
    putLe32(h.data() + 8, b.version);
    putLe32(h.data() + 12, count);
    putLe64(h.data() + 16, b.oldSize);
    if (b.version != 1) {
        putLe64(h.data() + 24, b.sizeAfter);
        b.fileWriteGuidAfter.toDisk(h.data() + 32);
    }
    return h;
}

void encodeRecordHeader(uint8_t* p, uint64_t offset, uint64_t length, bool zeros) {
    putLe64(p, offset);
    putLe64(p + 8, length | (zeros ? kZeroRunBit : 0));
}

} // namespace detail

using namespace detail;

std::vector<std::pair<uint64_t, uint64_t>> backupRanges(const ReplayPlan& plan, uint64_t oldSize) {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    out.emplace_back(0, std::min(oldSize, layout::headerSectionSize));
    for (const ReplayOverlay& o : plan.overlays()) {
        if (o.offset >= oldSize)
            break; // sorted: the rest lies past the old end, which the old size restores
        const uint64_t end = std::min(o.end(), oldSize);
        auto& last = out.back();
        if (o.offset <= last.first + last.second)
            last.second = std::max(last.first + last.second, end) - last.first;
        else
            out.emplace_back(o.offset, end - o.offset);
    }
    return out;
}

std::vector<uint8_t> encodeReplayBackup(const ReplayBackup& b) {
    std::vector<uint8_t> out = encodeBackupHeader(b, uint32_t(b.records.size()));
    for (const BackupRecord& r : b.records) {
        const size_t at = out.size();
        out.resize(at + kRecordHeader);
        encodeRecordHeader(out.data() + at, r.offset, r.zeros ? r.length : r.bytes.size(), r.zeros);
        if (!r.zeros)
            out.insert(out.end(), r.bytes.begin(), r.bytes.end());
    }
    uint8_t crc[4];
    putLe32(crc, crc32c(out.data(), out.size()));
    out.insert(out.end(), crc, crc + 4);
    return out;
}

bool parseReplayBackup(const ByteSource& src, ReplayBackup& out, std::string& error,
                       bool withBytes) {
    out = {};
    const uint64_t size = src.size();
    uint8_t head[kBackupHeaderV2] = {};
    if (size < kBackupHeaderV1 + kTrailer || src.read(0, head, kBackupHeaderV1) != ReadStatus::Ok ||
        std::memcmp(head, kBackupMagic, 8) != 0) {
        error = "not a log replay backup (no \"VHDXRPLB\" signature)";
        return false;
    }
    out.version = le32(head + 8);
    if (out.version != 1 && out.version != 2) {
        error = "backup version " + std::to_string(out.version) + " is not supported";
        return false;
    }
    const size_t headerSize = backupHeaderSize(out.version);
    if (size < headerSize + kTrailer || src.read(0, head, headerSize) != ReadStatus::Ok) {
        error = "the backup's checksum does not match (damaged or truncated)";
        return false;
    }
    // The checksum first, a piece at a time: nothing is believed before it holds.
    const uint64_t body = size - kTrailer;
    std::vector<uint8_t> piece(std::min<uint64_t>(body, kBackupPiece));
    uint32_t state = crc32cInit();
    for (uint64_t at = 0; at < body;) {
        const size_t n = size_t(std::min<uint64_t>(piece.size(), body - at));
        if (src.read(at, piece.data(), n) != ReadStatus::Ok) {
            error = "the backup could not be read at byte " + std::to_string(at);
            return false;
        }
        state = crc32cUpdate(state, piece.data(), n);
        at += n;
    }
    uint8_t trailer[kTrailer];
    if (src.read(body, trailer, kTrailer) != ReadStatus::Ok ||
        crc32cFinal(state) != le32(trailer)) {
        error = "the backup's checksum does not match (damaged or truncated)";
        return false;
    }
    const uint32_t count = le32(head + 12);
    out.oldSize = le64(head + 16);
    if (out.version != 1) {
        out.sizeAfter = le64(head + 24);
        out.fileWriteGuidAfter = Guid::fromDisk(head + 32);
    }
    if (count > maxReplayBackupRecords) {
        error = "the backup holds " + std::to_string(count) + " records, more than the " +
                std::to_string(maxReplayBackupRecords) + " a backup may hold";
        return false;
    }
    uint64_t at = headerSize;
    for (uint32_t i = 0; i < count; ++i) {
        uint8_t rh[kRecordHeader];
        BackupRecord r;
        uint64_t end = 0;
        bool ok = body - at >= kRecordHeader && src.read(at, rh, kRecordHeader) == ReadStatus::Ok;
        if (ok) {
            r.offset = le64(rh);
            r.zeros = (le64(rh + 8) & kZeroRunBit) != 0;
            r.length = le64(rh + 8) & ~kZeroRunBit;
            r.storedAt = at + kRecordHeader;
            ok = (!r.zeros || out.version != 1) &&
                 (r.zeros || r.length <= body - at - kRecordHeader) &&
                 !addOverflows(r.offset, r.length, end) && end <= out.oldSize;
        }
        if (!ok) {
            error = "backup record " + std::to_string(i) + " is malformed";
            return false;
        }
        if (withBytes && !r.zeros) {
            r.bytes.resize(size_t(r.length));
            if (r.length &&
                src.read(r.storedAt, r.bytes.data(), r.bytes.size()) != ReadStatus::Ok) {
                error = "the backup could not be read at byte " + std::to_string(r.storedAt);
                return false;
            }
        }
        at += kRecordHeader + (r.zeros ? 0 : r.length);
        out.records.push_back(std::move(r));
    }
    if (at != body) {
        error = "the backup has bytes after its last record";
        return false;
    }
    // What restoring checks the file against: its header section, kept first.
    const uint64_t section = layout::headerSectionSize;
    if (out.records.empty() || out.records[0].offset != 0 || out.records[0].zeros ||
        out.records[0].length != section || out.oldSize < section ||
        (out.version != 1 && out.sizeAfter < out.oldSize)) {
        error = "the backup does not hold the file's header section (the first 1 MiB) first, "
                "so which file it belongs to cannot be checked";
        return false;
    }
    return true;
}

bool decodeReplayBackup(const std::vector<uint8_t>& bytes, ReplayBackup& out, std::string& error) {
    const MemorySource src(bytes.data(), bytes.size());
    return parseReplayBackup(src, out, error, true);
}

} // namespace vhdx
