#pragma once
// Permission denials in-process for tests that run as root: while a FileAccessAsNobody lives,
// the calling thread's file accesses are checked as the user nobody (setfsuid/setfsgid drop
// CAP_DAC_OVERRIDE with them), so a mode-0 file or folder cannot be opened. The ids are
// restored on destruction. Not root: nothing changes (mode 0 already denies).
// Code under test runs in the test's own process, so its coverage is recorded (a forked child
// that _exits writes none).
#include <string>

#include <fcntl.h>
#include <sys/fsuid.h>
#include <unistd.h>

namespace vhdx::test {

class FileAccessAsNobody {
  public:
    static constexpr unsigned kNobody = 65534;
    FileAccessAsNobody() {
        if (::geteuid() == 0) {
            m_gid = ::setfsgid(kNobody);
            m_uid = ::setfsuid(kNobody);
            m_active = true;
        }
    }
    ~FileAccessAsNobody() {
        if (m_active) {
            ::setfsuid(uid_t(m_uid));
            ::setfsgid(gid_t(m_gid));
        }
    }
    FileAccessAsNobody(const FileAccessAsNobody&) = delete;
    FileAccessAsNobody& operator=(const FileAccessAsNobody&) = delete;

    // True when path really cannot be opened for reading now (else a test proves nothing).
    [[nodiscard]] static bool denied(const std::string& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0)
            ::close(fd);
        return fd < 0;
    }

  private:
    bool m_active = false;
    int m_uid = 0, m_gid = 0;
};

} // namespace vhdx::test
