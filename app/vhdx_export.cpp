// --export-vhdx OUT FILE [--raw] [--subformat dynamic|fixed] [--block-size SIZE]
// [--logical-sector-size 512|4096] [--force] [--allow-missing-parent]: the virtual disk of
// FILE (a VHDX through its parent chain and pending log, or a raw image) as a new VHDX that
// is not a differencing disk (core's new_vhdx.h gives its layout and first bytes).
//
// Block by block: a dynamic disk stores only the blocks holding a non-zero byte (extents the
// BAT or the file system knows to be zero are not even read), a fixed one every block. Blocks
// go one after the other after the BAT, each written as it is read, zero pages left as holes;
// the BAT is written 1 MiB at a time as its entries are known. Memory stays at a few MiB
// whatever the disk's size. Before OUT is renamed into place the new file is re-opened by the
// tool's own reader, must be clean, and every stored block must read back as written.
#include "vhdx_export.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "cli.h"
#include "export_source.h"
#include "output_file.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/findings.h"
#include "vhdx/metadata.h"
#include "vhdx/new_vhdx.h"
#include "vhdx/printable.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/text_format.h"

namespace vhdx::app {

namespace {

constexpr uint64_t kPiece = 4 << 20; // read and written in pieces of at most 4 MiB

bool allZero(const uint8_t* p, size_t n) {
    return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0);
}

// The BAT, written 1 MiB at a time as the blocks are placed in order.
class BatWriter {
  public:
    BatWriter(OutputFile& out, const NewVhdxLayout& layout)
        : m_out(out), m_layout(layout), m_window(std::min<uint64_t>(layout.batLength, MiB)) {}
    bool set(uint64_t slot, uint64_t value, std::string& error) {
        const uint64_t at = slot * 8;
        while (at >= m_start + m_window.size())
            if (!flush(error))
                return false;
        putLe64(m_window.data() + (at - m_start), value);
        return true;
    }
    bool finish(std::string& error) {
        while (m_start < m_layout.batLength)
            if (!flush(error))
                return false;
        return true;
    }

  private:
    bool flush(std::string& error) {
        const size_t n = size_t(std::min<uint64_t>(m_window.size(), m_layout.batLength - m_start));
        if (!m_out.writeSparse(m_layout.batOffset + m_start, m_window.data(), n, error))
            return false;
        std::fill(m_window.begin(), m_window.end(), uint8_t(0));
        m_start += n;
        return true;
    }
    OutputFile& m_out;
    const NewVhdxLayout& m_layout;
    std::vector<uint8_t> m_window;
    uint64_t m_start = 0; // BAT byte the window starts at
};

// "32M", "32MiB", "1G", "33554432": a size in bytes; 0 when not one.
uint64_t parseSize(const std::string& text) {
    size_t used = 0;
    unsigned long long v = 0;
    try {
        v = std::stoull(text, &used, 10);
    } catch (...) {
        return 0;
    }
    const std::string unit = text.substr(used);
    const uint64_t scale = unit.empty() || unit == "B"    ? 1
                           : unit == "K" || unit == "KiB" ? KiB
                           : unit == "M" || unit == "MiB" ? MiB
                           : unit == "G" || unit == "GiB" ? GiB
                                                          : 0;
    return scale && v <= UINT64_MAX / scale ? v * scale : 0;
}

// The new disk's geometry: FILE's unless an option says otherwise.
std::string specFor(const CommandLine& cmd, const ExportSource& src, NewVhdxSpec& spec) {
    spec.fixed = cmd.subformat == "fixed";
    spec.fileWriteGuid = Guid::random();
    spec.dataWriteGuid = Guid::random();
    if (src.image) {
        const Metadata& md = src.image->metadata();
        spec.blockSize = md.blockSize.value_or(spec.blockSize);
        spec.logicalSectorSize = md.logicalSectorSize.value_or(512);
        spec.physicalSectorSize = md.physicalSectorSize.value_or(4096);
        // The disk's identity to the guest (MS-VHDX 2.6.2.3) is kept: a flattened checkpoint
        // or a rescued copy is the same disk.
        spec.virtualDiskId = md.virtualDiskId.value_or(Guid::random());
    } else {
        spec.virtualDiskId = Guid::random();
    }
    if (!cmd.blockSize.empty()) {
        const uint64_t b = parseSize(cmd.blockSize);
        if (b == 0 || b > UINT32_MAX)
            return "--block-size '" + cmd.blockSize + "' is not a size (32M, 1MiB, 33554432)";
        spec.blockSize = uint32_t(b);
    }
    if (cmd.logicalSectorSize)
        spec.logicalSectorSize = cmd.logicalSectorSize;
    spec.virtualSize = src.size();
    if (!src.image && spec.virtualSize % spec.logicalSectorSize) // a raw image's last sector
        spec.virtualSize += spec.logicalSectorSize - spec.virtualSize % spec.logicalSectorSize;
    return newVhdxProblem(spec);
}

class VhdxExport {
  public:
    VhdxExport(const CommandLine& cmd, const ExportSource& src, const NewVhdxSpec& spec,
               OutputFile& out)
        : m_cmd(cmd), m_src(src), m_spec(spec), m_layout(newVhdxLayout(spec)), m_out(out),
          m_bat(out, m_layout), m_piece(std::min<uint64_t>(kPiece, spec.blockSize)),
          m_progress(spec.virtualSize) {
        m_options.missingParentAsZeros = cmd.allowMissingParent;
    }

    bool run(std::string& error) {
        m_next = m_layout.firstBlockOffset;
        m_storedBlocks.assign(m_layout.bat.dataBlocks, false);
        // The blocks that may hold data, each once, in order; the others are skipped without
        // a step each (a fixed disk places them), so that the time follows the data.
        bool ok = true;
        uint64_t done = 0; // blocks before it are handled
        auto upTo = [&](uint64_t end) {
            if (!m_spec.fixed) // not stored: their entries stay NOT_PRESENT
                done = std::max(done, end);
            for (; ok && done < end; ++done)
                ok = block(done, false, error);
        };
        forEachDataBlock([&](uint64_t b) {
            upTo(b);
            if (ok && done == b) {
                ok = block(b, true, error);
                ++done;
            }
            return ok;
        });
        upTo(m_layout.bat.dataBlocks);
        if (!ok)
            return false;
        m_progress.finish();
        const std::vector<uint8_t> front = encodeNewVhdxFront(m_spec, m_layout);
        return m_bat.finish(error) && m_out.resize(m_next, error) &&
               m_out.writeSparse(0, front.data(), front.size(), error) && verify(error);
    }
    [[nodiscard]] uint64_t blocksStored() const { return m_stored; }
    [[nodiscard]] uint64_t fileSize() const { return m_next; }
    [[nodiscard]] bool missingParentReadAsZeros() const { return m_zerosForMissing; }

  private:
    // Calls visit(b) for each block that may hold a non-zero byte, in order, from the
    // source's extents (a VHDX's BAT) or holes (a raw file), without reading data; stops when
    // visit returns false.
    void forEachDataBlock(const std::function<bool(uint64_t)>& visit) const {
        const uint64_t bs = m_spec.blockSize, blocks = m_layout.bat.dataBlocks;
        if (m_src.raw) {
            for (uint64_t pos = 0; pos < m_src.raw->size();) {
                const uint64_t data = m_src.raw->nextData(pos);
                if (data >= m_src.raw->size() || data / bs >= blocks || !visit(data / bs))
                    return;
                pos = (data / bs + 1) * bs;
            }
            return;
        }
        uint64_t next = 0; // the first block not yet visited
        m_src.disk->extents(0, m_spec.virtualSize, [&](const VirtualExtent& e) {
            if (e.kind != VirtualExtent::Kind::Data)
                return true;
            const uint64_t last = (e.offset + e.length - 1) / bs;
            for (uint64_t b = std::max(next, e.offset / bs); b <= last; ++b)
                if (!visit(b))
                    return false;
            next = std::max(next, last + 1);
            return true;
        });
    }

    bool read(uint64_t offset, uint64_t n, std::string& error) {
        std::fill_n(m_piece.begin(), n, uint8_t(0));
        if (m_src.raw) {
            // A raw image shorter than the disk (its size rounded up to a sector) reads zeros
            // past its end.
            const uint64_t have =
                offset < m_src.raw->size() ? std::min<uint64_t>(n, m_src.raw->size() - offset) : 0;
            if (have && m_src.raw->read(offset, m_piece.data(), have) != ReadStatus::Ok) {
                error = "reading '" + m_cmd.files.front() + "' at " + std::to_string(offset) +
                        " failed";
                return false;
            }
            return true;
        }
        const VirtualReadResult r = m_src.disk->read(offset, n, m_piece.data(), m_options);
        m_zerosForMissing |= r.missingParentReadAsZeros;
        if (!r.ok())
            error = "reading the virtual disk failed: " + r.problem;
        return r.ok();
    }

    // Block b: placed when it holds data (or the disk is fixed), read only when it may.
    bool block(uint64_t b, bool mayHold, std::string& error) {
        const uint64_t start = b * m_spec.blockSize;
        const uint64_t end = std::min<uint64_t>(start + m_spec.blockSize, m_spec.virtualSize);
        bool stored = false;
        uint64_t at = 0;
        auto place = [&] {
            if (!stored) {
                at = m_next;
                m_next += m_spec.blockSize;
                stored = true;
            }
        };
        if (m_spec.fixed)
            place();
        if (mayHold) {
            for (uint64_t pos = start; pos < end;) {
                const uint64_t n = std::min<uint64_t>(m_piece.size(), end - pos);
                if (!read(pos, n, error)) {
                    error = "block " + std::to_string(b) + " (virtual offset " +
                            std::to_string(start) + "): " + error;
                    return false;
                }
                if (!allZero(m_piece.data(), size_t(n))) {
                    place();
                    if (!m_out.writeSparse(at + (pos - start), m_piece.data(), size_t(n), error))
                        return false;
                    m_data += n;
                }
                pos += n;
                m_progress.update(pos, m_data);
            }
        }
        m_stored += stored;
        m_storedBlocks[b] = stored;
        if (!stored)
            return true; // its entry stays NOT_PRESENT (zero)
        return m_bat.set(m_layout.slotOf(b),
                         stored ? batEntryValue(bat_state::fullyPresent, at) : 0, error);
    }

    // The new file as the tool's own reader sees it: clean, its geometry the spec's, and every
    // block it stores reading back as the source's bytes.
    bool verify(std::string& error) {
        std::string why;
        const auto image = Image::openAndScan(m_out.temporaryPath(), why);
        if (!image) {
            error = "verification failed: the new file cannot be opened: " + why;
            return false;
        }
        for (const Finding& f : image->findings().items())
            if (f.severity >= Severity::Warning) {
                error = "verification failed: the new file has a finding: " +
                        std::string(codeName(f.code)) + ": " + f.message;
                return false;
            }
        const auto disk = VirtualDisk::open(*image, why);
        if (!disk || disk->size() != m_spec.virtualSize || disk->parentMissing()) {
            error = "verification failed: the new file's disk is not the one written" +
                    (why.empty() ? std::string() : ": " + why);
            return false;
        }
        std::vector<uint8_t> written(m_piece.size());
        for (uint64_t b = 0; b < m_storedBlocks.size(); ++b) {
            if (!m_storedBlocks[b])
                continue; // never placed: its source bytes were checked to be zero
            const uint64_t start = b * m_spec.blockSize;
            const uint64_t end = std::min<uint64_t>(start + m_spec.blockSize, m_spec.virtualSize);
            for (uint64_t pos = start; pos < end;) {
                const uint64_t n = std::min<uint64_t>(m_piece.size(), end - pos);
                if (!read(pos, n, error) || !disk->read(pos, n, written.data()).ok() ||
                    std::memcmp(written.data(), m_piece.data(), size_t(n)) != 0) {
                    error = "verification failed: the new file does not read back as the disk "
                            "at virtual offset " +
                            std::to_string(pos);
                    return false;
                }
                pos += n;
            }
        }
        return true;
    }

    const CommandLine& m_cmd;
    const ExportSource& m_src;
    const NewVhdxSpec& m_spec;
    const NewVhdxLayout m_layout;
    OutputFile& m_out;
    BatWriter m_bat;
    std::vector<uint8_t> m_piece;
    ExportProgress m_progress;
    VirtualDiskOptions m_options;
    uint64_t m_next = 0;              // where the next stored block goes
    uint64_t m_stored = 0;            // blocks stored
    std::vector<bool> m_storedBlocks; // by block: stored (one bit each: 8 MiB at 64 Mi blocks)
    uint64_t m_data = 0;              // bytes of data written
    bool m_zerosForMissing = false;
};

} // namespace

int runExportVhdx(const CommandLine& cmd) {
    ExportSource src;
    if (const int rc = openExportSource(cmd, cmd.rawInput, src))
        return rc;
    NewVhdxSpec spec;
    if (const std::string why = specFor(cmd, src, spec); !why.empty())
        return refuseExport(why);
    OutputFile output;
    std::string error;
    if (!createOutput(output, cmd.exportPath, newVhdxLayout(spec).firstBlockOffset, error))
        return refuseExport(error);
    VhdxExport exporter(cmd, src, spec, output);
    if (!exporter.run(error) || !output.commit(cmd.force, error)) {
        std::fprintf(stderr, "vhdx-inspector: export failed: %s\n", terminalSafe(error).c_str());
        return 1;
    }
    if (exporter.missingParentReadAsZeros())
        std::fprintf(stderr, "vhdx-inspector: warning: %s; its sectors were exported as zeros\n",
                     terminalSafe(src.disk->missingParentReason()).c_str());
    std::printf("exported %llu bytes to %s as a %s VHDX (%s blocks, %llu of %llu stored; "
                "file %llu bytes)%s\n",
                (unsigned long long)spec.virtualSize, terminalSafe(cmd.exportPath).c_str(),
                spec.fixed ? "fixed" : "dynamic", formatSize(spec.blockSize).c_str(),
                (unsigned long long)exporter.blocksStored(),
                (unsigned long long)newVhdxLayout(spec).bat.dataBlocks,
                (unsigned long long)exporter.fileSize(),
                exporter.missingParentReadAsZeros() ? ", missing parent read as zeros" : "");
    return stdoutFailed() ? 2 : 0;
}

} // namespace vhdx::app
