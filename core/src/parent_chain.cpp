// Differencing disks: resolving the parent named by the locator and checking the linkage
// (MS-VHDX 2.6.2.6). Windows paths are mapped onto this machine relative to the child's
// folder: separators flipped, drive letters and volume prefixes dropped.
#include "vhdx/parent_chain.h"

#include <filesystem>
#include <set>
#include <sys/stat.h>

#include "vhdx/findings.h"
#include "vhdx/image.h"
#include "vhdx/metadata.h"
#include "vhdx/text_format.h"

namespace vhdx {

namespace fs = std::filesystem;

namespace {

std::string slashes(std::string p) {
    for (char& c : p)
        if (c == '\\')
            c = '/';
    return p;
}

bool isRegularFile(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// "C:/dir/x.vhdx" -> "dir/x.vhdx"; "//?/Volume{...}/dir/x.vhdx" -> "dir/x.vhdx".
std::string dropWindowsRoot(std::string p) {
    if (p.size() >= 2 && p[1] == ':')
        p = p.substr(2);
    if (p.rfind("//?/", 0) == 0 || p.rfind("//./", 0) == 0) {
        const size_t slash = p.find('/', 4);
        p = slash == std::string::npos ? std::string() : p.substr(slash);
    }
    while (!p.empty() && p.front() == '/')
        p.erase(0, 1);
    return p;
}

std::optional<Guid> linkageValue(const ParentLocator& locator, const char* key) {
    const std::string* v = locator.value(key);
    return v ? Guid::parse(*v) : std::nullopt;
}

// A parent must describe the same disk as the image above it: size and sector sizes.
void checkGeometry(const Metadata& child, const Metadata& parent, const std::string& who, int depth,
                   Findings& findings, const LocatorPlace& place) {
    const std::string childName = depth == 0 ? "the image" : "ancestor " + std::to_string(depth);
    auto differs = [](const auto& a, const auto& b) { return a && b && *a != *b; };
    std::string what;
    if (differs(child.virtualDiskSize, parent.virtualDiskSize))
        what = "a virtual size of " + formatBytes(*parent.virtualDiskSize) + ", " + childName +
               " " + formatBytes(*child.virtualDiskSize);
    else if (differs(child.logicalSectorSize, parent.logicalSectorSize))
        what = "a logical sector size of " + formatBytes(*parent.logicalSectorSize) + ", " +
               childName + " " + formatBytes(*child.logicalSectorSize);
    else if (differs(child.physicalSectorSize, parent.physicalSectorSize))
        what = "a physical sector size of " + formatBytes(*parent.physicalSectorSize) + ", " +
               childName + " " + formatBytes(*child.physicalSectorSize);
    if (!what.empty())
        findings.add(
            Severity::Error, FindingCode::ParentGeometryMismatch, place.item, place.fileOffset,
            who + " has " + what + ": a differencing disk describes the same disk as its parent",
            "2.6.2.6");
}

} // namespace

std::optional<FileIdentity> fileIdentity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return FileIdentity{uint64_t(st.st_dev), uint64_t(st.st_ino)};
}

ParentLinkages parentLinkages(const ParentLocator& locator) {
    ParentLinkages l{linkageValue(locator, "parent_linkage"),
                     linkageValue(locator, "parent_linkage2")};
    if (l.linkage2 && l.linkage2->isNull())
        l.linkage2.reset(); // Hyper-V writes zeros when there is no second identity
    return l;
}

LocatedParent locateParent(const ParentLocator& locator, const std::string& childPath) {
    LocatedParent located;
    const std::string dir = fs::path(childPath).parent_path().string();
    for (const auto& [key, path] : parentCandidates(locator, dir)) {
        located.tried.push_back(path);
        if (isRegularFile(path)) {
            located.found = true;
            located.locatorKey = key;
            located.path = path;
            break;
        }
    }
    return located;
}

std::vector<std::pair<std::string, std::string>> parentCandidates(const ParentLocator& locator,
                                                                  const std::string& imageDir) {
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&](const std::string& key, const std::string& path) {
        for (const auto& o : out)
            if (o.second == path)
                return;
        out.emplace_back(key, path);
    };
    const fs::path dir(imageDir.empty() ? "." : imageDir);
    for (const char* key : {"relative_path", "absolute_win32_path", "volume_path"}) {
        const std::string* v = locator.value(key);
        if (!v || v->empty())
            continue;
        const std::string p = slashes(*v);
        if (std::string(key) == "relative_path") {
            add(key, (dir / p).lexically_normal().string());
            continue;
        }
        if (!p.empty() && p.front() == '/' && p.rfind("//", 0) != 0)
            add(key, p); // already a path on this machine
        const std::string rest = dropWindowsRoot(p);
        if (!rest.empty()) {
            add(key, (dir / rest).lexically_normal().string());
            add(key, (dir / fs::path(rest).filename()).lexically_normal().string());
        }
    }
    return out;
}

std::vector<ParentLink> resolveParentChain(const std::string& imagePath,
                                           const ParentLocator& locator, Findings& findings,
                                           std::shared_ptr<WorkBudget> budget,
                                           const LocatorPlace& place, int maxDepth,
                                           const Metadata* child) {
    std::vector<ParentLink> chain;
    std::optional<Metadata> below; // the image the current link's parent is checked against
    if (child)
        below = *child;
    std::set<std::optional<FileIdentity>> seen{fileIdentity(imagePath)};
    std::string childPath = imagePath;
    ParentLocator current = locator;
    for (int depth = 0; depth < maxDepth; ++depth) {
        ParentLink link;
        const std::string* linkage = current.value("parent_linkage");
        if (linkage)
            if (auto g = Guid::parse(*linkage)) {
                link.expectedLinkage = *g;
                link.expectedLinkageValid = true;
            }
        const ParentLinkages accepted = parentLinkages(current);
        const LocatedParent located = locateParent(current, childPath);
        link.found = located.found;
        link.locatorKey = located.locatorKey;
        link.path = located.path;
        link.tried = located.tried;
        const std::string who = depth == 0 ? "The parent" : "Ancestor " + std::to_string(depth + 1);
        if (!link.found) {
            std::string tried;
            for (const auto& t : link.tried)
                tried += (tried.empty() ? "" : ", ") + t;
            findings.add(Severity::Error, FindingCode::ParentNotFound, place.item, place.fileOffset,
                         who + " disk was not found (tried: " +
                             (tried.empty() ? "no usable path" : tried) + ")",
                         "2.6.2.6");
            chain.push_back(link);
            break;
        }
        if (!seen.insert(fileIdentity(link.path)).second) {
            findings.add(Severity::Error, FindingCode::ParentNotFound, place.item, place.fileOffset,
                         who + " " + link.path + " is already in the chain (a loop)", "2.6.2.6");
            chain.push_back(link);
            break;
        }
        std::string error;
        ParseOptions noRecursion;
        noRecursion.resolveParent = false;
        noRecursion.budget = budget;
        auto parent = Image::open(link.path, error, noRecursion);
        const Header* ph = parent ? parent->headers().currentHeader() : nullptr;
        link.readable = ph != nullptr;
        if (!ph) {
            findings.add(Severity::Error, FindingCode::ParentNotFound, place.item, place.fileOffset,
                         who + " " + link.path + " is not a readable VHDX" +
                             (error.empty() ? "" : ": " + error),
                         "2.6.2.6");
            chain.push_back(link);
            break;
        }
        link.parentDataWriteGuid = ph->dataWriteGuid;
        // MS-VHDX 2.6.2.6.3: the parent's DataWriteGuid must equal parent_linkage or, when
        // present, parent_linkage2.
        link.linkageMatches = accepted.accepts(ph->dataWriteGuid);
        link.parentHasParent = parent->metadata().hasParent;
        const std::string* linkage2 = current.value("parent_linkage2");
        if (!link.linkageMatches)
            findings.add(
                Severity::Error, FindingCode::ParentLinkageMismatch, place.item, place.fileOffset,
                who + " " + link.path + " has Data write GUID " + ph->dataWriteGuid.toString() +
                    " but parent_linkage is " + (linkage ? *linkage : std::string("missing")) +
                    (accepted.linkage2 ? " and parent_linkage2 " + *linkage2 : "") +
                    ": the parent changed since the child was made",
                "2.6.2.6");
        const Metadata& pm = parent->metadata();
        if (below)
            checkGeometry(*below, pm, who + " " + link.path, depth, findings, place);
        below = pm;
        const LogReplayState logState = parent->log().replayState;
        if (logState != LogReplayState::None) {
            const bool unknown = logState == LogReplayState::Unknown;
            link.parentLog =
                unknown ? ParentLink::LogState::Unknown : ParentLink::LogState::Pending;
            findings.add(Severity::Warning, FindingCode::ParentLogReplayNeeded, place.item,
                         place.fileOffset,
                         who + " " + link.path +
                             (unknown ? " has a log whose replay state is unknown (" +
                                            parent->log().replayUnknownReason +
                                            "): its blocks as stored may not be the disk's"
                                      : " has a log to replay: the disk reads as after that "
                                        "replay (replay it with --replay-log on the parent)"),
                         "2.3.3");
        }
        chain.push_back(link);
        if (!link.parentHasParent || !pm.parentLocator)
            break;
        if (depth + 1 == maxDepth) {
            findings.add(Severity::Error, FindingCode::ParentChainTooDeep, place.item,
                         place.fileOffset,
                         "The parent chain goes on past " + link.path + ", ancestor " +
                             std::to_string(depth + 1) + ": more than " + std::to_string(maxDepth) +
                             " ancestors are not followed, so the disk cannot be read whole",
                         "2.6.2.6");
            break;
        }
        current = *pm.parentLocator;
        childPath = link.path;
    }
    return chain;
}

} // namespace vhdx
