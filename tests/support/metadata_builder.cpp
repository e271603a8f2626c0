// The metadata region of a built image (MS-VHDX 2.6): table, known items, parent locator.
#include <algorithm>
#include <cstring>

#include "builder_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"

namespace vhdx::test {

namespace {

constexpr uint32_t kIsVirtualDisk = 2, kIsRequired = 4;

std::vector<uint8_t> u32Item(uint32_t v) {
    std::vector<uint8_t> d(4);
    putLe32(d.data(), v);
    return d;
}

std::vector<uint8_t> u64Item(uint64_t v) {
    std::vector<uint8_t> d(8);
    putLe64(d.data(), v);
    return d;
}

std::vector<MetadataItemSpec> knownItems(const ImageSpec& spec) {
    std::vector<MetadataItemSpec> items;
    std::vector<uint8_t> fileParameters(8);
    putLe32(fileParameters.data(), spec.blockSize);
    putLe32(fileParameters.data() + 4, (spec.fixed ? 1u : 0u) | (spec.hasParent ? 2u : 0u));
    items.push_back({guids::fileParameters, fileParameters, kIsRequired});
    items.push_back(
        {guids::virtualDiskSize, u64Item(spec.virtualSize), kIsVirtualDisk | kIsRequired});
    std::vector<uint8_t> id(16);
    spec.virtualDiskId.toDisk(id.data());
    items.push_back({guids::page83Data, id, kIsVirtualDisk | kIsRequired});
    items.push_back(
        {guids::logicalSectorSize, u32Item(spec.logicalSectorSize), kIsVirtualDisk | kIsRequired});
    items.push_back({guids::physicalSectorSize, u32Item(spec.physicalSectorSize),
                     kIsVirtualDisk | kIsRequired});
    if (!spec.parentLocator.empty() && spec.writeParentLocator)
        items.push_back({guids::parentLocator,
                         encodeParentLocator(spec.parentLocatorType, spec.parentLocator),
                         kIsRequired});
    std::erase_if(items, [&](const MetadataItemSpec& it) {
        return std::find(spec.omitItems.begin(), spec.omitItems.end(), it.id) !=
               spec.omitItems.end();
    });
    return items;
}

} // namespace

std::vector<uint8_t> utf16le(const std::string& s) {
    std::vector<uint8_t> out;
    auto unit = [&](uint32_t u) {
        out.push_back(uint8_t(u));
        out.push_back(uint8_t(u >> 8));
    };
    for (size_t i = 0; i < s.size();) {
        const auto c = uint8_t(s[i]);
        uint32_t cp = 0;
        int extra = 0;
        if (c < 0x80) {
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F, extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F, extra = 2;
        } else {
            cp = c & 0x07, extra = 3;
        }
        ++i;
        for (int k = 0; k < extra && i < s.size(); ++k, ++i)
            cp = cp << 6 | (uint8_t(s[i]) & 0x3F);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xD800 + (cp >> 10));
            unit(0xDC00 + (cp & 0x3FF));
        } else {
            unit(cp);
        }
    }
    return out;
}

std::vector<uint8_t>
encodeParentLocator(const Guid& type, const std::vector<std::pair<std::string, std::string>>& kv) {
    const size_t headerBytes = 20 + 12 * kv.size();
    std::vector<uint8_t> out(headerBytes, 0);
    type.toDisk(out.data());
    putLe16(out.data() + 18, uint16_t(kv.size()));
    for (size_t i = 0; i < kv.size(); ++i) {
        const std::vector<uint8_t> key = utf16le(kv[i].first);
        const std::vector<uint8_t> value = utf16le(kv[i].second);
        uint8_t* e = out.data() + 20 + 12 * i;
        putLe32(e, uint32_t(out.size()));
        putLe32(e + 4, uint32_t(out.size() + key.size()));
        putLe16(e + 8, uint16_t(key.size()));
        putLe16(e + 10, uint16_t(value.size()));
        out.insert(out.end(), key.begin(), key.end());
        out.insert(out.end(), value.begin(), value.end());
    }
    return out;
}

void detail::writeMetadata(const ImageSpec& spec, BuiltImage& img) {
    std::vector<MetadataItemSpec> items = knownItems(spec);
    items.insert(items.end(), spec.extraItems.begin(), spec.extraItems.end());

    uint8_t* table = img.bytes.data() + img.metadataOffset;
    std::memcpy(table, "metadata", 8);
    putLe16(table + field::metadataEntryCount, uint16_t(items.size()));
    const size_t fit =
        (layout::metadataTableSize - field::metadataEntries) / field::metadataEntrySize;
    uint64_t cursor = layout::metadataTableSize; // item data starts at 64 KiB
    for (size_t i = 0; i < items.size() && i < fit; ++i) {
        const MetadataItemSpec& it = items[i];
        const uint64_t entry = field::metadataEntries + i * field::metadataEntrySize;
        const uint32_t itemOffset = it.data.empty() ? 0 : uint32_t(cursor);
        it.id.toDisk(table + entry);
        putLe32(table + entry + field::metadataEntryOffset, itemOffset);
        putLe32(table + entry + field::metadataEntryLength, uint32_t(it.data.size()));
        putLe32(table + entry + field::metadataEntryFlags, it.flags);
        if (!it.data.empty() && cursor + it.data.size() <= img.metadataLength) {
            std::copy(it.data.begin(), it.data.end(), table + cursor);
            cursor = roundUp(cursor + it.data.size(), 8);
        }
        img.items.push_back({it.id, img.metadataOffset + entry,
                             itemOffset ? img.metadataOffset + itemOffset : 0,
                             uint32_t(it.data.size())});
    }
}

} // namespace vhdx::test
