// One image per finding code: the smallest damage that produces it.
#include "finding_scenarios.h"

#include <algorithm>
#include <atomic>

#include "chain_builder.h"
#include "test_files.h"
#include "vhdx/parent_chain.h"

namespace vhdx::test {

namespace {

std::unique_ptr<Image> scan(BuiltImage b) {
    return parseAndScan(std::move(b.bytes));
}
template <class Edit> std::unique_ptr<Image> edited(ImageSpec spec, Edit edit) {
    BuiltImage b = buildImage(spec);
    edit(b);
    return scan(std::move(b));
}
ImageSpec differencing(const std::string& linkage = "{" + Guid().toString() + "}") {
    ImageSpec s;
    s.hasParent = true;
    s.parentLocator = {{"parent_linkage", linkage}, {"relative_path", "parent.vhdx"}};
    return s;
}
// parent_linkage naming the DataWriteGuid builder images have by default.
std::string matchingLinkage() {
    return "{" + ImageSpec().dataWriteGuid.toString() + "}";
}
std::unique_ptr<Image> openScan(const QString& path) {
    std::string error;
    return Image::openAndScan(path.toStdString(), error);
}
LogEntrySpec logEntry(uint64_t seq) {
    LogEntrySpec e;
    e.sequenceNumber = seq;
    return e;
}

} // namespace

const std::map<std::string, Scenario>& findingScenarios() {
    static const std::map<std::string, Scenario> all = {
        {"NOT_VHDX", [](auto&) { return parseAndScan(std::vector<uint8_t>{}); }},
        {"FILE_TRUNCATED",
         [](auto&) {
             BuiltImage b = buildImage({});
             b.bytes.resize(100 * KiB);
             return scan(b);
         }},
        {"IDENTIFIER_SIGNATURE_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { std::fill_n(b.bytes.begin(), 8, 0); });
         }},
        {"NO_VALID_REGION_TABLE",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.regionTableOffset[0] + 9999] ^= 1;
                 b.bytes[b.regionTableOffset[1] + 9999] ^= 1;
             });
         }},
        {"IDENTIFIER_CREATOR_INVALID",
         [](auto&) { return edited({}, [](BuiltImage& b) { putU16(b, 8, 0xDC00); }); }},
        {"HEADER_SIGNATURE_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.headerOffset[0]] = 'x';
                 resealHeader(b, 1);
             });
         }},
        {"HEADER_CHECKSUM_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { b.bytes[b.headerOffset[1] + 9] ^= 1; });
         }},
        {"HEADER_VERSION_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU16(b, b.headerOffset[0] + field::headerVersion, 0);
                 resealHeader(b, 1);
             });
         }},
        {"HEADER_LOG_FIELDS_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU64(b, b.headerOffset[1] + field::headerLogOffset, MiB + 512);
                 resealHeader(b, 2);
             });
         }},
        {"NO_VALID_HEADER",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.headerOffset[0] + 9] ^= 1;
                 b.bytes[b.headerOffset[1] + 9] ^= 1;
             });
         }},
        {"HEADER_SEQUENCE_TIE",
         [](auto&) {
             ImageSpec s;
             s.sequenceNumber[0] = s.sequenceNumber[1] = 3;
             return edited(s, [](BuiltImage& b) {
                 putGuid(b, b.headerOffset[1] + field::headerDataWriteGuid, Guid::random());
                 resealHeader(b, 2);
             });
         }},
        {"REGION_TABLE_SIGNATURE_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.regionTableOffset[0]] = 'R';
                 resealRegionTable(b, 1);
             });
         }},
        {"REGION_TABLE_CHECKSUM_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { b.bytes[b.regionTableOffset[1] + 9999] = 1; });
         }},
        {"REGION_TABLE_ENTRY_COUNT_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU32(b, b.regionTableOffset[0] + field::regionEntryCount, 2048);
                 resealRegionTable(b, 1);
             });
         }},
        {"REGION_TABLES_DIFFER",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.regionTableOffset[1] + 60000] = 1;
                 resealRegionTable(b, 2);
             });
         }},
        {"REGION_MISSING",
         [](auto&) {
             ImageSpec s;
             s.writeBatRegion = false;
             return scan(buildImage(s));
         }},
        {"REGION_DUPLICATE",
         [](auto&) {
             ImageSpec s;
             s.extraRegions.push_back({guids::metadataRegion, 3 * MiB, uint32_t(MiB), 1});
             return scan(buildImage(s));
         }},
        {"REGION_UNKNOWN_REQUIRED",
         [](auto&) {
             ImageSpec s;
             s.extraRegions.push_back({Guid::random(), 3 * MiB, uint32_t(MiB), 1});
             return scan(buildImage(s));
         }},
        {"REGION_OVERLAP",
         [](auto&) {
             ImageSpec s;
             s.batLength = 2 * MiB; // runs into the metadata region
             return edited(s, [](BuiltImage& b) {
                 for (int t = 1; t <= 2; ++t) {
                     putU64(b, b.regionTableOffset[t - 1] + 64, 3 * MiB); // Metadata offset
                     resealRegionTable(b, t);
                 }
             });
         }},
        {"REGION_OUT_OF_BOUNDS",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { b.bytes.resize(b.metadataOffset + 64 * KiB); });
         }},
        {"REGION_MISALIGNED",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 for (int t = 1; t <= 2; ++t) {
                     putU32(b, b.regionTableOffset[t - 1] + 16 + 24, uint32_t(MiB / 2));
                     resealRegionTable(b, t);
                 }
             });
         }},
        {"METADATA_SIGNATURE_BAD",
         [](auto&) { return edited({}, [](BuiltImage& b) { b.bytes[b.metadataOffset] = 'M'; }); }},
        {"METADATA_ENTRY_COUNT_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { putU16(b, b.metadataOffset + 10, 2048); });
         }},
        {"METADATA_ITEM_MISSING",
         [](auto&) {
             ImageSpec s;
             s.omitItems = {guids::page83Data};
             return scan(buildImage(s));
         }},
        {"METADATA_ITEM_DUPLICATE",
         [](auto&) {
             ImageSpec s;
             s.extraItems.push_back({guids::page83Data, std::vector<uint8_t>(16, 1), 6});
             return scan(buildImage(s));
         }},
        {"METADATA_ITEM_OUT_OF_BOUNDS",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU32(b, b.item(guids::page83Data)->entryOffset + 16, 0xFFFFFFF0u);
             });
         }},
        {"METADATA_ITEM_OVERLAP",
         [](auto&) {
             ImageSpec s;
             s.extraItems.push_back({Guid::random(), std::vector<uint8_t>(8, 1), 0});
             return edited(s, [](BuiltImage& b) {
                 putU32(b, b.items.back().entryOffset + 16, uint32_t(64 * KiB));
             });
         }},
        {"METADATA_UNKNOWN_REQUIRED",
         [](auto&) {
             ImageSpec s;
             s.extraItems.push_back({Guid::random(), {}, 4});
             return scan(buildImage(s));
         }},
        {"BLOCK_SIZE_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU32(b, b.item(guids::fileParameters)->dataOffset, 3 * MiB);
             });
         }},
        {"SECTOR_SIZE_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU32(b, b.item(guids::physicalSectorSize)->dataOffset, 1024);
             });
         }},
        {"VIRTUAL_DISK_SIZE_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU64(b, b.item(guids::virtualDiskSize)->dataOffset, 0);
             });
         }},
        {"PARENT_LOCATOR_MISSING",
         [](auto&) {
             ImageSpec s = differencing();
             s.writeParentLocator = false;
             return scan(buildImage(s));
         }},
        {"PARENT_LOCATOR_INVALID", [](auto&) { return scan(buildImage(differencing("nope"))); }},
        {"PARENT_LOCATOR_UNEXPECTED",
         [](auto&) {
             ImageSpec s = differencing();
             s.hasParent = false;
             return scan(buildImage(s));
         }},
        {"PARENT_NOT_FOUND",
         [](const QString& dir) {
             return openScan(writeImageFile(dir, "orphan.vhdx", buildImage(differencing()).bytes));
         }},
        {"PARENT_LINKAGE_MISMATCH",
         [](const QString& dir) {
             if (writeImageFile(dir, "parent.vhdx", buildImage({}).bytes).isEmpty())
                 return std::unique_ptr<Image>();
             return openScan(writeImageFile(dir, "child.vhdx", buildImage(differencing()).bytes));
         }},
        {"PARENT_GEOMETRY_MISMATCH",
         [](const QString& dir) {
             ImageSpec parent;
             parent.virtualSize = 2 * GiB; // the child's is 1 GiB
             if (writeImageFile(dir, "parent.vhdx", buildImage(parent).bytes).isEmpty())
                 return std::unique_ptr<Image>();
             return openScan(writeImageFile(dir, "child.vhdx",
                                            buildImage(differencing(matchingLinkage())).bytes));
         }},
        {"PARENT_LOG_REPLAY_NEEDED",
         [](const QString& dir) {
             ImageSpec parent;
             parent.logGuid = Guid::random();
             parent.logEntries = {logEntry(1)};
             if (writeImageFile(dir, "parent.vhdx", buildImage(parent).bytes).isEmpty())
                 return std::unique_ptr<Image>();
             return openScan(writeImageFile(dir, "child.vhdx",
                                            buildImage(differencing(matchingLinkage())).bytes));
         }},
        {"PARENT_CHAIN_TOO_DEEP",
         [](const QString& dir) {
             // top -> p1 -> ... -> p65: one ancestor more than are followed.
             const int levels = maxParentChainDepth + 1;
             for (int i = 1; i <= levels; ++i)
                 if (writeSpec(dir, QString("p%1.vhdx").arg(i),
                               i == levels ? baseImage(chainGuid(i))
                                           : childImage(chainGuid(i), chainGuid(i + 1),
                                                        "p" + std::to_string(i + 1) + ".vhdx"))
                         .isEmpty())
                     return std::unique_ptr<Image>();
             return openScan(
                 writeSpec(dir, "top.avhdx", childImage(chainGuid(0), chainGuid(1), "p1.vhdx")));
         }},
        {"BAT_TOO_SMALL",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU64(b, b.item(guids::virtualDiskSize)->dataOffset, 64 * TiB);
             });
         }},
        {"BAT_ENTRY_STATE_INVALID",
         [](auto&) {
             ImageSpec s;
             s.rawBatEntries[0] = 4;
             return scan(buildImage(s));
         }},
        {"BAT_ENTRY_RESERVED_BITS",
         [](auto&) {
             ImageSpec s;
             s.rawBatEntries[0] = 1u << 10;
             return scan(buildImage(s));
         }},
        {"BAT_ENTRY_BEYOND_EOF",
         [](auto&) {
             ImageSpec s;
             s.rawBatEntries[0] = bat::entry(bat::FullyPresent, 100 * MiB);
             return scan(buildImage(s));
         }},
        {"BAT_ENTRY_OVERLAP",
         [](auto&) {
             ImageSpec s;
             s.blocks[1] = bat::FullyPresent; // the file is long enough for block 0's claim
             s.rawBatEntries[0] = bat::entry(bat::FullyPresent, 0);
             return scan(buildImage(s));
         }},
        {"BAT_SECTOR_BITMAP_MISSING",
         [](auto&) {
             ImageSpec s = differencing();
             s.blocks[0] = bat::PartiallyPresent;
             return scan(buildImage(s));
         }},
        {"LOG_REPLAY_NEEDED",
         [](auto&) {
             ImageSpec s;
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             return scan(buildImage(s));
         }},
        {"LOG_ENTRY_INVALID",
         [](auto&) {
             ImageSpec s;
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             s.logEntries[0].logGuid = Guid::random();
             return scan(buildImage(s));
         }},
        {"LOG_INVALID",
         [](auto&) {
             ImageSpec s;
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             s.logEntries[0].flushedFileOffset = 1024 * GiB;
             return scan(buildImage(s));
         }},
        {"LOG_ENTRIES_LIMITED",
         [](auto&) {
             ImageSpec s;
             s.logGuid = Guid::random();
             for (uint64_t i = 1; i <= 150; ++i) {
                 s.logEntries.push_back(logEntry(i));
                 s.logEntries.back().logGuid = Guid::random();
             }
             return scan(buildImage(s));
         }},
        {"LOG_REPLAY_UNKNOWN",
         [](auto&) {
             // A read of the log fails: whether it holds a pending replay is unknown.
             ImageSpec s;
             s.logGuid = Guid::random();
             s.logEntries.push_back(logEntry(1));
             const BuiltImage b = buildImage(s);
             auto img = Image::parse(
                 std::make_shared<FailingSource>(b.bytes, b.logOffset + 4096, b.logOffset + 8192));
             img->scanBat();
             return img;
         }},
        {"LOG_REPLAY_NOT_APPLIED",
         [](auto&) {
             // A zero descriptor whose range reaches past 2^64: no view can be built from it.
             ImageSpec s;
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             s.logEntries[0].zeros = {{~uint64_t(0) - 4095, 8192}};
             return scan(buildImage(s));
         }},
        {"LOG_REPLAY_WRITES_HEADER_SECTION",
         [](auto&) {
             ImageSpec s; // 512 KiB: the unused part of the header section
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             s.logEntries[0].data = {{512 * KiB, {}}};
             return scan(buildImage(s));
         }},
        {"LOG_REPLAY_WRITES_LOG",
         [](auto&) {
             ImageSpec s; // the log is at 1 MiB; its second half holds no entry
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             s.logEntries[0].data = {{MiB + 512 * KiB, {}}};
             return scan(buildImage(s));
         }},
        {"LOG_REPLAY_BEYOND_LAST_FILE_OFFSET",
         [](auto&) {
             ImageSpec s; // LastFileOffset defaults to the file size: 4 KiB past it
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             const uint64_t fileSize = buildImage({}).bytes.size();
             s.logEntries[0].data = {{fileSize, {}}};
             return scan(buildImage(s));
         }},
        {"SCAN_CANCELLED",
         [](auto&) {
             auto img = Image::parse(buildImage({}).source());
             std::atomic<bool> cancel{true};
             BatScanOptions o;
             o.cancel = &cancel;
             img->scanBat(o);
             return img;
         }},
        {"IO_ERROR",
         [](auto&) {
             auto img = Image::parse(
                 std::make_shared<FailingSource>(buildImage({}).bytes, 2 * MiB, 3 * MiB));
             img->scanBat();
             return img;
         }},
    };
    return all;
}
} // namespace vhdx::test
