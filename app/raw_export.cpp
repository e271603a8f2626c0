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
#include "export_source.h"
#include "output_file.h"
#include "vhdx/image.h"
#include "vhdx/printable.h"
#include "vhdx/virtual_disk.h"

namespace vhdx::app {

namespace {
constexpr uint64_t kChunk = 4 << 20; // read and written in pieces of at most 4 MiB
} // namespace

int runExportRaw(const CommandLine& cmd) {
    const std::string& out = cmd.exportPath;
    ExportSource src;
    if (const int rc = openExportSource(cmd, false, src))
        return rc;
    const VirtualDisk* disk = src.disk.get();
    std::string error;

    OutputFile output;
    if (!createOutput(output, out, disk->size(), error))
        return refuseExport(error);
    ExportProgress progress(disk->size());
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
