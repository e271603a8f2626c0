#include "vhdx/structure_ref.h"

#include "vhdx/metadata.h"
#include "vhdx/text_format.h"

namespace vhdx {

std::string structureKey(const StructureRef& r, const Metadata& md) {
    const std::string n = std::to_string(r.index);
    switch (r.part) {
    case Part::File:
        return "file";
    case Part::Identifier:
        return "identifier";
    case Part::Header:
        return "header" + n;
    case Part::RegionTable:
        return "region_table" + n;
    case Part::Metadata:
        return "metadata";
    case Part::MetadataItem:
        return r.index < md.entries.size() ? "metadata:" + md.entries[r.index].name
                                           : std::string("metadata");
    case Part::Bat:
        return "bat";
    case Part::BatEntry:
        return "bat[" + n + "]";
    case Part::Log:
        return "log";
    case Part::LogEntry:
        return "log[" + n + "]";
    case Part::ParentChain:
        return "parent";
    }
    return "file";
}

std::string logEntryTitle(uint64_t logOffset) {
    return "Log entry " + formatRelativeOffset(logOffset);
}

std::string structureTitle(const StructureRef& r, const Metadata& md) {
    const std::string n = std::to_string(r.index);
    switch (r.part) {
    case Part::File:
        return "File";
    case Part::Identifier:
        return "File identifier";
    case Part::Header:
        return "Header " + n;
    case Part::RegionTable:
        return "Region table " + n;
    case Part::Metadata:
        return "Metadata";
    case Part::MetadataItem:
        return r.index < md.entries.size() ? "Metadata item " + md.entries[r.index].name
                                           : std::string("Metadata");
    case Part::Bat:
        return "BAT";
    case Part::BatEntry:
        return "BAT entry " + n;
    case Part::Log:
        return "Log";
    case Part::LogEntry:
        return logEntryTitle(r.index);
    case Part::ParentChain:
        return "Parent chain";
    }
    return "File";
}

} // namespace vhdx
