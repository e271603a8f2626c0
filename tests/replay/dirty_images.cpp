// Builder images with an active log sequence, shaped so that QEMU's replay accepts them:
// 1 MiB blocks, the data the log carries is what the stored BAT/metadata lack (like the real
// dirty sample, whose log sets a BAT entry the stored table still has as not present).
//
// What QEMU 7.2's replay does differently from MS-VHDX (block/vhdx-log.c), and how the cases
// stay clear of it:
// - it replays the run whose FIRST entry has the highest sequence number and ignores Tail, so
//   a sequence that wraps around the end of the log loses its entries before the wrap, and
//   two sequences back to back lose the second's first entry: here a wrapped case has one
//   entry crossing the end, and sequences are apart;
// - it extends the file to LastFileOffset only when that is not a 1 MiB multiple, and then
//   to the next 1 MiB: sizes may differ, bytes (zeros) do not (bytesAgree);
// - its vhdx_log_read_sectors reads every sector into the same 4 KiB of its buffer, so an
//   entry with more than one descriptor sector (more than 126 descriptors) fails its checks
//   and the open fails with EINVAL: every entry here has at most 126 descriptors;
// - its search never ends when a run of entries stops exactly one sector before the end of
//   the log (its read index wraps to the run's start, which the loop takes for progress):
//   no case here fills a log that way (docs/PERFORMANCE.md).
#include "dirty_images.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>

#include <algorithm>
#include <cstring>

#include "test_files.h"
#include "update_test_util.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"
#include "vhdx/log_replay.h"

namespace vhdx::test {

namespace {

constexpr uint64_t kSector = 4096;
const Guid kLogGuid = *Guid::parse("5eed0001-0000-4000-8000-00000000aaaa");

ImageSpec baseSpec(uint64_t presentBlocks) {
    ImageSpec s;
    s.blockSize = 1 << 20;
    s.virtualSize = 1ull << 30;
    s.logGuid = kLogGuid;
    for (uint64_t b = 0; b < presentBlocks; ++b)
        s.blocks[b] = bat::FullyPresent;
    return s;
}

// The first BAT sector (entries 0..511) with blocks [0, n) present where the image put them.
std::vector<uint8_t> batSector(const BuiltImage& img, uint64_t n) {
    std::vector<uint8_t> s(kSector, 0);
    for (uint64_t b = 0; b < n; ++b)
        putLe64(s.data() + 8 * img.batIndexOfBlock(b),
                bat::entry(bat::FullyPresent, img.blockOffsets.at(b)));
    return s;
}

// Stored BAT: blocks [from, to) not present (their storage stays), as a crash before the
// table was written in place leaves it.
void forgetBlocks(BuiltImage& img, uint64_t from, uint64_t to) {
    for (uint64_t b = from; b < to; ++b)
        setBatEntry(img, img.batIndexOfBlock(b), 0);
}

LogEntrySpec dataEntry(uint64_t seq, std::vector<LogDataWrite> writes, int tail = 0) {
    LogEntrySpec e;
    e.sequenceNumber = seq;
    e.tailEntry = tail;
    e.data = std::move(writes);
    return e;
}

std::vector<uint8_t> pattern(uint8_t seed) {
    std::vector<uint8_t> s(kSector);
    for (size_t i = 0; i < s.size(); ++i)
        s[i] = uint8_t(seed + i * 31);
    return s;
}

// Builds spec twice: once to learn where blocks go, once with the log made by makeLog.
BuiltImage withLog(ImageSpec spec, const std::function<void(const BuiltImage&, ImageSpec&)>& log) {
    ImageSpec plain = spec;
    plain.logEntries.clear();
    const BuiltImage layout = buildImage(plain);
    log(layout, spec);
    return buildImage(spec);
}

BuiltImage manyEntries() {
    // 40 entries, each a newer BAT sector: replayed out of order the result differs.
    BuiltImage img = withLog(baseSpec(40), [](const BuiltImage& l, ImageSpec& s) {
        for (uint64_t i = 0; i < 40; ++i)
            s.logEntries.push_back(dataEntry(i + 1, {{l.batOffset, batSector(l, i + 1)}}));
    });
    forgetBlocks(img, 0, 40);
    return img;
}

BuiltImage wrappedEntry() {
    // One entry of 1 descriptor sector + 6 data sectors starting 12 KiB before the end of the
    // 1 MiB log: it continues at the log's start.
    BuiltImage img = withLog(baseSpec(8), [](const BuiltImage& l, ImageSpec& s) {
        LogEntrySpec e = dataEntry(7, {{l.batOffset, batSector(l, 8)}});
        for (uint8_t k = 0; k < 5; ++k)
            e.data.push_back({l.blockOffsets.at(k) + kSector * (k + 1), pattern(k)});
        e.offset = l.logLength - 3 * kSector;
        e.tailEntry = -1;
        s.logEntries = {e};
    });
    forgetBlocks(img, 0, 8);
    return img;
}

BuiltImage zeroDescriptors() {
    // Entry 1 zeros the first BAT sector and 1 MiB of block 2; entry 2 writes the BAT sector
    // with only block 5 present: order matters, zeros and data both count.
    return withLog(baseSpec(10), [](const BuiltImage& l, ImageSpec& s) {
        LogEntrySpec zero;
        zero.sequenceNumber = 1;
        zero.tailEntry = 0;
        zero.zeros = {{l.batOffset, kSector}, {l.blockOffsets.at(2), MiB}};
        std::vector<uint8_t> only5(kSector, 0);
        putLe64(only5.data() + 8 * l.batIndexOfBlock(5),
                bat::entry(bat::FullyPresent, l.blockOffsets.at(5)));
        s.logEntries = {zero, dataEntry(2, {{l.batOffset, only5}})};
    });
}

BuiltImage severalSequences() {
    // A stale entry of another log, an older sequence 3..4 of this log, then (apart) the
    // active sequence 10..11 whose tail is its first entry.
    BuiltImage img = withLog(baseSpec(8), [](const BuiltImage& l, ImageSpec& s) {
        LogEntrySpec stale = dataEntry(1, {{l.batOffset, batSector(l, 1)}}, -1);
        stale.logGuid = *Guid::parse("5eed0002-0000-4000-8000-00000000bbbb");
        LogEntrySpec old3 = dataEntry(3, {{l.batOffset, batSector(l, 2)}}, 1);
        old3.offset = 64 * KiB;
        LogEntrySpec old4 = dataEntry(4, {{l.batOffset, batSector(l, 4)}}, 1);
        LogEntrySpec new10 = dataEntry(10, {{l.batOffset, batSector(l, 6)}}, 3);
        new10.offset = 256 * KiB;
        LogEntrySpec new11 = dataEntry(11, {{l.batOffset, batSector(l, 8)}}, 3);
        s.logEntries = {stale, old3, old4, new10, new11};
    });
    forgetBlocks(img, 0, 8);
    return img;
}

BuiltImage extendsFile() {
    // Block 3's storage does not exist yet: the entry writes its last sector (the file grows
    // by the write) and points BAT entry 3 at it; LastFileOffset asks for 4 KiB more.
    ImageSpec spec = baseSpec(3);
    BuiltImage img = withLog(spec, [](const BuiltImage& l, ImageSpec& s) {
        const uint64_t end = l.bytes.size();
        std::vector<uint8_t> sector = batSector(l, 3);
        putLe64(sector.data() + 8 * l.batIndexOfBlock(3), bat::entry(bat::FullyPresent, end));
        LogEntrySpec e = dataEntry(5, {{l.batOffset, sector}, {end + MiB - kSector, pattern(9)}});
        e.lastFileOffset = end + MiB + kSector;
        s.logEntries = {e};
    });
    return img;
}

BuiltImage metadataChange() {
    // The Virtual Disk ID item's sector as a writer changing the ID would log it.
    ImageSpec spec = baseSpec(2);
    return withLog(spec, [](const BuiltImage& l, ImageSpec& s) {
        ImageSpec other = s;
        other.logEntries.clear();
        other.virtualDiskId = *Guid::parse("0123abcd-0000-4000-8000-000000000042");
        const BuiltImage changed = buildImage(other);
        const uint64_t at = changed.item(guids::page83Data)->dataOffset / kSector * kSector;
        std::vector<uint8_t> sector(changed.bytes.begin() + long(at),
                                    changed.bytes.begin() + long(at + kSector));
        s.logEntries = {dataEntry(2, {{at, sector}})};
        (void)l;
    });
}

BuiltImage overlappingWrites() {
    // Entry 1 writes block 1's first sectors, entry 2 zeros 8 KiB across them and entry 3
    // writes one sector in the middle again.
    return withLog(baseSpec(4), [](const BuiltImage& l, ImageSpec& s) {
        const uint64_t b1 = l.blockOffsets.at(1);
        LogEntrySpec e1 = dataEntry(1, {{b1, pattern(1)}, {b1 + kSector, pattern(2)}});
        LogEntrySpec e2;
        e2.sequenceNumber = 2;
        e2.tailEntry = 0;
        e2.zeros = {{b1 + kSector, 2 * kSector}};
        LogEntrySpec e3 = dataEntry(3, {{b1 + 2 * kSector, pattern(3)}});
        s.logEntries = {e1, e2, e3};
    });
}

BuiltImage longZeroRun() {
    // Entry 1 writes the second sector of block 2; entry 2 zeros 1 MiB + 4 KiB from block 1
    // (more than one zeroing chunk): the sector after the run keeps entry 1's bytes.
    return withLog(baseSpec(4), [](const BuiltImage& l, ImageSpec& s) {
        const uint64_t b1 = l.blockOffsets.at(1);
        LogEntrySpec e1 = dataEntry(1, {{b1 + MiB + kSector, pattern(4)}});
        LogEntrySpec e2;
        e2.sequenceNumber = 2;
        e2.tailEntry = 0;
        e2.zeros = {{b1, MiB + kSector}};
        s.logEntries = {e1, e2};
    });
}

} // namespace

const std::vector<DirtyCase>& dirtyCases() {
    static const std::vector<DirtyCase> cases = {
        {"many-entries", manyEntries},
        {"wrapped-entry", wrappedEntry},
        {"zero-descriptors", zeroDescriptors},
        {"several-sequences", severalSequences},
        {"extends-file", extendsFile},
        {"metadata-change", metadataChange},
        {"overlapping-writes", overlappingWrites},
        {"long-zero-run", longZeroRun},
    };
    return cases;
}

const DirtyCase* dirtyCase(const QString& name) {
    for (const DirtyCase& c : dirtyCases())
        if (name == QLatin1String(c.name))
            return &c;
    return nullptr;
}

QString writeDirtyCase(const DirtyCase& c, const QString& dir) {
    return writeImageFile(dir, QString::fromLatin1(c.name) + ".vhdx", c.build().bytes);
}

QString qemuReplay(const QString& path, const QString& copyPath) {
    QFile::remove(copyPath);
    if (!copyFile(path, copyPath))
        return "cannot copy " + path;
    const ToolResult r = runTool("qemu-img", {"check", "-r", "all", "-f", "vhdx", copyPath});
    if (!r.started || r.exitCode != 0)
        return "qemu-img check -r all failed (" + QString::number(r.exitCode) + "): " + r.out +
               r.err;
    return {};
}

QJsonObject structureKeys(const QJsonObject& report) {
    QJsonObject out;
    out["region_tables"] = report["region_tables"];
    out["metadata"] = report["metadata"];
    out["bat"] = report["bat"];
    return out;
}

QString bytesAgree(const QString& a, const QString& b) {
    QFile fa(a), fb(b);
    if (!fa.open(QIODevice::ReadOnly) || !fb.open(QIODevice::ReadOnly))
        return "cannot open both files";
    const qint64 n = std::max(fa.size(), fb.size());
    constexpr qint64 kChunk = 4 << 20;
    for (qint64 pos = 0; pos < n; pos += kChunk) {
        QByteArray x = fa.read(kChunk), y = fb.read(kChunk);
        const qint64 len = std::min(kChunk, n - pos);
        x.resize(len, '\0');
        y.resize(len, '\0');
        for (uint64_t off : layout::headerOffset) // the header slots differ by design
            for (qint64 i = std::max<qint64>(qint64(off), pos);
                 i < std::min<qint64>(qint64(off + layout::headerSize), pos + len); ++i)
                x[i - pos] = y[i - pos] = 0;
        if (x != y) {
            qint64 i = 0;
            while (x[i] == y[i])
                ++i;
            return QString("they differ at offset %1 (sizes %2 and %3)")
                .arg(pos + i)
                .arg(fa.size())
                .arg(fb.size());
        }
    }
    return {};
}

QString checkInterrupted(const QString& path, const QString& original, const QString& reference,
                         int* state) {
    std::string error;
    ParseOptions stored;
    stored.view = ReadView::Stored;
    stored.resolveParent = false;
    const auto image = Image::open(path.toStdString(), error, stored);
    if (!image)
        return "cannot open: " + QString::fromStdString(error);
    if (image->headers().current == 0)
        return "no valid current header";
    if (image->findings().has(FindingCode::HeaderSequenceTie))
        return "ambiguous current header";
    if (digestWhole(path) == digestWhole(original)) {
        if (state)
            *state = 0;
        return {};
    }
    const Log& log = image->log();
    if (!log.present) {
        if (state)
            *state = 2;
        const QString diff = bytesAgree(path, reference);
        return diff.isEmpty() ? QString()
                              : "the log is cleared but the file is not replayed: " + diff;
    }
    if (!log.replayNeeded)
        return "the LogGuid is set but no active sequence is left";
    if (state)
        *state = 1;
    const QString ours = path + ".ours", theirs = path + ".qemu";
    QFile::remove(ours);
    if (!copyFile(path, ours))
        return "cannot copy";
    const LogReplayResult r = replayLog(ours.toStdString(), {});
    if (!r.ok)
        return "our replay of the interrupted file failed: " + QString::fromStdString(r.error);
    if (const QString diff = bytesAgree(ours, reference); !diff.isEmpty())
        return "our replay of the interrupted file differs: " + diff;
    if (const QString q = qemuReplay(path, theirs); !q.isEmpty())
        return q;
    if (const QString diff = bytesAgree(theirs, reference); !diff.isEmpty())
        return "QEMU's replay of the interrupted file differs: " + diff;
    QFile::remove(ours);
    QFile::remove(theirs);
    return {};
}

} // namespace vhdx::test
