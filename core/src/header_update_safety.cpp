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

namespace vhdx::detail {

bool readFingerprint(HeaderWriter& file, FileFingerprint& out, std::string& error) {
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

std::string changedSincePlan(HeaderWriter& file, const FileFingerprint& planned) {
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

namespace {
std::string parentDirectory(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

bool writeAll(int fd, const uint8_t* p, size_t len, uint64_t offset) {
    size_t done = 0;
    while (done < len) {
        const ssize_t n = ::pwrite(fd, p + done, len - done, off_t(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = EIO;
        if (n <= 0)
            return false;
        done += size_t(n);
    }
    return true;
}
} // namespace

bool pathExists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

bool writeBackup(const std::string& path, const std::vector<FileRange>& pieces,
                 std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = "cannot create backup '" + path + "': " + std::strerror(errno) +
                (errno == EEXIST ? " (an existing backup is never overwritten)" : "");
        return false;
    }
    const char* failed = nullptr;
    int e = 0;
    uint64_t end = 0;
    for (const FileRange& piece : pieces) {
        end = std::max<uint64_t>(end, piece.offset + piece.bytes.size());
        if (!failed && !writeAll(fd, piece.bytes.data(), piece.bytes.size(), piece.offset))
            failed = "write", e = errno;
    }
    if (!failed && ::ftruncate(fd, off_t(end)) != 0) // the holes between pieces
        failed = "truncate", e = errno;
    if (!failed && ::fsync(fd) != 0)
        failed = "fsync", e = errno;
    if (::close(fd) != 0 && !failed)
        failed = "close", e = errno;
    if (failed) {
        error = "cannot write backup '" + path + "': " + failed + ": " + std::strerror(e);
        ::unlink(path.c_str()); // ours: created above with O_EXCL
        return false;
    }
    // Make the new directory entry durable too.
    const int dir = ::open(parentDirectory(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0 || ::fsync(dir) != 0) {
        error = "cannot sync the directory of backup '" + path + "': " + std::strerror(errno);
        if (dir >= 0)
            ::close(dir);
        ::unlink(path.c_str());
        return false;
    }
    ::close(dir);
    return true;
}

} // namespace vhdx::detail
