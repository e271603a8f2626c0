#pragma once
// The decoded document (README, Layout): core's tree of everything an image holds, built once from
// a parsed Image. The structure tree, the details and bytes panes, the header comparison and
// the BAT legend render it; "which field owns this byte" is one call here, not a walk in a
// view. Findings are attached to their nodes by typed reference (StructureRef).
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vhdx/document/node.h"
#include "vhdx/findings.h"

namespace vhdx {

class Image;
struct VirtualDiskSummary;

class Document {
  public:
    Document();
    [[nodiscard]] NodeId root() const { return 0; }
    [[nodiscard]] const DocNode& node(NodeId id) const { return m_nodes[id]; }
    [[nodiscard]] size_t nodeCount() const { return m_nodes.size(); }
    [[nodiscard]] const std::vector<Finding>& findings() const { return m_findings; }

    // The deepest, then smallest, node under `within` whose bytes include fileOffset; noNode
    // when none does.
    [[nodiscard]] NodeId nodeAt(uint64_t fileOffset, NodeId within = 0) const;
    // The node that stands for a structure; for one without a node of its own (a BAT entry),
    // the nearest enclosing one (the BAT); noNode when the image has no such structure.
    [[nodiscard]] NodeId nodeFor(const StructureRef& r) const;
    // The node a finding is shown on: its structure's, or the node its code concerns (a
    // parent that was not found: the parent chain, not the valid locator item).
    [[nodiscard]] NodeId nodeForFinding(const Finding& f) const;
    // Labels from the root joined with '\x1f', and back: for keeping a view's selection
    // and expanded nodes across a reload.
    [[nodiscard]] std::string path(NodeId id) const;
    [[nodiscard]] NodeId nodeForPath(std::string_view path) const;
    // The first child of parent with this schema field, or noNode.
    [[nodiscard]] NodeId childWithField(NodeId parent, const schema::Field& f) const;

    // Building (document/*.cpp).
    NodeId add(NodeId parent, NodeKind kind, std::string label, std::string value = {});
    [[nodiscard]] DocNode& edit(NodeId id) { return m_nodes[id]; }
    void setRef(NodeId id, StructureRef r);
    void setFindings(std::vector<Finding> findings) { m_findings = std::move(findings); }

  private:
    std::vector<DocNode> m_nodes; // m_nodes[0] is the invisible root
    std::vector<Finding> m_findings;
    std::map<std::pair<Part, uint64_t>, NodeId> m_byRef;
};

struct DocumentOptions {
    // The BAT scan finished: its counts may be shown. While it runs only the parse is.
    bool scanDone = true;
    // Descriptors are read from the file while the document is built: bound the work for
    // huge logs.
    size_t maxEntriesWithDescriptors = 256;
    size_t maxDescriptorsPerEntry = 64;
    // The disk behind the image and the guest's partitions (summarizeVirtualDisk, which reads
    // the virtual disk): a "Virtual disk" node when set. Computed by the caller, once.
    std::shared_ptr<const VirtualDiskSummary> virtualDisk;
};

// Builds the document of a parsed image with these findings (the image's own, or a snapshot
// of them while a scan runs on another thread).
[[nodiscard]] std::shared_ptr<const Document> buildDocument(const Image& image,
                                                            const std::vector<Finding>& findings,
                                                            const DocumentOptions& options = {});

} // namespace vhdx
