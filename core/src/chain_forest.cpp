// Mapping the chains of a folder: open every image (headers and metadata only), follow each
// child's locator (parent_chain.cpp's candidates, also to parents outside the folder), find
// the files with the DataWriteGuid it expects, pick its parent, find loops. The findings are
// added by chain_findings.cpp.
#include "vhdx/chain_forest.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "chain_forest_internal.h"
#include "vhdx/image.h"
#include "vhdx/work_budget.h"

namespace vhdx {

namespace fs = std::filesystem;

const char* chainNodeStatusName(ChainNodeStatus s) {
    switch (s) {
    case ChainNodeStatus::Ok:
        return "ok";
    case ChainNodeStatus::ParentElsewhere:
        return "parent_elsewhere";
    case ChainNodeStatus::Orphan:
        return "orphan";
    case ChainNodeStatus::Loop:
        return "loop";
    case ChainNodeStatus::Skipped:
        return "skipped";
    }
    return "skipped";
}

std::vector<int> ChainForest::roots() const {
    std::vector<int> out;
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].parent < 0 && nodes[i].status != ChainNodeStatus::Skipped)
            out.push_back(int(i));
    for (const auto& loop : loops)
        out.push_back(loop.front());
    return out;
}

namespace {

class ForestBuilder {
  public:
    ForestBuilder(ChainForest& forest, const ForestOptions& options)
        : m_forest(forest), m_options(options) {}

    void addFolderFiles(const std::vector<std::string>& relativePaths) {
        for (const std::string& rel : relativePaths)
            addNode(m_forest.folder + "/" + rel, rel, true, 0);
    }

    // Follows every child's locator; a parent outside the folder becomes a node too, and its
    // own locator is followed, up to maxOutsideDepth steps away from the folder.
    void locateParents() {
        for (size_t i = 0; i < m_forest.nodes.size(); ++i) {
            if (!m_forest.nodes[i].hasLocator)
                continue;
            if (m_depth[i] >= m_options.maxOutsideDepth) {
                m_forest.nodes[i].followed = false;
                continue;
            }
            LocatedParent located = locateParent(m_locators[i], m_forest.nodes[i].path);
            int target = -1;
            if (located.found) {
                const std::string path = fs::path(located.path).lexically_normal().string();
                target = addNode(path, path, false, m_depth[i] + 1);
            }
            m_forest.nodes[i].located = std::move(located);
            m_forest.nodes[i].locatedNode = target;
        }
    }

    void chooseParents() {
        std::multimap<Guid, int> byDataWriteGuid;
        for (size_t i = 0; i < m_forest.nodes.size(); ++i)
            if (m_forest.nodes[i].vhdx)
                byDataWriteGuid.emplace(m_forest.nodes[i].dataWriteGuid, int(i));
        for (size_t i = 0; i < m_forest.nodes.size(); ++i) {
            ChainNode& c = m_forest.nodes[i];
            if (!c.vhdx || !c.hasParent || !c.followed)
                continue;
            for (const auto& [key, guid] : {std::pair{"parent_linkage", c.linkages.linkage},
                                            std::pair{"parent_linkage2", c.linkages.linkage2}}) {
                if (!guid)
                    continue;
                // Equal keys keep their insertion order: the first ones come first.
                size_t taken = 0;
                for (auto [it, end] = byDataWriteGuid.equal_range(*guid);
                     it != end && taken < maxGuidCandidates; ++it, ++taken) {
                    c.guidCandidates.push_back(it->second);
                    m_forest.edges.push_back(
                        {int(i), it->second, ChainEdge::Kind::Guid, key, true});
                }
            }
            // Files of the folder first, then in path order (nodes are in that order).
            std::sort(c.guidCandidates.begin(), c.guidCandidates.end());
            c.guidCandidates.erase(std::unique(c.guidCandidates.begin(), c.guidCandidates.end()),
                                   c.guidCandidates.end());
            bool locatorRight = false;
            if (c.locatedNode >= 0) {
                const ChainNode& p = m_forest.nodes[size_t(c.locatedNode)];
                locatorRight = p.vhdx && c.linkages.accepts(p.dataWriteGuid);
                m_forest.edges.push_back({int(i), c.locatedNode, ChainEdge::Kind::Locator,
                                          c.located.locatorKey, locatorRight});
            }
            if (locatorRight) {
                c.parent = c.locatedNode;
            } else if (!c.guidCandidates.empty()) {
                c.parent = c.guidCandidates.front();
                c.status = ChainNodeStatus::ParentElsewhere;
            } else {
                c.status = ChainNodeStatus::Orphan;
            }
        }
    }

    // A parent of a parent ... that comes back: each node is entered once (colouring), so
    // this is linear in the number of nodes.
    void findLoops() {
        std::vector<int> state(m_forest.nodes.size(), 0); // 0 new, 1 on the path, 2 done
        for (size_t start = 0; start < m_forest.nodes.size(); ++start) {
            std::vector<int> path;
            int n = int(start);
            while (n >= 0 && state[size_t(n)] == 0) {
                state[size_t(n)] = 1;
                path.push_back(n);
                n = m_forest.nodes[size_t(n)].parent;
            }
            if (n >= 0 && state[size_t(n)] == 1) {
                const auto from = std::find(path.begin(), path.end(), n);
                std::vector<int> loop(from, path.end());
                for (int member : loop)
                    m_forest.nodes[size_t(member)].status = ChainNodeStatus::Loop;
                m_forest.loops.push_back(std::move(loop));
            }
            for (int member : path)
                state[size_t(member)] = 2;
        }
        for (size_t i = 0; i < m_forest.nodes.size(); ++i)
            if (const int p = m_forest.nodes[i].parent; p >= 0)
                m_forest.nodes[size_t(p)].children.push_back(int(i));
    }

  private:
    // Opens the image (or finds it among the nodes by identity); returns its index.
    int addNode(const std::string& path, const std::string& display, bool inFolder, int depth) {
        const std::optional<FileIdentity> id = fileIdentity(path);
        if (id)
            if (const auto it = m_byIdentity.find(*id); it != m_byIdentity.end()) {
                if (inFolder)
                    m_forest.nodes[size_t(it->second)].aliases.push_back(display);
                return it->second;
            }
        ChainNode node;
        node.path = path;
        node.displayPath = display;
        node.inFolder = inFolder;
        node.identity = id;
        ParentLocator locator = open(node);
        const int index = int(m_forest.nodes.size());
        m_forest.nodes.push_back(std::move(node));
        m_locators.push_back(std::move(locator));
        m_depth.push_back(depth);
        if (id)
            m_byIdentity.emplace(*id, index);
        return index;
    }

    // Headers and metadata only, with the open's own log budget; no BAT scan, no parents.
    ParentLocator open(ChainNode& node) const {
        node.status = ChainNodeStatus::Skipped;
        ParseOptions options;
        options.resolveParent = false;
        options.budget = std::make_shared<WorkBudget>(m_options.logBytesPerOpen);
        std::string error;
        const auto image = Image::open(node.path, error, options);
        if (!image) {
            node.problem = error;
            return {};
        }
        const Header* current = image->headers().currentHeader();
        const Metadata& md = image->metadata();
        if (!image->isVhdx())
            node.problem = "not a VHDX file (no \"vhdxfile\" signature)";
        else if (!current)
            node.problem = "no valid header";
        else if (!md.fileParameterFlags)
            node.problem = "its File Parameters could not be read";
        if (!node.problem.empty())
            return {};
        node.vhdx = true;
        node.status = ChainNodeStatus::Ok;
        node.dataWriteGuid = current->dataWriteGuid;
        node.hasParent = md.hasParent;
        node.virtualDiskSize = md.virtualDiskSize;
        node.blockSize = md.blockSize;
        node.logicalSectorSize = md.logicalSectorSize;
        node.physicalSectorSize = md.physicalSectorSize;
        node.logReplay = image->log().replayState;
        node.errorFindings = image->findings().count(Severity::Error);
        if (!md.hasParent || !md.parentLocator)
            return {};
        node.hasLocator = true;
        node.linkages = parentLinkages(*md.parentLocator);
        if (const std::string* text = md.parentLocator->value("parent_linkage"))
            node.linkageText = *text;
        return *md.parentLocator;
    }

    ChainForest& m_forest;
    const ForestOptions& m_options;
    std::map<FileIdentity, int> m_byIdentity;
    std::vector<ParentLocator> m_locators; // per node
    std::vector<int> m_depth;              // steps away from the folder
};

} // namespace

std::optional<ChainForest> mapChains(const std::string& folder, std::string& error,
                                     const ForestOptions& options) {
    ChainForest forest;
    std::error_code ec;
    forest.folder = fs::absolute(folder, ec).lexically_normal().string();
    if (ec) {
        error = "cannot use the folder '" + folder + "': " + ec.message();
        return std::nullopt;
    }
    while (forest.folder.size() > 1 && forest.folder.back() == '/')
        forest.folder.pop_back();
    detail::FolderListing listing;
    if (!detail::listImageFiles(forest.folder, options.recursive, options.maxImages, listing,
                                error))
        return std::nullopt;
    forest.imagesInFolder = listing.files.size() + listing.filesPastLimit;
    ForestBuilder builder(forest, options);
    builder.addFolderFiles(listing.files);
    builder.locateParents();
    builder.chooseParents();
    builder.findLoops();
    detail::addChainFindings(forest, listing);
    return forest;
}

std::vector<std::string> childrenInFolder(const std::string& imagePath) {
    std::vector<std::string> out;
    ForestOptions options;
    options.recursive = false;
    std::string error;
    const std::string dir = fs::path(imagePath).parent_path().string();
    const auto forest = mapChains(dir.empty() ? "." : dir, error, options);
    const std::optional<FileIdentity> id = fileIdentity(imagePath);
    if (!forest || !id)
        return out;
    for (const ChainNode& n : forest->nodes)
        if (n.identity == id)
            for (int c : n.children)
                if (forest->nodes[size_t(c)].inFolder && forest->nodes[size_t(c)].identity != id)
                    out.push_back(forest->nodes[size_t(c)].displayPath);
    return out;
}

} // namespace vhdx
