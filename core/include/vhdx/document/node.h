#pragma once
// One node of the decoded document: a structure of the image (header, region table, log
// entry) or one of its fields, with the bytes it came from, its one status and the findings
// that concern it (cf. Wireshark's proto_tree field_info: start, length, severity).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vhdx/findings.h"
#include "vhdx/schema/field.h"
#include "vhdx/structure_ref.h"

namespace vhdx {

// Ordered: a larger value is worse, so max() combines statuses.
enum class NodeStatus : uint8_t { None, Ok, Info, Warning, Error };

enum class NodeKind : uint8_t {
    Root,
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
    LogDescriptor,
    ParentChain,
    ParentLink,
    VirtualDisk,    // the disk behind the image: not bytes of this file
    GuestPartition, // a partition of the guest's partition table, as libblkid reads it
    Field,          // a field of a structure, or a fact about it
};

struct ByteRange {
    uint64_t offset = 0; // in the file
    uint64_t length = 0;
    bool operator==(const ByteRange&) const = default;
};

using NodeId = uint32_t;
inline constexpr NodeId noNode = UINT32_MAX;

struct DocNode {
    NodeKind kind = NodeKind::Field;
    std::string label;                    // "Header 1", "Sequence number"
    std::string value;                    // as shown: "sequence 15 (current)", "0x100000"
    const schema::Field* field = nullptr; // the schema field it shows, if it is one
    // Where its bytes are in the file, in order: a log entry that wraps around the end of
    // the circular log has two ranges, and so have its fields that straddle the end.
    std::vector<ByteRange> ranges;
    NodeStatus status = NodeStatus::None;
    std::string reason;              // why the status is what it is
    bool emphasized = false;         // the current header, the table in use, an active log entry
    std::optional<StructureRef> ref; // for structure nodes: the structure it stands for
    NodeId parent = noNode;
    uint32_t row = 0; // its index among its parent's children
    std::vector<NodeId> children;
    std::vector<uint32_t> findings; // indexes into the document's findings
    // The pending log replay writes into its bytes: what is shown is the replayed
    // value, and changedBy names the first descriptor that writes there.
    bool changedByLog = false;
    std::string changedBy; // "log entry sequence 7, descriptor 0 (data, 4 KiB at 0x200000)"

    [[nodiscard]] uint64_t size() const {
        uint64_t n = 0;
        for (const ByteRange& r : ranges)
            n += r.length;
        return n;
    }
    [[nodiscard]] std::optional<uint64_t> offset() const {
        return ranges.empty() ? std::nullopt : std::optional<uint64_t>(ranges.front().offset);
    }
    [[nodiscard]] bool contains(uint64_t fileOffset) const {
        for (const ByteRange& r : ranges)
            if (fileOffset >= r.offset && fileOffset - r.offset < r.length)
                return true;
        return false;
    }
};

[[nodiscard]] std::string_view statusName(NodeStatus s); // "ok", "warning", ...
[[nodiscard]] NodeStatus statusOf(Severity s);

} // namespace vhdx
