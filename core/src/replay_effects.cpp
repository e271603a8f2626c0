// Where each descriptor of the active log sequence lands, and what the replay changes in the
// structures: BAT entries before -> after, metadata items, region tables.
#include "vhdx/replay_effects.h"

#include <algorithm>
#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/findings.h"
#include "vhdx/layout.h"
#include "vhdx/metadata.h"
#include "vhdx/region_table.h"

namespace vhdx {

namespace {

using K = ReplayTargetKind;

bool overlaps(const ReplayWrite& w, uint64_t offset, uint64_t length) {
    return rangesOverlap(w.fileOffset, w.length, offset, length);
}

std::vector<ReplayTarget> classify(const ReplayWrite& w, const ReplayPlan& plan,
                                   const Regions& regions, const Metadata& md,
                                   const BatGeometry& geo) {
    std::vector<ReplayTarget> t;
    const uint64_t a = w.fileOffset, b = w.end();
    for (int i = 0; i < 2; ++i)
        if (overlaps(w, layout::regionTableOffset[i], layout::regionTableSize))
            t.push_back({K::RegionTable, "region_table" + std::to_string(i + 1), 0, 0});
    // The rest of the first MiB: before region table 1, and after region table 2 (the two
    // tables are adjacent, so these and the tables tile the header section).
    static_assert(layout::regionTableOffset[0] + layout::regionTableSize ==
                  layout::regionTableOffset[1]);
    if (overlaps(w, 0, layout::regionTableOffset[0]) ||
        overlaps(w, layout::regionTableOffset[1] + layout::regionTableSize,
                 layout::headerSectionSize - layout::regionTableOffset[1] -
                     layout::regionTableSize))
        t.push_back({K::HeaderSection, "header section", 0, 0});
    if (overlaps(w, plan.logOffset(), plan.logLength()))
        t.push_back({K::Log, "log", 0, 0});
    if (regions.bat && geo.valid) {
        const uint64_t off = regions.bat->fileOffset;
        const uint64_t len = std::min<uint64_t>(regions.bat->length, geo.totalEntries * 8);
        if (overlaps(w, off, len)) {
            const uint64_t from = std::max(a, off), to = std::min(b, off + len);
            t.push_back({K::Bat, "bat", (from - off) / 8, (to - 1 - off) / 8});
        }
    }
    if (regions.metadata && md.readable) {
        const uint64_t off = regions.metadata->fileOffset;
        bool placed = false;
        if (overlaps(w, off, layout::metadataTableSize)) {
            t.push_back({K::MetadataTable, "metadata table", 0, 0});
            placed = true;
        }
        for (const MetadataEntry& e : md.entries)
            if (e.length && overlaps(w, off + e.offset, e.length)) {
                t.push_back({K::MetadataItem, e.name, 0, 0});
                placed = true;
            }
        if (!placed && overlaps(w, off, regions.metadata->length))
            t.push_back({K::MetadataRegion, "metadata region", 0, 0});
    }
    if (t.empty())
        t.push_back(a >= plan.storedSize() ? ReplayTarget{K::BeyondEndOfFile, "beyond end of file"}
                                           : ReplayTarget{K::Unallocated, "unallocated"});
    return t;
}

// Compares the BAT entries the overlays cover, stored vs replayed.
void compareBat(ReplayEffects& fx, const ByteSource& stored, const ByteSource& replayed,
                const Regions& regions, const BatGeometry& geo) {
    if (!regions.bat || !geo.valid)
        return;
    const uint64_t off = regions.bat->fileOffset;
    const uint64_t len = std::min<uint64_t>(regions.bat->length, geo.totalEntries * 8);
    constexpr uint64_t kChunk = MiB;
    std::vector<uint8_t> before(kChunk), after(kChunk);
    uint64_t nextIndex = 0; // entries below it were compared already
    fx.batCompared = true;
    for (const ReplayOverlay& o : fx.plan->overlays()) {
        if (!rangesOverlap(o.offset, o.length, off, len))
            continue;
        uint64_t first = std::max((std::max(o.offset, off) - off) / 8, nextIndex);
        const uint64_t end = (std::min(o.end(), off + len) - off + 7) / 8;
        for (; first < end;) {
            const uint64_t n = std::min<uint64_t>(end - first, kChunk / 8);
            const uint64_t at = off + first * 8;
            // Past the stored end the entries read as zeros, as the extended file would.
            std::memset(before.data(), 0, n * 8);
            const uint64_t inFile = at < stored.size() ? std::min(n * 8, stored.size() - at) : 0;
            if ((inFile && stored.read(at, before.data(), inFile) != ReadStatus::Ok) ||
                replayed.read(at, after.data(), n * 8) != ReadStatus::Ok) {
                fx.batCompared = false;
                return;
            }
            for (uint64_t k = 0; k < n; ++k) {
                const uint64_t x = le64(before.data() + k * 8), y = le64(after.data() + k * 8);
                if (x == y)
                    continue;
                if (fx.batChanges.size() < maxListedBatChanges)
                    fx.batChanges.push_back({first + k, x, y});
                ++fx.batChangeCount;
            }
            first += n;
        }
        nextIndex = end;
    }
}

bool bytesDiffer(const ByteSource& stored, const ByteSource& replayed, uint64_t off, uint64_t len) {
    std::vector<uint8_t> a(len, 0), b(len);
    const uint64_t inFile = off < stored.size() ? std::min(len, stored.size() - off) : 0;
    if ((inFile && stored.read(off, a.data(), inFile) != ReadStatus::Ok) ||
        replayed.read(off, b.data(), len) != ReadStatus::Ok)
        return true; // cannot tell: say it may change
    return a != b;
}

void compareStructures(ReplayEffects& fx, const ByteSource& stored, const ByteSource& replayed,
                       const Regions& regions, const Metadata& md) {
    const ReplayPlan& plan = *fx.plan;
    auto touched = [&](uint64_t off, uint64_t len) {
        const size_t i = plan.firstOverlayEndingAfter(off);
        return i < plan.overlays().size() && plan.overlays()[i].offset < off + len;
    };
    auto check = [&](const std::string& name, uint64_t off, uint64_t len) {
        if (len && touched(off, len) && replayed.contains(off, len) &&
            bytesDiffer(stored, replayed, off, len))
            fx.changedStructures.push_back({name, off, len});
    };
    for (int i = 0; i < 2; ++i)
        check("region_table" + std::to_string(i + 1), layout::regionTableOffset[i],
              layout::regionTableSize);
    if (!regions.metadata || !md.readable)
        return;
    const uint64_t off = regions.metadata->fileOffset;
    check("metadata table", off, layout::metadataTableSize);
    for (const MetadataEntry& e : md.entries)
        if (e.placed)
            check(e.name, off + e.offset, e.length);
}

template <class Pred>
void report(Findings& f, const ReplayEffects& fx, FindingCode code,
            const std::pair<std::string, std::string>& what, // singular, plural verb phrase
            uint64_t& count, Pred matches) {
    const ReplayWrite* first = nullptr;
    for (size_t i = 0; i < fx.targets.size(); ++i)
        if (matches(fx.plan->writes()[i], fx.targets[i]) && !count++)
            first = &fx.plan->writes()[i];
    if (!first)
        return;
    f.add(Severity::Warning, code, ref::logEntry(first->entryLogOffset), first->fileOffset,
          countOf(count, "descriptor", "descriptors") + " of the active log sequence " +
              (count == 1 ? what.first : what.second) + " (first: entry " +
              std::to_string(first->sequenceNumber) + ", descriptor " +
              std::to_string(first->descriptorIndex) + ", " + std::to_string(first->length) +
              " bytes at file offset " + std::to_string(first->fileOffset) +
              "). The replayed view applies such descriptors as a replay would",
          "2.3.3");
}

} // namespace

const char* replayTargetKindName(ReplayTargetKind k) {
    switch (k) {
    case K::HeaderSection:
        return "header_section";
    case K::RegionTable:
        return "region_table";
    case K::Log:
        return "log";
    case K::Bat:
        return "bat";
    case K::MetadataTable:
        return "metadata_table";
    case K::MetadataItem:
        return "metadata_item";
    case K::MetadataRegion:
        return "metadata_region";
    case K::PayloadBlock:
        return "payload_block";
    case K::SectorBitmapBlock:
        return "sector_bitmap_block";
    case K::Unallocated:
        return "unallocated";
    case K::BeyondEndOfFile:
        return "beyond_end_of_file";
    }
    return "unknown";
}

void describeReplay(ReplayEffects& fx, const ByteSource& stored, const ByteSource& replayed,
                    const Regions& regions, const Metadata& md, const BatGeometry& geo,
                    Findings& findings) {
    const ReplayPlan& plan = *fx.plan;
    fx.sizeBefore = plan.storedSize();
    fx.sizeAfter = plan.replayedSize();
    fx.targets.clear();
    for (const ReplayWrite& w : plan.writes())
        fx.targets.push_back(classify(w, plan, regions, md, geo));
    compareBat(fx, stored, replayed, regions, geo);
    compareStructures(fx, stored, replayed, regions, md);
    auto lands = [](K kind) {
        return [kind](const ReplayWrite&, const std::vector<ReplayTarget>& targets) {
            return std::any_of(targets.begin(), targets.end(),
                               [kind](const ReplayTarget& t) { return t.kind == kind; });
        };
    };
    // The region tables are part of the header section: one finding for the first 1 MiB.
    report(findings, fx, FindingCode::LogReplayWritesHeaderSection,
           {"writes into the header section (the first 1 MiB: identifier, headers, region "
            "tables)",
            "write into the header section (the first 1 MiB: identifier, headers, region "
            "tables)"},
           fx.writesIntoHeaderSection, [&](const ReplayWrite& w, const auto& targets) {
               return lands(K::HeaderSection)(w, targets) || lands(K::RegionTable)(w, targets);
           });
    report(findings, fx, FindingCode::LogReplayWritesLog,
           {"writes into the log itself", "write into the log itself"}, fx.writesIntoLog,
           lands(K::Log));
    report(findings, fx, FindingCode::LogReplayBeyondLastFileOffset,
           {"writes past its entry's LastFileOffset (the file size the writer declared)",
            "write past their entry's LastFileOffset (the file size the writer declared)"},
           fx.writesBeyondLastFileOffset,
           [](const ReplayWrite& w, const auto&) { return w.end() > w.lastFileOffset; });
}

std::vector<uint64_t> unplacedReplayOffsets(const ReplayEffects& fx) {
    std::vector<uint64_t> out;
    for (size_t i = 0; i < fx.targets.size(); ++i)
        if (fx.targets[i].size() == 1 && fx.targets[i][0].kind == K::Unallocated)
            out.push_back(fx.plan->writes()[i].fileOffset);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void placeReplayInBlocks(ReplayEffects& fx, std::vector<BatBlockHit> hits, const BatGeometry& geo) {
    std::stable_sort(hits.begin(), hits.end(), [](const BatBlockHit& a, const BatBlockHit& b) {
        return a.offset < b.offset;
    });
    for (size_t i = 0; i < fx.targets.size(); ++i) {
        if (fx.targets[i].size() != 1 || fx.targets[i][0].kind != K::Unallocated)
            continue;
        const uint64_t at = fx.plan->writes()[i].fileOffset;
        const auto it = std::lower_bound(
            hits.begin(), hits.end(), at,
            [](const BatBlockHit& h, uint64_t offset) { return h.offset < offset; });
        if (it == hits.end() || it->offset != at)
            continue;
        const uint64_t number = it->sectorBitmap ? it->index / (geo.chunkRatio + 1)
                                                 : geo.blockOfPayloadIndex(it->index);
        fx.targets[i][0] = {it->sectorBitmap ? K::SectorBitmapBlock : K::PayloadBlock,
                            it->sectorBitmap ? "sector bitmap block" : "payload block", number,
                            it->index};
    }
}

} // namespace vhdx
