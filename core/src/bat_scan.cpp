// The full BAT validation scan: reads the table in fixed-size chunks, so memory stays
// constant apart from one bit per MiB of the file for block-overlap detection.
#include <algorithm>
#include <string>
#include <vector>

#include "vhdx/bat.h"
#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/findings.h"
#include "vhdx/text_format.h"

namespace vhdx {

namespace {

// A problem seen on many entries: reported once, with a count and the first index; the
// first entries are listed for the viewer (BatScanResult::problems).
struct Tally {
    BatProblemList* list = nullptr; // shared by the two kinds of invalid state
    uint64_t count = 0;
    uint64_t first = 0;
    uint64_t firstRaw = 0;
    std::string detail; // of the first occurrence
    void note(uint64_t index, uint64_t raw, const std::string& why = {}) {
        if (count++ == 0) {
            first = index;
            firstRaw = raw;
            detail = why;
        }
        ++list->count;
        if (list->listed.size() < BatProblemList::maxListed)
            list->listed.push_back(index); // the scan walks the table in order: sorted
    }
};

class OccupancyMap {
  public:
    explicit OccupancyMap(uint64_t fileSize) : m_bits((fileSize + MiB - 1) / MiB, false) {}
    // Marks [mb, mb+units); true when any unit was already taken.
    bool claim(uint64_t mb, uint64_t units) {
        bool clash = false;
        for (uint64_t u = mb; u < mb + units && u < m_bits.size(); ++u) {
            clash |= m_bits[u];
            m_bits[u] = true;
        }
        return clash;
    }

  private:
    std::vector<bool> m_bits;
};

struct Scanner {
    const ByteSource& src;
    const BatGeometry& geo;
    const std::vector<ReservedRange>& reserved;
    const std::vector<uint64_t>* locate; // sorted offsets to find in present blocks
    BatScanResult result;
    OccupancyMap occupancy;
    Tally payloadState, bitmapState, reservedBits, beyondEof, overlapBlock, overlapStructure,
        bitmapMissing;
    bool partialInChunk = false;
    uint64_t blocks = 0; // payload slots walked so far

    void block(uint64_t index, const BatEntry& e, uint64_t bytes, bool isBitmap) {
        const uint64_t start = e.fileOffset();
        uint64_t end = 0;
        if (locate && !locate->empty() && !addOverflows(start, bytes, end))
            for (auto it = std::lower_bound(locate->begin(), locate->end(), start);
                 it != locate->end() && *it < end; ++it)
                result.located.push_back({*it, index, isBitmap});
        if (addOverflows(start, bytes, end) || end > src.size()) {
            beyondEof.note(index, e.raw, "block " + formatRange(start, bytes));
            return;
        }
        for (const ReservedRange& r : reserved)
            if (rangesOverlap(start, bytes, r.offset, r.length)) {
                overlapStructure.note(index, e.raw,
                                      "block " + formatRange(start, bytes) + " on " + r.name);
                return;
            }
        if (occupancy.claim(e.fileOffsetMB(), bytes / MiB))
            overlapBlock.note(index, e.raw, "block " + formatRange(start, bytes));
    }

    void visit(uint64_t index, bool isBitmap, BatEntry e) {
        if (e.reservedBits()) {
            ++result.counts.reservedBitsSet;
            reservedBits.note(index, e.raw);
        }
        const BatClass cls = classifyBatState(
            e.state(), isBitmap ? SlotKind::SectorBitmap : SlotKind::Payload, geo.hasParent);
        ++result.counts.byClass[size_t(cls)];
        if (isBitmap) {
            ++result.sectorBitmapEntries;
            if (cls == BatClass::BitmapInvalid)
                bitmapState.note(index, e.raw);
            else if (cls == BatClass::BitmapPresent)
                block(index, e, MiB, true);
            else if (partialInChunk)
                bitmapMissing.note(index, e.raw);
            partialInChunk = false;
            return;
        }
        ++result.payloadEntries;
        if (cls == BatClass::PayloadInvalid)
            payloadState.note(index, e.raw);
        if (cls == BatClass::PayloadPartiallyPresent)
            partialInChunk = true;
        if (batClassHasBlock(cls))
            block(index, e, geo.blockSize, false);
    }

    // Hot loop: most entries only need counting. Payload states 0..3 are always defined and
    // their classes are the first four (tst_schema checks), so they are counted directly. An
    // entry needs the slow path when its state has bit 2 set (4, 5 undefined; 6, 7 present
    // or invalid) or reserved bits are set, i.e. when raw & slowMask is non-zero. In blocks
    // of 64 the states 0..3 are counted in one pass as four 16-bit lanes of one register; a
    // block with any slow entry is walked again entry by entry.
    void countRun(const uint8_t* p, uint64_t first, uint64_t count) {
        constexpr uint64_t slowMask = (uint64_t(4) << schema::bat_entry::state.shift) |
                                      (((uint64_t(1) << schema::bat_entry::reserved.width) - 1)
                                       << schema::bat_entry::reserved.shift);
        constexpr uint64_t block = 64;
        uint64_t c[4] = {};
        uint64_t k = 0;
        for (; k + block <= count; k += block) {
            uint64_t any = 0, packed = 0;
            for (uint64_t j = 0; j < block; ++j) {
                const uint64_t raw = le64(p + (k + j) * 8);
                any |= raw & slowMask;
                packed += uint64_t(1) << ((raw & 3) << 4);
            }
            if (any) {
                countSlow(p, first, k, k + block);
                continue;
            }
            for (int st = 0; st < 4; ++st)
                c[st] += (packed >> (16 * st)) & 0xFFFF;
        }
        countSlow(p, first, k, count);
        for (int st = 0; st < 4; ++st) {
            result.counts.byClass[st] += c[st];
            result.payloadEntries += c[st];
        }
    }

    void countSlow(const uint8_t* p, uint64_t first, uint64_t from, uint64_t to) {
        for (uint64_t k = from; k < to; ++k)
            visit(first + k, false, BatEntry{le64(p + k * 8)});
    }

    void scanChunk(const uint8_t* p, uint64_t first, uint64_t n, uint64_t& posInChunk) {
        uint64_t i = 0;
        while (i < n) {
            if (posInChunk == geo.chunkRatio) {
                visit(first + i, true, BatEntry{le64(p + i * 8)});
                posInChunk = 0;
                ++i;
                continue;
            }
            const uint64_t run = std::min(n - i, geo.chunkRatio - posInChunk);
            // Slots past the last block (a differencing disk's last chunk) are padding.
            const uint64_t used = std::min(run, geo.dataBlocks - std::min(geo.dataBlocks, blocks));
            countRun(p + i * 8, first + i, used);
            result.counts.byClass[size_t(BatClass::PayloadPadding)] += run - used;
            blocks += run;
            i += run;
            posInChunk += run;
        }
    }
};

void report(Findings& f, const Tally& t, Severity sev, FindingCode code, uint64_t batOffset,
            const std::string& what) {
    if (!t.count)
        return;
    f.add(sev, code, ref::batEntry(t.first), batOffset + schema::bat_entry::size * t.first,
          formatCount(t.count) + " " + what + "; first: BAT entry " + formatCount(t.first) + " (" +
              hex64(t.firstRaw) + ")" + (t.detail.empty() ? "" : ", " + t.detail),
          "2.5");
}

} // namespace

BatScanResult scanBat(const ByteSource& src, uint64_t batOffset, uint64_t batLength,
                      const BatGeometry& geo, const std::vector<ReservedRange>& reserved,
                      Findings& findings, const BatScanOptions& options) {
    Scanner s{src, geo, reserved, options.locate, {}, OccupancyMap(src.size()), {}, {}, {}, {},
              {},  {},  {}};
    using P = BatProblem;
    const auto list = [&s](P p) { return &s.result.problems[size_t(p)]; };
    s.payloadState.list = list(P::InvalidState);
    s.bitmapState.list = list(P::InvalidState);
    s.reservedBits.list = list(P::ReservedBits);
    s.beyondEof.list = list(P::BeyondEof);
    s.overlapStructure.list = list(P::OverlapsStructure);
    s.overlapBlock.list = list(P::OverlapsBlock);
    s.bitmapMissing.list = list(P::SectorBitmapMissing);
    if (!geo.valid)
        return s.result;
    const uint64_t inFile = batOffset < src.size() ? (src.size() - batOffset) / 8 : 0;
    const uint64_t total = std::min({geo.totalEntries, batLength / 8, inFile});
    const uint64_t chunkEntries = std::max<uint64_t>(1, options.chunkBytes / 8);
    std::vector<uint8_t> buf(std::min(total, chunkEntries) * 8);
    uint64_t posInChunk = 0; // position inside the (ChunkRatio + 1)-entry group
    bool failed = false;
    for (uint64_t first = 0; first < total; first += chunkEntries) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed))
            break;
        const uint64_t n = std::min(chunkEntries, total - first);
        if (src.read(batOffset + first * 8, buf.data(), n * 8) != ReadStatus::Ok) {
            findings.add(Severity::Error, FindingCode::IoError, ref::bat(), batOffset + first * 8,
                         "Reading the BAT failed at entry " + formatCount(first), "2.5");
            failed = true;
            break;
        }
        s.scanChunk(buf.data(), first, n, posInChunk);
        s.result.entriesScanned = first + n;
        if (options.progress)
            options.progress(first + n, total);
    }
    s.result.completed = !failed && s.result.entriesScanned == total;
    if (!s.result.completed && !failed)
        findings.add(Severity::Info, FindingCode::ScanCancelled, ref::bat(), batOffset,
                     "The BAT scan was cancelled after " + formatCount(s.result.entriesScanned) +
                         " of " + formatCount(total) + " entries: BAT findings are incomplete",
                     "2.5");
    report(findings, s.payloadState, Severity::Error, FindingCode::BatEntryStateInvalid, batOffset,
           "payload entries have an undefined state");
    report(findings, s.bitmapState, Severity::Error, FindingCode::BatEntryStateInvalid, batOffset,
           "sector bitmap entries have an undefined state");
    report(findings, s.reservedBits, Severity::Warning, FindingCode::BatEntryReservedBits,
           batOffset, "entries have reserved bits 3-19 set");
    report(findings, s.beyondEof, Severity::Error, FindingCode::BatEntryBeyondEof, batOffset,
           "present blocks end beyond " + fileEndText(src.size()));
    report(findings, s.overlapStructure, Severity::Error, FindingCode::BatEntryOverlap, batOffset,
           "present blocks overlap a structure of the file");
    report(findings, s.overlapBlock, Severity::Error, FindingCode::BatEntryOverlap, batOffset,
           "present blocks overlap another block");
    report(findings, s.bitmapMissing, Severity::Error, FindingCode::BatSectorBitmapMissing,
           batOffset, "chunks hold partially present blocks but no present sector bitmap");
    return s.result;
}

} // namespace vhdx
