#include "vhdx/findings.h"

#include <algorithm>
#include <array>

namespace vhdx {

namespace {
using S = Severity;
using C = FindingCode;
constexpr std::array kCodes = {
    FindingCodeInfo{C::NotVhdx, "NOT_VHDX", S::Error,
                    "nothing of a VHDX: no \"vhdxfile\" signature, no valid header and no valid "
                    "region table (includes empty and tiny files)",
                    "This is not a VHDX file. Check that it is the file you meant: a .vhd, a raw "
                    "image or another format is not a VHDX (qemu-img info names other formats).",
                    true},
    FindingCodeInfo{C::IdentifierSignatureBad, "IDENTIFIER_SIGNATURE_BAD", S::Error,
                    "the \"vhdxfile\" signature at offset 0 is damaged, but a valid header or "
                    "region table shows the file is a VHDX",
                    "Hyper-V and QEMU refuse a file without its signature, although the rest of "
                    "it may be intact. Write the 8 bytes \"vhdxfile\" back at offset 0 (after a "
                    "backup); the verdict gives the command.",
                    true},
    FindingCodeInfo{C::FileTruncated, "FILE_TRUNCATED", S::Error,
                    "a structure that must exist lies (partly) beyond end of file",
                    "The file ends before a structure it needs: it was cut short (an interrupted "
                    "copy or download, a full disk). Copy it again from its source; what lies "
                    "past the end is lost.",
                    true},
    FindingCodeInfo{C::IdentifierCreatorInvalid, "IDENTIFIER_CREATOR_INVALID", S::Info,
                    "the creator string is not valid UTF-16 text",
                    "The creator string is informational only. Nothing to do."},
    FindingCodeInfo{C::HeaderSignatureBad, "HEADER_SIGNATURE_BAD", S::Warning,
                    "header signature is not \"head\" (error when it leaves no valid header)",
                    "While the other header is valid this is harmless: Hyper-V uses the valid "
                    "header and rewrites both the next time it opens the disk for writing. "
                    "Update Headers repairs it now. With no valid header left, see "
                    "NO_VALID_HEADER."},
    FindingCodeInfo{C::HeaderChecksumBad, "HEADER_CHECKSUM_BAD", S::Warning,
                    "stored and computed CRC-32C differ (error when it leaves no valid header)",
                    "While the other header is valid this is harmless: Hyper-V uses the valid "
                    "header and rewrites both the next time it opens the disk for writing. "
                    "Update Headers repairs it now. With no valid header left, see "
                    "NO_VALID_HEADER."},
    FindingCodeInfo{C::HeaderVersionBad, "HEADER_VERSION_BAD", S::Warning,
                    "Version != 1 or LogVersion != 0 (error when it leaves no valid header)",
                    "A header of a version this tool does not know counts as invalid. While the "
                    "other header is valid this is harmless and Update Headers repairs it."},
    FindingCodeInfo{C::HeaderLogFieldsInvalid, "HEADER_LOG_FIELDS_INVALID", S::Error,
                    "current header's LogOffset/LogLength not 1 MiB multiples, inside the "
                    "header section or beyond end of file",
                    "The current header points at a log area that cannot exist, so the disk will "
                    "not open. Restore the first 1 MiB from a backup (Update Headers makes one)."},
    FindingCodeInfo{C::NoValidHeader, "NO_VALID_HEADER", S::Error, "neither header is valid",
                    "With neither header valid no program can open the disk. Write back a backup "
                    "of the first 1 MiB if you have one (Update Headers makes one); this tool "
                    "cannot rebuild headers.",
                    true},
    FindingCodeInfo{C::HeaderSequenceTie, "HEADER_SEQUENCE_TIE", S::Error,
                    "both headers valid, same sequence number, different contents",
                    "Which header is current is ambiguous, so programs may disagree about the "
                    "disk. Compare the headers and restore the header section from a backup; "
                    "Update Headers refuses this case."},
    FindingCodeInfo{C::RegionTableSignatureBad, "REGION_TABLE_SIGNATURE_BAD", S::Warning,
                    "region table signature is not \"regi\" (error if both copies bad)",
                    "While the other copy is valid the disk still opens: programs read the "
                    "intact copy. Copy the intact table over the damaged one (the verdict gives "
                    "the command). With both copies bad, see NO_VALID_REGION_TABLE."},
    FindingCodeInfo{C::RegionTableChecksumBad, "REGION_TABLE_CHECKSUM_BAD", S::Warning,
                    "region table CRC-32C mismatch (error if both copies bad)",
                    "While the other copy is valid the disk still opens: programs read the "
                    "intact copy. Copy the intact table over the damaged one (the verdict gives "
                    "the command). With both copies bad, see NO_VALID_REGION_TABLE."},
    FindingCodeInfo{C::RegionTableEntryCountInvalid, "REGION_TABLE_ENTRY_COUNT_INVALID", S::Warning,
                    "region table EntryCount above 2047 (error if both copies bad)",
                    "While the other copy is valid the disk still opens: programs read the "
                    "intact copy. Copy the intact table over the damaged one."},
    FindingCodeInfo{C::NoValidRegionTable, "NO_VALID_REGION_TABLE", S::Error,
                    "neither region table is valid",
                    "Where the BAT and the metadata lie is unknown, so the disk cannot be opened. "
                    "Write back a backup of the first 1 MiB if you have one.",
                    true},
    FindingCodeInfo{C::RegionTablesDiffer, "REGION_TABLES_DIFFER", S::Warning,
                    "both region table copies valid but not identical",
                    "Programs use region table 1. If the disk works, copy table 1 over table 2 "
                    "so that the copies agree again."},
    FindingCodeInfo{C::RegionMissing, "REGION_MISSING", S::Error, "BAT or Metadata entry absent",
                    "The region table does not say where the BAT or the metadata is: the disk "
                    "cannot be opened. Restore the first 1 MiB from a backup."},
    FindingCodeInfo{C::RegionDuplicate, "REGION_DUPLICATE", S::Error,
                    "the same region GUID appears twice in the table",
                    "A region listed twice makes the table invalid; programs refuse the disk. "
                    "Restore the first 1 MiB from a backup."},
    FindingCodeInfo{C::RegionUnknownRequired, "REGION_UNKNOWN_REQUIRED", S::Error,
                    "unknown region with Required set",
                    "The file uses a feature this tool does not know and marks it required: "
                    "programs that do not know it must refuse the disk. Open it with the program "
                    "that made it."},
    FindingCodeInfo{C::RegionOverlap, "REGION_OVERLAP", S::Error,
                    "a region overlaps another, the header section or the log",
                    "The BAT, the metadata or the log share bytes: a write to one corrupts the "
                    "other and programs refuse the disk. Restore from a backup."},
    FindingCodeInfo{C::RegionOutOfBounds, "REGION_OUT_OF_BOUNDS", S::Error,
                    "a region lies (partly) beyond end of file or its end overflows",
                    "A region ends past the end of the file: the file was most likely cut short. "
                    "Copy it again from its source."},
    FindingCodeInfo{C::RegionMisaligned, "REGION_MISALIGNED", S::Error,
                    "a region's offset or length is not a 1 MiB multiple, or lies in the first "
                    "1 MiB",
                    "The region table places a region where the format forbids it; programs "
                    "refuse the disk. Restore the first 1 MiB from a backup."},
    FindingCodeInfo{C::MetadataSignatureBad, "METADATA_SIGNATURE_BAD", S::Error,
                    "table signature is not \"metadata\"",
                    "The metadata that gives the disk's size and block size cannot be read: the "
                    "disk will not open. Restore the file from a backup."},
    FindingCodeInfo{C::MetadataEntryCountInvalid, "METADATA_ENTRY_COUNT_INVALID", S::Error,
                    "metadata EntryCount above 2047",
                    "The metadata table is damaged: the disk will not open. Restore the file "
                    "from a backup."},
    FindingCodeInfo{C::MetadataItemMissing, "METADATA_ITEM_MISSING", S::Error,
                    "a required known item is absent",
                    "Without this item the disk's geometry is unknown: the disk will not open. "
                    "Restore the file from a backup."},
    FindingCodeInfo{C::MetadataItemDuplicate, "METADATA_ITEM_DUPLICATE", S::Error,
                    "same ItemId twice",
                    "An item listed twice makes the metadata ambiguous; programs refuse the "
                    "disk. Restore the file from a backup."},
    FindingCodeInfo{C::MetadataItemOutOfBounds, "METADATA_ITEM_OUT_OF_BOUNDS", S::Error,
                    "item outside the region, inside the table area, or wrong size for its kind",
                    "An item lies where it cannot be read: the disk will not open. Restore the "
                    "file from a backup."},
    FindingCodeInfo{C::MetadataItemOverlap, "METADATA_ITEM_OVERLAP", S::Warning,
                    "two metadata items share bytes",
                    "Two items share bytes: programs can still read them, but a write to one "
                    "changes the other. If the values shown are right, the disk works."},
    FindingCodeInfo{C::MetadataUnknownRequired, "METADATA_UNKNOWN_REQUIRED", S::Error,
                    "unknown item with IsRequired",
                    "The file uses a metadata item this tool does not know and marks it "
                    "required: programs that do not know it must refuse the disk."},
    FindingCodeInfo{C::BlockSizeInvalid, "BLOCK_SIZE_INVALID", S::Error,
                    "block size not a power of two in 1 MiB..256 MiB",
                    "With an invalid block size the BAT cannot be read: the disk will not open. "
                    "Restore the file from a backup."},
    FindingCodeInfo{C::SectorSizeInvalid, "SECTOR_SIZE_INVALID", S::Error,
                    "logical or physical sector size not 512 or 4096",
                    "With an invalid sector size the disk will not open. Restore the file from a "
                    "backup."},
    FindingCodeInfo{C::VirtualDiskSizeInvalid, "VIRTUAL_DISK_SIZE_INVALID", S::Error,
                    "virtual size zero, above 64 TiB or not a multiple of the logical sector",
                    "With an invalid virtual size the disk will not open. Restore the file from "
                    "a backup."},
    FindingCodeInfo{C::ParentLocatorMissing, "PARENT_LOCATOR_MISSING", S::Error,
                    "HasParent without a parent locator",
                    "A differencing disk without a parent locator cannot find its parent, so it "
                    "will not open. Point it at its parent again (Set-VHD -ParentPath on "
                    "Windows, or --set-parent)."},
    FindingCodeInfo{C::ParentLocatorInvalid, "PARENT_LOCATOR_INVALID", S::Error,
                    "parent locator malformed: entries outside the item, duplicate keys, no "
                    "parent_linkage or no path",
                    "The parent locator cannot be used to find the parent: the disk will not "
                    "open. Point it at its parent again (Set-VHD -ParentPath on Windows, or "
                    "--set-parent)."},
    FindingCodeInfo{C::ParentLocatorUnexpected, "PARENT_LOCATOR_UNEXPECTED", S::Warning,
                    "a parent locator on an image without HasParent",
                    "The disk has no parent, so programs ignore the locator. Nothing to do."},
    FindingCodeInfo{C::ParentNotFound, "PARENT_NOT_FOUND", S::Error,
                    "no path of the parent locator leads to a readable file",
                    "A differencing disk is not usable until its parent is found: every block "
                    "not in this file is read from the parent. Put the parent where the locator "
                    "points, or point the child at it; the verdict lists where it was looked "
                    "for."},
    FindingCodeInfo{C::ParentLinkageMismatch, "PARENT_LINKAGE_MISMATCH", S::Error,
                    "parent_linkage differs from the parent's DataWriteGuid",
                    "The parent changed after the child was made (its Data write GUID is not the "
                    "one the child recorded), so the child's blocks over it may not fit. If it "
                    "is the right parent and its data did not change, re-link with Set-VHD "
                    "-IgnoreIdMismatch or --set-parent."},
    FindingCodeInfo{C::ParentGeometryMismatch, "PARENT_GEOMETRY_MISMATCH", S::Error,
                    "the parent's virtual size or sector size differs from the child's",
                    "A differencing disk describes the same disk as its parent, block for "
                    "block: over a parent of another size or sector size its sectors land in "
                    "the wrong places or past the parent's end. This is not its parent (or one "
                    "of them was resized): find the right one (--chains DIR lists candidates)."},
    FindingCodeInfo{C::ParentLogReplayNeeded, "PARENT_LOG_REPLAY_NEEDED", S::Warning,
                    "an ancestor's log holds updates not yet applied (or could not be checked)",
                    "The parent was not closed cleanly: the disk reads as after the parent's "
                    "log replay, which Hyper-V makes when it opens the chain. Replay the "
                    "parent's log (--replay-log PARENT) before relying on the parent as stored."},
    FindingCodeInfo{C::ParentChainTooDeep, "PARENT_CHAIN_TOO_DEEP", S::Error,
                    "the parent chain has more ancestors than are followed (64)",
                    "The ancestors past the 64th were not opened, so the disk cannot be read "
                    "whole and they were not checked. Merge checkpoints to shorten the chain "
                    "(Hyper-V's Edit Disk > Merge, or Merge-VHD)."},
    FindingCodeInfo{C::BatTooSmall, "BAT_TOO_SMALL", S::Error,
                    "BAT region shorter than the entries it must hold",
                    "The BAT is too short for the disk's size: blocks past its end cannot be "
                    "found. Copy what is readable out of the disk."},
    FindingCodeInfo{C::BatEntryStateInvalid, "BAT_ENTRY_STATE_INVALID", S::Error,
                    "undefined state for its slot kind (one finding per kind, with a count and "
                    "the first index)",
                    "Entries with a state the format does not define: programs refuse or misread "
                    "those blocks and their data is lost. The BAT map lists them."},
    FindingCodeInfo{C::BatEntryReservedBits, "BAT_ENTRY_RESERVED_BITS", S::Warning,
                    "bits 3-19 of an entry set",
                    "Reserved bits are set; programs ignore them. Harmless unless other BAT "
                    "problems come with it."},
    FindingCodeInfo{C::BatEntryBeyondEof, "BAT_ENTRY_BEYOND_EOF", S::Error,
                    "a present block ends past end of file",
                    "Blocks the BAT places in the file lie past its end: the file was cut short "
                    "and reading those blocks fails. Copy the file again from its source."},
    FindingCodeInfo{C::BatEntryOverlap, "BAT_ENTRY_OVERLAP", S::Error,
                    "a present block overlaps another block or a structure",
                    "Two blocks, or a block and a structure, share bytes: writing one corrupts "
                    "the other, so the data of at least one is wrong. Copy the data out and "
                    "check the file system inside."},
    FindingCodeInfo{C::BatSectorBitmapMissing, "BAT_SECTOR_BITMAP_MISSING", S::Error,
                    "a partially present block whose chunk has no present sector bitmap",
                    "Which sectors of a partially present block are in this file is unknown: "
                    "reads of that block fail."},
    FindingCodeInfo{
        C::LogReplayNeeded, "LOG_REPLAY_NEEDED", S::Warning,
        "an active log sequence exists (data not consistent until replayed)",
        "The disk was not closed cleanly: its log holds updates not yet written to "
        "the BAT and metadata. Hyper-V replays them when it opens the disk; QEMU "
        "needs qemu-img check -r all first; Replay Log (--replay-log) does it too. "
        "Until then the BAT and metadata stored in the file are not the disk's; what is "
        "shown here is the disk as after the replay (--stored shows the stored bytes)."},
    FindingCodeInfo{C::LogEntryInvalid, "LOG_ENTRY_INVALID", S::Info,
                    "an entry that looks like one but fails validation (stale or damaged)",
                    "Stale or torn log entries are leftovers of earlier writes and are never "
                    "replayed. Nothing to do."},
    FindingCodeInfo{C::LogInvalid, "LOG_INVALID", S::Error,
                    "the log area named by the header lies outside the file, or the active "
                    "sequence cannot be replayed (FlushedFileOffset beyond end of file)",
                    "The log cannot be replayed, so Hyper-V will not open the disk. If the file "
                    "was cut short, copy it again; else restore it from a backup."},
    FindingCodeInfo{C::LogEntriesLimited, "LOG_ENTRIES_LIMITED", S::Info,
                    "the log holds more entry candidates than are listed or checksummed",
                    "More log entries exist than are listed; whether a replay is needed was "
                    "still checked. Nothing to do."},
    FindingCodeInfo{C::LogReplayUnknown, "LOG_REPLAY_UNKNOWN", S::Error,
                    "the log could not be checked to its end (read failed, the open's read "
                    "budget ran out, too many entries): a pending replay cannot be ruled out",
                    "Whether the log must be replayed is unknown, so the BAT and metadata shown "
                    "may be outdated and no guarded write is allowed. Check the storage for "
                    "read errors."},
    FindingCodeInfo{C::LogReplayNotApplied, "LOG_REPLAY_NOT_APPLIED", S::Error,
                    "the active sequence is too large or malformed to replay in memory (more "
                    "descriptors than the limit, a range past 2^64 or a file above 128 TiB): "
                    "the structures shown are the stored ones, not the disk's",
                    "The pending log could not be applied here, so what is shown is the stale "
                    "stored state. Replay it with Hyper-V (attach the disk) or on a copy with "
                    "qemu-img check -r all, then inspect again."},
    FindingCodeInfo{C::LogReplayWritesHeaderSection, "LOG_REPLAY_WRITES_HEADER_SECTION", S::Warning,
                    "a descriptor of the active sequence writes into the first 1 MiB "
                    "(identifier, headers, region tables)",
                    "No writer logs the header section; this log was crafted or damaged. Do not "
                    "replay it before you have a copy of the file."},
    FindingCodeInfo{C::LogReplayWritesLog, "LOG_REPLAY_WRITES_LOG", S::Warning,
                    "a descriptor of the active sequence writes into the log itself",
                    "A log that overwrites itself was crafted or damaged. Do not replay it "
                    "before you have a copy of the file."},
    FindingCodeInfo{C::LogReplayBeyondLastFileOffset, "LOG_REPLAY_BEYOND_LAST_FILE_OFFSET",
                    S::Warning,
                    "a descriptor of the active sequence writes past its entry's LastFileOffset "
                    "(the file size the writer declared)",
                    "The replay would grow the file beyond what its writer declared: the log is "
                    "suspect. Keep a copy before replaying it."},
    FindingCodeInfo{C::ScanCancelled, "SCAN_CANCELLED", S::Info,
                    "the BAT scan was cancelled: BAT findings are incomplete",
                    "The BAT was not checked to its end, so BAT problems may be missing. Reload "
                    "to scan again."},
    FindingCodeInfo{C::IoError, "IO_ERROR", S::Error,
                    "reading the file failed (the structure concerned could not be checked)",
                    "The operating system could not read part of the file: the storage may be "
                    "failing. Copy the file off it (GNU ddrescue) and inspect the copy.",
                    true},
    FindingCodeInfo{C::ChainFileSkipped, "CHAIN_FILE_SKIPPED", S::Warning,
                    "--chains: a .vhdx/.avhdx file or a folder that could not be read, or a file "
                    "that is not a usable VHDX (listed, not mapped)",
                    "Nothing was mapped for this file; its own findings (open it) say why."},
    FindingCodeInfo{
        C::ChainFolderLimited, "CHAIN_FOLDER_LIMITED", S::Warning,
        "--chains: the folder holds more images than are mapped (100,000); the "
        "first in path order are",
        "Only part of the folder was mapped: map its subfolders one at a time to see the rest."},
    FindingCodeInfo{C::ChainOrphan, "CHAIN_ORPHAN", S::Error,
                    "--chains: a differencing disk whose parent (the DataWriteGuid in its "
                    "parent_linkage) is nowhere: not where the locator leads, not in the folder; "
                    "candidates of the same size are listed",
                    "The disk cannot be opened without its parent. Find the parent (its "
                    "DataWriteGuid is the child's parent_linkage): look in backups and other "
                    "folders; a file with another GUID is not its parent."},
    FindingCodeInfo{C::ChainParentElsewhere, "CHAIN_PARENT_ELSEWHERE", S::Error,
                    "--chains: the locator leads to no file or to one with another "
                    "DataWriteGuid, while a file of the folder has the right one (reconnect "
                    "with --set-parent)",
                    "The right parent exists: reconnect the child to it with --set-parent CHILD "
                    "PARENT (or Set-VHD -ParentPath on Windows)."},
    FindingCodeInfo{
        C::ChainParentChanged, "CHAIN_PARENT_CHANGED", S::Error,
        "--chains: several children expect an older DataWriteGuid of the file "
        "their locators lead to: it was written after they were made",
        "The parent was modified after its checkpoints were made, so their data no longer fits it. "
        "Restore the parent from a backup taken before that write; do not reconnect."},
    FindingCodeInfo{
        C::ChainLoop, "CHAIN_LOOP", S::Error,
        "--chains: following parents comes back to the same disk",
        "No disk of a loop can be opened. Point one of them at its real parent with --set-parent."},
    FindingCodeInfo{C::ChainVirtualSizeMismatch, "CHAIN_VIRTUAL_SIZE_MISMATCH", S::Error,
                    "--chains: a child's virtual size differs from its parent's",
                    "The child does not belong to this parent, or one of them was resized: find "
                    "the right parent."},
    FindingCodeInfo{C::ChainSectorSizeMismatch, "CHAIN_SECTOR_SIZE_MISMATCH", S::Error,
                    "--chains: a child's logical or physical sector size differs from its "
                    "parent's",
                    "The child does not belong to this parent: find the right parent."},
    FindingCodeInfo{C::ChainBlockSizeMismatch, "CHAIN_BLOCK_SIZE_MISMATCH", S::Info,
                    "--chains: a child's block size differs from its parent's (allowed: "
                    "Hyper-V gives differencing disks 2 MiB blocks)",
                    "Allowed by the format (Hyper-V does it): nothing to do."},
    FindingCodeInfo{C::ChainHasChildren, "CHAIN_HAS_CHILDREN", S::Info,
                    "--chains: a disk with children: writing to it or changing its "
                    "DataWriteGuid would orphan them",
                    "Do not write to this disk or give it a new DataWriteGuid while its children "
                    "are in use: they would be orphaned."},
};
static_assert(kCodes.size() == size_t(C::ChainHasChildren) + 1,
              "one row per FindingCode, in order");
} // namespace

std::span<const FindingCodeInfo> allFindingCodes() {
    return kCodes;
}

const FindingCodeInfo& codeInfo(FindingCode code) {
    for (const auto& c : kCodes)
        if (c.code == code)
            return c;
    return kCodes.back(); // unreachable: every enumerator has a row (tst_finding_codes)
}

std::string_view codeName(FindingCode code) {
    return codeInfo(code).name;
}

std::string_view codeAdvice(FindingCode code) {
    return codeInfo(code).advice;
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
