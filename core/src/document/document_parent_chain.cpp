// The parent chain of a differencing disk in the document: each ancestor, how it was found,
// and whether its DataWriteGuid is the linkage the child expects.
#include "document_builder.h"

namespace vhdx::detail {

void addParentChainNodes(DocBuild& b) {
    Document& d = b.doc;
    const auto& chain = b.image.parentChain();
    if (!b.image.metadata().hasParent && chain.empty())
        return;
    const NodeId node = d.add(d.root(), NodeKind::ParentChain, "Parent chain",
                              std::to_string(chain.size()) + " parent(s)");
    d.setRef(node, ref::parentChain());
    int level = 1;
    for (const ParentLink& link : chain) {
        const NodeId l = d.add(node, NodeKind::ParentLink, "Parent " + std::to_string(level++),
                               link.found ? link.path : "not found");
        if (!link.found)
            setStatus(d, l, NodeStatus::Error, "no candidate path exists");
        else if (!link.readable)
            setStatus(d, l, NodeStatus::Error, "the file is not a readable VHDX");
        else if (link.linkageMatches)
            setStatus(d, l, NodeStatus::Ok, "parent_linkage matches the parent's DataWriteGuid");
        else
            setStatus(d, l, NodeStatus::Error,
                      "parent_linkage differs from the parent's DataWriteGuid");
        d.add(l, NodeKind::Field, "Resolved by", link.locatorKey);
        std::string tried;
        for (const auto& t : link.tried)
            tried += (tried.empty() ? "" : "; ") + t;
        d.add(l, NodeKind::Field, "Tried", tried);
        d.add(l, NodeKind::Field, "Expected linkage",
              link.expectedLinkageValid ? link.expectedLinkage.toString() : "(none)");
        d.add(l, NodeKind::Field, "Parent data write GUID",
              link.readable ? link.parentDataWriteGuid.toString() : "(unreadable)");
        d.add(l, NodeKind::Field, "Parent is differencing", yesNo(link.parentHasParent));
    }
}

} // namespace vhdx::detail
