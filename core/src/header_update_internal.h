#pragma once
// Helpers shared by the header update's source files (not part of the public API).
#include <memory>
#include <string>
#include <vector>

#include "vhdx/byte_source.h"
#include "vhdx/header_update.h"

namespace vhdx {
class Image;
}

namespace vhdx::detail {

// The read-only part of a plan shared by the header update and the log replay: opens path
// read-only, fingerprints it, parses it through that one descriptor (no parent), and checks
// that it did not change meanwhile. Null with plan.refusal (and plan.openFailed when it could
// not be opened or read) set on failure.
struct PlannedImage {
    std::unique_ptr<FileHeaderWriter> file; // read-only; outlives the image that reads it
    std::unique_ptr<Image> image;
    PlannedImage();
    PlannedImage(PlannedImage&&) noexcept;
    ~PlannedImage();
};
[[nodiscard]] PlannedImage readImageForPlan(const std::string& path,
                                            const HeaderUpdateOptions& options,
                                            HeaderUpdatePlan& plan);
// The header guards (not a VHDX, both slots present, a valid current header, no sequence tie,
// no sequence overflow, the backup path free) and the two blocks of the update. False with
// plan.refusal set when a guard refuses; the log is the caller's to check.
[[nodiscard]] bool planHeaderSteps(const Image& image, const HeaderUpdateOptions& options,
                                   HeaderUpdatePlan& plan);
// "" when the file behind `file` still has the fingerprint `planned`, else why not.
[[nodiscard]] std::string changedSince(HeaderWriter& file, const FileFingerprint& planned);
// Writes plan.steps (non-current slot first), flushing after each, then re-reads and verifies
// both. Fills result (blocksWritten, error) and calls onStep; true when all went well.
[[nodiscard]] bool writeHeaderSteps(const HeaderUpdatePlan& plan, HeaderWriter& file,
                                    const std::function<void(UpdateStep)>& onStep,
                                    HeaderUpdateResult& result);
// A ByteSource reading through the plan's descriptor (a second open by path could meet
// another file).
[[nodiscard]] std::shared_ptr<ByteSource> descriptorSource(HeaderWriter& file, uint64_t size,
                                                           std::string path);

// Reads the file's fingerprint (fstat + first min(size, 1 MiB) bytes) through `file`.
[[nodiscard]] bool readFingerprint(HeaderWriter& file, FileFingerprint& out, std::string& error);
// "" when both describe the same unchanged file, else a sentence naming what differs.
[[nodiscard]] std::string fingerprintDifference(const FileFingerprint& before,
                                                const FileFingerprint& now);

// True when something (file, dangling symlink, directory) exists at path.
[[nodiscard]] bool pathExists(const std::string& path);
// Creates path (never overwriting: O_CREAT | O_EXCL), writes bytes, fsyncs the file and its
// directory. On failure removes what it created and sets error.
[[nodiscard]] bool writeBackup(const std::string& path, const std::vector<uint8_t>& bytes,
                               std::string& error);

} // namespace vhdx::detail
