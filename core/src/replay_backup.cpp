// The log replay's backup (format in replay_backup.h): what it keeps, its encoding, and
// writing it back.
#include "vhdx/replay_backup.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/header_update.h"
#include "vhdx/layout.h"
#include "vhdx/replay_plan.h"

namespace vhdx {

namespace {
constexpr char kMagic[8] = {'V', 'H', 'D', 'X', 'R', 'P', 'L', 'B'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 24, kRecordHeader = 16, kTrailer = 4;

bool readWholeFile(const std::string& path, std::vector<uint8_t>& out, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot open backup '" + path + "': " + std::strerror(errno);
        return false;
    }
    out.clear();
    uint8_t buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = "cannot read backup '" + path + "': " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0)
            break;
        out.insert(out.end(), buf, buf + n);
    }
    ::close(fd);
    return true;
}
} // namespace

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
    size_t total = kHeaderBytes + kTrailer;
    for (const BackupRecord& r : b.records)
        total += kRecordHeader + r.bytes.size();
    std::vector<uint8_t> out(total);
    uint8_t* p = out.data();
    std::memcpy(p, kMagic, 8);
    putLe32(p + 8, kVersion);
    putLe32(p + 12, uint32_t(b.records.size()));
    putLe64(p + 16, b.oldSize);
    p += kHeaderBytes;
    for (const BackupRecord& r : b.records) {
        putLe64(p, r.offset);
        putLe64(p + 8, r.bytes.size());
        if (!r.bytes.empty())
            std::memcpy(p + kRecordHeader, r.bytes.data(), r.bytes.size());
        p += kRecordHeader + r.bytes.size();
    }
    putLe32(p, crc32c(out.data(), total - kTrailer));
    return out;
}

bool decodeReplayBackup(const std::vector<uint8_t>& bytes, ReplayBackup& out, std::string& error) {
    out = {};
    if (bytes.size() < kHeaderBytes + kTrailer || std::memcmp(bytes.data(), kMagic, 8) != 0) {
        error = "not a log replay backup (no \"VHDXRPLB\" signature)";
        return false;
    }
    const uint8_t* p = bytes.data();
    if (le32(p + 8) != kVersion) {
        error = "backup version " + std::to_string(le32(p + 8)) + " is not supported";
        return false;
    }
    const size_t body = bytes.size() - kTrailer;
    if (crc32c(p, body) != le32(p + body)) {
        error = "the backup's checksum does not match (damaged or truncated)";
        return false;
    }
    const uint32_t count = le32(p + 12);
    out.oldSize = le64(p + 16);
    size_t at = kHeaderBytes;
    for (uint32_t i = 0; i < count; ++i) {
        uint64_t end = 0;
        if (body - at < kRecordHeader || le64(p + at + 8) > body - at - kRecordHeader ||
            addOverflows(le64(p + at), le64(p + at + 8), end) || end > out.oldSize) {
            error = "backup record " + std::to_string(i) + " is malformed";
            return false;
        }
        BackupRecord r;
        r.offset = le64(p + at);
        const uint64_t len = le64(p + at + 8);
        r.bytes.assign(p + at + kRecordHeader, p + at + kRecordHeader + len);
        at += kRecordHeader + len;
        out.records.push_back(std::move(r));
    }
    if (at != body) {
        error = "the backup has bytes after its last record";
        return false;
    }
    return true;
}

RestoreResult restoreReplayBackup(const std::string& backupPath, const std::string& imagePath,
                                  bool apply, HeaderWriter* writer) {
    RestoreResult r;
    r.refused = true;
    std::vector<uint8_t> bytes;
    if (!readWholeFile(backupPath, bytes, r.error) ||
        !decodeReplayBackup(bytes, r.backup, r.error)) {
        if (r.error.find(backupPath) == std::string::npos)
            r.error = "backup '" + backupPath + "': " + r.error;
        return r;
    }
    if (!apply) {
        r.refused = false;
        r.ok = true;
        return r;
    }
    std::unique_ptr<FileHeaderWriter> own;
    if (!writer) {
        own = FileHeaderWriter::open(imagePath, r.error);
        if (!own)
            return r;
        writer = own.get();
    }
    if (!writer->lock(r.error))
        return r;
    r.refused = false;
    for (const BackupRecord& rec : r.backup.records) {
        errno = 0;
        if (writer->pwrite(rec.bytes.data(), rec.bytes.size(), rec.offset) !=
            static_cast<long long>(rec.bytes.size())) {
            r.error = "writing " + std::to_string(rec.bytes.size()) + " bytes at offset " +
                      std::to_string(rec.offset) + " failed" +
                      (errno ? std::string(": ") + std::strerror(errno) : std::string()) +
                      "; run the restore again";
            return r;
        }
    }
    if (!writer->resize(r.backup.oldSize) || !writer->flush()) {
        r.error = std::string("setting the old size or flushing failed: ") + std::strerror(errno) +
                  "; run the restore again";
        return r;
    }
    std::vector<uint8_t> check;
    for (const BackupRecord& rec : r.backup.records) {
        check.resize(rec.bytes.size());
        if (!rec.bytes.empty() &&
            (!writer->pread(check.data(), check.size(), rec.offset) || check != rec.bytes)) {
            r.error = "verification failed: the bytes at offset " + std::to_string(rec.offset) +
                      " do not read back as restored";
            return r;
        }
    }
    r.ok = true;
    return r;
}

} // namespace vhdx
