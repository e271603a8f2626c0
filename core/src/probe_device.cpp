#include "probe_device.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "vhdx/virtual_disk.h"

namespace vhdx::detail {

ProbeDevice::ProbeDevice(const VirtualDisk& disk, uint64_t maxBytes)
    : m_disk(disk), m_maxBytes(maxBytes) {
    m_fd = ::memfd_create("vhdx-virtual-disk", MFD_CLOEXEC);
    if (m_fd < 0) {
        m_error = std::string("memfd_create failed: ") + std::strerror(errno);
        return;
    }
    // Sparse: a 64 TiB disk costs nothing until units are written.
    if (::ftruncate(m_fd, off_t(disk.size())) != 0) {
        m_error = std::string("sizing the probe memfd failed: ") + std::strerror(errno);
        ::close(m_fd);
        m_fd = -1;
    }
}

ProbeDevice::~ProbeDevice() {
    if (m_fd >= 0)
        ::close(m_fd);
}

void ProbeDevice::fill(uint64_t offset, uint64_t length) {
    const uint64_t size = m_disk.size();
    if (m_fd < 0 || offset >= size || length == 0)
        return;
    const uint64_t last = std::min(size - 1, offset + std::min(length, size - offset) - 1);
    std::vector<uint8_t> buf;
    for (uint64_t u = offset / unit; u <= last / unit; ++u) {
        if (m_loaded.count(u))
            continue;
        const uint64_t at = u * unit;
        const uint64_t n = std::min(unit, size - at);
        if (m_bytesRead + n > m_maxBytes) {
            m_limited = true;
            return;
        }
        m_loaded.insert(u);
        m_bytesRead += n;
        buf.resize(n);
        VirtualDiskOptions options;
        options.missingParentAsZeros = true;
        const VirtualReadResult r = m_disk.read(at, n, buf.data(), options);
        m_missingAsZeros |= r.missingParentReadAsZeros;
        if (!r.ok()) {
            if (m_readProblem.empty())
                m_readProblem = r.problem;
            continue; // the unit stays zeros
        }
        if (std::all_of(buf.begin(), buf.end(), [](uint8_t b) { return b == 0; }))
            continue; // a hole already reads as zeros
        if (::pwrite(m_fd, buf.data(), n, off_t(at)) != ssize_t(n) && m_readProblem.empty())
            m_readProblem = std::string("writing the probe memfd failed: ") + std::strerror(errno);
    }
}

} // namespace vhdx::detail
