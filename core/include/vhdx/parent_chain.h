#pragma once
// Differencing disks: finding the parent from the locator and checking the linkage.
#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vhdx/guid.h"
#include "vhdx/structure_ref.h"

namespace vhdx {

class Findings;
class WorkBudget;
struct Metadata;
struct ParentLocator;

struct ParentLink {
    std::string locatorKey; // which key resolved ("relative_path", ...)
    std::string path;       // resolved path on this machine ("" when not found)
    std::vector<std::string> tried;
    bool found = false;
    bool readable = false; // parent parsed as a VHDX with a current header
    Guid expectedLinkage;  // from parent_linkage
    bool expectedLinkageValid = false;
    Guid parentDataWriteGuid;
    bool linkageMatches = false;
    bool parentHasParent = false;
    // The parent's log: Pending when its replay is needed (the disk reads as after it),
    // Unknown when it could not be checked.
    enum class LogState { Clean, Pending, Unknown };
    LogState parentLog = LogState::Clean;
};

// Ancestors followed from one image: Hyper-V allows 50 checkpoints per virtual machine, so a
// real chain stays below this; one deeper is reported (PARENT_CHAIN_TOO_DEEP), not cut
// silently.
constexpr int maxParentChainDepth = 64;

// Candidate paths for the parent, in the order they are tried: relative_path,
// absolute_win32_path, volume_path; Windows paths made relative to imageDir when needed.
[[nodiscard]] std::vector<std::pair<std::string, std::string>>
parentCandidates(const ParentLocator& locator, const std::string& imageDir);

// Where the child's parent locator is, for the findings about its parent.
struct LocatorPlace {
    StructureRef item = ref::metadata(); // the locator's metadata item
    uint64_t fileOffset = 0;
};
// Where a child's locator leads on this machine: the first candidate that is a regular file.
struct LocatedParent {
    bool found = false;
    std::string locatorKey; // the key whose path exists
    std::string path;       // "" when none does
    std::vector<std::string> tried;
};
[[nodiscard]] LocatedParent locateParent(const ParentLocator& locator,
                                         const std::string& childPath);

// The GUIDs a parent's DataWriteGuid may equal (MS-VHDX 2.6.2.6.3: parent_linkage, or
// parent_linkage2 when present); null when the key is absent or not a GUID, and
// parent_linkage2 also when it is all zeros (Hyper-V writes it so when it has none).
struct ParentLinkages {
    std::optional<Guid> linkage;
    std::optional<Guid> linkage2;
    [[nodiscard]] bool accepts(const Guid& dataWriteGuid) const {
        return (linkage && *linkage == dataWriteGuid) || (linkage2 && *linkage2 == dataWriteGuid);
    }
};
[[nodiscard]] ParentLinkages parentLinkages(const ParentLocator& locator);

// A file's identity: hard links and symlinks give one file many names, so sameness is told
// by device and inode, not by path. Null when the path cannot be stat'ed.
struct FileIdentity {
    uint64_t device = 0;
    uint64_t inode = 0;
    auto operator<=>(const FileIdentity&) const = default;
};
[[nodiscard]] std::optional<FileIdentity> fileIdentity(const std::string& path);

// Follows the chain from an image at imagePath (at most maxDepth ancestors, cycles detected),
// adding findings for the child's locator: PARENT_NOT_FOUND, PARENT_LINKAGE_MISMATCH,
// PARENT_GEOMETRY_MISMATCH (against `child`, the image's metadata, when given, then each
// ancestor against the one below it), PARENT_LOG_REPLAY_NEEDED and PARENT_CHAIN_TOO_DEEP.
// Every ancestor is parsed with `budget`, the child's: the chain shares one open's budget.
[[nodiscard]] std::vector<ParentLink>
resolveParentChain(const std::string& imagePath, const ParentLocator& locator, Findings& findings,
                   std::shared_ptr<WorkBudget> budget, const LocatorPlace& place = {},
                   int maxDepth = maxParentChainDepth, const Metadata* child = nullptr);

} // namespace vhdx
