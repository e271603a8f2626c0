// --export-raw OUT FILE [--force] [--allow-missing-parent]: the virtual disk, through the
// parent chain, as a sparse raw file. Holes where the disk reads zeros: extents known to be
// zero are skipped without reading, and zero pages inside data are not written.
#include "raw_export.h"

#include <chrono>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "cli.h"
#include "raw_output.h"
#include "vhdx/image.h"
#include "vhdx/parent_chain.h"
#include "vhdx/printable.h"
#include "vhdx/virtual_disk.h"

namespace vhdx::app {

namespace {

constexpr uint64_t kChunk = 4 << 20; // read and written in pieces of at most 4 MiB

int refuse(const std::string& why) {
    std::fprintf(stderr, "vhdx-inspector: export refused: %s\n", terminalSafe(why).c_str());
    return 1;
}

// Progress on a terminal only: a percentage of the virtual disk covered, at most 4 times a
// second. Scripts (stderr not a terminal) get no progress lines.
class Progress {
  public:
    explicit Progress(uint64_t total) : m_total(total), m_show(::isatty(2) == 1) {}
    void update(uint64_t done, uint64_t dataBytes) {
        if (!m_show)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (now - m_last < std::chrono::milliseconds(250))
            return;
        m_last = now;
        std::fprintf(stderr, "\rexporting: %3u%% (%llu MiB of data)",
                     unsigned(m_total ? done * 100 / m_total : 100),
                     (unsigned long long)(dataBytes >> 20));
        m_shown = true;
    }
    void finish() {
        if (m_shown)
            std::fprintf(stderr, "\r\033[K");
    }

  private:
    uint64_t m_total;
    bool m_show;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_last{};
};

} // namespace

int runExportRaw(const CommandLine& cmd) {
    const std::string& path = cmd.files.front();
    const std::string& out = cmd.exportPath;
    std::string error;
    const auto image = Image::open(path, error);
    if (!image) {
        std::fprintf(stderr, "vhdx-inspector: %s\n", terminalSafe(error).c_str());
        return 2;
    }
    if (!image->isVhdx())
        return refuse("'" + path + "' is not a VHDX file");
    const auto disk = VirtualDisk::open(*image, error);
    if (!disk)
        return refuse("'" + path + "' has no readable BAT: " + error);
    // A pending log replay is applied in memory (the disk as after it); a log whose
    // replay could not be applied or checked leaves data that may not be the disk's.
    if (const std::string stale = disk->staleLevel(); !stale.empty())
        return refuse("in '" + path + "', " + stale +
                      ": the data as stored may not be the disk. Replay it first (Hyper-V, or "
                      "qemu-img check -r all on a copy)");
    // A parent of another geometry does not describe this disk: its sectors would land in
    // the wrong places, or the difference be read as zeros.
    for (const Finding& f : image->findings().items())
        if (f.code == FindingCode::ParentGeometryMismatch)
            return refuse(f.message + " (PARENT_GEOMETRY_MISMATCH)");
    if (disk->parentMissing() && !cmd.allowMissingParent)
        return refuse(disk->missingParentReason() +
                      "; --allow-missing-parent exports its sectors as zeros");
    // OUT must be none of the files it is read from (a hard link, a symlink or the same path
    // under another name included): replacing one would destroy the disk being exported.
    if (const auto outId = fileIdentity(out)) {
        if (outId == fileIdentity(path))
            return refuse("OUT '" + out +
                          "' is FILE itself: the export would replace its own "
                          "input");
        for (const ParentLink& link : image->parentChain())
            if (link.found && outId == fileIdentity(link.path))
                return refuse("OUT '" + out + "' is " + link.path +
                              ", an image of FILE's parent chain: the export reads it");
    }
    struct stat st {};
    if (::lstat(out.c_str(), &st) == 0) {
        if (!cmd.force)
            return refuse("'" + out + "' exists; --force replaces it");
        if (!S_ISREG(st.st_mode))
            return refuse("'" + out + "' exists and is not a regular file");
    }

    RawOutput output;
    const bool created = output.create(out, disk->size(), error);
    for (const std::string& stale : output.staleRemoved())
        std::fprintf(stderr,
                     "vhdx-inspector: removed '%s', left by an earlier export to the same OUT "
                     "that was killed\n",
                     terminalSafe(stale).c_str());
    if (!created)
        return refuse(error);
    Progress progress(disk->size());
    std::vector<uint8_t> buf(kChunk);
    VirtualDiskOptions options;
    options.missingParentAsZeros = cmd.allowMissingParent;
    bool failed = false;
    bool zerosForMissing = false;
    uint64_t dataBytes = 0;
    disk->extents(0, disk->size(), [&](const VirtualExtent& e) {
        if (e.kind == VirtualExtent::Kind::MissingParent)
            zerosForMissing = true; // allowed, else refused above: a hole
        if (e.kind != VirtualExtent::Kind::Data) {
            progress.update(e.offset + e.length, dataBytes);
            return true;
        }
        const uint64_t end = e.offset + e.length;
        for (uint64_t pos = e.offset; pos < end;) {
            const uint64_t n = std::min(end, pos / kChunk * kChunk + kChunk) - pos;
            const VirtualReadResult r = disk->read(pos, n, buf.data(), options);
            if (!r.ok()) {
                error = "reading the virtual disk failed: " + r.problem;
                failed = true;
                return false;
            }
            zerosForMissing |= r.missingParentReadAsZeros;
            if (!output.writeSparse(pos, buf.data(), size_t(n), error)) {
                failed = true;
                return false;
            }
            dataBytes += n;
            pos += n;
            progress.update(pos, dataBytes);
        }
        return true;
    });
    progress.finish();
    if (failed || !output.commit(cmd.force, error)) {
        std::fprintf(stderr, "vhdx-inspector: export failed: %s\n", terminalSafe(error).c_str());
        return 1;
    }
    if (zerosForMissing)
        std::fprintf(stderr, "vhdx-inspector: warning: %s; its sectors were exported as zeros\n",
                     terminalSafe(disk->missingParentReason()).c_str());
    std::printf("exported %llu bytes to %s (%llu bytes of data read, %llu written)%s\n",
                (unsigned long long)disk->size(), terminalSafe(out).c_str(),
                (unsigned long long)dataBytes, (unsigned long long)output.bytesWritten(),
                zerosForMissing ? ", missing parent read as zeros" : "");
    return stdoutFailed() ? 2 : 0;
}

} // namespace vhdx::app
