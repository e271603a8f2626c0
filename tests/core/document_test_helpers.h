#pragma once
// Shared helpers of the document tests: build an image's document with its own findings,
// and walk the tree by label.
#include <memory>
#include <string>

#include "vhdx/document/document.h"
#include "vhdx/image.h"

namespace vhdx::test {

inline std::shared_ptr<const Document> documentOf(const Image& img, const DocumentOptions& o = {}) {
    return buildDocument(img, img.findings().items(), o);
}

// The child of `parent` with this label, or noNode (also when parent is noNode).
inline NodeId childNamed(const Document& d, NodeId parent, const std::string& label) {
    if (parent == noNode)
        return noNode;
    for (NodeId c : d.node(parent).children)
        if (d.node(c).label == label)
            return c;
    return noNode;
}

} // namespace vhdx::test
