#pragma once
// The verdict's parts (not public): the kinds of problem a finding can belong to, in the
// order they are reported, and the text and next steps of each (verdict_steps.cpp).
#include <cstdint>
#include <string>
#include <vector>

#include "vhdx/verdict.h"

namespace vhdx {
class Image;
}

namespace vhdx::detail {

// The root causes, in the order their groups are listed (within one severity).
enum class ProblemKind : uint8_t {
    NotVhdx,
    IoError,
    Truncated,
    Identifier,
    NoValidHeader,
    HeaderTie,
    HeaderLogFields,
    NoValidRegionTable,
    RegionEntries,
    Metadata,
    ParentLocator,
    ParentNotFound,
    ParentLinkage,
    ParentGeometry,
    ParentChainDepth,
    LogInvalid,
    LogUnknown,
    BatDamaged,
    LogReplay,
    ParentLogReplay,
    HeaderDamaged,      // one header; the other is intact
    RegionTableDamaged, // one region table; the other is intact
    RegionTablesDiffer,
    MetadataOverlap,
    BatReservedBits,
    ParentLocatorUnexpected,
    ScanIncomplete,
    Notes,
};

// What the steps of one group may depend on.
struct VerdictContext {
    const Image& image;
    const std::vector<Finding>& findings;
    bool replayPending = false; // a LOG_REPLAY_NEEDED group exists
};

// Fills title, meaning, effect and steps of a group whose kind, copy (header or region
// table 1 or 2, else 0), cause, codes and findings are set.
void describeGroup(const VerdictContext& ctx, ProblemKind kind, int copy, ProblemGroup& g);

// A path or argument as a POSIX shell word: as it is when it is plainly safe, else in single
// quotes. "IMAGE" for an image without a path (read from memory).
[[nodiscard]] std::string shellWord(const std::string& s);

} // namespace vhdx::detail
