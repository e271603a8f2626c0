#include "vhdx/byte_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vhdx {

bool ByteSource::contains(uint64_t offset, uint64_t len) const {
    const uint64_t total = size();
    return offset <= total && len <= total - offset;
}

ReadStatus MemorySource::read(uint64_t offset, void* buf, size_t len) const {
    if (!contains(offset, len))
        return ReadStatus::PastEnd;
    if (len)
        std::memcpy(buf, m_bytes.data() + offset, len);
    return ReadStatus::Ok;
}

std::unique_ptr<FileSource> FileSource::open(const std::string& path, std::string& error) {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever. The descriptor
    // is only kept for regular files and block devices, where the flag changes nothing.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        error = "cannot open '" + path + "': " + std::strerror(errno);
        return nullptr;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        error = "cannot stat '" + path + "': " + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    if (S_ISDIR(st.st_mode)) {
        error = "cannot read '" + path + "': it is a directory";
        ::close(fd);
        return nullptr;
    }
    uint64_t size = uint64_t(st.st_size);
    if (S_ISBLK(st.st_mode)) {
        const off_t end = ::lseek(fd, 0, SEEK_END);
        size = end > 0 ? uint64_t(end) : 0;
    } else if (!S_ISREG(st.st_mode)) {
        error = "cannot read '" + path + "': not a regular file or block device";
        ::close(fd);
        return nullptr;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    // A first read tells apart files that open but cannot be read (EIO, some FUSE mounts).
    char probe;
    if (size > 0 && ::pread(fd, &probe, 1, 0) < 0) {
        error = "cannot read '" + path + "': " + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<FileSource>(new FileSource(fd, size, path));
}

FileSource::~FileSource() {
    ::close(m_fd);
}

ReadStatus FileSource::read(uint64_t offset, void* buf, size_t len) const {
    if (!contains(offset, len))
        return ReadStatus::PastEnd;
    auto* out = static_cast<char*>(buf);
    size_t done = 0;
    while (done < len) {
        const ssize_t n = ::pread(m_fd, out + done, len - done, off_t(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ReadStatus::IoError;
        }
        if (n == 0)
            return ReadStatus::PastEnd; // the file shrank under us
        done += size_t(n);
    }
    return ReadStatus::Ok;
}

uint64_t FileSource::nextData(uint64_t offset) const {
    if (offset >= m_size)
        return m_size;
    // SEEK_DATA moves the shared file position, which no read here uses (all are pread).
    const off_t at = ::lseek(m_fd, off_t(offset), SEEK_DATA);
    if (at < 0)
        return errno == ENXIO ? m_size : offset; // ENXIO: only a hole is left
    return std::min<uint64_t>(uint64_t(at), m_size);
}

} // namespace vhdx
