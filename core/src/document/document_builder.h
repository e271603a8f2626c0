#pragma once
// What the document's builders share (not part of the public API): the document being
// built, the image, its findings, and the helpers that place schema fields.
#include <string>
#include <vector>

#include "vhdx/document/document.h"
#include "vhdx/document/field_text.h"
#include "vhdx/image.h"
#include "vhdx/schema/field.h"

namespace vhdx::detail {

struct DocBuild {
    Document& doc;
    const Image& image;
    const std::vector<Finding>& findings;
    const DocumentOptions& options;

    // The worst severity among the findings of this code about this structure, as a status;
    // None when there is none.
    [[nodiscard]] NodeStatus statusOfFinding(FindingCode code, StructureRef where) const;
    // Ok, or that status, for a field a check concerns.
    [[nodiscard]] NodeStatus checked(FindingCode code, StructureRef where) const {
        const NodeStatus s = statusOfFinding(code, where);
        return s == NodeStatus::None ? NodeStatus::Ok : s;
    }
};

// The ranges of [rel, rel + len) of a structure whose bytes are `whole` (in order), in the
// file; empty when they reach past it.
[[nodiscard]] std::vector<ByteRange> subRanges(const std::vector<ByteRange>& whole, uint64_t rel,
                                               uint64_t len);

// A node for field f of the structure node `parent`, placed by the parent's ranges.
NodeId addField(Document& d, NodeId parent, const schema::Field& f, std::string value);
NodeId setStatus(Document& d, NodeId id, NodeStatus s, std::string reason);

[[nodiscard]] std::string yesNo(bool b);

// Why the region tables give no place for a region ("BAT", "metadata"), for its node.
[[nodiscard]] std::string missingRegionReason(const Regions& regions, const std::string& what);

// The builders, one per area of the format.
void addFrontNodes(DocBuild& b); // file, identifier, headers, region tables
void addMetadataNodes(DocBuild& b);
void addBatNodes(DocBuild& b);
void addLogNodes(DocBuild& b);
void addParentChainNodes(DocBuild& b);
void addVirtualDiskNodes(DocBuild& b);
// Findings onto their nodes, statuses raised and carried up to the root.
void attachFindings(DocBuild& b);
// Marks the nodes whose bytes the pending log replay writes (document_log_changes.cpp).
void markLogChanges(DocBuild& b);
// Under the log: what its replay does (document_log_changes.cpp), as the text report's
// "Log replay" section says it.
void addReplayNodes(DocBuild& b, NodeId log);

} // namespace vhdx::detail
