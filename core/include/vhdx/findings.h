#pragma once
// What is wrong with an image: findings with a stable code (README), severity,
// the structure they concern, a file offset, a message and the MS-VHDX section. Each code
// also carries what it means for the disk and what to do about it (its advice).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vhdx/structure_ref.h"

namespace vhdx {

enum class Severity { Info, Warning, Error };

enum class FindingCode {
    NotVhdx,
    IdentifierSignatureBad,
    FileTruncated,
    IdentifierCreatorInvalid,
    HeaderSignatureBad,
    HeaderChecksumBad,
    HeaderVersionBad,
    HeaderLogFieldsInvalid,
    NoValidHeader,
    HeaderSequenceTie,
    RegionTableSignatureBad,
    RegionTableChecksumBad,
    RegionTableEntryCountInvalid,
    NoValidRegionTable,
    RegionTablesDiffer,
    RegionMissing,
    RegionDuplicate,
    RegionUnknownRequired,
    RegionOverlap,
    RegionOutOfBounds,
    RegionMisaligned,
    MetadataSignatureBad,
    MetadataEntryCountInvalid,
    MetadataItemMissing,
    MetadataItemDuplicate,
    MetadataItemOutOfBounds,
    MetadataItemOverlap,
    MetadataUnknownRequired,
    BlockSizeInvalid,
    SectorSizeInvalid,
    VirtualDiskSizeInvalid,
    ParentLocatorMissing,
    ParentLocatorInvalid,
    ParentLocatorUnexpected,
    ParentNotFound,
    ParentLinkageMismatch,
    ParentGeometryMismatch,
    ParentLogReplayNeeded,
    ParentChainTooDeep,
    BatTooSmall,
    BatEntryStateInvalid,
    BatEntryReservedBits,
    BatEntryBeyondEof,
    BatEntryOverlap,
    BatSectorBitmapMissing,
    LogReplayNeeded,
    LogEntryInvalid,
    LogInvalid,
    LogEntriesLimited,
    LogReplayUnknown,
    LogReplayNotApplied,
    LogReplayWritesHeaderSection,
    LogReplayWritesLog,
    LogReplayBeyondLastFileOffset,
    ScanCancelled,
    IoError,
    // Chains of a folder (--chains): findings of the forest, not of one image.
    ChainFileSkipped,
    ChainFolderLimited,
    ChainOrphan,
    ChainParentElsewhere,
    ChainParentChanged,
    ChainLoop,
    ChainVirtualSizeMismatch,
    ChainSectorSizeMismatch,
    ChainBlockSizeMismatch,
    ChainHasChildren,
};

struct FindingCodeInfo {
    FindingCode code;
    std::string_view name; // "NOT_VHDX"
    Severity defaultSeverity;
    std::string_view when;   // one sentence for the README table
    std::string_view advice; // what it means for the disk and what to do, in plain words
    // It explains other findings (NO_VALID_HEADER explains the bad headers): listed first.
    bool rootCause = false;
};

[[nodiscard]] std::span<const FindingCodeInfo> allFindingCodes();
[[nodiscard]] const FindingCodeInfo& codeInfo(FindingCode code);
[[nodiscard]] std::string_view codeName(FindingCode code);
[[nodiscard]] std::string_view codeAdvice(FindingCode code);
[[nodiscard]] std::string_view severityName(Severity s); // "info", "warning", "error"

struct Finding {
    Severity severity = Severity::Error;
    FindingCode code = FindingCode::NotVhdx;
    StructureRef where;  // the structure it concerns
    uint64_t offset = 0; // file offset the finding concerns
    std::string message;
    std::string spec; // MS-VHDX section, e.g. "2.2.2"
};

class Findings {
  public:
    void add(Severity severity, FindingCode code, StructureRef where, uint64_t offset,
             std::string message, std::string spec);
    void append(const Findings& other);
    template <class Pred> void removeIf(Pred pred) { std::erase_if(m_items, pred); }
    [[nodiscard]] const std::vector<Finding>& items() const { return m_items; }
    [[nodiscard]] bool has(FindingCode code) const;
    [[nodiscard]] size_t count(Severity s) const;
    [[nodiscard]] bool hasErrors() const { return count(Severity::Error) > 0; }
    [[nodiscard]] bool empty() const { return m_items.empty(); }
    // Sorted most severe first, then by offset (stable), for display.
    [[nodiscard]] std::vector<Finding> sorted() const;

  private:
    std::vector<Finding> m_items;
};

} // namespace vhdx
