#include "vhdx/region_table.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/findings.h"
#include "vhdx/layout.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

namespace vhdx {

namespace rt = schema::region_table;
namespace re = schema::region_entry;

std::string RegionTable::problem() const {
    if (std::string p = blockProblem(rt::signature); !p.empty())
        return p;
    if (!entryCountValid)
        return "Entry count " + formatCount(entryCount) + " exceeds " +
               formatCount(re::table.maxEntries);
    return {};
}

const RegionEntry* RegionTable::find(const Guid& g) const {
    for (const auto& e : entries)
        if (e.guid == g)
            return &e;
    return nullptr;
}

RegionTable decodeRegionTable(const uint8_t* b, int index, uint64_t offset) {
    RegionTable t;
    t.decodeBlock(b, rt::size, rt::signature, index, offset);
    t.entryCount = schema::read<rt::entryCount>(b);
    t.entryCountValid = t.entryCount <= re::table.maxEntries;
    const uint32_t n = std::min(t.entryCount, re::table.maxEntries);
    for (uint32_t i = 0; i < n; ++i) {
        const uint8_t* e = b + re::table.offsetOf(i);
        RegionEntry r;
        r.guid = schema::read<re::guid>(e);
        r.fileOffset = schema::read<re::fileOffset>(e);
        r.length = schema::read<re::length>(e);
        r.requiredRaw = schema::read<re::required>(e);
        r.name = r.guid == guids::batRegion        ? "BAT"
                 : r.guid == guids::metadataRegion ? "Metadata"
                                                   : "Unknown";
        t.entries.push_back(std::move(r));
    }
    return t;
}

namespace {

void reportTableProblems(const RegionTable& t, bool otherValid, Findings& f) {
    const Severity sev = otherValid ? Severity::Warning : Severity::Error;
    const std::string title = "Region table " + std::to_string(t.index);
    reportBlockProblems(t, rt::signature, otherValid, ref::regionTable(t.index), title, "2.2.3",
                        FindingCode::RegionTableSignatureBad, FindingCode::RegionTableChecksumBad,
                        f);
    if (t.readable && !t.entryCountValid)
        f.add(sev, FindingCode::RegionTableEntryCountInvalid, ref::regionTable(t.index),
              t.offset + rt::entryCount.offset,
              title + " entry count " + formatCount(t.entryCount) + " exceeds " +
                  formatCount(re::table.maxEntries),
              "2.2.3");
}

struct Range {
    uint64_t offset, length;
    std::string name;
};

// A hostile table can make every pair of its 2047 entries overlap: list the first pairs, then
// count the rest, so findings stay O(entries) (2 million findings and 548 MB of JSON before).
constexpr uint64_t kMaxOverlapFindings = 100;

void checkEntries(const ByteSource& src, const RegionTable& t, uint64_t logOffset,
                  uint64_t logLength, Regions& out, Findings& f) {
    const StructureRef where = ref::regionTable(t.index);
    uint64_t overlaps = 0;
    std::vector<Range> placed;
    placed.push_back({0, layout::headerSectionSize, "the header section"});
    if (logLength)
        placed.push_back({logOffset, logLength, "the log"});
    for (size_t i = 0; i < t.entries.size(); ++i) {
        const RegionEntry& e = t.entries[i];
        const uint64_t at = t.offset + re::table.offsetOf(i);
        const bool known = e.name != "Unknown";
        const std::string what = e.name + " region (" + e.guid.toString() + ")";
        if (!known && e.required())
            f.add(Severity::Error, FindingCode::RegionUnknownRequired, where, at,
                  "Unknown " + what + " is marked required: the file must not be opened",
                  "2.2.3.1");
        if (known) {
            std::optional<RegionEntry>& slot = e.guid == guids::batRegion ? out.bat : out.metadata;
            if (slot) {
                f.add(Severity::Error, FindingCode::RegionDuplicate, where, at,
                      "The " + e.name + " region appears more than once in the region table",
                      "2.2.3.1");
                continue;
            }
            slot = e;
        }
        if (e.fileOffset % MiB || e.length % MiB || e.length == 0 ||
            e.fileOffset < layout::headerSectionSize)
            f.add(Severity::Error, FindingCode::RegionMisaligned, where, at,
                  "The " + what + " at " + formatRange(e.fileOffset, e.length) +
                      " is not a non-empty 1 MiB-aligned range after the first 1 MiB",
                  "2.2.3.1");
        uint64_t end = 0;
        if (addOverflows(e.fileOffset, e.length, end) || end > src.size())
            f.add(Severity::Error, FindingCode::RegionOutOfBounds, where, at,
                  "The " + what + " at " + formatRange(e.fileOffset, e.length) + " ends beyond " +
                      fileEndText(src.size()),
                  "2.2.3.1");
        for (const Range& r : placed)
            if (rangesOverlap(e.fileOffset, e.length, r.offset, r.length) &&
                overlaps++ < kMaxOverlapFindings)
                f.add(Severity::Error, FindingCode::RegionOverlap, where, at,
                      "The " + what + " overlaps " + r.name, "2.2.3.1");
        placed.push_back({e.fileOffset, e.length, "the " + e.name + " region"});
    }
    if (overlaps > kMaxOverlapFindings)
        f.add(Severity::Error, FindingCode::RegionOverlap, where, t.offset,
              formatCount(overlaps - kMaxOverlapFindings) +
                  " more overlapping pairs of regions (not listed)",
              "2.2.3.1");
    if (!out.bat)
        f.add(Severity::Error, FindingCode::RegionMissing, where, t.offset,
              "The region table has no BAT region entry", "2.2.3.1");
    if (!out.metadata)
        f.add(Severity::Error, FindingCode::RegionMissing, where, t.offset,
              "The region table has no Metadata region entry", "2.2.3.1");
}

} // namespace

Regions readRegions(const ByteSource& src, uint64_t logOffset, uint64_t logLength,
                    Findings& findings) {
    Regions r;
    std::vector<uint8_t> block;
    for (int i = 0; i < 2; ++i) {
        const uint64_t off = layout::regionTableOffset[i];
        const ReadStatus st =
            readChecksummedBlock(src, off, rt::size, block, ref::regionTable(i + 1),
                                 "Region table " + std::to_string(i + 1), "2.2.3", findings);
        if (st == ReadStatus::Ok) {
            r.tables[i] = decodeRegionTable(block.data(), i + 1, off);
        } else {
            r.tables[i].index = i + 1;
            r.tables[i].offset = off;
            r.tables[i].readStatus = st;
        }
    }
    const RegionTable &t1 = r.tables[0], &t2 = r.tables[1];
    reportTableProblems(t1, t2.valid(), findings);
    reportTableProblems(t2, t1.valid(), findings);
    if (!t1.valid() && !t2.valid())
        findings.add(Severity::Error, FindingCode::NoValidRegionTable, ref::regionTable(1),
                     t1.offset,
                     "Neither region table is valid, so where the BAT and the metadata lie is "
                     "not known (region table 1: " +
                         t1.problem() + "; region table 2: " + t2.problem() + ")",
                     "2.2.3");
    r.identical = t1.readable && t2.readable && t1.raw == t2.raw;
    if (t1.valid() && t2.valid() && !r.identical)
        findings.add(Severity::Warning, FindingCode::RegionTablesDiffer, ref::regionTable(2),
                     t2.offset, "Both region tables are valid but their contents differ", "2.2.3");
    // Trust a valid copy; with none, read on from one whose signature holds, so a damaged
    // file still shows as much as can be decoded (the errors above say it is untrusted).
    if (t1.valid())
        r.used = 1;
    else if (t2.valid())
        r.used = 2;
    else if (t1.readable && t1.signatureValid)
        r.used = 1;
    else if (t2.readable && t2.signatureValid)
        r.used = 2;
    if (r.used)
        checkEntries(src, r.tables[r.used - 1], logOffset, logLength, r, findings);
    return r;
}

} // namespace vhdx
