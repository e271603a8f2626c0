// Parent locator item (MS-VHDX 2.6.2.6): a header and UTF-16LE key/value pairs.
#include <set>

#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/metadata.h"
#include "vhdx/schema/structures.h"

namespace vhdx {

const std::string* ParentLocator::value(const std::string& key) const {
    for (const auto& e : entries)
        if (e.key == key)
            return &e.value;
    return nullptr;
}

namespace pls = schema::parent_locator;
namespace ple = schema::parent_locator_entry;

ParentLocator decodeParentLocator(const uint8_t* item, size_t len) {
    ParentLocator pl;
    if (len < pls::header.size) {
        pl.problem = "the item is shorter than the 20-byte locator header";
        return pl;
    }
    pl.type = schema::read<pls::locatorType>(item);
    pl.keyValueCount = schema::read<pls::keyValueCount>(item);
    std::vector<std::string> problems;
    if (pl.type != guids::parentLocatorTypeVhdx)
        problems.push_back("locator type " + pl.type.toString() + " is not the VHDX type");
    const size_t fits = (len - ple::table.first) / ple::table.stride;
    if (pl.keyValueCount > fits)
        problems.push_back(std::to_string(pl.keyValueCount) + " key/value entries declared, " +
                           std::to_string(fits) + " fit in the item");
    const size_t n = std::min<size_t>(pl.keyValueCount, fits);
    // Keys and values of a well-formed locator are disjoint strings inside the item, so
    // together they are never longer than it. Entries may point at the same bytes, though:
    // 65535 entries of 64 KiB each would decode to gigabytes. Stop decoding once the text
    // exceeds the item's size (the UTF-8 kept stays below 1.5 times the item).
    uint64_t textBytes = 0;
    std::set<std::string> keys; // duplicate keys in O(n log n), not O(n^2)
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = item + ple::table.offsetOf(i);
        ParentLocatorEntry e;
        e.keyOffset = schema::read<ple::keyOffset>(p);
        e.valueOffset = schema::read<ple::valueOffset>(p);
        e.keyLength = schema::read<ple::keyLength>(p);
        e.valueLength = schema::read<ple::valueLength>(p);
        const bool keyIn = uint64_t(e.keyOffset) + e.keyLength <= len;
        const bool valueIn = uint64_t(e.valueOffset) + e.valueLength <= len;
        if (!keyIn || !valueIn || e.keyLength == 0) {
            problems.push_back("entry " + std::to_string(i) + " has its " +
                               (e.keyLength == 0 ? "key empty"
                                : !keyIn         ? "key outside the item"
                                                 : "value outside the item"));
            continue;
        }
        textBytes += uint64_t(e.keyLength) + e.valueLength;
        if (textBytes > len) {
            problems.push_back("entries from " + std::to_string(i) +
                               " on overlap: more key/value text than the item holds");
            break;
        }
        e.key = utf16leToUtf8(item + e.keyOffset, e.keyLength, false);
        e.value = utf16leToUtf8(item + e.valueOffset, e.valueLength, false);
        if (!keys.insert(e.key).second)
            problems.push_back("key \"" + e.key + "\" appears twice");
        pl.entries.push_back(std::move(e));
    }
    if (pl.type == guids::parentLocatorTypeVhdx) {
        const std::string* linkage = pl.value("parent_linkage");
        if (!linkage)
            problems.push_back("there is no parent_linkage key");
        else if (!Guid::parse(*linkage))
            problems.push_back("parent_linkage \"" + *linkage + "\" is not a GUID");
        if (!pl.value("relative_path") && !pl.value("volume_path") &&
            !pl.value("absolute_win32_path"))
            problems.push_back("there is no relative_path, volume_path or absolute_win32_path");
    }
    pl.valid = problems.empty();
    constexpr size_t kMaxProblemsListed = 10; // one per entry could be 65535 of them
    for (size_t i = 0; i < problems.size() && i < kMaxProblemsListed; ++i)
        pl.problem += (i ? "; " : "") + problems[i];
    if (problems.size() > kMaxProblemsListed)
        pl.problem += "; and " + std::to_string(problems.size() - kMaxProblemsListed) + " more";
    return pl;
}

std::optional<std::vector<uint8_t>>
encodeParentLocator(const Guid& type, const std::vector<std::pair<std::string, std::string>>& kv,
                    std::string& why) {
    constexpr size_t kHeader = 20, kEntry = 12;
    std::vector<uint8_t> out(kHeader + kEntry * kv.size(), 0);
    if (kv.size() > 0xFFFF) {
        why = "more key/value pairs than a locator can count";
        return std::nullopt;
    }
    type.toDisk(out.data());
    putLe16(out.data() + 18, uint16_t(kv.size()));
    for (size_t i = 0; i < kv.size(); ++i) {
        const auto key = utf8ToUtf16le(kv[i].first);
        const auto value = utf8ToUtf16le(kv[i].second);
        if (!key || !value) {
            why = "the " + kv[i].first + " value is not valid UTF-8 text";
            return std::nullopt;
        }
        if (key->size() > 0xFFFF || value->size() > 0xFFFF) {
            why = "the " + kv[i].first + " value is longer than a locator entry can hold";
            return std::nullopt;
        }
        uint8_t* e = out.data() + kHeader + kEntry * i;
        putLe32(e, uint32_t(out.size()));
        putLe32(e + 4, uint32_t(out.size() + key->size()));
        putLe16(e + 8, uint16_t(key->size()));
        putLe16(e + 10, uint16_t(value->size()));
        out.insert(out.end(), key->begin(), key->end());
        out.insert(out.end(), value->begin(), value->end());
        if (out.size() > layout::maxMetadataItemSize) {
            why = "the locator would be larger than a metadata item may be (1 MiB)";
            return std::nullopt;
        }
    }
    return out;
}

} // namespace vhdx
