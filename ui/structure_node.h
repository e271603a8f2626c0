#pragma once
// One row of the structure tree: a structure of the image (header, region table, log entry)
// or one of its fields, with the byte range it occupies and its own status.
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "status_style.h"

namespace vhdx::ui {

enum class NodeKind {
    File,
    Identifier,
    Header,
    RegionTable,
    RegionEntry,
    Metadata,
    MetadataItem,
    MetadataTableEntry,
    ParentLocatorEntry,
    Bat,
    BatStates,
    Log,
    LogEntry,
    ParentChain,
    ParentLink,
    Field,
};

struct StructureNode {
    QString name;
    QString value;
    std::optional<uint64_t> offset; // absolute file offset of the bytes it describes
    uint64_t size = 0;
    NodeStatus status = NodeStatus::None;
    QString reason; // why the status is what it is (tooltip)
    QString key;    // finding structure key ("header1", "log[4096]"), empty for fields
    NodeKind kind = NodeKind::Field;
    int headerIndex = 0;     // for Header nodes: 1 or 2
    bool emphasized = false; // current header, active log entry: shown bold

    StructureNode* parent = nullptr;
    std::vector<std::unique_ptr<StructureNode>> children;

    StructureNode* add(QString name, QString value = {}, NodeKind kind = NodeKind::Field);
    // Sets the byte range relative to the parent's offset.
    StructureNode* at(uint64_t relativeOffset, uint64_t length);
    StructureNode* withStatus(NodeStatus s, QString why);
    [[nodiscard]] int row() const;
    [[nodiscard]] bool contains(uint64_t fileOffset) const {
        return offset && size && fileOffset >= *offset && fileOffset - *offset < size;
    }
    // Deepest descendant (or this) whose range holds fileOffset, preferring the smallest.
    [[nodiscard]] const StructureNode* ownerOf(uint64_t fileOffset) const;
    // The child path from the root, as names joined with '/', for restoring view state.
    [[nodiscard]] QString path() const;
};

} // namespace vhdx::ui
