#pragma once
// The cases of the golden tests. Memory cases are builder images parsed and scanned by the
// core (as the CLI does); file cases are written into a directory and run end to end through
// vhdx-inspector (the real images of tests/data, the parent chains, the empty file).
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "image_builder.h"
#include "vhdx/chain_forest.h"
#include "vhdx/image.h"

namespace vhdx::test::golden {

struct MemoryCase {
    std::string name; // file stem of its goldens, e.g. "header1-checksum-bad"
    std::function<std::unique_ptr<Image>()> make; // parsed and scanned; null on a set-up error
};

struct FileCase {
    std::string name;
    // Writes the case's file(s) into dir (empty, its own) and returns the path to inspect;
    // empty on failure.
    std::function<QString(const QString& dir)> write;
};

// A memory source whose reads touching [from, to) fail with IoError, like a bad disk sector.
class FailingRangeSource final : public ByteSource {
  public:
    FailingRangeSource(std::vector<uint8_t> bytes, uint64_t from, uint64_t to)
        : m_mem(std::move(bytes)), m_from(from), m_to(to) {}
    [[nodiscard]] uint64_t size() const override { return m_mem.size(); }
    [[nodiscard]] ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        if (offset < m_to && offset + len > m_from)
            return ReadStatus::IoError;
        return m_mem.read(offset, buf, len);
    }

  private:
    MemorySource m_mem;
    uint64_t m_from, m_to;
};

// Parse + scan, as the CLI does.
[[nodiscard]] std::unique_ptr<Image> scanned(std::shared_ptr<const ByteSource> source);
[[nodiscard]] std::unique_ptr<Image> scanned(const BuiltImage& image);
// The damage matrix case of that name (tests/robustness), applied to its base image; null
// when the matrix has no such case.
[[nodiscard]] std::unique_ptr<Image> matrixCase(const std::string& name);
// A fixed GUID for the cases ("00000000-0000-0000-0000-0000000000<nn>").
[[nodiscard]] Guid fixedGuid(int n);

// The chains of a folder (--chains), mapped in-process as the CLI does (mapChains, then
// chainsJson, chainsText, exitCodeFor), with the options the case needs.
struct ChainCase {
    std::string name;
    // Writes the case's folder into dir (empty, its own); false on failure.
    std::function<bool(const QString& dir)> write;
    ForestOptions options;
};
[[nodiscard]] std::vector<ChainCase> chainCases();

void addFrontCases(std::vector<MemoryCase>& out); // identifier, headers, region tables, metadata
void addBackCases(std::vector<MemoryCase>& out);  // parent locator, BAT, log, I/O, cancel

[[nodiscard]] std::vector<MemoryCase> memoryCases();
[[nodiscard]] std::vector<FileCase> fileCases();

} // namespace vhdx::test::golden
