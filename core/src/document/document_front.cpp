// The first MiB in the document: file, identifier, both headers, both region tables.
#include "document_builder.h"
#include "vhdx/checksummed_block.h"
#include "vhdx/document/field_text.h"
#include "vhdx/layout.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

namespace vhdx::detail {

namespace {

std::string fileName(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

NodeId addStructure(Document& d, NodeKind kind, std::string label, StructureRef r, uint64_t offset,
                    uint64_t size) {
    const NodeId id = d.add(d.root(), kind, std::move(label));
    d.setRef(id, r);
    d.edit(id).ranges = {{offset, size}};
    return id;
}

// The signature as found: its text when it is the magic, else its bytes.
void addSignature(DocBuild& b, NodeId parent, const ChecksummedBlock& blk, const schema::Field& f,
                  FindingCode code, StructureRef where) {
    const NodeId id = addField(b.doc, parent, f, schema::signatureText(blk.raw.data(), f));
    setStatus(b.doc, id, b.checked(code, where),
              blk.signatureValid ? "\"" + std::string(f.magic) + "\""
                                 : "signature is not \"" + std::string(f.magic) + "\"");
}

void addChecksum(DocBuild& b, NodeId parent, const ChecksummedBlock& blk, const schema::Field& f,
                 FindingCode code, StructureRef where) {
    const NodeId id = addField(b.doc, parent, f, hex32(blk.checksum));
    const std::string why = checksumText(blk.checksum, blk.checksumComputed);
    setStatus(b.doc, id, b.checked(code, where), blk.checksumValid ? why + ": match" : why);
}

void addFile(DocBuild& b) {
    const Image& img = b.image;
    const NodeId file = addStructure(b.doc, NodeKind::File, "File", ref::file(), 0, img.fileSize());
    b.doc.edit(file).value = fileName(img.path());
    b.doc.add(file, NodeKind::Field, "Path", img.path());
    b.doc.add(file, NodeKind::Field, "Size",
              formatSize(img.fileSize()) + " (" + formatCount(img.fileSize()) + " bytes)");
}

void addIdentifier(DocBuild& b) {
    namespace is = schema::identifier;
    const FileIdentifier& id = b.image.identifier();
    const NodeId node = addStructure(b.doc, NodeKind::Identifier, "File identifier",
                                     ref::identifier(), 0, is::layout.size);
    const bool vhdx = b.image.isVhdx();
    b.doc.edit(node).value = id.signatureValid ? std::string(is::signature.magic)
                             : vhdx            ? "signature damaged"
                                               : "not a VHDX";
    // The findings (NOT_VHDX, IDENTIFIER_SIGNATURE_BAD, IO_ERROR) raise it and say why.
    setStatus(b.doc, node, NodeStatus::Ok, "signature \"vhdxfile\" present");
    if (!id.signatureValid)
        b.doc.edit(node).status = NodeStatus::None;
    if (!id.readable) {
        b.doc.edit(node).value = b.image.fileSize() ? "unreadable" : "empty file";
        return;
    }
    const NodeId sig = addField(b.doc, node, is::signature,
                                schema::signatureText(id.signature.data(), is::signature));
    setStatus(b.doc, sig, id.signatureValid ? NodeStatus::Ok : NodeStatus::Error,
              id.signatureValid ? "\"vhdxfile\"" : "signature is not \"vhdxfile\"");
    if (vhdx)
        addField(b.doc, node, is::creator, id.creator);
}

void addHeader(DocBuild& b, int index) {
    namespace hs = schema::header;
    const HeaderPair& pair = b.image.headers();
    const Header& h = pair.headers[size_t(index - 1)];
    const StructureRef where = ref::header(index);
    const bool current = pair.current == index;
    const NodeId node = addStructure(b.doc, NodeKind::Header, "Header " + std::to_string(index),
                                     where, h.offset, hs::layout.size);
    b.doc.edit(node).emphasized = current;
    if (!h.readable) {
        b.doc.edit(node).value = "unreadable";
        return; // FILE_TRUNCATED or IO_ERROR says why
    }
    b.doc.edit(node).value =
        "sequence " + std::to_string(h.sequenceNumber) + (current ? " (current)" : "");
    setStatus(b.doc, node, NodeStatus::Ok, current ? "valid; current header" : "valid");
    const NodeStatus version = b.checked(FindingCode::HeaderVersionBad, where);
    const std::string versionWhy =
        h.versionValid ? "Version 1, LogVersion 0" : "expected Version 1 and LogVersion 0";
    for (const schema::Field* f : hs::fields) {
        if (f == &hs::signature)
            addSignature(b, node, h, hs::signature, FindingCode::HeaderSignatureBad, where);
        else if (f == &hs::checksum)
            addChecksum(b, node, h, hs::checksum, FindingCode::HeaderChecksumBad, where);
        else if (f->type != schema::FieldType::Reserved)
            addField(b.doc, node, *f, headerFieldText(h, *f));
        if (f == &hs::logVersion || f == &hs::version)
            setStatus(b.doc, b.doc.node(node).children.back(), version, versionWhy);
    }
}

void addRegionEntry(Document& d, NodeId table, const RegionEntry& e, size_t i) {
    namespace re = schema::region_entry;
    const NodeId entry = d.add(table, NodeKind::RegionEntry, e.name,
                               formatSize(e.length) + " at " + formatOffset(e.fileOffset));
    d.edit(entry).ranges = subRanges(d.node(table).ranges, re::table.offsetOf(i), re::layout.size);
    addField(d, entry, re::guid, e.guid.toString());
    addField(d, entry, re::fileOffset, formatOffset(e.fileOffset));
    addField(d, entry, re::length, formatSize(e.length));
    addField(d, entry, re::required, yesNo(e.required()));
}

void addRegionTable(DocBuild& b, int index) {
    namespace rt = schema::region_table;
    const Regions& regions = b.image.regions();
    const RegionTable& t = regions.tables[size_t(index - 1)];
    const StructureRef where = ref::regionTable(index);
    const NodeId node =
        addStructure(b.doc, NodeKind::RegionTable, "Region table " + std::to_string(index), where,
                     t.offset, rt::size);
    b.doc.edit(node).emphasized = regions.used == index;
    if (!t.readable) {
        b.doc.edit(node).value = "unreadable";
        return;
    }
    b.doc.edit(node).value =
        std::to_string(t.entryCount) + " entries" + (regions.used == index ? " (in use)" : "");
    setStatus(b.doc, node, NodeStatus::Ok, "valid");
    addSignature(b, node, t, rt::signature, FindingCode::RegionTableSignatureBad, where);
    addChecksum(b, node, t, rt::checksum, FindingCode::RegionTableChecksumBad, where);
    setStatus(b.doc, addField(b.doc, node, rt::entryCount, std::to_string(t.entryCount)),
              b.checked(FindingCode::RegionTableEntryCountInvalid, where),
              t.entryCountValid ? "at most 2047" : "more than 2047 entries");
    for (size_t i = 0; i < t.entries.size(); ++i)
        addRegionEntry(b.doc, node, t.entries[i], i);
}

} // namespace

void addFrontNodes(DocBuild& b) {
    addFile(b);
    addIdentifier(b);
    if (!b.image.isVhdx())
        return;
    addHeader(b, 1);
    addHeader(b, 2);
    addRegionTable(b, 1);
    addRegionTable(b, 2);
}

} // namespace vhdx::detail
