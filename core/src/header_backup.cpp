// The optional backup of the first 1 MiB, made before any header is written.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "header_update_internal.h"

namespace vhdx::detail {

namespace {
std::string parentDirectory(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

bool writeAll(int fd, const uint8_t* p, size_t len) {
    size_t done = 0;
    while (done < len) {
        const ssize_t n = ::write(fd, p + done, len - done);
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

bool writeBackup(const std::string& path, const std::vector<uint8_t>& bytes, std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = "cannot create backup '" + path + "': " + std::strerror(errno) +
                (errno == EEXIST ? " (an existing backup is never overwritten)" : "");
        return false;
    }
    const char* failed = nullptr;
    int e = 0;
    if (!writeAll(fd, bytes.data(), bytes.size()))
        failed = "write", e = errno;
    else if (::fsync(fd) != 0)
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
