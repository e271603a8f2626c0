#pragma once
// Which structure of an image something concerns, as a typed reference: a finding names its
// structure this way, the document finds the node for it, and only the JSON and text reports
// turn it into a string ("header1", "metadata:File Parameters", "bat[12]", "log[4096]").
#include <cstdint>
#include <string>

namespace vhdx {

struct Metadata;

enum class Part : uint8_t {
    File,
    Identifier,
    Header,       // index: 1 or 2
    RegionTable,  // index: 1 or 2
    Metadata,     // the metadata region and its table
    MetadataItem, // index: the item's entry in the metadata table
    Bat,
    BatEntry, // index: the entry's index in the BAT
    Log,
    LogEntry, // index: the entry's offset in the log
    ParentChain,
};

struct StructureRef {
    Part part = Part::File;
    uint64_t index = 0;
    bool operator==(const StructureRef&) const = default;
};

namespace ref {
[[nodiscard]] constexpr StructureRef file() {
    return {Part::File, 0};
}
[[nodiscard]] constexpr StructureRef identifier() {
    return {Part::Identifier, 0};
}
[[nodiscard]] constexpr StructureRef header(int index) {
    return {Part::Header, uint64_t(index)};
}
[[nodiscard]] constexpr StructureRef regionTable(int index) {
    return {Part::RegionTable, uint64_t(index)};
}
[[nodiscard]] constexpr StructureRef metadata() {
    return {Part::Metadata, 0};
}
[[nodiscard]] constexpr StructureRef metadataItem(uint64_t entryIndex) {
    return {Part::MetadataItem, entryIndex};
}
[[nodiscard]] constexpr StructureRef bat() {
    return {Part::Bat, 0};
}
[[nodiscard]] constexpr StructureRef batEntry(uint64_t index) {
    return {Part::BatEntry, index};
}
[[nodiscard]] constexpr StructureRef log() {
    return {Part::Log, 0};
}
[[nodiscard]] constexpr StructureRef logEntry(uint64_t logOffset) {
    return {Part::LogEntry, logOffset};
}
[[nodiscard]] constexpr StructureRef parentChain() {
    return {Part::ParentChain, 0};
}
} // namespace ref

// The report's name of the structure (README): "header1", "metadata:<item name>"
// (the item's name from md), "bat[12]", "log[4096]"... Only the reports use it.
[[nodiscard]] std::string structureKey(const StructureRef& r, const Metadata& md);
// The structure's name for people: "Header 1", "Metadata item Virtual Disk Size",
// "BAT entry 12", "Log entry +0x2000". The tree, the findings and the messages use it.
[[nodiscard]] std::string structureTitle(const StructureRef& r, const Metadata& md);
// The one name of a log entry: by its offset in the log ("Log entry +0x2000"), which is
// unique, where sequence numbers repeat among stale entries and run to 17 digits.
[[nodiscard]] std::string logEntryTitle(uint64_t logOffset);

} // namespace vhdx
