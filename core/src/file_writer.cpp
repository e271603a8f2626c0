// The real FileWriter: positioned I/O on one descriptor, fdatasync, fstat, fallocate, and the
// OFD and flock locks.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "vhdx/bytes.h"
#include "vhdx/file_writer.h"

namespace vhdx {

namespace {
// The descriptor, or -1 with error set.
int openFd(const std::string& path, int flags, std::string& error) {
    // O_NOFOLLOW is not used: a symlink to an image is a legitimate way to name it.
    // O_NONBLOCK: a FIFO with no writer would block the open forever; it is refused below.
    int fd;
    do {
        fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        error = "cannot open '" + path + "'" +
                ((flags & O_ACCMODE) == O_RDWR ? " for writing: " : ": ") + std::strerror(errno);
        return -1;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
        error = "cannot use '" + path + "': not a regular file or block device";
        ::close(fd);
        return -1;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}
} // namespace

std::unique_ptr<PosixFileWriter> PosixFileWriter::open(const std::string& path,
                                                       std::string& error) {
    const int fd = openFd(path, O_RDWR, error);
    return fd < 0 ? nullptr : std::unique_ptr<PosixFileWriter>(new PosixFileWriter(fd));
}

std::unique_ptr<PosixFileWriter> PosixFileWriter::openReadOnly(const std::string& path,
                                                               std::string& error) {
    const int fd = openFd(path, O_RDONLY, error);
    return fd < 0 ? nullptr : std::unique_ptr<PosixFileWriter>(new PosixFileWriter(fd));
}

PosixFileWriter::~PosixFileWriter() {
    ::close(m_fd);
}

long long PosixFileWriter::pwrite(const void* buf, size_t len, uint64_t offset) {
    const auto* p = static_cast<const char*>(buf);
    size_t done = 0;
    while (done < len) {
        const ssize_t n = ::pwrite(m_fd, p + done, len - done, off_t(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return done ? static_cast<long long>(done) : -1;
        }
        if (n == 0)
            break; // no progress: report the short write
        done += size_t(n);
    }
    return static_cast<long long>(done);
}

bool PosixFileWriter::flush() {
    // No retry on failure: after a failed fdatasync the kernel may have dropped the dirty
    // pages, and a second call can report success without the data being on disk.
    int rc;
    do {
        rc = ::fdatasync(m_fd);
    } while (rc != 0 && errno == EINTR);
    return rc == 0;
}

bool PosixFileWriter::pread(void* buf, size_t len, uint64_t offset) {
    auto* p = static_cast<char*>(buf);
    size_t done = 0;
    while (done < len) {
        const ssize_t n = ::pread(m_fd, p + done, len - done, off_t(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += size_t(n);
    }
    return true;
}

bool PosixFileWriter::stat(FileStat& out) {
    struct stat st {};
    if (::fstat(m_fd, &st) != 0)
        return false;
    out.size = uint64_t(st.st_size);
    if (S_ISBLK(st.st_mode)) {
        const off_t end = ::lseek(m_fd, 0, SEEK_END);
        out.size = end > 0 ? uint64_t(end) : 0;
    }
    out.mtimeNs = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out.ctimeNs = int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    out.device = uint64_t(st.st_dev);
    out.inode = uint64_t(st.st_ino);
    return true;
}

bool FileWriter::resize(uint64_t) {
    errno = ENOTSUP;
    return false;
}

bool FileWriter::zeroRange(uint64_t offset, uint64_t length) {
    static const std::vector<uint8_t> zeros(size_t(1) << 20, 0);
    for (uint64_t done = 0; done < length;) {
        const size_t n = size_t(std::min<uint64_t>(zeros.size(), length - done));
        errno = 0;
        const long long w = pwrite(zeros.data(), n, offset + done);
        if (w != static_cast<long long>(n)) {
            if (w >= 0 && !errno)
                errno = ENOSPC; // a short write
            return false;
        }
        done += n;
    }
    return true;
}

bool PosixFileWriter::zeroRange(uint64_t offset, uint64_t length) {
    FileStat st;
    uint64_t end = 0;
    if (length == 0)
        return true;
    if (addOverflows(offset, length, end) || end > uint64_t(INT64_MAX)) {
        errno = EFBIG;
        return false;
    }
    if (!stat(st))
        return false;
    // Inside the file: a hole punched, else the range zeroed in place, else written.
    if (offset < st.size) {
        const uint64_t inside = std::min(end, st.size) - offset;
        int rc;
        do {
            rc = ::fallocate(m_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(offset),
                             off_t(inside));
        } while (rc != 0 && errno == EINTR);
        if (rc != 0 && (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL)) {
            do {
                rc = ::fallocate(m_fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off_t(offset),
                                 off_t(inside));
            } while (rc != 0 && errno == EINTR);
            if (rc != 0 && (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL)) {
                if (!FileWriter::zeroRange(offset, inside))
                    return false;
                rc = 0;
            }
        }
        if (rc != 0)
            return false;
    }
    // Past the end: the file grows, and what it grows by reads as zeros.
    return end <= st.size || resize(end);
}

bool PosixFileWriter::resize(uint64_t size) {
    int rc;
    do {
        rc = ::ftruncate(m_fd, off_t(size));
    } while (rc != 0 && errno == EINTR);
    return rc == 0;
}

bool PosixFileWriter::lock(std::string& error) {
    // An open-file-description lock: held by this descriptor until it is closed, and
    // conflicting with QEMU's per-byte image locks (also OFD locks) and with another updater.
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0; // to the end, however far the file grows
    if (::fcntl(m_fd, F_OFD_SETLK, &fl) == 0) {
        // flock() locks are another kind, invisible to fcntl: programs that take only those
        // (util-linux's flock(1), some backup tools) are detected with one of our own.
        if (::flock(m_fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK)
            return true; // taken, or not supported by this file system (the OFD lock holds)
        error = "the file is locked by another process (flock; a backup or sync tool, or "
                "another program holding it open?)";
        return false;
    }
    const int e = errno;
    if (e == EAGAIN || e == EACCES)
        error = "the file is locked by another process (a running VM, qemu-img or another "
                "update?)";
    else
        error = std::string("cannot lock the file: ") + std::strerror(e);
    return false;
}

} // namespace vhdx
