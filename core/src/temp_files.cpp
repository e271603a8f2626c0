// Temporary files beside their final name, and the removal of those left by killed writers.
#include "vhdx/temp_files.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vhdx {

namespace {
std::string baseName(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string prefixOf(const std::string& finalPath, const std::string& tag) {
    return "." + baseName(finalPath) + "." + tag + "-";
}
} // namespace

std::string folderOf(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

bool syncFolder(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    const int e = errno;
    ::close(fd);
    errno = e;
    return ok;
}

bool createTemporaryBeside(const std::string& finalPath, const std::string& tag, mode_t mode,
                           TemporaryFile& out, std::string& error) {
    const std::string dir = folderOf(finalPath);
    std::string pattern = dir + "/" + prefixOf(finalPath, tag) + "XXXXXX";
    const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        error = "cannot create a temporary file in '" + dir + "': " + std::strerror(e);
        errno = e;
        return false;
    }
    ::flock(fd, LOCK_EX | LOCK_NB); // new and ours: marks it as in use until closed
    // mkostemp makes the file 0600; it gets what any new file of that mode would.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, mode & ~mask);
    out.fd = fd;
    out.path = pattern;
    return true;
}

std::vector<std::string> removeStaleTemporaries(const std::string& finalPath,
                                                const std::string& tag) {
    std::vector<std::string> removed;
    const std::string dir = folderOf(finalPath);
    const std::string prefix = prefixOf(finalPath, tag);
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return removed;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        // mkostemp's six characters after the prefix, nothing more.
        if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string path = dir + "/" + name;
        const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
            ::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::unlink(path.c_str()) == 0)
            removed.push_back(path);
        ::close(fd);
    }
    ::closedir(d);
    return removed;
}

} // namespace vhdx
