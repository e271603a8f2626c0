// Damage tables for the regions after the first MiB: metadata table and items, BAT, log.
#include <tuple>
#include <utility>

#include "damage_cases.h"
#include "vhdx/bytes.h"

namespace vhdx::test::damage {

namespace {

using FC = FindingCode;
using At = std::function<uint64_t(const BuiltImage&)>;

std::string n(const std::string& s, uint64_t v) {
    return s + std::to_string(v);
}

std::function<void(BuiltImage&)> put(At at, int width, uint64_t v) {
    return [=](BuiltImage& b) {
        width == 2   ? putU16(b, at(b), uint16_t(v))
        : width == 4 ? putU32(b, at(b), uint32_t(v))
                     : putU64(b, at(b), v);
    };
}

void metadataTableCases(std::vector<Case>& out) {
    const std::string s = "metadata";
    auto md = [](uint64_t rel) {
        return [rel](const BuiltImage& b) { return b.metadataOffset + rel; };
    };
    for (uint64_t at = 0; at < 8; ++at)
        out.push_back({n("metadata table flip @", at), Base::Log, flip(md(at)),
                       error(FC::MetadataSignatureBad, s)});
    out.push_back({"metadata table flip @10 (EntryCount 5 -> 250)", Base::Log, flip(md(10)),
                   error(FC::MetadataItemDuplicate, "metadata:Unknown")});
    out.push_back({"metadata table flip @11 (EntryCount > 2047)", Base::Log, flip(md(11)),
                   error(FC::MetadataEntryCountInvalid, s)});
    for (uint64_t at : {8, 9, 12, 20, 31}) // reserved bytes: not checked by design
        out.push_back(
            {n("metadata table flip reserved @", at), Base::Log, flip(md(at)), nothing(s, 0)});
    out.push_back({"metadata EntryCount = 0", Base::Log, put(md(10), 2, 0),
                   error(FC::MetadataItemMissing, s)});
    for (uint64_t v : {uint64_t(2048), uint64_t(0xFFFF)})
        out.push_back({n("metadata EntryCount = ", v), Base::Log, put(md(10), 2, v),
                       error(FC::MetadataEntryCountInvalid, s)});
    for (uint64_t cut : {uint64_t(0), uint64_t(16), uint64_t(32768), uint64_t(65535)})
        out.push_back({n("metadata truncated at +", cut), Base::Log, truncateAt(md(cut)),
                       error(FC::FileTruncated, s)});
    out.push_back({"metadata truncated after the table (+65536)", Base::Log, truncateAt(md(65536)),
                   error(FC::FileTruncated, "metadata:File Parameters")});
}

struct Item {
    const Guid* id;
    std::string name;
    Base base;
    // Value damages: (what, writer, expected code or none).
    std::vector<
        std::tuple<std::string, std::function<void(BuiltImage&, uint64_t)>, std::optional<FC>>>
        values;
};

std::function<void(BuiltImage&, uint64_t)> val(uint64_t rel, int width, uint64_t v) {
    return [=](BuiltImage& b, uint64_t data) {
        put([=](const BuiltImage&) { return data + rel; }, width, v)(b);
    };
}
std::function<void(BuiltImage&, uint64_t)> flipVal(uint64_t rel) {
    return [=](BuiltImage& b, uint64_t data) { b.bytes.at(data + rel) ^= 0xFF; };
}

std::vector<Item> items() {
    const auto bs = FC::BlockSizeInvalid, vs = FC::VirtualDiskSizeInvalid,
               ss = FC::SectorSizeInvalid, pl = FC::ParentLocatorInvalid;
    const std::optional<FC> none;
    std::vector<Item> v;
    v.push_back({&guids::fileParameters,
                 "File Parameters",
                 Base::Log,
                 {{"BlockSize = 0", val(0, 4, 0), bs},
                  {"BlockSize = max", val(0, 4, UINT32_MAX), bs},
                  {"BlockSize = 512 KiB", val(0, 4, 512 * 1024), bs},
                  {"BlockSize = 512 MiB", val(0, 4, 512ull << 20), bs},
                  {"flip BlockSize @0", flipVal(0), bs},
                  {"flip BlockSize @2", flipVal(2), bs},
                  {"flip BlockSize @3", flipVal(3), bs},
                  {"flags = 0", val(4, 4, 0), none}}});
    v.push_back({&guids::virtualDiskSize,
                 "Virtual Disk Size",
                 Base::Log,
                 {{"= 0", val(0, 8, 0), vs},
                  {"= max", val(0, 8, UINT64_MAX), vs},
                  {"= 64 TiB + 1 MiB", val(0, 8, 64 * TiB + MiB), vs},
                  {"flip @0", flipVal(0), vs},
                  {"flip @7", flipVal(7), vs}}});
    v.push_back({&guids::page83Data,
                 "Virtual Disk ID",
                 Base::Log, // any GUID is valid
                 {{"= 0", val(0, 8, 0), none},
                  {"= max", val(8, 8, UINT64_MAX), none},
                  {"flip @0", flipVal(0), none}}});
    for (const auto& [id, name] : {std::pair{&guids::logicalSectorSize, "Logical Sector Size"},
                                   std::pair{&guids::physicalSectorSize, "Physical Sector Size"}})
        v.push_back({id,
                     name,
                     Base::Log,
                     {{"= 0", val(0, 4, 0), ss},
                      {"= max", val(0, 4, UINT32_MAX), ss},
                      {"= 1024", val(0, 4, 1024), ss},
                      {"flip @0", flipVal(0), ss},
                      {"flip @1", flipVal(1), ss}}});
    v.push_back({&guids::parentLocator,
                 "Parent Locator",
                 Base::Differencing,
                 {{"flip type @0", flipVal(0), pl},
                  {"flip type @15", flipVal(15), pl},
                  {"KeyValueCount = 0", val(18, 2, 0), pl},
                  {"KeyValueCount = max", val(18, 2, 0xFFFF), pl},
                  {"first KeyOffset = max", val(20, 4, UINT32_MAX), pl},
                  {"first ValueOffset = max", val(24, 4, UINT32_MAX), pl},
                  {"first KeyLength = 0", val(28, 2, 0), pl},
                  {"first ValueLength = max", val(30, 2, 0xFFFF), pl},
                  {"parent_linkage value not a GUID", flipVal(20 + 24 + 28 + 2), pl}}});
    return v;
}

void metadataItemCases(std::vector<Case>& out) {
    const std::vector<Item> all = items();
    for (size_t k = 0; k < all.size(); ++k) {
        const Item& it = all[k];
        const std::string s = "metadata:" + it.name, p = it.name + " ";
        const Guid* id = it.id;
        auto entry = [id](uint64_t rel) {
            return [id, rel](const BuiltImage& b) { return b.item(*id)->entryOffset + rel; };
        };
        auto data = [id](uint64_t rel) {
            return [id, rel](const BuiltImage& b) { return b.item(*id)->dataOffset + rel; };
        };
        const auto oob = FC::MetadataItemOutOfBounds;
        out.push_back({p + "entry Offset = 0", it.base,
                       put(entry(field::metadataEntryOffset), 4, 0), error(oob, s)});
        out.push_back({p + "entry Offset = max", it.base,
                       put(entry(field::metadataEntryOffset), 4, UINT32_MAX), error(oob, s)});
        out.push_back({p + "entry Offset = 1 MiB (end of region)", it.base,
                       put(entry(field::metadataEntryOffset), 4, MiB), error(oob, s)});
        out.push_back({p + "entry Length = 0", it.base,
                       put(entry(field::metadataEntryLength), 4, 0), error(oob, s)});
        out.push_back({p + "entry Length = max", it.base,
                       put(entry(field::metadataEntryLength), 4, UINT32_MAX), error(oob, s)});
        const bool optional = id == &guids::parentLocator;
        out.push_back({p + "entry ItemId flipped", it.base, flip(entry(0)),
                       optional ? error(FC::ParentLocatorMissing, "metadata")
                                : error(FC::MetadataItemMissing, "metadata")});
        for (const auto& [what, write, code] : it.values) {
            auto w = write;
            out.push_back({p + what, it.base,
                           [w, id](BuiltImage& b) { w(b, b.item(*id)->dataOffset); },
                           code ? error(*code, s) : nothing(s, 0)});
        }
        out.push_back({p + "truncated at its start", it.base, truncateAt(data(0)),
                       error(FC::FileTruncated, s)});
        out.push_back(
            {p + "truncated inside", it.base, truncateAt(data(1)), error(FC::FileTruncated, s)});
        // Just after the item: the next item is cut, or (last one) the region.
        const bool last = k + 1 == all.size() || all[k + 1].base != it.base;
        out.push_back({p + "truncated after it", it.base,
                       [id](BuiltImage& b) {
                           const auto* m = b.item(*id);
                           b.bytes.resize(m->dataOffset + m->length);
                       },
                       last ? error(FC::RegionOutOfBounds, "region_table1")
                            : error(FC::FileTruncated, "metadata:" + all[k + 1].name)});
    }
    out.push_back(
        {"File Parameters HasParent without a locator", Base::Log,
         [](BuiltImage& b) { putU32(b, b.item(guids::fileParameters)->dataOffset + 4, 2); },
         error(FC::ParentLocatorMissing, "metadata")});
}

void batCases(std::vector<Case>& out) {
    auto entry = [](uint64_t i, uint64_t byte) {
        return [i, byte](const BuiltImage& b) { return b.batEntryOffset(i) + byte; };
    };
    const auto present = [](const BuiltImage& b) { return b.blockOffsets.at(0); };
    auto set = [](uint64_t i, std::function<uint64_t(const BuiltImage&)> raw) {
        return [i, raw](BuiltImage& b) { setBatEntry(b, i, raw(b)); };
    };
    auto state = [&](uint8_t st) {
        return [st, present](const BuiltImage& b) { return bat::entry(st, present(b)); };
    };
    const std::string b0 = "bat[0]";
    for (uint8_t st : {4, 5, 7})
        out.push_back({n("BAT[0] state ", st), Base::Log, set(0, state(st)),
                       error(FC::BatEntryStateInvalid, b0)});
    out.push_back({"BAT[0] = max", Base::Log, set(0, [](const BuiltImage&) { return UINT64_MAX; }),
                   error(FC::BatEntryStateInvalid, b0)});
    out.push_back({"BAT[0] = 0", Base::Log, set(0, [](const BuiltImage&) { return 0ull; }),
                   nothing("bat[0]", 0)});
    for (uint64_t byte : {0, 1})
        out.push_back({n("BAT[0] flip @", byte), Base::Log, flip(entry(0, byte)),
                       warning(FC::BatEntryReservedBits, b0)});
    for (uint64_t byte : {2, 3, 4, 5, 6, 7})
        out.push_back({n("BAT[0] flip @", byte), Base::Log, flip(entry(0, byte)),
                       error(FC::BatEntryBeyondEof, b0)});
    for (uint64_t i : {5, 63})
        out.push_back({n("BAT[i] (not present) flip @0, i = ", i), Base::Log, flip(entry(i, 0)),
                       error(FC::BatEntryStateInvalid, n("bat[", i) + "]")});
    out.push_back({"BAT[0] present at offset 0", Base::Log,
                   set(0, [](const BuiltImage&) { return bat::entry(bat::FullyPresent, 0); }),
                   error(FC::BatEntryOverlap, b0)});
    out.push_back({"BAT[0] present on the BAT itself", Base::Log,
                   set(0, [](const BuiltImage& b) { return bat::entry(6, b.batOffset); }),
                   error(FC::BatEntryOverlap, b0)});
    out.push_back({"BAT[2] present on block 0's storage", Base::Log, set(2, state(6)),
                   error(FC::BatEntryOverlap, "bat[2]")});
    out.push_back(
        {"Virtual Disk Size = 64 TiB (BAT region too small)", Base::Log,
         [](BuiltImage& b) { putU64(b, b.item(guids::virtualDiskSize)->dataOffset, 64 * TiB); },
         error(FC::BatTooSmall, "bat")});
    const uint64_t bitmap = 4096; // chunk 0's sector bitmap slot (ChunkRatio 4096)
    out.push_back({"BAT sector bitmap state 3", Base::Differencing,
                   set(bitmap, [](const BuiltImage&) { return 3ull; }),
                   error(FC::BatEntryStateInvalid, "bat[4096]")});
    out.push_back({"BAT sector bitmap missing for a partial block", Base::Differencing,
                   set(bitmap, [](const BuiltImage&) { return 0ull; }),
                   error(FC::BatSectorBitmapMissing, "bat[4096]")});
    // Truncating the BAT in place would cut the metadata after it too; move the BAT to the
    // end of the file first (both region tables re-sealed), then cut it.
    auto cutBat = [](uint64_t rel) {
        return [rel](BuiltImage& b) {
            const uint64_t to = b.bytes.size();
            b.bytes.insert(b.bytes.end(), b.bytes.begin() + long(b.batOffset),
                           b.bytes.begin() + long(b.batOffset + b.batLength));
            for (int t = 1; t <= 2; ++t) {
                putU64(b,
                       b.regionTableOffset[t - 1] + field::regionEntries + field::regionEntryOffset,
                       to);
                resealRegionTable(b, t);
            }
            b.batOffset = to;
            b.bytes.resize(to + rel);
        };
    };
    for (uint64_t cut : {uint64_t(0), uint64_t(8), uint64_t(100), uint64_t(511)})
        out.push_back({n("BAT (moved to the end) truncated at +", cut), Base::Log, cutBat(cut),
                       error(FC::FileTruncated, "bat")});
    out.push_back({"BAT (moved to the end) truncated after its 64 entries", Base::Log, cutBat(512),
                   error(FC::RegionOutOfBounds, "region_table1")});
}

void logCases(std::vector<Case>& out) {
    auto at = [](uint64_t rel) {
        return [rel](const BuiltImage& b) { return b.logEntryOffsets[0] + rel; };
    };
    const std::string s = "log[0]";
    const auto inv = FC::LogEntryInvalid;
    // A damaged signature hides the entry: it is no longer an entry, nothing names it.
    for (uint64_t p : {0, 1, 2, 3})
        out.push_back({n("log entry flip @", p), Base::Log, flip(at(p)), nothing(s, 0)});
    for (uint64_t p : {4,  7,  8,  9,  12, 15, 16, 23, 24,  27,   28,   32,   47,   48,  55,
                       56, 63, 64, 67, 68, 80, 88, 95, 100, 4095, 4096, 4100, 5000, 8191})
        out.push_back({n("log entry flip @", p), Base::Log, flip(at(p)), info(inv, s)});
    auto sealed = [at](uint64_t rel, int width, uint64_t v) {
        return [=](BuiltImage& b) {
            put(at(rel), width, v)(b);
            resealLogEntry(b, 0);
        };
    };
    for (auto [rel, width, v, what] :
         {std::tuple{field::logSequence, 8, uint64_t(0), "SequenceNumber = 0"},
          std::tuple{field::logSequence, 8, UINT64_MAX, "SequenceNumber = max"},
          std::tuple{field::logDescriptorCount, 4, uint64_t(UINT32_MAX), "DescriptorCount = max"},
          std::tuple{field::logEntryLength, 4, uint64_t(0), "EntryLength = 0"},
          std::tuple{field::logEntryLength, 4, uint64_t(UINT32_MAX), "EntryLength = max"},
          std::tuple{field::logEntryLength, 4, uint64_t(2 * MiB), "EntryLength = 2 MiB"},
          std::tuple{field::logTail, 4, uint64_t(UINT32_MAX), "Tail = max"},
          std::tuple{field::logGuid, 8, uint64_t(0), "LogGuid changed"},
          std::tuple{uint64_t(64 + 24), 8, uint64_t(1), "descriptor sequence = 1"},
          std::tuple{uint64_t(64 + 16), 8, uint64_t(100), "descriptor FileOffset unaligned"}})
        out.push_back({std::string("log entry ") + what + " (resealed)", Base::Log,
                       sealed(rel, width, v), info(inv, s)});
    out.push_back({"log entry FlushedFileOffset = max (resealed)", Base::Log,
                   sealed(field::logFlushedFileOffset, 8, UINT64_MAX),
                   error(FC::LogInvalid, "log")});
    for (uint64_t cut : {uint64_t(0), uint64_t(100), uint64_t(4096), uint64_t(8192)})
        out.push_back({n("log truncated at entry +", cut), Base::Log, truncateAt(at(cut)),
                       error(FC::FileTruncated, "log")});
}

} // namespace

void addRegionCases(std::vector<Case>& out) {
    metadataTableCases(out);
    metadataItemCases(out);
    batCases(out);
    logCases(out);
}

} // namespace vhdx::test::damage
