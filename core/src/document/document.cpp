#include "vhdx/document/document.h"

#include <algorithm>

namespace vhdx {

std::string_view statusName(NodeStatus s) {
    switch (s) {
    case NodeStatus::None:
        return "";
    case NodeStatus::Ok:
        return "ok";
    case NodeStatus::Info:
        return "info";
    case NodeStatus::Warning:
        return "warning";
    case NodeStatus::Error:
        return "error";
    }
    return "";
}

NodeStatus statusOf(Severity s) {
    switch (s) {
    case Severity::Info:
        return NodeStatus::Info;
    case Severity::Warning:
        return NodeStatus::Warning;
    case Severity::Error:
        return NodeStatus::Error;
    }
    return NodeStatus::Error;
}

Document::Document() {
    m_nodes.emplace_back().kind = NodeKind::Root;
}

NodeId Document::add(NodeId parent, NodeKind kind, std::string label, std::string value) {
    const NodeId id = NodeId(m_nodes.size());
    DocNode& n = m_nodes.emplace_back();
    n.kind = kind;
    n.label = std::move(label);
    n.value = std::move(value);
    n.parent = parent;
    DocNode& p = m_nodes[parent];
    n.row = uint32_t(p.children.size());
    p.children.push_back(id);
    return id;
}

NodeId Document::nodeAt(uint64_t fileOffset, NodeId within) const {
    // Depth first; a deeper node wins, and among nodes of one depth the smaller.
    NodeId best = noNode;
    size_t bestDepth = 0;
    struct Item {
        NodeId id;
        size_t depth;
    };
    std::vector<Item> stack{{within, 0}};
    while (!stack.empty()) {
        const Item it = stack.back();
        stack.pop_back();
        const DocNode& n = m_nodes[it.id];
        const bool holds = n.contains(fileOffset);
        if (holds && (best == noNode || it.depth > bestDepth ||
                      (it.depth == bestDepth && n.size() < m_nodes[best].size()))) {
            best = it.id;
            bestDepth = it.depth;
        }
        // Children lie inside their parent's bytes, except for nodes without bytes of their
        // own (the root, groups), whose children are searched anyway.
        if (holds || n.ranges.empty())
            for (NodeId c : n.children)
                stack.push_back({c, it.depth + 1});
    }
    return best;
}

void Document::setRef(NodeId id, StructureRef r) {
    m_nodes[id].ref = r;
    m_byRef.emplace(std::make_pair(r.part, r.index), id); // the first node of a ref wins
}

NodeId Document::nodeFor(const StructureRef& r) const {
    if (const auto it = m_byRef.find({r.part, r.index}); it != m_byRef.end())
        return it->second;
    switch (r.part) { // no node of its own: the enclosing structure
    case Part::BatEntry:
        return nodeFor(ref::bat());
    case Part::LogEntry:
        return nodeFor(ref::log());
    case Part::MetadataItem:
        return nodeFor(ref::metadata());
    case Part::File:
        return noNode;
    default:
        return nodeFor(ref::file());
    }
}

NodeId Document::nodeForFinding(const Finding& f) const {
    if (f.code == FindingCode::ParentNotFound || f.code == FindingCode::ParentLinkageMismatch)
        if (const NodeId chain = nodeFor(ref::parentChain()); chain != noNode)
            return chain;
    return nodeFor(f.where);
}

std::string Document::path(NodeId id) const {
    std::vector<std::string_view> parts;
    for (NodeId n = id; n != noNode && n != root(); n = m_nodes[n].parent)
        parts.push_back(m_nodes[n].label);
    std::string out;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
        out.append(out.empty() ? "" : "\x1f").append(*it);
    return out;
}

NodeId Document::nodeForPath(std::string_view path) const {
    NodeId at = root();
    while (!path.empty()) {
        const size_t slash = path.find('\x1f');
        const std::string_view part = path.substr(0, slash);
        const auto& kids = m_nodes[at].children;
        const auto it = std::find_if(kids.begin(), kids.end(),
                                     [&](NodeId c) { return m_nodes[c].label == part; });
        if (it == kids.end())
            return noNode;
        at = *it;
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    }
    return at;
}

NodeId Document::childWithField(NodeId parent, const schema::Field& f) const {
    for (NodeId c : m_nodes[parent].children)
        if (m_nodes[c].field == &f)
            return c;
    return noNode;
}

} // namespace vhdx
