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

// A file's identity: hard links and symlinks give one file many names, so a loop is told
// by device and inode, not by path.
std::pair<uint64_t, uint64_t> fileIdentity(const std::string& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
        return {0, 0};
    return {uint64_t(st.st_dev), uint64_t(st.st_ino)};
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

} // namespace

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
                                           const LocatorPlace& place, int maxDepth) {
    std::vector<ParentLink> chain;
    std::set<std::pair<uint64_t, uint64_t>> seen{fileIdentity(imagePath)};
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
        const std::string dir = fs::path(childPath).parent_path().string();
        for (const auto& [key, path] : parentCandidates(current, dir)) {
            link.tried.push_back(path);
            if (isRegularFile(path)) {
                link.found = true;
                link.locatorKey = key;
                link.path = path;
                break;
            }
        }
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
        link.linkageMatches =
            link.expectedLinkageValid && link.expectedLinkage == ph->dataWriteGuid;
        link.parentHasParent = parent->metadata().hasParent;
        if (!link.linkageMatches)
            findings.add(
                Severity::Error, FindingCode::ParentLinkageMismatch, place.item, place.fileOffset,
                who + " " + link.path + " has Data write GUID " + ph->dataWriteGuid.toString() +
                    " but parent_linkage is " + (linkage ? *linkage : std::string("missing")) +
                    ": the parent changed since the child was made",
                "2.6.2.6");
        chain.push_back(link);
        if (!link.parentHasParent || !parent->metadata().parentLocator)
            break;
        current = *parent->metadata().parentLocator;
        childPath = link.path;
    }
    return chain;
}

} // namespace vhdx
