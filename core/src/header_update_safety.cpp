// The safety net around the guarded writes: the file fingerprint that detects a file changed
// on disk since it was read, and the optional backup (the header update: the first 1 MiB; the
// set-parent: that and the metadata region).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "header_update_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/temp_files.h"

namespace vhdx::detail {

bool readFingerprint(FileWriter& file, FileFingerprint& out, std::string& error) {
    if (!file.stat(out.stat)) {
        error = "cannot stat the file";
        return false;
    }
    out.head.assign(std::min<uint64_t>(out.stat.size, layout::headerSectionSize), 0);
    if (!out.head.empty() && !file.pread(out.head.data(), out.head.size(), 0)) {
        error = "cannot read the first " + std::to_string(out.head.size()) + " bytes";
        return false;
    }
    for (FileRange& r : out.ranges)
        if (!r.bytes.empty() && !file.pread(r.bytes.data(), r.bytes.size(), r.offset)) {
            error = "cannot read " + std::to_string(r.bytes.size()) + " bytes at offset " +
                    std::to_string(r.offset);
            return false;
        }
    // The size again: a file that shrank or grew while its start was read is not stable.
    FileStat after;
    if (!file.stat(after) || !(after == out.stat)) {
        error = "the file changed while it was being read";
        return false;
    }
    return true;
}

std::string fingerprintDifference(const FileFingerprint& before, const FileFingerprint& now) {
    const FileStat &a = before.stat, &b = now.stat;
    if (a.device != b.device || a.inode != b.inode)
        return "the path now names a different file (device/inode changed)";
    if (a.size != b.size)
        return "its size changed from " + std::to_string(a.size) + " to " + std::to_string(b.size) +
               " bytes";
    if (before.head != now.head) {
        const auto m =
            std::mismatch(before.head.begin(), before.head.end(), now.head.begin(), now.head.end());
        return "its first MiB changed (first difference at byte " +
               std::to_string(m.first - before.head.begin()) + ")";
    }
    if (before.ranges.size() != now.ranges.size())
        return "other bytes were compared (internal error)";
    for (size_t i = 0; i < before.ranges.size(); ++i)
        if (before.ranges[i] != now.ranges[i])
            return "the " + std::to_string(before.ranges[i].bytes.size()) + " bytes at offset " +
                   std::to_string(before.ranges[i].offset) + " changed";
    if (a.mtimeNs != b.mtimeNs)
        return "its modification time changed";
    if (a.ctimeNs != b.ctimeNs)
        return "its status-change time changed (written to, or its attributes changed)";
    return {};
}

std::string changedSincePlan(FileWriter& file, const FileFingerprint& planned) {
    FileFingerprint now;
    now.ranges = planned.ranges; // the offsets and sizes to read again
    std::string error;
    if (!readFingerprint(file, now, error))
        return "cannot re-check the file before writing: " + error;
    const std::string diff = fingerprintDifference(planned, now);
    if (!diff.empty())
        return "the file changed on disk since it was read: " + diff + "; plan the update again";
    return {};
}

// --- Backup ---

BackupFile::~BackupFile() {
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_temp.empty())
        ::unlink(m_temp.c_str());
}

std::string BackupFile::failure(const std::string& what, int e) const {
    return "cannot write backup '" + m_path + "': " + what + ": " + std::strerror(e);
}

bool BackupFile::create(const std::string& path, std::string& error) {
    m_path = path;
    if (pathExists(path)) {
        error = "cannot create backup '" + path + "': " + std::strerror(EEXIST) +
                " (an existing backup is never overwritten)";
        return false;
    }
    (void)removeStaleTemporaries(path, "tmp");
    TemporaryFile temp;
    if (!createTemporaryBeside(path, "tmp", 0644, temp, error)) {
        error = "cannot create backup '" + path + "': " + std::strerror(errno);
        return false;
    }
    m_fd = temp.fd;
    m_temp = temp.path;
    return true;
}

bool BackupFile::write(uint64_t offset, const void* data, size_t len, std::string& error) {
    const auto* p = static_cast<const uint8_t*>(data);
    size_t done = 0;
    while (done < len) {
        const ssize_t n = ::pwrite(m_fd, p + done, len - done, off_t(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error = failure("write", n == 0 ? EIO : errno);
            return false;
        }
        done += size_t(n);
    }
    return true;
}

bool BackupFile::commit(uint64_t size, std::string& error) {
    if (::ftruncate(m_fd, off_t(size)) != 0) {
        error = failure("truncate", errno);
        return false;
    }
    if (::fsync(m_fd) != 0) {
        error = failure("fsync", errno);
        return false;
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
        error = failure("close", errno);
        return false;
    }
    if (::link(m_temp.c_str(), m_path.c_str()) != 0) {
        const int e = errno;
        error = "cannot create backup '" + m_path + "': " + std::strerror(e) +
                (e == EEXIST ? " (an existing backup is never overwritten)" : "");
        return false;
    }
    ::unlink(m_temp.c_str());
    m_temp.clear();
    // Make the new directory entry durable too.
    if (!syncFolder(folderOf(m_path))) {
        error = "cannot sync the directory of backup '" + m_path + "': " + std::strerror(errno);
        ::unlink(m_path.c_str()); // ours: linked above, never over an existing file
        return false;
    }
    return true;
}

bool pathExists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool writeBackup(const std::string& path, const std::vector<FileRange>& pieces,
                 std::string& error) {
    BackupFile file;
    if (!file.create(path, error))
        return false;
    uint64_t end = 0;
    for (const FileRange& piece : pieces) {
        end = std::max<uint64_t>(end, piece.offset + piece.bytes.size());
        if (!file.write(piece.offset, piece.bytes.data(), piece.bytes.size(), error))
            return false;
    }
    return file.commit(end, error);
}

} // namespace vhdx::detail
