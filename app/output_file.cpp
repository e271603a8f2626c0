#include "output_file.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhdx/temp_files.h"

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

OutputFile::~OutputFile() {
    if (!m_committed)
        discard();
}

void OutputFile::discard() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_temp.empty())
        ::unlink(m_temp.c_str());
    g_tempSet = 0;
    m_temp.clear();
}

bool OutputFile::create(const std::string& out, uint64_t size, std::string& error) {
    m_out = out;
    m_staleRemoved = removeStaleTemporaries(out, "export");
    TemporaryFile temp;
    if (!createTemporaryBeside(out, "export", 0666, temp, error))
        return false;
    m_fd = temp.fd;
    m_temp = temp.path;
    if (m_temp.size() >= sizeof g_tempPath) {
        error = "the output path is too long";
        discard();
        return false;
    }
    std::memcpy(g_tempPath, m_temp.c_str(), m_temp.size() + 1);
    g_tempSet = 1;
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        std::signal(sig, removeTempAndDie);
    if (::ftruncate(m_fd, off_t(size)) != 0) {
        error = errnoText("cannot size '" + m_temp + "' to " + std::to_string(size) + " bytes");
        discard();
        return false;
    }
    return true;
}

bool OutputFile::resize(uint64_t size, std::string& error) {
    if (::ftruncate(m_fd, off_t(size)) == 0)
        return true;
    error = errnoText("cannot size '" + m_temp + "' to " + std::to_string(size) + " bytes");
    return false;
}

bool OutputFile::writeSparse(uint64_t offset, const uint8_t* data, size_t len, std::string& error) {
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

bool OutputFile::commit(bool replace, std::string& error) {
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
    const std::string dir = folderOf(m_out);
    // The folder must take a sync before OUT is touched: a folder that cannot be synced
    // fails the export here, with OUT as it was.
    if (!syncFolder(dir)) {
        error = errnoText("syncing the folder '" + dir + "' failed");
        return false;
    }
    const char* temp = m_temp.c_str();
    const char* out = m_out.c_str();
    if (replace && ::renameat2(AT_FDCWD, temp, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
        // OUT is the export, the temporary name the old OUT: made durable, or swapped back.
        if (!syncFolder(dir)) {
            error = errnoText("syncing the folder '" + dir + "' failed") + "; the old '" + m_out +
                    "' was put back";
            if (::renameat2(AT_FDCWD, temp, AT_FDCWD, out, RENAME_EXCHANGE) != 0)
                error = errnoText("syncing the folder '" + dir +
                                  "' failed, and putting the old file back failed") +
                        "; the export is complete under '" + m_out + "', the old file is '" +
                        m_temp + "'";
            return false;
        }
        m_committed = true;
        g_tempSet = 0;
        ::unlink(temp); // the old OUT; left behind by a crash, the next export removes it
        (void)syncFolder(dir);
        return true;
    }
    int rc = 0;
    if (replace) { // no RENAME_EXCHANGE on this file system, or OUT vanished meanwhile
        rc = ::rename(temp, out);
    } else {
        // Never replace an OUT that appeared during the export.
        rc = ::renameat2(AT_FDCWD, temp, AT_FDCWD, out, RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) { // no RENAME_NOREPLACE here
            rc = ::link(temp, out);
            if (rc == 0)
                ::unlink(temp);
        }
    }
    if (rc != 0) {
        error = errnoText("cannot move the export onto '" + m_out + "'");
        return false;
    }
    g_tempSet = 0;
    if (!syncFolder(dir)) {
        error = errnoText("syncing the folder '" + dir + "' failed");
        if (!replace) { // OUT is new: take it away again, so that a failure leaves nothing
            ::unlink(out);
            error += "; '" + m_out + "' was removed";
        } else {
            error += "; the export is complete under '" + m_out +
                     "', but a crash may bring the old file back";
        }
        m_temp.clear();
        return false;
    }
    m_committed = true;
    return true;
}

} // namespace vhdx::app
