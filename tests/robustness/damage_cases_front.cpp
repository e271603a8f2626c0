// Damage tables for the first MiB: file identifier, both headers, both region tables.
#include <algorithm>
#include <tuple>

#include "damage_cases.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"

namespace vhdx::test::damage {

namespace {

using FC = FindingCode;
using At = std::function<uint64_t(const BuiltImage&)>;

At fixed(uint64_t off) {
    return [off](const BuiltImage&) { return off; };
}

std::string n(const char* s, uint64_t v) {
    return s + std::to_string(v);
}

// Sets a header field (width 2, 4 or 8 bytes) in slot h and re-seals its checksum.
std::function<void(BuiltImage&)> headerField(int h, uint64_t field, int width, uint64_t v) {
    return [=](BuiltImage& b) {
        const uint64_t at = b.headerOffset[h - 1] + field;
        width == 2   ? putU16(b, at, uint16_t(v))
        : width == 4 ? putU32(b, at, uint32_t(v))
                     : putU64(b, at, v);
        resealHeader(b, h);
    };
}

// Sets a field of region table t (0 = both) and re-seals.
std::function<void(BuiltImage&)> tableField(int t, uint64_t field, int width, uint64_t v) {
    return [=](BuiltImage& b) {
        for (int i = 1; i <= 2; ++i) {
            if (t && t != i)
                continue;
            const uint64_t at = b.regionTableOffset[i - 1] + field;
            width == 4 ? putU32(b, at, uint32_t(v)) : putU64(b, at, v);
            resealRegionTable(b, i);
        }
    };
}

void identifierCases(std::vector<Case>& out) {
    const std::string s = "identifier";
    // The headers and region tables are intact: a damaged VHDX, not another format.
    for (uint64_t p = 0; p < 8; ++p)
        out.push_back({n("identifier flip @", p), Base::Log, flip(fixed(p)),
                       error(FC::IdentifierSignatureBad, s)});
    out.push_back({"identifier signature zero", Base::Log,
                   [](BuiltImage& b) { std::fill_n(b.bytes.begin(), 8, 0); },
                   error(FC::IdentifierSignatureBad, s)});
    out.push_back({"identifier signature max", Base::Log,
                   [](BuiltImage& b) { std::fill_n(b.bytes.begin(), 8, 0xFF); },
                   error(FC::IdentifierSignatureBad, s)});
    out.push_back({"identifier creator lone surrogate", Base::Log,
                   [](BuiltImage& b) { putU16(b, 8, 0xDC00); },
                   info(FC::IdentifierCreatorInvalid, s)});
    for (uint64_t cut : {0, 1, 4, 7})
        out.push_back({n("identifier truncated at ", cut), Base::Log, truncateAt(fixed(cut)),
                       error(FC::NotVhdx, s)});
    for (uint64_t cut : {8, 520, 4096, 65536})
        out.push_back({n("identifier truncated after, at ", cut), Base::Log, truncateAt(fixed(cut)),
                       error(FC::FileTruncated, "header1")});
}

void headerCases(std::vector<Case>& out) {
    for (int h = 1; h <= 2; ++h) {
        const std::string s = n("header", h), p = s + " ";
        const uint64_t base = layout::headerOffset[h - 1];
        for (uint64_t at = 0; at < 4; ++at)
            out.push_back({n((p + "flip @").c_str(), at), Base::Log, flip(fixed(base + at)),
                           warning(FC::HeaderSignatureBad, s)});
        for (uint64_t at : {4,  5,  6,  7,  8,  15, 16, 31, 32, 47,   48,   63,   64,
                            65, 66, 67, 68, 71, 72, 79, 80, 81, 1000, 2048, 4000, 4095})
            out.push_back({n((p + "flip @").c_str(), at), Base::Log, flip(fixed(base + at)),
                           warning(FC::HeaderChecksumBad, s)});
        out.push_back({p + "flip @4096 (slot padding, not checksummed)", Base::Log,
                       flip(fixed(base + 4096)), nothing(s)});
        for (uint64_t v : {uint64_t(0), uint64_t(2), uint64_t(0xFFFF)})
            out.push_back({n((p + "Version = ").c_str(), v), Base::Log,
                           headerField(h, field::headerVersion, 2, v),
                           warning(FC::HeaderVersionBad, s)});
        for (uint64_t v : {uint64_t(1), uint64_t(0xFFFF)})
            out.push_back({n((p + "LogVersion = ").c_str(), v), Base::Log,
                           headerField(h, field::headerLogVersion, 2, v),
                           warning(FC::HeaderVersionBad, s)});
        // A sequence number alone is never wrong; it only chooses the current header.
        for (uint64_t v : {uint64_t(0), UINT64_MAX})
            out.push_back({n((p + "SequenceNumber = ").c_str(), v), Base::Log,
                           headerField(h, field::headerSequence, 8, v), nothing(s)});
        // Equal numbers: byte-identical headers are accepted (Disk2VHD writes them), others
        // are an ambiguous tie.
        out.push_back({p + "SequenceNumber = the other's (headers identical)", Base::Log,
                       headerField(h, field::headerSequence, 8, h == 1 ? 2 : 1),
                       nothing("header2")});
        out.push_back({p + "SequenceNumber = the other's, FileWriteGuid differs", Base::Log,
                       [h](BuiltImage& b) {
                           putU64(b, b.headerOffset[h - 1] + field::headerFileWriteGuid, 42);
                           headerField(h, field::headerSequence, 8, h == 1 ? 2 : 1)(b);
                       },
                       error(FC::HeaderSequenceTie, "header2")});
        for (uint64_t cut : {uint64_t(0), uint64_t(1), uint64_t(2048), uint64_t(4095)})
            out.push_back({n((p + "truncated at +").c_str(), cut), Base::Log,
                           truncateAt(fixed(base + cut)), error(FC::FileTruncated, s)});
        out.push_back({p + "truncated after (+4096)", Base::Log, truncateAt(fixed(base + 4096)),
                       error(FC::FileTruncated, h == 1 ? "header2" : "region_table1")});
    }
    // Log fields are checked in the current header (header 2) only.
    for (auto [field, width, v, what] :
         {std::tuple{field::headerLogLength, 4, uint64_t(UINT32_MAX), "LogLength = max"},
          std::tuple{field::headerLogLength, 4, uint64_t(4096), "LogLength = 4096"},
          std::tuple{field::headerLogOffset, 8, uint64_t(0), "LogOffset = 0"},
          std::tuple{field::headerLogOffset, 8, UINT64_MAX, "LogOffset = max"}}) {
        out.push_back({std::string("header2 ") + what, Base::Log, headerField(2, field, width, v),
                       error(FC::HeaderLogFieldsInvalid, "header2")});
        out.push_back({std::string("header1 (not current) ") + what, Base::Log,
                       headerField(1, field, width, v), nothing("header1")});
    }
    out.push_back({"both headers signature flipped", Base::Log,
                   [](BuiltImage& b) {
                       b.bytes[b.headerOffset[0]] ^= 0xFF;
                       b.bytes[b.headerOffset[1]] ^= 0xFF;
                   },
                   error(FC::NoValidHeader, "header1")});
    out.push_back({"both headers checksum flipped", Base::Log,
                   [](BuiltImage& b) {
                       b.bytes[b.headerOffset[0] + 4] ^= 0xFF;
                       b.bytes[b.headerOffset[1] + 4] ^= 0xFF;
                   },
                   error(FC::HeaderChecksumBad, "header2")});
}

void regionTableCases(std::vector<Case>& out) {
    for (int t = 1; t <= 2; ++t) {
        const std::string s = n("region_table", t), p = s + " ";
        const uint64_t base = layout::regionTableOffset[t - 1];
        for (uint64_t at = 0; at < 4; ++at)
            out.push_back({n((p + "flip @").c_str(), at), Base::Log, flip(fixed(base + at)),
                           warning(FC::RegionTableSignatureBad, s)});
        for (uint64_t at : {4,  5,  6,  7,  8,  11, 12, 15,  16,   31,    32,
                            40, 47, 48, 56, 63, 64, 79, 100, 4096, 32768, 65535})
            out.push_back({n((p + "flip @").c_str(), at), Base::Log, flip(fixed(base + at)),
                           warning(FC::RegionTableChecksumBad, s)});
        for (uint64_t v : {uint64_t(2048), uint64_t(UINT32_MAX)})
            out.push_back({n((p + "EntryCount = ").c_str(), v), Base::Log,
                           tableField(t, field::regionEntryCount, 4, v),
                           warning(FC::RegionTableEntryCountInvalid, s)});
        out.push_back({p + "EntryCount = 0", Base::Log,
                       tableField(t, field::regionEntryCount, 4, 0),
                       t == 1 ? error(FC::RegionMissing, s)
                              : warning(FC::RegionTablesDiffer, "region_table2")});
        for (uint64_t cut : {uint64_t(0), uint64_t(16), uint64_t(32768), uint64_t(65535)})
            out.push_back({n((p + "truncated at +").c_str(), cut), Base::Log,
                           truncateAt(fixed(base + cut)), error(FC::FileTruncated, s)});
        out.push_back({p + "truncated after (+65536)", Base::Log, truncateAt(fixed(base + 65536)),
                       error(FC::FileTruncated, t == 1 ? "region_table2" : "log")});
    }
    out.push_back({"both region tables signature flipped", Base::Log,
                   [](BuiltImage& b) {
                       b.bytes[b.regionTableOffset[0]] ^= 0xFF;
                       b.bytes[b.regionTableOffset[1]] ^= 0xFF;
                   },
                   error(FC::RegionTableSignatureBad, "region_table1")});
    // Entry fields, changed in both copies (entry 0 is the BAT, entry 1 the metadata).
    const std::string s = "region_table1";
    for (uint64_t e : {0, 1}) {
        const std::string r = e == 0 ? "BAT " : "Metadata ";
        const uint64_t at = field::regionEntries + 32 * e;
        out.push_back({r + "region FileOffset = 0", Base::Log,
                       tableField(0, at + field::regionEntryOffset, 8, 0),
                       error(FC::RegionMisaligned, s)});
        out.push_back({r + "region FileOffset = 1 MiB + 1", Base::Log,
                       tableField(0, at + field::regionEntryOffset, 8, MiB + 1),
                       error(FC::RegionMisaligned, s)});
        out.push_back({r + "region FileOffset = 1 MiB (over the log)", Base::Log,
                       tableField(0, at + field::regionEntryOffset, 8, MiB),
                       error(FC::RegionOverlap, s)});
        out.push_back({r + "region FileOffset = max", Base::Log,
                       tableField(0, at + field::regionEntryOffset, 8, UINT64_MAX),
                       error(FC::RegionOutOfBounds, s)});
        out.push_back({r + "region Length = 0", Base::Log,
                       tableField(0, at + field::regionEntryLength, 4, 0),
                       error(FC::RegionMisaligned, s)});
        out.push_back({r + "region Length = max", Base::Log,
                       tableField(0, at + field::regionEntryLength, 4, UINT32_MAX),
                       error(FC::RegionOutOfBounds, s)});
        out.push_back({r + "region GUID zero", Base::Log, tableField(0, at, 8, 0),
                       error(FC::RegionMissing, s)});
        out.push_back({r + "region GUID flipped, Required set", Base::Log,
                       [at](BuiltImage& b) {
                           for (int i = 0; i < 2; ++i)
                               b.bytes[b.regionTableOffset[i] + at] ^= 0xFF;
                           tableField(0, at + field::regionEntryRequired, 4, 1)(b);
                       },
                       error(FC::RegionUnknownRequired, s)});
    }
    out.push_back({"BAT region placed on the metadata region", Base::Log,
                   [](BuiltImage& b) {
                       tableField(0, field::regionEntries + field::regionEntryOffset, 8,
                                  b.metadataOffset)(b);
                   },
                   error(FC::RegionOverlap, s)});
}

} // namespace

void addFrontCases(std::vector<Case>& out) {
    identifierCases(out);
    headerCases(out);
    regionTableCases(out);
}

} // namespace vhdx::test::damage
