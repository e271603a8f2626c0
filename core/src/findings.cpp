#include "vhdx/findings.h"

#include <algorithm>
#include <array>

namespace vhdx {

namespace {
using S = Severity;
using C = FindingCode;
constexpr std::array kCodes = {
    FindingCodeInfo{C::NotVhdx, "NOT_VHDX", S::Error,
                    "no \"vhdxfile\" signature (includes empty and tiny files)"},
    FindingCodeInfo{C::FileTruncated, "FILE_TRUNCATED", S::Error,
                    "a structure that must exist lies (partly) beyond end of file"},
    FindingCodeInfo{C::IdentifierCreatorInvalid, "IDENTIFIER_CREATOR_INVALID", S::Info,
                    "the creator string is not valid UTF-16 text"},
    FindingCodeInfo{C::HeaderSignatureBad, "HEADER_SIGNATURE_BAD", S::Warning,
                    "header signature is not \"head\" (error when it leaves no valid header)"},
    FindingCodeInfo{C::HeaderChecksumBad, "HEADER_CHECKSUM_BAD", S::Warning,
                    "stored and computed CRC-32C differ (error when it leaves no valid header)"},
    FindingCodeInfo{C::HeaderVersionBad, "HEADER_VERSION_BAD", S::Warning,
                    "Version != 1 or LogVersion != 0 (error when it leaves no valid header)"},
    FindingCodeInfo{C::HeaderLogFieldsInvalid, "HEADER_LOG_FIELDS_INVALID", S::Error,
                    "current header's LogOffset/LogLength not 1 MiB multiples, inside the "
                    "header section or beyond end of file"},
    FindingCodeInfo{C::NoValidHeader, "NO_VALID_HEADER", S::Error, "neither header is valid"},
    FindingCodeInfo{C::HeaderSequenceTie, "HEADER_SEQUENCE_TIE", S::Error,
                    "both headers valid, same sequence number, different contents"},
    FindingCodeInfo{C::RegionTableSignatureBad, "REGION_TABLE_SIGNATURE_BAD", S::Warning,
                    "region table signature is not \"regi\" (error if both copies bad)"},
    FindingCodeInfo{C::RegionTableChecksumBad, "REGION_TABLE_CHECKSUM_BAD", S::Warning,
                    "region table CRC-32C mismatch (error if both copies bad)"},
    FindingCodeInfo{C::RegionTableEntryCountInvalid, "REGION_TABLE_ENTRY_COUNT_INVALID", S::Warning,
                    "region table EntryCount above 2047 (error if both copies bad)"},
    FindingCodeInfo{C::RegionTablesDiffer, "REGION_TABLES_DIFFER", S::Warning,
                    "both region table copies valid but not identical"},
    FindingCodeInfo{C::RegionMissing, "REGION_MISSING", S::Error, "BAT or Metadata entry absent"},
    FindingCodeInfo{C::RegionDuplicate, "REGION_DUPLICATE", S::Error,
                    "the same region GUID appears twice in the table"},
    FindingCodeInfo{C::RegionUnknownRequired, "REGION_UNKNOWN_REQUIRED", S::Error,
                    "unknown region with Required set"},
    FindingCodeInfo{C::RegionOverlap, "REGION_OVERLAP", S::Error,
                    "a region overlaps another, the header section or the log"},
    FindingCodeInfo{C::RegionOutOfBounds, "REGION_OUT_OF_BOUNDS", S::Error,
                    "a region lies (partly) beyond end of file or its end overflows"},
    FindingCodeInfo{C::RegionMisaligned, "REGION_MISALIGNED", S::Error,
                    "a region's offset or length is not a 1 MiB multiple, or lies in the first "
                    "1 MiB"},
    FindingCodeInfo{C::MetadataSignatureBad, "METADATA_SIGNATURE_BAD", S::Error,
                    "table signature is not \"metadata\""},
    FindingCodeInfo{C::MetadataEntryCountInvalid, "METADATA_ENTRY_COUNT_INVALID", S::Error,
                    "metadata EntryCount above 2047"},
    FindingCodeInfo{C::MetadataItemMissing, "METADATA_ITEM_MISSING", S::Error,
                    "a required known item is absent"},
    FindingCodeInfo{C::MetadataItemDuplicate, "METADATA_ITEM_DUPLICATE", S::Error,
                    "same ItemId twice"},
    FindingCodeInfo{C::MetadataItemOutOfBounds, "METADATA_ITEM_OUT_OF_BOUNDS", S::Error,
                    "item outside the region, inside the table area, or wrong size for its kind"},
    FindingCodeInfo{C::MetadataItemOverlap, "METADATA_ITEM_OVERLAP", S::Warning,
                    "two metadata items share bytes"},
    FindingCodeInfo{C::MetadataUnknownRequired, "METADATA_UNKNOWN_REQUIRED", S::Error,
                    "unknown item with IsRequired"},
    FindingCodeInfo{C::BlockSizeInvalid, "BLOCK_SIZE_INVALID", S::Error,
                    "block size not a power of two in 1 MiB..256 MiB"},
    FindingCodeInfo{C::SectorSizeInvalid, "SECTOR_SIZE_INVALID", S::Error,
                    "logical or physical sector size not 512 or 4096"},
    FindingCodeInfo{C::VirtualDiskSizeInvalid, "VIRTUAL_DISK_SIZE_INVALID", S::Error,
                    "virtual size zero, above 64 TiB or not a multiple of the logical sector"},
    FindingCodeInfo{C::ParentLocatorMissing, "PARENT_LOCATOR_MISSING", S::Error,
                    "HasParent without a parent locator"},
    FindingCodeInfo{C::ParentLocatorInvalid, "PARENT_LOCATOR_INVALID", S::Error,
                    "parent locator malformed: entries outside the item, duplicate keys, no "
                    "parent_linkage or no path"},
    FindingCodeInfo{C::ParentLocatorUnexpected, "PARENT_LOCATOR_UNEXPECTED", S::Warning,
                    "a parent locator on an image without HasParent"},
    FindingCodeInfo{C::ParentNotFound, "PARENT_NOT_FOUND", S::Error,
                    "no path of the parent locator leads to a readable file"},
    FindingCodeInfo{C::ParentLinkageMismatch, "PARENT_LINKAGE_MISMATCH", S::Error,
                    "parent_linkage differs from the parent's DataWriteGuid"},
    FindingCodeInfo{C::BatTooSmall, "BAT_TOO_SMALL", S::Error,
                    "BAT region shorter than the entries it must hold"},
    FindingCodeInfo{C::BatEntryStateInvalid, "BAT_ENTRY_STATE_INVALID", S::Error,
                    "undefined state for its slot kind (one finding per kind, with a count and "
                    "the first index)"},
    FindingCodeInfo{C::BatEntryReservedBits, "BAT_ENTRY_RESERVED_BITS", S::Warning,
                    "bits 3-19 of an entry set"},
    FindingCodeInfo{C::BatEntryBeyondEof, "BAT_ENTRY_BEYOND_EOF", S::Error,
                    "a present block ends past end of file"},
    FindingCodeInfo{C::BatEntryOverlap, "BAT_ENTRY_OVERLAP", S::Error,
                    "a present block overlaps another block or a structure"},
    FindingCodeInfo{C::BatSectorBitmapMissing, "BAT_SECTOR_BITMAP_MISSING", S::Error,
                    "a partially present block whose chunk has no present sector bitmap"},
    FindingCodeInfo{C::LogReplayNeeded, "LOG_REPLAY_NEEDED", S::Warning,
                    "an active log sequence exists (data not consistent until replayed)"},
    FindingCodeInfo{C::LogEntryInvalid, "LOG_ENTRY_INVALID", S::Info,
                    "an entry that looks like one but fails validation (stale or damaged)"},
    FindingCodeInfo{C::LogInvalid, "LOG_INVALID", S::Error,
                    "the log area named by the header lies outside the file, or the active "
                    "sequence cannot be replayed (FlushedFileOffset beyond end of file)"},
    FindingCodeInfo{C::LogEntriesLimited, "LOG_ENTRIES_LIMITED", S::Info,
                    "the log holds more entry candidates than are listed or checksummed"},
    FindingCodeInfo{C::LogReplayUnknown, "LOG_REPLAY_UNKNOWN", S::Error,
                    "the log could not be checked to its end (read failed, the open's read "
                    "budget ran out, too many entries): a pending replay cannot be ruled out"},
    FindingCodeInfo{C::LogReplayNotApplied, "LOG_REPLAY_NOT_APPLIED", S::Error,
                    "the active sequence is too large or malformed to replay in memory (more "
                    "descriptors than the limit, a range past 2^64 or a file above 128 TiB): "
                    "the structures shown are the stored ones, not the disk's"},
    FindingCodeInfo{C::LogReplayWritesHeaderSection, "LOG_REPLAY_WRITES_HEADER_SECTION", S::Warning,
                    "a descriptor of the active sequence writes into the first 1 MiB "
                    "(identifier, headers, region tables)"},
    FindingCodeInfo{C::LogReplayWritesLog, "LOG_REPLAY_WRITES_LOG", S::Warning,
                    "a descriptor of the active sequence writes into the log itself"},
    FindingCodeInfo{C::LogReplayBeyondLastFileOffset, "LOG_REPLAY_BEYOND_LAST_FILE_OFFSET",
                    S::Warning,
                    "a descriptor of the active sequence writes past its entry's LastFileOffset "
                    "(the file size the writer declared)"},
    FindingCodeInfo{C::ScanCancelled, "SCAN_CANCELLED", S::Info,
                    "the BAT scan was cancelled: BAT findings are incomplete"},
    FindingCodeInfo{C::IoError, "IO_ERROR", S::Error,
                    "reading the file failed (the structure concerned could not be checked)"},
    FindingCodeInfo{C::ChainFileSkipped, "CHAIN_FILE_SKIPPED", S::Warning,
                    "--chains: a .vhdx/.avhdx file or a folder that could not be read, or a file "
                    "that is not a usable VHDX (listed, not mapped)"},
    FindingCodeInfo{C::ChainFolderLimited, "CHAIN_FOLDER_LIMITED", S::Warning,
                    "--chains: the folder holds more images than are mapped (100,000); the "
                    "first in path order are"},
    FindingCodeInfo{C::ChainOrphan, "CHAIN_ORPHAN", S::Error,
                    "--chains: a differencing disk whose parent (the DataWriteGuid in its "
                    "parent_linkage) is nowhere: not where the locator leads, not in the folder; "
                    "candidates of the same size are listed"},
    FindingCodeInfo{C::ChainParentElsewhere, "CHAIN_PARENT_ELSEWHERE", S::Error,
                    "--chains: the locator leads to no file or to one with another "
                    "DataWriteGuid, while a file of the folder has the right one (reconnect "
                    "with --set-parent)"},
    FindingCodeInfo{C::ChainParentChanged, "CHAIN_PARENT_CHANGED", S::Error,
                    "--chains: several children expect an older DataWriteGuid of the file "
                    "their locators lead to: it was written after they were made"},
    FindingCodeInfo{C::ChainLoop, "CHAIN_LOOP", S::Error,
                    "--chains: following parents comes back to the same disk"},
    FindingCodeInfo{C::ChainVirtualSizeMismatch, "CHAIN_VIRTUAL_SIZE_MISMATCH", S::Error,
                    "--chains: a child's virtual size differs from its parent's"},
    FindingCodeInfo{C::ChainSectorSizeMismatch, "CHAIN_SECTOR_SIZE_MISMATCH", S::Error,
                    "--chains: a child's logical or physical sector size differs from its "
                    "parent's"},
    FindingCodeInfo{C::ChainBlockSizeMismatch, "CHAIN_BLOCK_SIZE_MISMATCH", S::Info,
                    "--chains: a child's block size differs from its parent's (allowed: "
                    "Hyper-V gives differencing disks 2 MiB blocks)"},
    FindingCodeInfo{C::ChainHasChildren, "CHAIN_HAS_CHILDREN", S::Info,
                    "--chains: a disk with children: writing to it or changing its "
                    "DataWriteGuid would orphan them"},
};
} // namespace

std::span<const FindingCodeInfo> allFindingCodes() {
    return kCodes;
}

std::string_view codeName(FindingCode code) {
    for (const auto& c : kCodes)
        if (c.code == code)
            return c.name;
    return "UNKNOWN";
}

std::string_view severityName(Severity s) {
    switch (s) {
    case Severity::Info:
        return "info";
    case Severity::Warning:
        return "warning";
    case Severity::Error:
        return "error";
    }
    return "error";
}

void Findings::add(Severity severity, FindingCode code, StructureRef where, uint64_t offset,
                   std::string message, std::string spec) {
    m_items.push_back(Finding{severity, code, where, offset, std::move(message), std::move(spec)});
}

void Findings::append(const Findings& other) {
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Findings::has(FindingCode code) const {
    return std::any_of(m_items.begin(), m_items.end(),
                       [code](const Finding& f) { return f.code == code; });
}

size_t Findings::count(Severity s) const {
    return size_t(std::count_if(m_items.begin(), m_items.end(),
                                [s](const Finding& f) { return f.severity == s; }));
}

std::vector<Finding> Findings::sorted() const {
    std::vector<Finding> out = m_items;
    std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
        if (a.severity != b.severity)
            return int(a.severity) > int(b.severity);
        return a.offset < b.offset;
    });
    return out;
}

} // namespace vhdx
