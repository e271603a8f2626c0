// The verdict: findings grouped by root cause (NO_VALID_HEADER explains the bad headers under
// it, a cut-short file the blocks past its end), each group's effect on the disk, and the
// disk's usability as the worst of them.
#include "vhdx/verdict.h"

#include <algorithm>
#include <map>

#include "verdict_internal.h"
#include "vhdx/image.h"

namespace vhdx {

namespace {

using detail::ProblemKind;
using C = FindingCode;

struct Facts {
    bool noValidHeader = false;
    bool noValidRegionTable = false;
    bool truncated = false;
    bool logInvalid = false;
};

Facts factsOf(const std::vector<Finding>& findings) {
    Facts f;
    for (const Finding& x : findings) {
        f.noValidHeader |= x.code == C::NoValidHeader;
        f.noValidRegionTable |= x.code == C::NoValidRegionTable;
        f.truncated |= x.code == C::FileTruncated;
        f.logInvalid |= x.code == C::LogInvalid;
    }
    return f;
}

// The group a finding belongs to: its root cause's kind, and the copy (header or region table
// 1 or 2) for the problems of one copy.
std::pair<ProblemKind, int> kindOf(const Finding& f, const Facts& facts) {
    using K = ProblemKind;
    const int copy = int(f.where.index);
    switch (f.code) {
    case C::NotVhdx:
        return {K::NotVhdx, 0};
    case C::IoError:
        return {K::IoError, 0};
    case C::FileTruncated:
    case C::BatEntryBeyondEof:
        return {K::Truncated, 0};
    case C::RegionOutOfBounds:
        return {facts.truncated ? K::Truncated : K::RegionEntries, 0};
    case C::IdentifierSignatureBad:
        return {K::Identifier, 0};
    case C::NoValidHeader:
        return {K::NoValidHeader, 0};
    case C::HeaderSignatureBad:
    case C::HeaderChecksumBad:
    case C::HeaderVersionBad:
        return facts.noValidHeader ? std::pair{K::NoValidHeader, 0}
                                   : std::pair{K::HeaderDamaged, copy};
    case C::HeaderSequenceTie:
        return {K::HeaderTie, 0};
    case C::HeaderLogFieldsInvalid:
        return {K::HeaderLogFields, 0};
    case C::NoValidRegionTable:
        return {K::NoValidRegionTable, 0};
    case C::RegionTableSignatureBad:
    case C::RegionTableChecksumBad:
    case C::RegionTableEntryCountInvalid:
        return facts.noValidRegionTable ? std::pair{K::NoValidRegionTable, 0}
                                        : std::pair{K::RegionTableDamaged, copy};
    case C::RegionTablesDiffer:
        return {K::RegionTablesDiffer, 0};
    case C::RegionMissing:
    case C::RegionDuplicate:
    case C::RegionUnknownRequired:
    case C::RegionOverlap:
    case C::RegionMisaligned:
        return {K::RegionEntries, 0};
    case C::MetadataSignatureBad:
    case C::MetadataEntryCountInvalid:
    case C::MetadataItemMissing:
    case C::MetadataItemDuplicate:
    case C::MetadataItemOutOfBounds:
    case C::MetadataUnknownRequired:
    case C::BlockSizeInvalid:
    case C::SectorSizeInvalid:
    case C::VirtualDiskSizeInvalid:
        return {K::Metadata, 0};
    case C::MetadataItemOverlap:
        return {K::MetadataOverlap, 0};
    case C::ParentLocatorMissing:
    case C::ParentLocatorInvalid:
        return {K::ParentLocator, 0};
    case C::ParentLocatorUnexpected:
        return {K::ParentLocatorUnexpected, 0};
    case C::ParentNotFound:
        return {K::ParentNotFound, 0};
    case C::ParentLinkageMismatch:
        return {K::ParentLinkage, 0};
    case C::ParentGeometryMismatch:
        return {K::ParentGeometry, 0};
    case C::ParentChainTooDeep:
        return {K::ParentChainDepth, 0};
    case C::ParentLogReplayNeeded:
        return {K::ParentLogReplay, 0};
    case C::BatTooSmall:
    case C::BatEntryStateInvalid:
    case C::BatEntryOverlap:
    case C::BatSectorBitmapMissing:
        return {K::BatDamaged, 0};
    case C::BatEntryReservedBits:
        return {K::BatReservedBits, 0};
    case C::LogReplayNeeded:
        // A log that cannot be replayed is the problem; that it needs a replay, its symptom.
        return {facts.logInvalid ? K::LogInvalid : K::LogReplay, 0};
    case C::LogReplayNotApplied:
    case C::LogReplayWritesHeaderSection:
    case C::LogReplayWritesLog:
    case C::LogReplayBeyondLastFileOffset:
        return {facts.logInvalid ? K::LogInvalid : K::LogReplay, 0};
    case C::LogInvalid:
        return {K::LogInvalid, 0};
    case C::LogReplayUnknown:
        return {K::LogUnknown, 0};
    case C::ScanCancelled:
        return {K::ScanIncomplete, 0};
    case C::IdentifierCreatorInvalid:
    case C::LogEntryInvalid:
    case C::LogEntriesLimited:
        return {K::Notes, 0};
    case C::ChainFileSkipped: // --chains findings: never among one image's
    case C::ChainFolderLimited:
    case C::ChainOrphan:
    case C::ChainParentElsewhere:
    case C::ChainParentChanged:
    case C::ChainLoop:
    case C::ChainVirtualSizeMismatch:
    case C::ChainSectorSizeMismatch:
    case C::ChainBlockSizeMismatch:
    case C::ChainHasChildren:
        return {K::Notes, 0};
    }
    return {K::Notes, 0};
}

// Within a group: root causes first, then the worst, then in file order.
bool causeFirst(const Finding& a, const Finding& b) {
    const bool ra = codeInfo(a.code).rootCause, rb = codeInfo(b.code).rootCause;
    if (ra != rb)
        return ra;
    if (a.severity != b.severity)
        return a.severity > b.severity;
    return a.offset < b.offset;
}

std::string lowerFirst(std::string s) {
    // "The parent ..." reads on after a colon as "the parent ..."; "BAT ..." stays.
    if (s.size() > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z')
        s[0] = char(s[0] - 'A' + 'a');
    return s;
}

std::string summaryOf(const Verdict& v) {
    const auto first = [&](Usability u) -> std::string {
        for (const ProblemGroup& g : v.groups)
            if (g.effect == u)
                return lowerFirst(g.title);
        return {};
    };
    size_t problems = 0;
    for (const ProblemGroup& g : v.groups)
        problems += g.severity >= Severity::Warning;
    switch (v.usable) {
    case Usability::Yes:
        if (v.clean)
            return "Usable as it is: every structure is valid and nothing is pending.";
        return "Usable as it is: Hyper-V would open the disk; " +
               countOf(problems, "problem", "problems") + (problems == 1 ? " is" : " are") +
               " worth fixing.";
    case Usability::AfterReplay:
        return "Usable once its log is replayed: the disk was not closed cleanly, and Hyper-V "
               "replays the log when it opens the disk.";
    case Usability::Unknown:
        return "Not fully checked: " + first(Usability::Unknown) + ".";
    case Usability::Damaged:
        return "Damaged, though the disk may still open: " + first(Usability::Damaged) + ".";
    case Usability::No:
        return "Not usable as it is: " + first(Usability::No) + ".";
    }
    return {};
}

} // namespace

Verdict assessImage(const Image& image, const std::vector<Finding>& findings) {
    const Facts facts = factsOf(findings);
    std::map<std::pair<ProblemKind, int>, std::vector<size_t>> buckets;
    for (size_t i = 0; i < findings.size(); ++i)
        buckets[kindOf(findings[i], facts)].push_back(i);

    Verdict v;
    detail::VerdictContext ctx{image, findings, buckets.count({ProblemKind::LogReplay, 0}) > 0};
    for (auto& [key, members] : buckets) {
        std::stable_sort(members.begin(), members.end(),
                         [&](size_t a, size_t b) { return causeFirst(findings[a], findings[b]); });
        ProblemGroup g;
        g.findings = members;
        g.cause = findings[members.front()].code;
        g.where = findings[members.front()].where;
        for (size_t i : members) {
            g.severity = std::max(g.severity, findings[i].severity);
            if (std::find(g.codes.begin(), g.codes.end(), findings[i].code) == g.codes.end())
                g.codes.push_back(findings[i].code);
        }
        detail::describeGroup(ctx, key.first, key.second, g);
        v.usable = std::max(v.usable, g.effect);
        v.groups.push_back(std::move(g));
    }
    // Most severe first; among equals, the order of the kinds (the map's order).
    std::stable_sort(
        v.groups.begin(), v.groups.end(),
        [](const ProblemGroup& a, const ProblemGroup& b) { return a.severity > b.severity; });
    v.clean = v.usable == Usability::Yes &&
              std::none_of(findings.begin(), findings.end(),
                           [](const Finding& f) { return f.severity >= Severity::Warning; });
    v.summary = summaryOf(v);
    return v;
}

std::string_view usabilityKey(Usability u) {
    switch (u) {
    case Usability::Yes:
        return "yes";
    case Usability::AfterReplay:
        return "after_replay";
    case Usability::Unknown:
        return "unknown";
    case Usability::Damaged:
        return "damaged";
    case Usability::No:
        return "no";
    }
    return "unknown";
}

std::string_view verdictWord(const Verdict& v) {
    switch (v.usable) {
    case Usability::Yes:
        return v.clean ? "clean" : "usable, with warnings";
    case Usability::AfterReplay:
        return "usable after log replay";
    case Usability::Unknown:
        return "not fully checked";
    case Usability::Damaged:
        return "damaged";
    case Usability::No:
        return "NOT USABLE";
    }
    return "NOT USABLE";
}

std::string_view stepActionKey(StepAction a) {
    switch (a) {
    case StepAction::None:
        return "";
    case StepAction::UpdateHeaders:
        return "update_headers";
    case StepAction::ReplayLog:
        return "replay_log";
    case StepAction::SetParent:
        return "set_parent";
    case StepAction::CompareHeaders:
        return "compare_headers";
    case StepAction::ShowBatProblems:
        return "show_bat_problems";
    case StepAction::Reload:
        return "reload";
    }
    return "";
}

std::vector<size_t> findingOrder(const Verdict& v) {
    std::vector<size_t> out;
    for (const ProblemGroup& g : v.groups)
        out.insert(out.end(), g.findings.begin(), g.findings.end());
    return out;
}

} // namespace vhdx
