// Golden cases for the structures after the first MiB: the parent locator (in memory, so no
// parent chain), the BAT, the log, and the special runs (I/O error, cancelled scan).
#include <atomic>
#include <utility>

#include "damage_cases.h"
#include "golden_cases.h"
#include "vhdx/bytes.h"

namespace vhdx::test::golden {

namespace {

const std::pair<const char*, const char*> kMatrixCases[] = {
    // Parent locator
    {"parent-locator-missing", "File Parameters HasParent without a locator"},
    {"parent-locator-invalid", "Parent Locator parent_linkage value not a GUID"},
    // BAT
    {"bat-reserved-bits", "BAT[0] flip @1"},
    {"bat-too-small", "Virtual Disk Size = 64 TiB (BAT region too small)"},
    {"bat-sector-bitmap-missing", "BAT sector bitmap missing for a partial block"},
    {"bat-truncated", "BAT (moved to the end) truncated at +100"},
    // Log
    {"log-flushed-beyond-eof", "log entry FlushedFileOffset = max (resealed)"},
    {"log-truncated", "log truncated at entry +4096"},
};

ImageSpec small() {
    ImageSpec s;
    s.blockSize = uint32_t(MiB);
    s.virtualSize = 64 * MiB;
    return s;
}

ImageSpec withLog() {
    ImageSpec s = small();
    s.logGuid = fixedGuid(10);
    return s;
}

LogEntrySpec entry(uint64_t sequence, std::optional<uint64_t> offset = std::nullopt,
                   int tail = -1) {
    LogEntrySpec e;
    e.sequenceNumber = sequence;
    e.offset = offset;
    e.tailEntry = tail;
    e.data = {{4 * MiB, {}}};
    return e;
}

} // namespace

void addBackCases(std::vector<MemoryCase>& out) {
    out.push_back({"parent-locator-unexpected", [] {
                       ImageSpec s = small();
                       s.parentLocator = {{"parent_linkage", "{" + fixedGuid(3).toString() + "}"},
                                          {"relative_path", "parent.vhdx"}};
                       return scanned(buildImage(s));
                   }});
    // State 7 is only defined for a disk with a parent.
    out.push_back({"bat-partial-without-parent", [] {
                       ImageSpec s = small();
                       s.blocks = {{0, bat::FullyPresent}, {1, bat::PartiallyPresent}};
                       return scanned(buildImage(s));
                   }});
    // Block 0 claims storage 1 GiB past the end; block 3 claims block 1's storage.
    out.push_back({"bat-beyond-eof-and-overlap", [] {
                       ImageSpec s = small();
                       s.blocks = {{1, bat::FullyPresent}, {2, bat::FullyPresent}};
                       BuiltImage b = buildImage(s);
                       setBatEntry(b, 0, bat::entry(bat::FullyPresent, GiB));
                       setBatEntry(b, 3, bat::entry(bat::FullyPresent, b.blockOffsets.at(1)));
                       return scanned(b);
                   }});
    out.push_back(
        {"log-replay-needed", [] { return scanned(damage::baseImage(damage::Base::Log)); }});
    // Sequence 20..21: entry 21 (8 KiB) starts 4 KiB before the end of the 1 MiB log and
    // wraps around to its start; its tail is entry 20.
    out.push_back({"log-wraps", [] {
                       ImageSpec s = withLog();
                       s.logEntries = {entry(20, MiB - 16 * KiB), entry(21, MiB - 4 * KiB, 0)};
                       s.logEntries[0].data.push_back({5 * MiB, {}});
                       return scanned(buildImage(s));
                   }});
    // The stored BAT lacks blocks 0..2 that the log's BAT sector has, and the log
    // rewrites the Virtual Disk ID item: log.replay lists both changes.
    out.push_back(
        {"log-replay-bat-and-metadata", [] {
             ImageSpec s = withLog();
             s.blocks = {{0, bat::FullyPresent}, {1, bat::FullyPresent}, {2, bat::FullyPresent}};
             const BuiltImage plain = buildImage(s);
             std::vector<uint8_t> batSector(plain.bytes.begin() + long(plain.batOffset),
                                            plain.bytes.begin() + long(plain.batOffset + 4096));
             ImageSpec other = s;
             other.virtualDiskId = fixedGuid(13);
             const BuiltImage changed = buildImage(other);
             const uint64_t at = changed.item(guids::page83Data)->dataOffset / 4096 * 4096;
             std::vector<uint8_t> mdSector(changed.bytes.begin() + long(at),
                                           changed.bytes.begin() + long(at + 4096));
             LogEntrySpec e;
             e.sequenceNumber = 3;
             e.data = {{plain.batOffset, batSector}, {at, mdSector}};
             e.zeros = {{plain.blockOffsets.at(1), 8192}};
             s.logEntries = {e};
             BuiltImage b = buildImage(s);
             for (uint64_t block = 0; block < 3; ++block)
                 setBatEntry(b, b.batIndexOfBlock(block), 0);
             return scanned(b);
         }});
    // A zero descriptor reaching past 2^64: the view cannot be built, stored bytes shown.
    out.push_back({"log-replay-not-applied", [] {
                       ImageSpec s = withLog();
                       s.logEntries = {entry(2)};
                       s.logEntries[0].zeros = {{~uint64_t(0) - 4095, 8192}};
                       return scanned(buildImage(s));
                   }});
    // Descriptors into the header section (512 KiB) and into the log (1.5 MiB).
    out.push_back({"log-replay-writes-header-and-log", [] {
                       ImageSpec s = withLog();
                       s.logEntries = {entry(2)};
                       s.logEntries[0].data = {{512 * KiB, {}}, {MiB + 512 * KiB, {}}};
                       return scanned(buildImage(s));
                   }});
    // Two entries of an older log (another LogGuid), an old valid entry 5 that no longer
    // chains, then the active sequence 8..9.
    out.push_back({"log-stale-entries", [] {
                       ImageSpec s = withLog();
                       s.logEntries = {entry(3), entry(4), entry(5), entry(8), entry(9, {}, 3)};
                       s.logEntries[0].logGuid = s.logEntries[1].logGuid = fixedGuid(11);
                       return scanned(buildImage(s));
                   }});
    // 101 entries of an older log: more invalid entries than are reported.
    out.push_back({"log-entries-limited", [] {
                       ImageSpec s = withLog();
                       for (uint64_t i = 1; i <= 101; ++i) {
                           LogEntrySpec e;
                           e.sequenceNumber = i;
                           e.logGuid = fixedGuid(12);
                           s.logEntries.push_back(e);
                       }
                       return scanned(buildImage(s));
                   }});
    // Reads of the first bytes (the signature) fail.
    out.push_back({"io-error-identifier", [] {
                       return scanned(
                           std::make_shared<FailingRangeSource>(buildImage(small()).bytes, 0, 8));
                   }});
    // Reads of header 1 fail: header 2 is used.
    out.push_back({"io-error-header1", [] {
                       const BuiltImage b = buildImage(small());
                       return scanned(std::make_shared<FailingRangeSource>(
                           b.bytes, b.headerOffset[0], b.headerOffset[0] + 4 * KiB));
                   }});
    // Reads of the metadata table fail; the rest of the file reads fine.
    out.push_back({"io-error-metadata", [] {
                       const BuiltImage b = buildImage(small());
                       return scanned(std::make_shared<FailingRangeSource>(
                           b.bytes, b.metadataOffset, b.metadataOffset + 4 * KiB));
                   }});
    // Reads of the BAT fail: the scan cannot check it.
    out.push_back({"io-error-bat", [] {
                       ImageSpec s = small();
                       s.blocks = {{0, bat::FullyPresent}};
                       const BuiltImage b = buildImage(s);
                       return scanned(std::make_shared<FailingRangeSource>(b.bytes, b.batOffset,
                                                                           b.batOffset + 8));
                   }});
    // Reads of the log fail: whether it needs a replay is unknown.
    out.push_back({"io-error-log", [] {
                       ImageSpec s = small();
                       s.logGuid = *Guid::parse("c82755bc-427f-1245-b72c-da70aaabe031");
                       LogEntrySpec e;
                       e.sequenceNumber = 3;
                       e.data.push_back({4 * MiB, {}});
                       s.logEntries.push_back(e);
                       const BuiltImage b = buildImage(s);
                       return scanned(std::make_shared<FailingRangeSource>(
                           b.bytes, b.logOffset + 4 * KiB, b.logOffset + 8 * KiB));
                   }});
    out.push_back({"scan-cancelled", [] {
                       ImageSpec s = small();
                       s.blocks = {{0, bat::FullyPresent}};
                       auto img = Image::parse(buildImage(s).source());
                       std::atomic<bool> cancel{true};
                       BatScanOptions o;
                       o.cancel = &cancel;
                       img->scanBat(o);
                       return img;
                   }});
    for (const auto& [golden, matrix] : kMatrixCases) {
        const std::string m = matrix;
        out.push_back({golden, [m] { return matrixCase(m); }});
    }
}

} // namespace vhdx::test::golden
