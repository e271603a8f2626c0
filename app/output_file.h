#pragma once
// The output file of --export-raw and --export-vhdx: written as a temporary file in OUT's folder
// and renamed onto OUT only when complete and synced, so that a failed or interrupted export never
// leaves a half file under OUT's name. Every write and the final fsync are checked. The temporary
// file is flock()ed while it is written: one left by a killed export (unlocked) is removed by
// the next export to the same OUT, one of a running export is left alone.
#include <cstdint>
#include <string>
#include <vector>

namespace vhdx::app {

class OutputFile {
  public:
    OutputFile() = default;
    ~OutputFile(); // removes the temporary file unless committed
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // Creates the temporary file beside out, sized to size (a hole). False with error set.
    [[nodiscard]] bool create(const std::string& out, uint64_t size, std::string& error);
    // Writes len bytes at offset, skipping 4 KiB pages that are all zero (they stay holes).
    [[nodiscard]] bool writeSparse(uint64_t offset, const uint8_t* data, size_t len,
                                   std::string& error);
    // fsync, close, rename onto out (without replacing an existing out unless replace), fsync
    // the folder.
    [[nodiscard]] bool commit(bool replace, std::string& error);
    // Sets the temporary file's size (holes where nothing was written).
    [[nodiscard]] bool resize(uint64_t size, std::string& error);
    // The temporary file, to be re-read before the commit.
    [[nodiscard]] const std::string& temporaryPath() const { return m_temp; }
    [[nodiscard]] uint64_t bytesWritten() const { return m_written; }
    // Temporary files of earlier exports to the same OUT that were killed, removed by create.
    [[nodiscard]] const std::vector<std::string>& staleRemoved() const { return m_staleRemoved; }

  private:
    void discard();
    std::vector<std::string> m_staleRemoved;
    std::string m_out;
    std::string m_temp;
    int m_fd = -1;
    bool m_committed = false;
    uint64_t m_written = 0;
};

} // namespace vhdx::app
