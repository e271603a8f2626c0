#pragma once
// The file seam of every guarded writer (header update, log replay, set-parent, restore):
// FileWriter is what they read, write, flush, resize and lock the file through; tests put
// failing writes, flushes, short writes and altered reads behind it. PosixFileWriter is the
// real file, one descriptor. WriteStep names the points a writer passes, for the test hooks.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace vhdx {

// What identifies the file's state when it was read; equal fingerprints = unchanged file.
struct FileStat {
    uint64_t size = 0;
    int64_t mtimeNs = 0;
    int64_t ctimeNs = 0;
    uint64_t device = 0;
    uint64_t inode = 0;
    bool operator==(const FileStat&) const = default;
};

class FileWriter {
  public:
    virtual ~FileWriter() = default;
    // Returns the number of bytes written (< len means a short write), or -1 on error
    // (errno set).
    [[nodiscard]] virtual long long pwrite(const void* buf, size_t len, uint64_t offset) = 0;
    [[nodiscard]] virtual bool flush() = 0; // fdatasync
    [[nodiscard]] virtual bool pread(void* buf, size_t len, uint64_t offset) = 0;
    // fstat of the open file (for the changed-on-disk guard).
    [[nodiscard]] virtual bool stat(FileStat& out) = 0;
    // Sets the file's size (ftruncate; the log replay extends the file with it). The default
    // fails with ENOTSUP.
    [[nodiscard]] virtual bool resize(uint64_t size);
    // Makes [offset, offset + length) read as zeros, growing the file to its end when it is
    // shorter (a log replay's zero descriptor, a restored zero run). The default writes zeros
    // through pwrite, 1 MiB at a time; the real file extends with ftruncate and clears with
    // fallocate (punching a hole, else zeroing the range) where the file system can.
    [[nodiscard]] virtual bool zeroRange(uint64_t offset, uint64_t length);
    // Takes an exclusive advisory lock for the write (an OFD lock over the whole file, which
    // conflicts with the image locks QEMU holds while it uses the file, and a flock() lock);
    // false + error when another process holds a lock.
    [[nodiscard]] virtual bool lock(std::string& error) = 0;
};

// The real file: opened O_RDWR (never created or truncated), or read-only for planning.
class PosixFileWriter final : public FileWriter {
  public:
    [[nodiscard]] static std::unique_ptr<PosixFileWriter> open(const std::string& path,
                                                               std::string& error);
    [[nodiscard]] static std::unique_ptr<PosixFileWriter> openReadOnly(const std::string& path,
                                                                       std::string& error);
    ~PosixFileWriter() override;
    PosixFileWriter(const PosixFileWriter&) = delete;
    PosixFileWriter& operator=(const PosixFileWriter&) = delete;

    [[nodiscard]] long long pwrite(const void* buf, size_t len, uint64_t offset) override;
    [[nodiscard]] bool flush() override;
    [[nodiscard]] bool pread(void* buf, size_t len, uint64_t offset) override;
    [[nodiscard]] bool stat(FileStat& out) override;
    [[nodiscard]] bool resize(uint64_t size) override;
    [[nodiscard]] bool zeroRange(uint64_t offset, uint64_t length) override;
    [[nodiscard]] bool lock(std::string& error) override;

  private:
    explicit PosixFileWriter(int fd) : m_fd(fd) {}
    int m_fd;
};

// The points applyHeaderUpdate passes, in order (for HeaderUpdateOptions::onStep).
// The log replay (log_replay.h) passes the Replay* steps between BackupWritten and
// FirstWritten.
enum class WriteStep {
    Opened,         // file open for writing and locked; nothing checked or written yet
    BackupWritten,  // only with a backup path: backup written and synced
    ReplayWritten,  // log replay: one descriptor written (once per descriptor)
    ReplayExtended, // log replay: the file extended to the size the log needs
    ReplayFlushed,  // log replay: the written descriptors flushed (fdatasync)
    FirstWritten,   // non-current slot written, not yet flushed
    FirstFlushed,
    SecondWritten,
    SecondFlushed, // before the re-read verification
};

} // namespace vhdx
