#pragma once
// Turns a parsed vhdx::Image into the node tree the StructureTreeModel shows. Field byte
// positions follow vhdx-format.md; every value and validity flag comes from core.
#include <memory>
#include <vector>

#include "structure_node.h"
#include "vhdx/findings.h"

namespace vhdx {
class Image;
}

namespace vhdx::ui {

struct TreeBuildInput {
    const Image* image = nullptr;
    // The BAT scan finished: batScan() may be read. While it runs only the parse is shown.
    bool scanDone = false;
    const std::vector<Finding>* findings = nullptr; // raise node status, explain why
};

// The invisible root; its children are File, File identifier, Header 1, ...
[[nodiscard]] std::unique_ptr<StructureNode> buildStructureTree(const TreeBuildInput& input);

// Node for a finding's structure key ("header1", "metadata:File Parameters", "bat[12]",
// "log[4096]"), falling back to the enclosing structure; null when nothing matches.
[[nodiscard]] StructureNode* findNodeForKey(StructureNode* root, const QString& key);

// Part of the builder, one file per area of the format.
void addMetadataNodes(StructureNode* root, const Image& image);
void addLogNodes(StructureNode* root, const Image& image);
void addBatNodes(StructureNode* root, const Image& image, bool scanDone);

} // namespace vhdx::ui
