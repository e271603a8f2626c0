#include "structure_node.h"

#include <algorithm>

namespace vhdx::ui {

StructureNode* StructureNode::add(QString n, QString v, NodeKind k) {
    auto child = std::make_unique<StructureNode>();
    child->name = std::move(n);
    child->value = std::move(v);
    child->kind = k;
    child->parent = this;
    children.push_back(std::move(child));
    return children.back().get();
}

StructureNode* StructureNode::at(uint64_t relativeOffset, uint64_t length) {
    if (parent && !parent->offset)
        return this; // the enclosing structure has no place in the file: neither has this
    offset = (parent ? *parent->offset : 0) + relativeOffset;
    size = length;
    return this;
}

StructureNode* StructureNode::withStatus(NodeStatus s, QString why) {
    status = s;
    reason = std::move(why);
    return this;
}

int StructureNode::row() const {
    if (!parent)
        return 0;
    const auto it = std::find_if(parent->children.begin(), parent->children.end(),
                                 [this](const auto& c) { return c.get() == this; });
    return int(it - parent->children.begin());
}

const StructureNode* StructureNode::ownerOf(uint64_t fileOffset) const {
    const StructureNode* best = contains(fileOffset) ? this : nullptr;
    for (const auto& child : children) {
        const StructureNode* inner = child->ownerOf(fileOffset);
        if (inner && (!best || inner->size <= best->size))
            best = inner;
    }
    return best;
}

QString StructureNode::path() const {
    if (!parent)
        return {};
    const QString up = parent->path();
    return up.isEmpty() ? name : up + QLatin1Char('/') + name;
}

} // namespace vhdx::ui
