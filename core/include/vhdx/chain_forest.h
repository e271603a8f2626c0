#pragma once
// The differencing chains of a folder: every .vhdx/.avhdx below a folder, read
// headers and metadata only, and which child belongs to which parent. A child's parent is the
// file whose DataWriteGuid is its parent_linkage (or parent_linkage2): the one its locator
// leads to when that one has the right GUID, else any file of the folder that has it. What is
// wrong is said as findings (CHAIN_* codes); files that cannot be read are listed, not fatal.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vhdx/findings.h"
#include "vhdx/guid.h"
#include "vhdx/log.h"
#include "vhdx/parent_chain.h"

namespace vhdx {

// Files with the DataWriteGuid a child expects that are listed for it (copies of a parent):
// a hostile folder of 100,000 files with one GUID must not make 10^10 edges.
constexpr size_t maxGuidCandidates = 16;

struct ForestOptions {
    bool recursive = true; // false: the folder's own files only
    // Images mapped; files past it (in path order) are not opened (CHAIN_FOLDER_LIMITED).
    size_t maxImages = 100000;
    // Log bytes one open may read (its WorkBudget). Real logs are 1 MiB; a larger log that is
    // not read to its end leaves that image's replay state unknown, nothing worse.
    uint64_t logBytesPerOpen = 16 * 1024 * 1024;
    // How far a chain is followed through parents outside the folder.
    int maxOutsideDepth = 16;
};

enum class ChainNodeStatus {
    Ok,              // not differencing, or its locator leads to its parent
    ParentElsewhere, // its parent is in the folder, but the locator leads elsewhere or nowhere
    Orphan,          // no file with the DataWriteGuid it expects
    Loop,            // following parents comes back to it
    Skipped,         // not opened, not a VHDX, or its File Parameters are unreadable
};
[[nodiscard]] const char* chainNodeStatusName(ChainNodeStatus s); // "ok", "parent_elsewhere", ...

struct ChainNode {
    std::string path;        // as opened (folder + relative path, or where a locator led)
    std::string displayPath; // relative to the folder; absolute when outside it
    bool inFolder = true;
    std::optional<FileIdentity> identity;
    std::vector<std::string> aliases; // other names of the same file in the folder

    bool vhdx = false;   // opened, "vhdxfile" signature, a current header, File Parameters
    std::string problem; // why not, when !vhdx
    Guid dataWriteGuid;
    bool hasParent = false;
    std::optional<uint64_t> virtualDiskSize;
    std::optional<uint32_t> blockSize;
    std::optional<uint32_t> logicalSectorSize;
    std::optional<uint32_t> physicalSectorSize;
    LogReplayState logReplay = LogReplayState::None;
    size_t errorFindings = 0; // of the image itself (--report tells them)

    // Differencing disks: what the locator says and where it leads.
    bool hasLocator = false;
    bool followed = true; // false: too far outside the folder, its parent was not looked for
    ParentLinkages linkages;
    std::string linkageText; // parent_linkage as stored
    LocatedParent located;
    int locatedNode = -1;            // the node the locator leads to
    std::vector<int> guidCandidates; // nodes with the DataWriteGuid it expects (capped)
    int parent = -1;                 // its parent (GUID verified), -1 when none
    std::vector<int> children;       // nodes whose parent this is
    ChainNodeStatus status = ChainNodeStatus::Ok;
};

struct ChainEdge {
    enum class Kind { Locator, Guid };
    int child = -1;
    int parent = -1;
    Kind kind = Kind::Locator;
    std::string key;             // locator key (Locator) or "parent_linkage"/"parent_linkage2"
    bool linkageMatches = false; // the parent's DataWriteGuid is one the child expects
};

// A problem of the folder's chains: about a file (its path in the folder), not about a
// structure of one image.
struct ChainFinding {
    Severity severity = Severity::Error;
    FindingCode code = FindingCode::ChainOrphan;
    std::string path; // the node's displayPath
    std::string message;
    std::string spec;
};

class ChainFindings {
  public:
    void add(Severity severity, FindingCode code, std::string path, std::string message,
             std::string spec);
    [[nodiscard]] const std::vector<ChainFinding>& items() const { return m_items; }
    [[nodiscard]] bool has(FindingCode code) const;
    [[nodiscard]] bool hasErrors() const;
    [[nodiscard]] size_t count(Severity s) const;
    // Most severe first, the folder's order kept among equals.
    [[nodiscard]] std::vector<ChainFinding> sorted() const;

  private:
    std::vector<ChainFinding> m_items;
};

struct ChainForest {
    std::string folder;           // absolute
    std::vector<ChainNode> nodes; // folder files in path order, then the ones outside it
    std::vector<ChainEdge> edges;
    std::vector<std::vector<int>> loops; // each in parent order: [a, parent of a, ...]
    ChainFindings findings;
    size_t imagesInFolder = 0; // image files found below the folder, opened or not (the limit)
    // Roots of the drawing: mapped nodes without a parent, then the first node of each loop.
    [[nodiscard]] std::vector<int> roots() const;
    [[nodiscard]] bool hasErrors() const { return findings.hasErrors(); }
};

// Maps the folder. Null with error set when the folder itself cannot be read.
[[nodiscard]] std::optional<ChainForest> mapChains(const std::string& folder, std::string& error,
                                                   const ForestOptions& options = {});

// The differencing disks of the image's own folder (not below it) whose parent it is: the
// ones a change of its DataWriteGuid would orphan. Their paths, relative to that folder.
[[nodiscard]] std::vector<std::string> childrenInFolder(const std::string& imagePath);

} // namespace vhdx
