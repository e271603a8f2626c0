// The findings of a chain forest (CHAIN_* codes): files that could not be mapped, orphans,
// parents that moved or changed, loops, geometry that differs along a chain, and parents
// whose children a change of their DataWriteGuid would orphan, each naming the file it
// concerns by its display path.
#include <algorithm>
#include <map>
#include <set>

#include "chain_forest_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/text_format.h"

namespace vhdx::detail {

namespace {

constexpr size_t kMaxNamesListed = 10;

class ChainFindings {
  public:
    explicit ChainFindings(ChainForest& forest) : m_forest(forest) {
        for (size_t i = 0; i < forest.nodes.size(); ++i)
            if (forest.nodes[i].vhdx)
                m_alike[geometryOf(forest.nodes[i])].push_back(int(i));
    }

    void skipped(const FolderListing& listing) {
        for (const auto& [dir, why] : listing.unreadableDirectories)
            add(Severity::Warning, FindingCode::ChainFileSkipped, dir,
                "The folder " + dir + " could not be read (" + why + "): its images are not mapped",
                "2.2");
        for (const ChainNode& n : m_forest.nodes)
            if (n.status == ChainNodeStatus::Skipped)
                add(Severity::Warning, FindingCode::ChainFileSkipped, n.displayPath,
                    n.displayPath + " is not mapped: " + n.problem, "2.2");
        if (listing.filesPastLimit)
            add(Severity::Warning, FindingCode::ChainFolderLimited, ".",
                "The folder holds " +
                    std::to_string(listing.files.size() + listing.filesPastLimit) +
                    " images; only the first " + std::to_string(listing.files.size()) +
                    " (in path order) are mapped",
                "2.6.2.6");
    }

    void parents() {
        // Children whose locator leads to a VHDX with another DataWriteGuid, per (that file,
        // expected GUID): two or more agreeing children mean the file itself changed.
        std::map<std::pair<int, Guid>, std::vector<int>> changed;
        for (size_t i = 0; i < m_forest.nodes.size(); ++i) {
            const ChainNode& c = m_forest.nodes[i];
            if (c.status == ChainNodeStatus::Orphan && c.locatedNode >= 0 &&
                node(c.locatedNode).vhdx && c.linkages.linkage)
                changed[{c.locatedNode, *c.linkages.linkage}].push_back(int(i));
        }
        std::set<int> explained;
        for (const auto& [key, kids] : changed) {
            if (kids.size() < 2)
                continue;
            const ChainNode& p = node(key.first);
            add(Severity::Error, FindingCode::ChainParentChanged, p.displayPath,
                countOf(kids.size(), "child", "children") + " (" + names(kids) +
                    ") expect DataWriteGuid " + key.second.toString() + " of " + p.displayPath +
                    ", which now has " + p.dataWriteGuid.toString() +
                    ": it was written after they were made, and their data can no longer be "
                    "combined with it",
                "2.6.2.6");
            explained.insert(kids.begin(), kids.end());
        }
        for (size_t i = 0; i < m_forest.nodes.size(); ++i) {
            const ChainNode& c = m_forest.nodes[i];
            if (c.status == ChainNodeStatus::ParentElsewhere)
                parentElsewhere(c);
            else if (c.status == ChainNodeStatus::Orphan && !explained.count(int(i)))
                orphan(c);
        }
    }

    void loops() {
        for (const auto& loop : m_forest.loops) {
            std::string cycle;
            for (size_t k = 0; k < loop.size() && k < kMaxNamesListed; ++k)
                cycle += node(loop[k]).displayPath + " -> ";
            if (loop.size() > kMaxNamesListed)
                cycle += "(" + std::to_string(loop.size() - kMaxNamesListed) + " more) -> ";
            cycle += node(loop.front()).displayPath;
            add(Severity::Error, FindingCode::ChainLoop, node(loop.front()).displayPath,
                "The chain loops: " + cycle +
                    " (each is the next one's child by DataWriteGuid); a chain must end in a disk "
                    "without a parent",
                "2.6.2.6");
        }
    }

    void geometry() {
        for (const ChainNode& c : m_forest.nodes) {
            if (c.parent < 0 || !c.vhdx)
                continue;
            const ChainNode& p = node(c.parent);
            const std::string pair = c.displayPath + " and its parent " + p.displayPath;
            if (c.virtualDiskSize != p.virtualDiskSize)
                add(Severity::Error, FindingCode::ChainVirtualSizeMismatch, c.displayPath,
                    "Virtual sizes differ: " + pair + " have " + text(c.virtualDiskSize) + " and " +
                        text(p.virtualDiskSize) + " bytes",
                    "2.6.2.2");
            if (c.logicalSectorSize != p.logicalSectorSize ||
                c.physicalSectorSize != p.physicalSectorSize)
                add(Severity::Error, FindingCode::ChainSectorSizeMismatch, c.displayPath,
                    "Sector sizes differ: " + pair + " have " + text(c.logicalSectorSize) + "/" +
                        text(c.physicalSectorSize) + " and " + text(p.logicalSectorSize) + "/" +
                        text(p.physicalSectorSize) + " bytes (logical/physical)",
                    "2.6.2.4");
            if (c.blockSize != p.blockSize)
                add(Severity::Info, FindingCode::ChainBlockSizeMismatch, c.displayPath,
                    "Block sizes differ: " + pair + " have " + text(c.blockSize) + " and " +
                        text(p.blockSize) +
                        " bytes (allowed; Hyper-V gives differencing disks 2 MiB blocks)",
                    "2.6.2.1");
        }
    }

    void children() {
        for (const ChainNode& p : m_forest.nodes) {
            if (p.children.empty() || p.status == ChainNodeStatus::Loop)
                continue;
            add(Severity::Info, FindingCode::ChainHasChildren, p.displayPath,
                p.displayPath + " is the parent of " + countOf(p.children.size(), "disk", "disks") +
                    " (" + names(p.children) +
                    "): writing to it, or changing its DataWriteGuid (--update-headers "
                    "--new-data-guid), would orphan them",
                "2.2.2");
        }
    }

  private:
    const ChainNode& node(int i) const { return m_forest.nodes[size_t(i)]; }

    void add(Severity s, FindingCode code, const std::string& structure, std::string message,
             const char* spec) {
        m_forest.findings.add(s, code, structure, std::move(message), spec);
    }

    std::string names(const std::vector<int>& nodes) const {
        std::string out;
        for (size_t k = 0; k < nodes.size() && k < kMaxNamesListed; ++k)
            out += (k ? ", " : "") + node(nodes[k]).displayPath;
        if (nodes.size() > kMaxNamesListed)
            out += " and " + std::to_string(nodes.size() - kMaxNamesListed) + " more";
        return out;
    }

    template <class T> static std::string text(const std::optional<T>& v) {
        return v ? std::to_string(*v) : std::string("unknown");
    }

    static std::string expected(const ChainNode& c) {
        std::string out = "DataWriteGuid " + (c.linkages.linkage ? c.linkages.linkage->toString()
                                                                 : "\"" + c.linkageText + "\"");
        if (c.linkages.linkage2)
            out += " (or " + c.linkages.linkage2->toString() + ", parent_linkage2)";
        return out;
    }

    // Where the locator led: "its locator leads to X, whose DataWriteGuid is G".
    std::string locatorClause(const ChainNode& c) const {
        if (!c.hasLocator)
            return "it has no parent locator";
        if (c.locatedNode < 0) {
            std::string tried;
            for (size_t k = 0; k < c.located.tried.size() && k < kMaxNamesListed; ++k)
                tried += (k ? ", " : "") + c.located.tried[k];
            return "its locator leads to no file (tried: " +
                   (tried.empty() ? "no usable path" : tried) + ")";
        }
        const ChainNode& p = node(c.locatedNode);
        return "its locator leads to " + p.displayPath +
               (p.vhdx ? ", whose DataWriteGuid is " + p.dataWriteGuid.toString()
                       : ", which is not mapped (" + p.problem + ")");
    }

    void parentElsewhere(const ChainNode& c) {
        const ChainNode& p = node(c.parent);
        std::string others;
        if (c.guidCandidates.size() > 1)
            others = " (also: " +
                     names(std::vector<int>(c.guidCandidates.begin() + 1, c.guidCandidates.end())) +
                     ")";
        add(Severity::Error, FindingCode::ChainParentElsewhere, c.displayPath,
            c.displayPath + ": " + locatorClause(c) + ", but " + p.displayPath + others +
                " has the " + expected(c) +
                " it expects: reconnect it with vhdx-inspector --set-parent " +
                shellQuoted(c.path) + " " + shellQuoted(p.path),
            "2.6.2.6");
    }

    void orphan(const ChainNode& c) {
        // Files that could have been its parent before they were written to: same geometry.
        std::vector<int> alike;
        for (int n : m_alike[geometryOf(c)])
            if (&node(n) != &c)
                alike.push_back(n);
        std::string candidates = alike.empty() ? "no file of the folder has its virtual size"
                                               : "files of the same virtual size and sector size "
                                                 "(written to since, or unrelated): ";
        for (size_t k = 0; k < alike.size() && k < kMaxNamesListed; ++k)
            candidates += (k ? ", " : "") + node(alike[k]).displayPath + " (DataWriteGuid " +
                          node(alike[k]).dataWriteGuid.toString() + ")";
        if (alike.size() > kMaxNamesListed)
            candidates += " and " + std::to_string(alike.size() - kMaxNamesListed) + " more";
        add(Severity::Error, FindingCode::ChainOrphan, c.displayPath,
            c.displayPath + " expects a parent with " + expected(c) +
                ", and no file has it: " + locatorClause(c) + "; " + candidates,
            "2.6.2.6");
    }

    using Geometry = std::pair<std::optional<uint64_t>, std::optional<uint32_t>>;
    static Geometry geometryOf(const ChainNode& n) {
        return {n.virtualDiskSize, n.logicalSectorSize};
    }

    ChainForest& m_forest;
    std::map<Geometry, std::vector<int>> m_alike; // mapped images by virtual and sector size
};

} // namespace

void addChainFindings(ChainForest& forest, const FolderListing& listing) {
    ChainFindings f(forest);
    f.skipped(listing);
    f.parents();
    f.loops();
    f.geometry();
    f.children();
}

} // namespace vhdx::detail

namespace vhdx {

void ChainFindings::add(Severity severity, FindingCode code, std::string path, std::string message,
                        std::string spec) {
    m_items.push_back({severity, code, std::move(path), std::move(message), std::move(spec)});
}

bool ChainFindings::has(FindingCode code) const {
    return std::any_of(m_items.begin(), m_items.end(),
                       [code](const ChainFinding& f) { return f.code == code; });
}

bool ChainFindings::hasErrors() const {
    return count(Severity::Error) > 0;
}

size_t ChainFindings::count(Severity s) const {
    return size_t(std::count_if(m_items.begin(), m_items.end(),
                                [s](const ChainFinding& f) { return f.severity == s; }));
}

std::vector<ChainFinding> ChainFindings::sorted() const {
    std::vector<ChainFinding> out = m_items;
    std::stable_sort(out.begin(), out.end(), [](const ChainFinding& a, const ChainFinding& b) {
        return int(a.severity) > int(b.severity);
    });
    return out;
}

} // namespace vhdx
