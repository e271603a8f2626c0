// Building the document: the areas in file order, then the findings on their nodes.
#include "document_builder.h"

#include "vhdx/schema/field.h"

namespace vhdx {

namespace detail {

NodeStatus DocBuild::statusOfFinding(FindingCode code, StructureRef where) const {
    NodeStatus s = NodeStatus::None;
    for (const Finding& f : findings)
        if (f.code == code && f.where == where)
            s = std::max(s, statusOf(f.severity));
    return s;
}

std::vector<ByteRange> subRanges(const std::vector<ByteRange>& whole, uint64_t rel, uint64_t len) {
    std::vector<ByteRange> out;
    for (const ByteRange& r : whole) {
        if (len == 0)
            break;
        if (rel >= r.length) {
            rel -= r.length;
            continue;
        }
        const uint64_t n = std::min(len, r.length - rel);
        out.push_back({r.offset + rel, n});
        len -= n;
        rel = 0;
    }
    if (len)
        out.clear(); // past the structure's bytes: no position to show
    return out;
}

NodeId addField(Document& d, NodeId parent, const schema::Field& f, std::string value) {
    const NodeId id = d.add(parent, NodeKind::Field, std::string(f.label), std::move(value));
    DocNode& n = d.edit(id);
    n.field = &f;
    n.ranges = subRanges(d.node(parent).ranges, f.offset, f.size);
    return id;
}

NodeId setStatus(Document& d, NodeId id, NodeStatus s, std::string reason) {
    DocNode& n = d.edit(id);
    n.status = s;
    n.reason = std::move(reason);
    return id;
}

std::string yesNo(bool b) {
    return b ? "yes" : "no";
}

std::string missingRegionReason(const Regions& regions, const std::string& what) {
    if (!regions.tables[0].valid() && !regions.tables[1].valid() && !regions.used)
        return "Neither region table is valid, so where the " + what +
               " lies in the file is not known: it cannot be read";
    return "The region table in use lists no usable " + what +
           " region, so it cannot be read (see the region table findings)";
}

} // namespace detail

std::shared_ptr<const Document> buildDocument(const Image& image,
                                              const std::vector<Finding>& findings,
                                              const DocumentOptions& options) {
    auto doc = std::make_shared<Document>();
    detail::DocBuild b{*doc, image, findings, options};
    detail::addFrontNodes(b);
    if (image.isVhdx()) {
        detail::addMetadataNodes(b);
        detail::addBatNodes(b);
        detail::addLogNodes(b);
        detail::addParentChainNodes(b);
        detail::addVirtualDiskNodes(b);
    }
    doc->setFindings(findings);
    detail::attachFindings(b);
    detail::markLogChanges(b);
    return doc;
}

} // namespace vhdx
