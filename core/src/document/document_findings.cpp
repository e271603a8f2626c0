// Findings onto their nodes (by typed reference, no string keys), each raising its node's
// status and explaining it; then every problem is carried up to the root, so a collapsed
// tree still points at it.
#include "document_builder.h"

namespace vhdx::detail {

namespace {

void propagate(Document& d, NodeId id) {
    for (NodeId c : d.node(id).children) {
        propagate(d, c);
        const DocNode& child = d.node(c);
        DocNode& n = d.edit(id);
        if (child.status > n.status && child.status >= NodeStatus::Warning) {
            n.status = child.status;
            n.reason = child.label + ": " + child.reason;
        }
    }
}

} // namespace

void attachFindings(DocBuild& b) {
    Document& d = b.doc;
    const auto& findings = d.findings();
    for (uint32_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        NodeId id = d.nodeForFinding(f);
        if (id == noNode)
            id = d.node(d.root()).children.front(); // the File node
        DocNode& n = d.edit(id);
        n.findings.push_back(i);
        const NodeStatus s = statusOf(f.severity);
        const std::string line = std::string(codeName(f.code)) + ": " + f.message;
        if (s > n.status || n.status <= NodeStatus::Ok) {
            n.reason = n.status > NodeStatus::Ok ? line + "\n" + n.reason : line;
            n.status = std::max(n.status, s);
        } else {
            n.reason += "\n" + line;
        }
    }
    propagate(d, d.root());
}

} // namespace vhdx::detail
