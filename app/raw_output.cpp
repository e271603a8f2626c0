#include "raw_output.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace vhdx::app {

namespace {

// The temporary file's name for the signal handler: a Ctrl-C during a long export removes it.
char g_tempPath[4096];
volatile sig_atomic_t g_tempSet = 0;

extern "C" void removeTempAndDie(int sig) {
    if (g_tempSet)
        ::unlink(g_tempPath);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

std::string errnoText(const std::string& what) {
    return what + ": " + std::strerror(errno);
}

bool allZero(const uint8_t* p, size_t n) {
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        if (v)
            return false;
    }
    for (; n; ++p, --n)
        if (*p)
            return false;
    return true;
}

} // namespace

RawOutput::~RawOutput() {
    if (!m_committed)
        discard();
}

void RawOutput::discard() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_temp.empty())
        ::unlink(m_temp.c_str());
    g_tempSet = 0;
    m_temp.clear();
}

bool RawOutput::create(const std::string& out, uint64_t size, std::string& error) {
    m_out = out;
    const std::filesystem::path p(out);
    const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
    std::string pattern = dir + "/." + p.filename().string() + ".export-XXXXXX";
    if (pattern.size() >= sizeof g_tempPath) {
        error = "the output path is too long";
        return false;
    }
    m_fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (m_fd < 0) {
        error = errnoText("cannot create a temporary file in '" + dir + "'");
        return false;
    }
    m_temp = pattern;
    std::memcpy(g_tempPath, m_temp.c_str(), m_temp.size() + 1);
    g_tempSet = 1;
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        std::signal(sig, removeTempAndDie);
    // mkostemp makes the file 0600; the export gets what any new file would (0666 & ~umask).
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(m_fd, 0666 & ~mask);
    if (::ftruncate(m_fd, off_t(size)) != 0) {
        error = errnoText("cannot size '" + m_temp + "' to " + std::to_string(size) + " bytes");
        discard();
        return false;
    }
    return true;
}

bool RawOutput::writeSparse(uint64_t offset, const uint8_t* data, size_t len, std::string& error) {
    constexpr size_t page = 4096;
    size_t pos = 0;
    while (pos < len) {
        // Skip zero pages, then write the run of pages that are not all zero.
        size_t n = std::min(page - size_t((offset + pos) % page), len - pos);
        if (allZero(data + pos, n)) {
            pos += n;
            continue;
        }
        size_t end = pos + n;
        while (end < len) {
            const size_t m = std::min(page, len - end);
            if (allZero(data + end, m))
                break;
            end += m;
        }
        for (size_t done = pos; done < end;) {
            const ssize_t w = ::pwrite(m_fd, data + done, end - done, off_t(offset + done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                if (w == 0)
                    errno = ENOSPC;
                error = errnoText("writing '" + m_temp + "' at " + std::to_string(offset + done) +
                                  " failed");
                return false;
            }
            done += size_t(w);
            m_written += uint64_t(w);
        }
        pos = end;
    }
    return true;
}

bool RawOutput::commit(bool replace, std::string& error) {
    if (::fsync(m_fd) != 0) {
        error = errnoText("syncing '" + m_temp + "' failed");
        return false;
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
        error = errnoText("closing '" + m_temp + "' failed");
        return false;
    }
    int rc = 0;
    if (replace) {
        rc = ::rename(m_temp.c_str(), m_out.c_str());
    } else {
        // Never replace an OUT that appeared during the export.
        rc = ::renameat2(AT_FDCWD, m_temp.c_str(), AT_FDCWD, m_out.c_str(), RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) { // no RENAME_NOREPLACE here
            rc = ::link(m_temp.c_str(), m_out.c_str());
            if (rc == 0)
                ::unlink(m_temp.c_str());
        }
    }
    if (rc != 0) {
        error = errnoText("cannot move the export onto '" + m_out + "'");
        return false;
    }
    m_committed = true;
    g_tempSet = 0;
    const std::filesystem::path p(m_out);
    const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || ::fsync(dfd) != 0) {
        error = errnoText("the export is complete but syncing the folder '" + dir + "' failed");
        if (dfd >= 0)
            ::close(dfd);
        return false;
    }
    ::close(dfd);
    return true;
}

} // namespace vhdx::app
