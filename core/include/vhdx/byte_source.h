#pragma once
// Where the bytes of an image come from: a file (read-only) or a buffer in memory.
// Tests and the fuzzer use the memory source; the viewer and CLI the file source.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vhdx {

enum class ReadStatus { Ok, PastEnd, IoError };

class ByteSource {
  public:
    virtual ~ByteSource() = default;
    [[nodiscard]] virtual uint64_t size() const = 0;
    // Reads exactly len bytes at offset. PastEnd when [offset, offset+len) is not wholly
    // inside the source (nothing is guaranteed about buf then); IoError on a failed read.
    [[nodiscard]] virtual ReadStatus read(uint64_t offset, void* buf, size_t len) const = 0;
    // Path of the file behind the source, empty for memory.
    [[nodiscard]] virtual std::string path() const { return {}; }
    // The first offset >= offset that may hold non-zero bytes: everything in between reads
    // as zeros (a hole of a sparse file). size() when the rest is a hole. Sources that cannot
    // tell return offset.
    [[nodiscard]] virtual uint64_t nextData(uint64_t offset) const { return offset; }

    // True when [offset, offset+len) lies inside the source, without overflow.
    [[nodiscard]] bool contains(uint64_t offset, uint64_t len) const;
};

class MemorySource final : public ByteSource {
  public:
    explicit MemorySource(std::vector<uint8_t> bytes) : m_bytes(std::move(bytes)) {}
    MemorySource(const uint8_t* data, size_t len) : m_bytes(data, data + len) {}
    [[nodiscard]] uint64_t size() const override { return m_bytes.size(); }
    [[nodiscard]] ReadStatus read(uint64_t offset, void* buf, size_t len) const override;
    [[nodiscard]] const std::vector<uint8_t>& bytes() const { return m_bytes; }

  private:
    std::vector<uint8_t> m_bytes;
};

class FileSource final : public ByteSource {
  public:
    // Opens read-only (O_RDONLY). On failure returns null and sets error to a sentence
    // naming the path and the reason ("No such file or directory", "is a directory", ...).
    [[nodiscard]] static std::unique_ptr<FileSource> open(const std::string& path,
                                                          std::string& error);
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;
    [[nodiscard]] uint64_t size() const override { return m_size; }
    [[nodiscard]] ReadStatus read(uint64_t offset, void* buf, size_t len) const override;
    [[nodiscard]] std::string path() const override { return m_path; }
    [[nodiscard]] uint64_t nextData(uint64_t offset) const override;

  private:
    FileSource(int fd, uint64_t size, std::string path)
        : m_fd(fd), m_size(size), m_path(std::move(path)) {}
    int m_fd;
    uint64_t m_size;
    std::string m_path;
};

} // namespace vhdx
