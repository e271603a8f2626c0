// Planning the replacement of one metadata item (MS-VHDX 2.6): placement inside the region, then
// a before/after image of the 4 KiB sectors touched, of which the changed ones are kept.
#include "vhdx/metadata_edit.h"

#include <algorithm>
#include <map>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/metadata.h"

namespace vhdx {

namespace {

constexpr uint64_t kSector = layout::logSectorSize;
constexpr uint64_t kEntries = 32, kEntrySize = 32, kEntryOffsetField = 16, kEntryLengthField = 20;

struct Range {
    uint64_t start, length;
};

// Where newLength bytes can go: at the old offset when they fit there, else the lowest offset
// after the table (8-byte aligned, as writers place items) that overlaps no other item.
std::optional<uint64_t> placement(const Metadata& md, size_t index, uint64_t newLength) {
    std::vector<Range> others;
    for (size_t i = 0; i < md.entries.size(); ++i)
        if (i != index && md.entries[i].length)
            others.push_back({md.entries[i].offset, md.entries[i].length});
    auto fits = [&](uint64_t at) {
        if (at < layout::metadataTableSize || at + newLength > md.regionLength)
            return false;
        return std::none_of(others.begin(), others.end(), [&](const Range& r) {
            return rangesOverlap(at, newLength, r.start, r.length);
        });
    };
    std::vector<uint64_t> candidates{md.entries[index].offset, layout::metadataTableSize};
    for (const Range& r : others)
        candidates.push_back((r.start + r.length + 7) / 8 * 8);
    std::sort(candidates.begin() + 1, candidates.end());
    for (uint64_t at : candidates)
        if (fits(at))
            return at;
    return std::nullopt;
}

} // namespace

MetadataItemEdit planMetadataItemEdit(const ByteSource& src, const Metadata& md, const Guid& itemId,
                                      const std::vector<uint8_t>& newItem) {
    MetadataItemEdit edit;
    size_t index = md.entries.size();
    for (size_t i = 0; i < md.entries.size(); ++i)
        if (md.entries[i].itemId == itemId)
            index = i;
    if (index == md.entries.size() || !md.entries[index].placed) {
        edit.problem = "the item is not in the metadata table, or lies outside the region";
        return edit;
    }
    const MetadataEntry& e = md.entries[index];
    edit.oldOffset = e.offset;
    edit.oldLength = e.length;
    edit.newLength = uint32_t(newItem.size());
    const auto at = placement(md, index, newItem.size());
    if (newItem.size() > layout::maxMetadataItemSize || !at) {
        edit.problem = "the metadata region (" + std::to_string(md.regionLength) +
                       " bytes) has no free " + std::to_string(newItem.size()) +
                       " bytes for the new item; growing the region is not supported";
        return edit;
    }
    edit.newOffset = uint32_t(*at);

    // The sectors touched (file offsets): the table entry, the old bytes, the new bytes.
    std::map<uint64_t, std::vector<uint8_t>> before;
    auto touch = [&](uint64_t rel, uint64_t len) {
        for (uint64_t s = rel / kSector * kSector; s < rel + len; s += kSector)
            before.emplace(md.regionOffset + s, std::vector<uint8_t>());
    };
    const uint64_t entryAt = kEntries + kEntrySize * index;
    touch(entryAt, kEntrySize);
    touch(e.offset, e.length);
    touch(edit.newOffset, newItem.size());
    for (auto& [offset, bytes] : before) {
        bytes.resize(kSector);
        if (src.read(offset, bytes.data(), kSector) != ReadStatus::Ok) {
            edit.problem = "the metadata sector at " + std::to_string(offset) + " cannot be read";
            return edit;
        }
    }
    std::map<uint64_t, std::vector<uint8_t>> after = before;
    auto put = [&](uint64_t rel, const uint8_t* bytes, uint64_t len, bool zero) {
        for (uint64_t k = 0; k < len; ++k) {
            const uint64_t file = md.regionOffset + rel + k;
            after[file / kSector * kSector][file % kSector] = zero ? 0 : bytes[k];
        }
    };
    put(e.offset, nullptr, e.length, true);
    put(edit.newOffset, newItem.data(), newItem.size(), false);
    uint8_t fields[8];
    putLe32(fields, edit.newOffset);
    putLe32(fields + 4, edit.newLength);
    put(entryAt + kEntryOffsetField, fields, 8, false);
    static_assert(kEntryLengthField == kEntryOffsetField + 4);

    for (const auto& [offset, bytes] : after)
        if (bytes != before[offset]) {
            edit.sectors.push_back({offset, bytes});
            edit.oldSectors.push_back({offset, before[offset]});
        }
    edit.ok = true;
    return edit;
}

} // namespace vhdx
