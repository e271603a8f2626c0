// Writing the log replay's backup a piece at a time, and restoring one: the backup checked
// (regular file, bounded size, checksum, records), FILE checked to be the file it was taken
// from, then every record written back, the old size set and everything re-read.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "header_update_internal.h"
#include "replay_backup_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"
#include "vhdx/replay_backup.h"

namespace vhdx {

using namespace detail;

namespace {

std::string errnoText() {
    return errno ? std::string(": ") + std::strerror(errno) : std::string();
}

bool allZero(const uint8_t* p, size_t n) {
    return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0);
}

// The backup file, read through its own descriptor (opened once, its type and size checked).
class BackupSource final : public ByteSource {
  public:
    ~BackupSource() override {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool open(const std::string& path, std::string& error) {
        m_fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (m_fd < 0) {
            error = "cannot open backup '" + path + "': " + std::strerror(errno);
            return false;
        }
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            error = "backup '" + path + "': not a regular file";
            return false;
        }
        m_size = uint64_t(st.st_size);
        if (m_size > maxReplayBackupFileSize) {
            error = "backup '" + path + "': " + std::to_string(m_size) +
                    " bytes, more than a backup may have (" +
                    std::to_string(maxReplayBackupFileSize) + ")";
            return false;
        }
        return true;
    }
    uint64_t size() const override { return m_size; }
    ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        if (!contains(offset, len))
            return ReadStatus::PastEnd;
        auto* p = static_cast<uint8_t*>(buf);
        for (size_t done = 0; done < len;) {
            const ssize_t n = ::pread(m_fd, p + done, len - done, off_t(offset + done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return ReadStatus::IoError;
            done += size_t(n);
        }
        return ReadStatus::Ok;
    }

  private:
    int m_fd = -1;
    uint64_t m_size = 0;
};

// "" when the file (its first MiB, its size) is the one the backup was taken from, or that
// file after its replay; else why not.
std::string identityProblem(const ReplayBackup& b, const std::vector<uint8_t>& backed,
                            const std::vector<uint8_t>& now, uint64_t size) {
    auto headersOf = [](const std::vector<uint8_t>& section) {
        return std::array<Header, 2>{
            decodeHeader(section.data() + layout::headerOffset[0], 1, layout::headerOffset[0]),
            decodeHeader(section.data() + layout::headerOffset[1], 2, layout::headerOffset[1])};
    };
    const auto old = headersOf(backed);
    const int cur = chooseCurrentHeader(old[0], old[1]);
    if (!cur)
        return "the backup's header section holds no valid header, so which file it was taken "
               "from cannot be checked";
    const Header& from = old[size_t(cur - 1)];
    const uint64_t largest = b.version == 1 ? UINT64_MAX : std::max(b.oldSize, b.sizeAfter);
    if (size < b.oldSize || size > largest)
        return "FILE is " + std::to_string(size) + " bytes; the file backed up was " +
               std::to_string(b.oldSize) + " bytes" +
               (b.version == 1 ? std::string()
                               : " (" + std::to_string(b.sizeAfter) + " after its replay)");
    int valid = 0;
    for (const Header& h : headersOf(now)) {
        if (!h.valid())
            continue;
        ++valid;
        if (h.dataWriteGuid != from.dataWriteGuid)
            return "FILE is another disk: its DataWriteGuid is " + h.dataWriteGuid.toString() +
                   ", the backed-up file's was " + from.dataWriteGuid.toString();
        if (h.fileWriteGuid != from.fileWriteGuid &&
            (b.version == 1 || h.fileWriteGuid != b.fileWriteGuidAfter))
            return "FILE was written since the backup (its FileWriteGuid " +
                   h.fileWriteGuid.toString() + " is neither the backed-up file's " +
                   from.fileWriteGuid.toString() + " nor the one its replay wrote)";
        if (!h.logGuid.isNull() && h.logGuid != from.logGuid)
            return "FILE has another log (LogGuid " + h.logGuid.toString() +
                   ", the backed-up "
                   "file's was " +
                   from.logGuid.toString() + ")";
    }
    if (!valid)
        return "FILE has no valid header, so it cannot be told to be the file the backup was "
               "taken from";
    return {};
}

} // namespace

bool writeReplayBackup(const std::string& path, const ReplayBackup& meta,
                       const std::vector<std::pair<uint64_t, uint64_t>>& ranges, FileWriter& file,
                       std::string& error) {
    BackupFile out;
    if (!out.create(path, error))
        return false;
    ReplayBackup b = meta;
    b.version = 2;
    uint64_t at = kBackupHeaderV2;
    uint32_t body = crc32cInit(); // of everything after the header
    uint32_t count = 0;
    auto put = [&](const void* p, size_t n) {
        body = crc32cUpdate(body, p, n);
        const bool ok = out.write(at, p, n, error);
        at += n;
        return ok;
    };
    auto record = [&](uint64_t offset, uint64_t length, bool zeros, const uint8_t* bytes) {
        uint8_t rh[kRecordHeader];
        encodeRecordHeader(rh, offset, length, zeros);
        ++count;
        return put(rh, sizeof rh) && (zeros || put(bytes, size_t(length)));
    };
    uint64_t zeroAt = 0, zeroLength = 0; // the zero run not yet written
    auto endZeroRun = [&] {
        const bool ok = !zeroLength || record(zeroAt, zeroLength, true, nullptr);
        zeroLength = 0;
        return ok;
    };
    std::vector<uint8_t> piece(kBackupPiece);
    for (const auto& [offset, length] : ranges) {
        for (uint64_t done = 0; done < length;) {
            const uint64_t pos = offset + done;
            const size_t n = size_t(std::min<uint64_t>(piece.size(), length - done));
            errno = 0;
            if (!file.pread(piece.data(), n, pos)) {
                error = "cannot read the bytes to back up at offset " + std::to_string(pos) +
                        errnoText();
                return false;
            }
            if (pos != 0 && allZero(piece.data(), n)) { // the header section is always data
                if (zeroLength && zeroAt + zeroLength != pos && !endZeroRun())
                    return false;
                if (!zeroLength)
                    zeroAt = pos;
                zeroLength += n;
            } else if (!endZeroRun() || !record(pos, n, false, piece.data())) {
                return false;
            }
            if (at > maxReplayBackupFileSize) {
                error = "the backup would be larger than " +
                        std::to_string(maxReplayBackupFileSize) +
                        " bytes; copy the whole file "
                        "instead";
                return false;
            }
            done += n;
        }
    }
    if (!endZeroRun())
        return false;
    const std::vector<uint8_t> header = encodeBackupHeader(b, count);
    uint8_t trailer[kTrailer];
    putLe32(trailer, crc32cCombine(crc32c(header.data(), header.size()), crc32cFinal(body),
                                   at - header.size()));
    return out.write(0, header.data(), header.size(), error) &&
           out.write(at, trailer, sizeof trailer, error) && out.commit(at + kTrailer, error);
}

RestoreResult restoreReplayBackup(const std::string& backupPath, const std::string& imagePath,
                                  bool apply, FileWriter* writer) {
    RestoreResult r;
    r.refused = true;
    BackupSource src;
    if (!src.open(backupPath, r.error))
        return r;
    if (!parseReplayBackup(src, r.backup, r.error, false)) {
        r.error = "backup '" + backupPath + "': " + r.error;
        return r;
    }
    std::unique_ptr<PosixFileWriter> own;
    if (!writer) {
        own = apply ? PosixFileWriter::open(imagePath, r.error)
                    : PosixFileWriter::openReadOnly(imagePath, r.error);
        if (!own)
            return r;
        writer = own.get();
    }
    if (apply && !writer->lock(r.error))
        return r;
    // Which file this is: its header section and size against the backup's.
    const uint64_t section = layout::headerSectionSize;
    std::vector<uint8_t> backed(section), now(section);
    FileStat st;
    if (src.read(r.backup.records[0].storedAt, backed.data(), section) != ReadStatus::Ok) {
        r.error = "backup '" + backupPath + "' could not be read";
        return r;
    }
    errno = 0;
    if (!writer->stat(st) || st.size < section || !writer->pread(now.data(), section, 0)) {
        r.error = "cannot read the first MiB of '" + imagePath + "'" + errnoText();
        return r;
    }
    if (const std::string why = identityProblem(r.backup, backed, now, st.size); !why.empty()) {
        r.error = "backup '" + backupPath + "' was not taken from '" + imagePath + "': " + why;
        return r;
    }
    if (!apply) {
        r.refused = false;
        r.ok = true;
        return r;
    }
    r.refused = false;
    std::vector<uint8_t> piece(kBackupPiece), check(kBackupPiece);
    // Each record in pieces: written back (verify false) or compared (verify true).
    auto eachPiece = [&](bool verify) -> bool {
        for (const BackupRecord& rec : r.backup.records) {
            if (rec.zeros && !verify) {
                errno = 0;
                if (!writer->zeroRange(rec.offset, rec.length)) {
                    r.error = "clearing " + std::to_string(rec.length) + " bytes at offset " +
                              std::to_string(rec.offset) + " failed" + errnoText() +
                              "; run the restore again";
                    return false;
                }
                continue;
            }
            for (uint64_t done = 0; done < rec.length;) {
                const size_t n = size_t(std::min<uint64_t>(piece.size(), rec.length - done));
                const uint64_t pos = rec.offset + done;
                if (rec.zeros)
                    std::fill_n(piece.begin(), n, uint8_t(0));
                else if (src.read(rec.storedAt + done, piece.data(), n) != ReadStatus::Ok) {
                    r.error = "reading the backup failed; run the restore again";
                    return false;
                }
                errno = 0;
                if (verify) {
                    if (!writer->pread(check.data(), n, pos) ||
                        std::memcmp(check.data(), piece.data(), n) != 0) {
                        r.error = "verification failed: the bytes at offset " +
                                  std::to_string(pos) + " do not read back as restored";
                        return false;
                    }
                } else if (writer->pwrite(piece.data(), n, pos) != static_cast<long long>(n)) {
                    r.error = "writing " + std::to_string(n) + " bytes at offset " +
                              std::to_string(pos) + " failed" + errnoText() +
                              "; run the restore again";
                    return false;
                }
                done += n;
            }
        }
        return true;
    };
    if (!eachPiece(false))
        return r;
    errno = 0;
    if (!writer->resize(r.backup.oldSize) || !writer->flush()) {
        r.error = std::string("setting the old size or flushing failed") + errnoText() +
                  "; run the restore again";
        return r;
    }
    if (!eachPiece(true))
        return r;
    r.ok = true;
    return r;
}

} // namespace vhdx
