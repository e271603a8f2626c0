#pragma once
// A sparse memfd the size of the virtual disk, filled from it on demand (64 KiB units, each at
// most once) while libblkid reads it, within a byte budget. Only units with non-zero bytes
// take memory.
#include <cstdint>
#include <set>
#include <string>

namespace vhdx {

class VirtualDisk;

namespace detail {

class ProbeDevice {
  public:
    ProbeDevice(const VirtualDisk& disk, uint64_t maxBytes);
    ~ProbeDevice();
    ProbeDevice(const ProbeDevice&) = delete;
    ProbeDevice& operator=(const ProbeDevice&) = delete;

    [[nodiscard]] int fd() const { return m_fd; }
    [[nodiscard]] const std::string& error() const { return m_error; } // set: unusable
    // Loads [offset, offset+length) (clipped to the disk) unless already loaded.
    void fill(uint64_t offset, uint64_t length);

    [[nodiscard]] uint64_t bytesRead() const { return m_bytesRead; }
    [[nodiscard]] bool limited() const { return m_limited; }
    [[nodiscard]] bool missingParentReadAsZeros() const { return m_missingAsZeros; }
    [[nodiscard]] const std::string& readProblem() const { return m_readProblem; }

    static constexpr uint64_t unit = 64 * 1024;

  private:
    const VirtualDisk& m_disk;
    uint64_t m_maxBytes;
    int m_fd = -1;
    std::string m_error;
    std::set<uint64_t> m_loaded; // unit numbers
    uint64_t m_bytesRead = 0;
    bool m_limited = false;
    bool m_missingAsZeros = false;
    std::string m_readProblem; // the first failed read
};

} // namespace detail
} // namespace vhdx
