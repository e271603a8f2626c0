// What each kind of problem means for the disk and the next steps, in plain words with the
// exact commands: offsets come from the layout, paths from the image, each quoted for a shell.
#include <algorithm>

#include "verdict_internal.h"
#include "vhdx/bat.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"
#include "vhdx/text_format.h"

namespace vhdx::detail {

namespace {

using K = ProblemKind;

std::string imagePath(const VerdictContext& ctx) {
    return shellWord(ctx.image.path());
}

// dd's operands for a whole number of blocks of `unit` bytes: "bs=64K skip=4 seek=3 count=1".
std::string blocks(uint64_t unit) {
    return unit % MiB == 0 ? std::to_string(unit / MiB) + "M" : std::to_string(unit / KiB) + "K";
}

// Saves the first MiB (identifier, headers, region tables) next to the image.
std::string backupCommand(const VerdictContext& ctx) {
    const std::string path = ctx.image.path().empty() ? "IMAGE" : ctx.image.path();
    return "dd if=" + shellWord(ctx.image.path()) + " of=" + shellWord(path + ".first-mib.bak") +
           " bs=" + blocks(layout::headerSectionSize) + " count=1";
}

NextStep restoreFirstMiB(const VerdictContext& ctx) {
    return {"If you have a backup of the first 1 MiB (Update Headers makes one, as "
            "IMAGE.headers-DATE.bak), write it back; this tool cannot rebuild it:",
            StepAction::None,
            "dd if=BACKUP of=" + imagePath(ctx) + " bs=" + blocks(layout::headerSectionSize) +
                " count=1 conv=notrunc"};
}

NextStep copyAgain() {
    return {"Copy the file again from its source (an interrupted copy or download, or a full disk, "
            "cuts a file short); what lies past its end is lost.",
            StepAction::None,
            {}};
}

// dd copying region table `from` over region table `to` (1 or 2) in place.
std::string copyRegionTable(const VerdictContext& ctx, int from, int to) {
    constexpr uint64_t size = layout::regionTableSize;
    const std::string path = imagePath(ctx);
    return backupCommand(ctx) + " && dd if=" + path + " of=" + path + " bs=" + blocks(size) +
           " skip=" + std::to_string(layout::regionTableOffset[from - 1] / size) +
           " seek=" + std::to_string(layout::regionTableOffset[to - 1] / size) +
           " count=1 conv=notrunc";
}

const ParentLink* brokenLink(const Image& image) {
    for (const ParentLink& l : image.parentChain())
        if (!l.found || !l.readable)
            return &l;
    return nullptr;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items)
        out += (out.empty() ? "" : "; ") + s;
    return out;
}

void parentSteps(const VerdictContext& ctx, ProblemGroup& g, bool ignoreIdMismatch) {
    const std::string child = imagePath(ctx);
    g.steps.push_back(
        {"Or point the child at where its parent is now, with this tool:", StepAction::SetParent,
         "vhdx-inspector --set-parent " + child + " PARENT.vhdx"});
    g.steps.push_back({"Or, on Windows (Hyper-V PowerShell):", StepAction::None,
                       "Set-VHD -Path " + child + " -ParentPath PARENT.vhdx" +
                           (ignoreIdMismatch ? " -IgnoreIdMismatch" : "")});
}

void describeParentNotFound(const VerdictContext& ctx, ProblemGroup& g) {
    const ParentLink* link = brokenLink(ctx.image);
    g.effect = Usability::No;
    g.meaning = "A differencing disk holds only what changed since its parent: every other "
                "block is read from the parent, so the disk is not usable until the parent is "
                "found.";
    if (link && link->found) {
        g.title = "The parent disk " + link->path + " could not be read";
        g.steps.push_back({"Inspect the parent; it must be a readable VHDX:", StepAction::None,
                           "vhdx-inspector --report " + shellWord(link->path)});
    } else {
        g.title = "The parent disk was not found";
        const std::string tried =
            link && !link->tried.empty() ? joined(link->tried) : "no usable path in the locator";
        g.steps.push_back(
            {"It was looked for at: " + tried +
                 ". Put the parent file at one of these paths (copy or move it back).",
             StepAction::None,
             {}});
    }
    parentSteps(ctx, g, false);
}

// The folder of an image's path ("." for a bare name).
std::string parentFolder(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

void describeParentLogReplay(const VerdictContext& ctx, ProblemGroup& g) {
    std::vector<const ParentLink*> pending;
    bool unknown = false;
    for (const ParentLink& l : ctx.image.parentChain())
        if (l.parentLog != ParentLink::LogState::Clean) {
            pending.push_back(&l);
            unknown |= l.parentLog == ParentLink::LogState::Unknown;
        }
    g.effect = unknown ? Usability::Unknown : Usability::AfterReplay;
    g.title = pending.size() == 1
                  ? "The parent disk " + pending.front()->path +
                        (unknown ? " has a log that may hold updates not yet applied"
                                 : " has a log with updates not yet applied")
                  : std::to_string(pending.size()) + " ancestors have logs with updates not yet "
                                                     "applied";
    g.meaning = unknown ? "The parent's log could not be checked, so its blocks as stored may not "
                          "be the disk's."
                        : "The parent was not closed cleanly. Hyper-V replays its log when it "
                          "opens the chain, so the disk is usable; this tool reads the parent as "
                          "after that replay, without writing.";
    for (const ParentLink* l : pending)
        g.steps.push_back({"Replay the log of " + l->path +
                               " (it shows its plan and changes nothing without --yes):",
                           StepAction::None, "vhdx-inspector --replay-log " + shellWord(l->path)});
}

// A disk the file's damage keeps programs from opening while its BAT and metadata were read:
// its data can be written to a new, healthy VHDX (README, "Writing a VHDX").
void rescueStep(const VerdictContext& ctx, ProblemGroup& g) {
    const BatReader* bat = ctx.image.batReader();
    if (!bat || !bat->geometry().valid || ctx.image.path().empty())
        return;
    g.steps.push_back({"Its data is still readable: write it to a new, healthy VHDX (this file "
                       "is not changed):",
                       StepAction::None,
                       "vhdx-inspector --export-vhdx " +
                           shellWord(ctx.image.path() + ".rescued.vhdx") + " " + imagePath(ctx)});
}

void describeHeaderDamaged(const VerdictContext& ctx, int copy, ProblemGroup& g) {
    const int other = copy == 1 ? 2 : 1;
    g.effect = Usability::Yes;
    g.title = "Header " + std::to_string(copy) + " is damaged; header " + std::to_string(other) +
              " (current) is intact";
    g.meaning = "Harmless as it is: Hyper-V uses the intact, current header and rewrites both "
                "headers the next time it opens the disk for writing.";
    g.steps.push_back({std::string(ctx.replayPending ? "After the log replay, repair" : "Repair") +
                           " it now with Update Headers (Tools > Update Headers), which writes "
                           "both headers from the intact one, after a backup of the first MiB:",
                       StepAction::UpdateHeaders,
                       "vhdx-inspector --update-headers " + imagePath(ctx) + " --yes"});
}

void describeRegionTableDamaged(const VerdictContext& ctx, int copy, ProblemGroup& g) {
    const int other = copy == 1 ? 2 : 1;
    g.effect = Usability::Yes;
    g.title = "Region table " + std::to_string(copy) + " is damaged; copy " +
              std::to_string(other) + " is intact";
    g.meaning = "The disk still opens: programs read the intact copy. A second hit would leave "
                "none.";
    g.steps.push_back({"Copy the intact table " + std::to_string(other) + " over table " +
                           std::to_string(copy) + " (the first command backs up the first MiB):",
                       StepAction::None, copyRegionTable(ctx, other, copy)});
}

} // namespace

std::string shellWord(const std::string& s) {
    return s.empty() ? "IMAGE" : shellQuoted(s);
}

void describeGroup(const VerdictContext& ctx, ProblemKind kind, int copy, ProblemGroup& g) {
    const std::string path = imagePath(ctx);
    switch (kind) {
    case K::NotVhdx:
        g.effect = Usability::No;
        g.title = "This is not a VHDX file";
        g.meaning = "It has no file identifier, no valid header and no valid region table.";
        g.steps.push_back({"Check that this is the file you meant: a .vhd, a raw image or another "
                           "format is not a VHDX. qemu-img names the format it finds:",
                           StepAction::None, "qemu-img info " + path});
        return;
    case K::IoError:
        g.effect = Usability::Unknown;
        g.title = "Part of the file could not be read (I/O error)";
        g.meaning = "What could not be read could not be checked; the storage may be failing.";
        g.steps.push_back({"Check the kernel log for read errors (dmesg), then copy the image off "
                           "that storage with GNU ddrescue and inspect the copy:",
                           StepAction::None, "ddrescue " + path + " copy.vhdx copy.map"});
        return;
    case K::Truncated:
        g.effect = g.cause == FindingCode::FileTruncated ? Usability::No : Usability::Damaged;
        if (g.effect == Usability::No) {
            g.title = "The file is cut short at " + formatBytes(ctx.image.fileSize()) +
                      "; structures it needs lie past its end";
            g.meaning = "A structure the disk needs is missing, so the disk will not open.";
            g.steps.push_back(copyAgain());
            return;
        }
        g.title =
            "Some blocks lie past the end of the file (" + formatBytes(ctx.image.fileSize()) + ")";
        g.meaning = "Reading those blocks fails. Most often the file was cut short; entries "
                    "that point far past its end are damaged instead.";
        g.steps.push_back(copyAgain());
        g.steps.front().text = "If the file was copied or downloaded, copy it again from its "
                               "source: a cut-short copy loses what lay past its end.";
        g.steps.push_back({"See which entries, and where they point, in the BAT map.",
                           StepAction::ShowBatProblems,
                           {}});
        return;
    case K::Identifier:
        g.effect = Usability::No;
        g.title = "The file identifier's signature is damaged";
        g.meaning = "Hyper-V and QEMU refuse a file without its \"vhdxfile\" signature, though "
                    "its headers and region tables show it is a VHDX.";
        g.steps.push_back(
            {"Write the signature back (the first command backs up the first MiB):",
             StepAction::None,
             backupCommand(ctx) + " && printf " + std::string(schema::identifier::signature.magic) +
                 " | dd of=" + path + " bs=1 seek=" + std::to_string(layout::identifierOffset) +
                 " count=" + std::to_string(schema::identifier::signature.size) + " conv=notrunc"});
        rescueStep(ctx, g);
        return;
    case K::NoValidHeader:
        g.effect = Usability::No;
        g.title = "Neither header is valid";
        g.meaning = "Without a valid header no program can open the disk.";
        g.steps.push_back(restoreFirstMiB(ctx));
        rescueStep(ctx, g);
        return;
    case K::HeaderTie:
        g.effect = Usability::No;
        g.title = "Both headers claim to be current (same sequence number, different contents)";
        g.meaning = "Which header holds the disk's state is ambiguous; programs may disagree.";
        g.steps.push_back({"Compare them field by field (View > Compare Headers).",
                           StepAction::CompareHeaders,
                           {}});
        g.steps.push_back(restoreFirstMiB(ctx));
        rescueStep(ctx, g);
        return;
    case K::HeaderLogFields:
        g.effect = Usability::No;
        g.title = "The current header places the log where it cannot be";
        g.meaning = "The log cannot be read, so the disk will not open.";
        g.steps.push_back(restoreFirstMiB(ctx));
        rescueStep(ctx, g);
        return;
    case K::NoValidRegionTable:
        g.effect = Usability::No;
        g.title = "Neither region table is valid";
        g.meaning = "Where the BAT and the metadata lie is not known, so the disk will not open.";
        g.steps.push_back(restoreFirstMiB(ctx));
        rescueStep(ctx, g);
        return;
    case K::RegionEntries:
        g.effect = Usability::No;
        g.title = "The region table places the BAT or the metadata wrongly";
        g.meaning = "Programs refuse a disk whose regions are missing, repeated or misplaced.";
        g.steps.push_back(restoreFirstMiB(ctx));
        rescueStep(ctx, g);
        return;
    case K::Metadata:
        g.effect = Usability::No;
        g.title = "The metadata is damaged";
        g.meaning = "The disk's size, block size or sector size cannot be trusted, so the disk "
                    "will not open.";
        g.steps.push_back({"Restore the file from a backup; neither this tool nor qemu-img "
                           "check repairs metadata.",
                           StepAction::None,
                           {}});
        return;
    case K::ParentLocator:
        g.effect = Usability::No;
        g.title = "The parent locator cannot be used to find the parent";
        g.meaning = "A differencing disk that cannot find its parent will not open.";
        parentSteps(ctx, g, false);
        g.steps.front().text = "Point the child at its parent again, with this tool:";
        return;
    case K::ParentNotFound:
        describeParentNotFound(ctx, g);
        return;
    case K::ParentLinkage:
        g.effect = Usability::No;
        g.title = "The parent is not the disk the child was made from (or it changed since)";
        g.meaning = "The parent's Data write GUID is not the one the child recorded: data was "
                    "written to the parent after the child was made, so the child's blocks over "
                    "it may not fit.";
        g.steps.push_back({"Check that it is the right parent. If it is and its data did not "
                           "change (it was only copied, or its GUIDs renewed), re-link it:",
                           StepAction::SetParent,
                           "vhdx-inspector --set-parent " + path + " PARENT.vhdx"});
        g.steps.push_back({"Or, on Windows (Hyper-V PowerShell):", StepAction::None,
                           "Set-VHD -Path " + path + " -ParentPath PARENT.vhdx -IgnoreIdMismatch"});
        return;
    case K::ParentGeometry:
        g.effect = Usability::No;
        g.title = "The parent has another virtual size or sector size than the child";
        g.meaning = "A differencing disk describes the same disk as its parent, block for block; "
                    "over a parent of another geometry its sectors land in the wrong places or "
                    "past the parent's end. This is not its parent.";
        g.steps.push_back({"Look for the child's real parent (same size and sector size, the "
                           "DataWriteGuid of its parent_linkage) in its folder:",
                           StepAction::None,
                           "vhdx-inspector --chains " + shellWord(parentFolder(ctx.image.path()))});
        return;
    case K::ParentChainDepth:
        g.effect = Usability::Unknown;
        g.title = "The parent chain is deeper than " + std::to_string(maxParentChainDepth) +
                  " images: the ancestors past that were not opened";
        g.meaning = "The disk's blocks that only the deeper ancestors hold cannot be read, and "
                    "those ancestors were not checked.";
        g.steps.push_back({"Merge checkpoints to shorten the chain (Hyper-V Manager's Edit Disk > "
                           "Merge, or Merge-VHD on Windows).",
                           StepAction::None,
                           {}});
        return;
    case K::LogInvalid:
        g.effect = Usability::No;
        g.title = "The log cannot be replayed";
        g.meaning = "Hyper-V must replay the log before it uses the disk, and it cannot: the "
                    "disk will not open.";
        g.steps.push_back(copyAgain());
        g.steps.push_back(restoreFirstMiB(ctx));
        return;
    case K::LogUnknown:
        g.effect = Usability::Unknown;
        g.title = "Whether the log needs a replay is not known";
        g.meaning = "The log could not be checked to its end, so the BAT and metadata shown may "
                    "be outdated; this tool allows no write.";
        g.steps.push_back({"Check the storage for read errors (dmesg); QEMU checks and replays "
                           "the log (it writes to the file):",
                           StepAction::None, "qemu-img check -r all " + path});
        return;
    case K::BatDamaged:
        g.effect = Usability::Damaged;
        g.title = "Some BAT entries are invalid";
        g.meaning = "The disk may open, but the blocks of those entries are wrong or "
                    "unreadable.";
        g.steps.push_back({"See which entries, and what is wrong with each, in the BAT map.",
                           StepAction::ShowBatProblems,
                           {}});
        g.steps.push_back({"Copy the readable data out and check the file system inside; "
                           "qemu-img lists the same problems (read-only):",
                           StepAction::None, "qemu-img check " + path});
        return;
    case K::LogReplay:
        g.effect = Usability::AfterReplay;
        g.title = "The log holds updates not yet applied (the disk was not closed cleanly)";
        g.meaning = ctx.image.viewKind() == ReadView::Replayed
                        ? "Hyper-V replays the log when it opens the disk, so the disk is usable. "
                          "What this tool shows is the disk as after that replay, read without "
                          "writing (View > Show > As Stored, or --stored, shows the stale "
                          "structures stored in the file)."
                        : "Hyper-V replays the log when it opens the disk, so the disk is usable. "
                          "Until then the BAT and metadata stored in the file, which this tool "
                          "shows, are not the disk's.";
        g.steps.push_back({"Replay it with this tool's Replay Log:", StepAction::ReplayLog,
                           "vhdx-inspector --replay-log " + path});
        g.steps.push_back({"QEMU refuses to open the file read-only until the log is replayed; "
                           "qemu-img replays it:",
                           StepAction::None, "qemu-img check -r all " + path});
        return;
    case K::ParentLogReplay:
        describeParentLogReplay(ctx, g);
        return;
    case K::HeaderDamaged:
        describeHeaderDamaged(ctx, copy, g);
        return;
    case K::RegionTableDamaged:
        describeRegionTableDamaged(ctx, copy, g);
        return;
    case K::RegionTablesDiffer:
        g.effect = Usability::Yes;
        g.title = "The two region tables differ";
        g.meaning = "Both copies are valid; programs use table 1.";
        g.steps.push_back({"If the disk works as it is, copy table 1 over table 2 so that the "
                           "copies agree again (the first command backs up the first MiB):",
                           StepAction::None, copyRegionTable(ctx, 1, 2)});
        return;
    case K::MetadataOverlap:
        g.effect = Usability::Yes;
        g.title = "Two metadata items share bytes";
        g.meaning = "Programs still read them; if the values shown are right the disk works.";
        g.steps.push_back({"Nothing to repair here.", StepAction::None, {}});
        return;
    case K::BatReservedBits:
        g.effect = Usability::Yes;
        g.title = "Some BAT entries have reserved bits set";
        g.meaning = "Programs ignore the reserved bits.";
        g.steps.push_back({"Nothing to do unless other BAT problems come with it.",
                           StepAction::ShowBatProblems,
                           {}});
        return;
    case K::ParentLocatorUnexpected:
        g.effect = Usability::Yes;
        g.title = "A parent locator on a disk without a parent";
        g.meaning = "The disk has no parent, so programs ignore the locator.";
        g.steps.push_back({"Nothing to do.", StepAction::None, {}});
        return;
    case K::ScanIncomplete:
        g.effect = Usability::Unknown;
        g.title = "The BAT was not checked to its end";
        g.meaning = "The scan was cancelled, so BAT problems may be missing.";
        g.steps.push_back({"Reload the file to scan it again.", StepAction::Reload, {}});
        return;
    case K::Notes:
        g.effect = Usability::Yes;
        g.title = countOf(g.findings.size(), "note", "notes") + ": nothing to do";
        g.meaning = "Stale log entries and other details; they do not affect the disk.";
        return;
    }
}

} // namespace vhdx::detail
