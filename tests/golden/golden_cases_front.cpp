// Golden cases for the first structures: clean images, the file identifier, both headers,
// both region tables, the metadata table and its items.
#include <algorithm>
#include <utility>

#include "damage_cases.h"
#include "golden_cases.h"
#include "vhdx/bytes.h"

namespace vhdx::test::golden {

namespace {

// Golden name -> damage matrix case (tests/robustness/damage_cases_*.cpp).
const std::pair<const char*, const char*> kMatrixCases[] = {
    // Identifier
    {"identifier-zeroed", "identifier signature zero"},
    {"identifier-creator-invalid", "identifier creator lone surrogate"},
    // Headers
    {"header1-checksum-bad", "header1 flip @4000"},
    {"header2-signature-bad", "header2 flip @0"},
    {"header1-version-bad", "header1 Version = 0"},
    {"header2-log-fields-invalid", "header2 LogOffset = 0"},
    {"header-sequence-tie", "header1 SequenceNumber = the other's, FileWriteGuid differs"},
    {"no-valid-header", "both headers checksum flipped"},
    // Region tables
    {"region-table2-checksum-bad", "region_table2 flip @100"},
    {"region-table1-entry-count-invalid", "region_table1 EntryCount = 2048"},
    {"region-tables-differ", "region_table2 EntryCount = 0"},
    {"region-bat-missing", "BAT region GUID zero"},
    {"region-unknown-required", "Metadata region GUID flipped, Required set"},
    {"region-overlap", "BAT region placed on the metadata region"},
    {"region-out-of-bounds", "Metadata region Length = max"},
    {"region-misaligned", "BAT region FileOffset = 1 MiB + 1"},
    // Metadata table and items
    {"metadata-signature-bad", "metadata table flip @0"},
    {"metadata-entry-count-invalid", "metadata EntryCount = 2048"},
    {"metadata-item-out-of-bounds", "Logical Sector Size entry Offset = max"},
    {"metadata-block-size-invalid", "File Parameters BlockSize = 512 KiB"},
    {"metadata-sector-size-invalid", "Physical Sector Size = 1024"},
    {"metadata-virtual-disk-size-invalid", "Virtual Disk Size = 64 TiB + 1 MiB"},
};

// 64 MiB, 1 MiB blocks: small images that still have every structure.
ImageSpec small() {
    ImageSpec s;
    s.blockSize = uint32_t(MiB);
    s.virtualSize = 64 * MiB;
    s.blocks = {{0, bat::FullyPresent}};
    return s;
}

std::unique_ptr<Image> built(const ImageSpec& spec) {
    return scanned(buildImage(spec));
}

// The Log base of the damage matrix with both region tables or only the first zeroed.
std::unique_ptr<Image> zeroedRegionTables(int count) {
    BuiltImage b = damage::baseImage(damage::Base::Log);
    for (int t = 0; t < count; ++t)
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[t]), 64 * KiB, 0);
    return scanned(b);
}

} // namespace

void addFrontCases(std::vector<MemoryCase>& out) {
    // A dynamic image as Hyper-V makes it (1 GiB, 32 MiB blocks) with each payload state.
    out.push_back({"clean-dynamic", [] {
                       ImageSpec s;
                       s.blocks = {{0, bat::FullyPresent},
                                   {1, bat::Zero},
                                   {2, bat::Unmapped},
                                   {3, bat::Undefined}};
                       return built(s);
                   }});
    out.push_back({"clean-fixed", [] {
                       ImageSpec s;
                       s.blockSize = uint32_t(MiB);
                       s.virtualSize = 8 * MiB;
                       s.fixed = true;
                       return built(s);
                   }});
    out.push_back({"region-table1-zeroed", [] { return zeroedRegionTables(1); }});
    out.push_back({"region-tables-zeroed", [] { return zeroedRegionTables(2); }});
    out.push_back({"region-duplicate", [] {
                       ImageSpec s = small();
                       s.extraRegions.push_back({guids::metadataRegion, 8 * MiB, uint32_t(MiB), 1});
                       return built(s);
                   }});
    out.push_back({"metadata-item-missing", [] {
                       ImageSpec s = small();
                       s.omitItems = {guids::page83Data};
                       return built(s);
                   }});
    out.push_back({"metadata-item-duplicate", [] {
                       ImageSpec s = small();
                       s.extraItems.push_back({guids::page83Data, std::vector<uint8_t>(16, 1), 6});
                       return built(s);
                   }});
    // An unknown item whose entry is moved onto the File Parameters data (offset 64 KiB).
    out.push_back({"metadata-item-overlap", [] {
                       ImageSpec s = small();
                       s.extraItems.push_back({fixedGuid(1), std::vector<uint8_t>(8, 1), 0});
                       BuiltImage b = buildImage(s);
                       putU32(b, b.items.back().entryOffset + field::metadataEntryOffset,
                              uint32_t(64 * KiB));
                       return scanned(b);
                   }});
    out.push_back({"metadata-unknown-required", [] {
                       ImageSpec s = small();
                       s.extraItems.push_back({fixedGuid(2), std::vector<uint8_t>(8, 2), 4});
                       return built(s);
                   }});
    for (const auto& [golden, matrix] : kMatrixCases) {
        const std::string m = matrix;
        out.push_back({golden, [m] { return matrixCase(m); }});
    }
}

} // namespace vhdx::test::golden
