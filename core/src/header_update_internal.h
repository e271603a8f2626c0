#pragma once
// Helpers shared by the guarded writers' source files (header update, log writer, set-parent);
// not part of the public API.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vhdx/byte_source.h"
#include "vhdx/header_update.h"

namespace vhdx {
class Image;
}

namespace vhdx::detail {

// A guarded writer reads everything it checks through the one descriptor its fingerprint came
// from: a second open by path could meet another file (a symlink swapped in between).
class DescriptorSource final : public ByteSource {
  public:
    DescriptorSource(FileWriter& file, uint64_t size, std::string path)
        : m_file(file), m_size(size), m_path(std::move(path)) {}
    [[nodiscard]] uint64_t size() const override { return m_size; }
    [[nodiscard]] ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        if (!contains(offset, len))
            return ReadStatus::PastEnd;
        return len == 0 || m_file.pread(buf, len, offset) ? ReadStatus::Ok : ReadStatus::IoError;
    }
    [[nodiscard]] std::string path() const override { return m_path; }

  private:
    FileWriter& m_file;
    uint64_t m_size;
    std::string m_path;
};

// Reads the file's fingerprint (fstat + first min(size, 1 MiB) bytes) through `file`, and the
// bytes of out.ranges (their offsets and sizes as given; the bytes are replaced).
[[nodiscard]] bool readFingerprint(FileWriter& file, FileFingerprint& out, std::string& error);
// "" when both describe the same unchanged file, else a sentence naming what differs.
[[nodiscard]] std::string fingerprintDifference(const FileFingerprint& before,
                                                const FileFingerprint& now);

// Re-reads the fingerprint (the same ranges) through the open file: "" when the file is the
// one planned for, else the refusal ("the file changed on disk since it was read: ...").
[[nodiscard]] std::string changedSincePlan(FileWriter& file, const FileFingerprint& planned);

// True when something (file, dangling symlink, directory) exists at path.
[[nodiscard]] bool pathExists(const std::string& path);
// A backup being written: under a temporary name beside path (vhdx/temp_files.h), linked to
// path only once complete and synced, never over an existing file. A kill or a failure at any
// moment leaves no file under path, so nothing blocks the next run; the destructor removes the
// temporary file unless committed.
class BackupFile {
  public:
    BackupFile() = default;
    ~BackupFile();
    BackupFile(const BackupFile&) = delete;
    BackupFile& operator=(const BackupFile&) = delete;
    [[nodiscard]] bool create(const std::string& path, std::string& error);
    [[nodiscard]] bool write(uint64_t offset, const void* data, size_t len, std::string& error);
    // Sets the size to `size` (holes where nothing was written), fsyncs, links the file to
    // path (EEXIST: an existing backup is never overwritten) and syncs the folder.
    [[nodiscard]] bool commit(uint64_t size, std::string& error);

  private:
    std::string failure(const std::string& what, int e) const;
    std::string m_path;
    std::string m_temp;
    int m_fd = -1;
};

// Writes each piece at its offset (a sparse file shaped like the image, so that `dd ...
// skip=N seek=N conv=notrunc` restores a piece) through a BackupFile.
[[nodiscard]] bool writeBackup(const std::string& path, const std::vector<FileRange>& pieces,
                               std::string& error);

// The file as a plan reads it: one read-only descriptor, and the image parsed through it
// (no parent chain). The image reads through the descriptor: keep both together.
struct PlanningRead {
    std::unique_ptr<PosixFileWriter> file;
    std::unique_ptr<Image> image;
    PlanningRead();
    ~PlanningRead();
    PlanningRead(PlanningRead&&) noexcept;
};
// Opens path read-only, fingerprints it into plan.fingerprint and parses it through the same
// descriptor. False with plan.refusal (and plan.openFailed when it could not be read) set.
[[nodiscard]] bool readForPlanning(const std::string& path,
                                   const std::shared_ptr<WorkBudget>& budget,
                                   HeaderUpdatePlan& plan, PlanningRead& out);
// The header update's guards and its two blocks, from what readForPlanning read. Sets
// plan.allowed, or plan.refusal.
void planFromRead(const PlanningRead& read, const HeaderUpdateOptions& options,
                  HeaderUpdatePlan& plan);
// Its parts, for writers with guards of their own (the log replay): the header guards and the
// two blocks (the log is the caller's to check), and the log's guard for a writer that needs
// a log with nothing pending. False with plan.refusal set.
[[nodiscard]] bool planHeaderSteps(const Image& image, const HeaderUpdateOptions& options,
                                   HeaderUpdatePlan& plan);
[[nodiscard]] bool logAllowsWrite(const Image& image, HeaderUpdatePlan& plan);

// Writes the two planned blocks in order, each followed by a flush, then re-reads and
// verifies both and that the second is current. onStep gets FirstWritten .. SecondFlushed.
// blocksWritten counts the writes issued. False with error set at the first failure.
[[nodiscard]] bool writeHeaderSlots(FileWriter& file, const HeaderSlotPlan (&steps)[2],
                                    const std::function<void(WriteStep)>& onStep,
                                    int& blocksWritten, std::string& error);

} // namespace vhdx::detail
