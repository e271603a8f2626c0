// The real HeaderWriter: positioned I/O on one descriptor, fdatasync, fstat and an OFD lock.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhdx/header_update.h"

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

std::unique_ptr<FileHeaderWriter> FileHeaderWriter::open(const std::string& path,
                                                         std::string& error) {
    const int fd = openFd(path, O_RDWR, error);
    return fd < 0 ? nullptr : std::unique_ptr<FileHeaderWriter>(new FileHeaderWriter(fd));
}

std::unique_ptr<FileHeaderWriter> FileHeaderWriter::openReadOnly(const std::string& path,
                                                                 std::string& error) {
    const int fd = openFd(path, O_RDONLY, error);
    return fd < 0 ? nullptr : std::unique_ptr<FileHeaderWriter>(new FileHeaderWriter(fd));
}

FileHeaderWriter::~FileHeaderWriter() {
    ::close(m_fd);
}

long long FileHeaderWriter::pwrite(const void* buf, size_t len, uint64_t offset) {
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

bool FileHeaderWriter::flush() {
    // No retry on failure: after a failed fdatasync the kernel may have dropped the dirty
    // pages, and a second call can report success without the data being on disk.
    int rc;
    do {
        rc = ::fdatasync(m_fd);
    } while (rc != 0 && errno == EINTR);
    return rc == 0;
}

bool FileHeaderWriter::pread(void* buf, size_t len, uint64_t offset) {
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

bool FileHeaderWriter::stat(FileStat& out) {
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

bool HeaderWriter::resize(uint64_t) {
    errno = ENOTSUP;
    return false;
}

bool FileHeaderWriter::resize(uint64_t size) {
    int rc;
    do {
        rc = ::ftruncate(m_fd, off_t(size));
    } while (rc != 0 && errno == EINTR);
    return rc == 0;
}

bool FileHeaderWriter::lock(std::string& error) {
    // An open-file-description lock: held by this descriptor until it is closed, and
    // conflicting with QEMU's per-byte image locks (also OFD locks) and with another updater.
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0; // to the end, however far the file grows
    if (::fcntl(m_fd, F_OFD_SETLK, &fl) == 0)
        return true;
    const int e = errno;
    if (e == EAGAIN || e == EACCES)
        error = "the file is locked by another process (a running VM, qemu-img or another "
                "update?)";
    else
        error = std::string("cannot lock the file: ") + std::strerror(e);
    return false;
}

} // namespace vhdx
