// The input of both exports and the refusals they share (export_source.h).
#include "export_source.h"

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output_file.h"
#include "vhdx/parent_chain.h"
#include "vhdx/printable.h"

namespace vhdx::app {

int refuseExport(const std::string& why) {
    std::fprintf(stderr, "vhdx-inspector: export refused: %s\n", terminalSafe(why).c_str());
    return 1;
}

bool createOutput(OutputFile& output, const std::string& out, uint64_t size, std::string& error) {
    const bool created = output.create(out, size, error);
    for (const std::string& stale : output.staleRemoved())
        std::fprintf(stderr,
                     "vhdx-inspector: removed '%s', left by an earlier export to the same OUT "
                     "that was killed\n",
                     terminalSafe(stale).c_str());
    return created;
}

namespace {

// OUT must be none of the files read (a hard link, a symlink or the same path under another
// name included), and an existing OUT a regular file replaced only with --force.
int checkOut(const CommandLine& cmd, const std::string& path, const Image* image) {
    const std::string& out = cmd.exportPath;
    if (const auto outId = fileIdentity(out)) {
        if (outId == fileIdentity(path))
            return refuseExport("OUT '" + out +
                                "' is FILE itself: the export would replace its own input");
        if (image)
            for (const ParentLink& link : image->parentChain())
                if (link.found && outId == fileIdentity(link.path))
                    return refuseExport("OUT '" + out + "' is " + link.path +
                                        ", an image of FILE's parent chain: the export reads it");
    }
    struct stat st {};
    if (::lstat(out.c_str(), &st) == 0) {
        if (!cmd.force)
            return refuseExport("'" + out + "' exists; --force replaces it");
        if (!S_ISREG(st.st_mode))
            return refuseExport("'" + out + "' exists and is not a regular file");
    }
    return 0;
}

} // namespace

int openExportSource(const CommandLine& cmd, bool raw, ExportSource& src) {
    const std::string& path = cmd.files.front();
    std::string error;
    if (raw) {
        src.raw = FileSource::open(path, error);
        if (!src.raw) {
            std::fprintf(stderr, "vhdx-inspector: %s\n", terminalSafe(error).c_str());
            return 2;
        }
        if (src.raw->size() == 0)
            return refuseExport("'" + path + "' is empty: there is no disk to export");
        return checkOut(cmd, path, nullptr);
    }
    src.image = Image::open(path, error);
    if (!src.image) {
        std::fprintf(stderr, "vhdx-inspector: %s\n", terminalSafe(error).c_str());
        return 2;
    }
    const Image& image = *src.image;
    if (!image.isVhdx())
        return refuseExport(
            "'" + path + "' is not a VHDX file" +
            (cmd.mode == Mode::ExportVhdx ? " (--raw reads a raw disk image)" : ""));
    src.disk = VirtualDisk::open(image, error);
    if (!src.disk)
        return refuseExport("'" + path + "' has no readable BAT: " + error);
    // A pending log replay is applied in memory (the disk as after it); a log whose
    // replay could not be applied or checked leaves data that may not be the disk's.
    if (const std::string stale = src.disk->staleLevel(); !stale.empty())
        return refuseExport("in '" + path + "', " + stale +
                            ": the data as stored may not be the disk. Replay it first "
                            "(Hyper-V, or qemu-img check -r all on a copy)");
    // A parent of another geometry does not describe this disk: its sectors would land in
    // the wrong places, or the difference be read as zeros.
    for (const Finding& f : image.findings().items())
        if (f.code == FindingCode::ParentGeometryMismatch)
            return refuseExport(f.message + " (PARENT_GEOMETRY_MISMATCH)");
    if (src.disk->parentMissing() && !cmd.allowMissingParent)
        return refuseExport(src.disk->missingParentReason() +
                            "; --allow-missing-parent exports its sectors as zeros");
    return checkOut(cmd, path, &image);
}

ExportProgress::ExportProgress(uint64_t total) : m_total(total), m_show(::isatty(2) == 1) {}

void ExportProgress::update(uint64_t done, uint64_t dataBytes) {
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

void ExportProgress::finish() {
    if (m_shown)
        std::fprintf(stderr, "\r\033[K");
}

} // namespace vhdx::app
