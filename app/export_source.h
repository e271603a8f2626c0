#pragma once
// What --export-raw and --export-vhdx read, and the refusals they share: FILE's virtual disk
// (through its parent chain, a pending log applied in memory) or, for --export-vhdx --raw, a
// raw disk image; OUT never one of the files read, never an existing file without --force.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "vhdx/byte_source.h"
#include "vhdx/image.h"
#include "vhdx/virtual_disk.h"

namespace vhdx::app {

struct CommandLine;
class OutputFile;

struct ExportSource {
    std::unique_ptr<Image> image;      // a VHDX FILE
    std::unique_ptr<VirtualDisk> disk; // its disk
    std::unique_ptr<FileSource> raw;   // a raw FILE (--raw)
    [[nodiscard]] uint64_t size() const { return disk ? disk->size() : raw->size(); }
};

// Opens FILE and checks the export may go ahead. 0 with src filled; else the exit code (1
// refused, 2 FILE cannot be opened), the reason already on stderr.
[[nodiscard]] int openExportSource(const CommandLine& cmd, bool raw, ExportSource& src);

// Creates OUT's temporary file (output_file.h), naming on stderr the temporaries of killed
// exports it removed. False with error set.
[[nodiscard]] bool createOutput(OutputFile& output, const std::string& out, uint64_t size,
                                std::string& error);

// "vhdx-inspector: export refused: WHY" on stderr; returns 1.
int refuseExport(const std::string& why);

// Progress on a terminal only: a percentage of the virtual disk covered, at most 4 times a
// second. Scripts (stderr not a terminal) get no progress lines.
class ExportProgress {
  public:
    explicit ExportProgress(uint64_t total);
    void update(uint64_t done, uint64_t dataBytes);
    void finish();

  private:
    uint64_t m_total;
    bool m_show;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_last{};
};

} // namespace vhdx::app
