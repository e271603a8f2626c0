// The metadata region in the document: its table, every item with its decoded value and its
// table entry, the parent locator's key/value pairs with where each string lies.
#include "document_builder.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

namespace vhdx::detail {

namespace {

// A Flags field and one node per bit, each placed on the field's bytes.
void addFlags(Document& d, NodeId parent, const schema::Field& f, uint32_t raw,
              std::initializer_list<const schema::Bits*> bits) {
    const NodeId flags = addField(d, parent, f, hex32(raw));
    for (const schema::Bits* bit : bits) {
        const NodeId n =
            d.add(flags, NodeKind::Field, std::string(bit->label), yesNo(bit->of(raw)));
        d.edit(n).ranges = d.node(flags).ranges;
    }
}

void addLocator(Document& d, NodeId item, const ParentLocator& pl) {
    namespace pls = schema::parent_locator;
    namespace ple = schema::parent_locator_entry;
    d.edit(item).value = std::to_string(pl.keyValueCount) + " key/value pairs";
    addField(d, item, pls::locatorType,
             pl.type == guids::parentLocatorTypeVhdx ? "VHDX (" + pl.type.toString() + ")"
                                                     : pl.type.toString());
    addField(d, item, pls::keyValueCount, std::to_string(pl.keyValueCount));
    const auto& itemRanges = d.node(item).ranges;
    for (size_t i = 0; i < pl.entries.size(); ++i) {
        const ParentLocatorEntry& kv = pl.entries[i];
        const NodeId entry = d.add(item, NodeKind::ParentLocatorEntry, kv.key, kv.value);
        d.edit(entry).ranges = subRanges(itemRanges, ple::table.offsetOf(i), ple::layout.size);
        const NodeId key = d.add(entry, NodeKind::Field, "Key", kv.key);
        d.edit(key).ranges = subRanges(itemRanges, kv.keyOffset, kv.keyLength);
        const NodeId value = d.add(entry, NodeKind::Field, "Value", kv.value);
        d.edit(value).ranges = subRanges(itemRanges, kv.valueOffset, kv.valueLength);
    }
}

// The decoded value of a known item, as its node's value and a field node.
void addItemValue(Document& d, NodeId item, const MetadataEntry& e, const Metadata& md) {
    namespace fp = schema::file_parameters;
    DocNode& n = d.edit(item);
    if (e.itemId == guids::fileParameters && md.blockSize) {
        n.value = "block size " + formatSize(*md.blockSize);
        if (md.hasParent)
            n.value += ", has parent";
        if (md.leaveBlocksAllocated)
            n.value += ", leave blocks allocated";
        addField(d, item, fp::blockSize, formatSize(*md.blockSize));
        addFlags(d, item, fp::flags, md.fileParameterFlags.value_or(0),
                 {&fp::leaveBlocksAllocated, &fp::hasParent});
    } else if (e.itemId == guids::virtualDiskSize && md.virtualDiskSize) {
        n.value =
            formatSize(*md.virtualDiskSize) + " (" + formatCount(*md.virtualDiskSize) + " bytes)";
        addField(d, item, schema::virtual_disk_size::value, n.value);
    } else if (e.itemId == guids::page83Data && md.virtualDiskId) {
        n.value = md.virtualDiskId->toString();
        addField(d, item, schema::virtual_disk_id::value, n.value);
    } else if (e.itemId == guids::logicalSectorSize && md.logicalSectorSize) {
        n.value = std::to_string(*md.logicalSectorSize) + " bytes";
        addField(d, item, schema::logical_sector_size::value, n.value);
    } else if (e.itemId == guids::physicalSectorSize && md.physicalSectorSize) {
        n.value = std::to_string(*md.physicalSectorSize) + " bytes";
        addField(d, item, schema::physical_sector_size::value, n.value);
    } else if (e.itemId == guids::parentLocator && md.parentLocator) {
        addLocator(d, item, *md.parentLocator);
    } else if (!e.placed) {
        n.value = "out of bounds";
    } else {
        n.value = std::to_string(e.length) + " bytes, not decoded";
    }
}

void addTableEntry(Document& d, NodeId item, const MetadataEntry& e, uint64_t at, size_t i) {
    namespace me = schema::metadata_entry;
    const NodeId te =
        d.add(item, NodeKind::MetadataTableEntry, "Table entry", "#" + std::to_string(i));
    d.edit(te).ranges = {{at, me::layout.size}};
    addField(d, te, me::itemId, e.itemId.toString());
    addField(d, te, me::offset, formatOffset(e.offset));
    addField(d, te, me::length, std::to_string(e.length));
    addFlags(d, te, me::flags, e.flagsRaw, {&me::isUser, &me::isVirtualDisk, &me::isRequired});
}

std::string whyUnreadable(const Image& img) {
    const Metadata& md = img.metadata();
    if (!img.regions().metadata)
        return missingRegionReason(img.regions(), "metadata");
    if (md.tableRead == ReadStatus::IoError)
        return "the metadata table could not be read (I/O error)";
    return "the metadata table lies beyond end of file";
}

} // namespace

void addMetadataNodes(DocBuild& b) {
    namespace mt = schema::metadata_table;
    namespace me = schema::metadata_entry;
    Document& d = b.doc;
    const Metadata& md = b.image.metadata();
    const NodeId node = d.add(d.root(), NodeKind::Metadata, "Metadata");
    d.setRef(node, ref::metadata());
    if (!md.readable) {
        d.edit(node).value = "unreadable";
        setStatus(d, node, NodeStatus::Error, whyUnreadable(b.image));
        return;
    }
    d.edit(node).ranges = {{md.regionOffset, md.regionLength}};
    d.edit(node).value = std::to_string(md.entries.size()) + " items";
    setStatus(d, node, NodeStatus::Ok, "table signature \"metadata\"");
    const NodeId sig =
        addField(d, node, mt::signature, schema::signatureText(md.signature.data(), mt::signature));
    setStatus(d, sig, b.checked(FindingCode::MetadataSignatureBad, ref::metadata()),
              md.signatureValid ? "\"metadata\"" : "table signature is not \"metadata\"");
    addField(d, node, mt::entryCount, std::to_string(md.entryCount));
    for (size_t i = 0; i < md.entries.size(); ++i) {
        const MetadataEntry& e = md.entries[i];
        const NodeId item = d.add(node, NodeKind::MetadataItem, e.name);
        d.setRef(item, ref::metadataItem(i));
        if (e.placed) {
            d.edit(item).ranges = {{md.regionOffset + e.offset, e.length}};
            setStatus(d, item, NodeStatus::Ok, "inside the region");
        }
        addItemValue(d, item, e, md);
        addTableEntry(d, item, e, md.regionOffset + me::table.offsetOf(i), i);
    }
}

} // namespace vhdx::detail
