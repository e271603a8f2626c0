#include "structure_tree_builder.h"

#include <QFileInfo>

#include <algorithm>

#include "display_format.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"

namespace vhdx::ui {

namespace {

QString guidText(const Guid& g) {
    return g.isNull() ? QStringLiteral("(zero)") : qs(g.toString());
}

QString checksumReason(uint32_t stored, uint32_t computed) {
    return QStringLiteral("stored CRC %1, computed %2").arg(qs(hex32(stored)), qs(hex32(computed)));
}

void addChecksumField(StructureNode* parent, uint32_t stored, uint32_t computed, bool valid) {
    auto* f = parent->add(QStringLiteral("Checksum"), qs(hex32(stored)))->at(4, 4);
    if (valid)
        f->withStatus(NodeStatus::Ok, checksumReason(stored, computed) + QStringLiteral(": match"));
    else
        f->withStatus(NodeStatus::Warning, checksumReason(stored, computed));
}

void addFile(StructureNode* root, const Image& image) {
    auto* file =
        root->add(QStringLiteral("File"), QFileInfo(qs(image.path())).fileName(), NodeKind::File);
    file->key = QStringLiteral("file");
    file->offset = 0;
    file->size = image.fileSize();
    file->add(QStringLiteral("Path"), qs(image.path()));
    file->add(QStringLiteral("Size"),
              QStringLiteral("%1 (%2 bytes)")
                  .arg(formatSize(image.fileSize()), formatCount(image.fileSize())));
}

void addIdentifier(StructureNode* root, const Image& image) {
    const FileIdentifier& id = image.identifier();
    auto* node =
        root->add(QStringLiteral("File identifier"),
                  id.signatureValid ? QStringLiteral("vhdxfile") : QStringLiteral("not a VHDX"),
                  NodeKind::Identifier);
    node->key = QStringLiteral("identifier");
    node->offset = layout::identifierOffset;
    node->size = layout::identifierSize;
    if (id.signatureValid)
        node->withStatus(NodeStatus::Ok, QStringLiteral("signature \"vhdxfile\" present"));
    else
        node->withStatus(NodeStatus::Error,
                         id.readable ? QStringLiteral("no \"vhdxfile\" signature")
                                     : QStringLiteral("file too small to hold a signature"));
    auto* sig =
        node->add(QStringLiteral("Signature"),
                  id.signatureValid ? QStringLiteral("vhdxfile") : QStringLiteral("missing"))
            ->at(0, 8);
    sig->withStatus(node->status, node->reason);
    node->add(QStringLiteral("Creator"), qs(id.creator))->at(8, 512);
}

void addHeader(StructureNode* root, const Image& image, int index) {
    const HeaderPair& pair = image.headers();
    const Header& h = pair.headers[size_t(index - 1)];
    const bool current = pair.current == index;
    auto* node = root->add(QStringLiteral("Header %1").arg(index), {}, NodeKind::Header);
    node->key = QStringLiteral("header%1").arg(index);
    node->headerIndex = index;
    node->offset = h.offset;
    node->size = layout::headerSize;
    node->emphasized = current;
    if (!h.readable) {
        node->value = QStringLiteral("unreadable");
        node->withStatus(NodeStatus::Error,
                         QStringLiteral("the 4 KiB header lies beyond the end of the file"));
        return;
    }
    node->value = QStringLiteral("sequence %1%2")
                      .arg(h.sequenceNumber)
                      .arg(current ? QStringLiteral(" (current)") : QString());
    if (h.valid())
        node->withStatus(NodeStatus::Ok, current ? QStringLiteral("valid; current header")
                                                 : QStringLiteral("valid"));
    else
        node->withStatus(NodeStatus::Warning, qs(h.problem()));

    node->add(QStringLiteral("Signature"),
              h.signatureValid ? QStringLiteral("head") : QStringLiteral("bad"))
        ->at(0, 4)
        ->withStatus(h.signatureValid ? NodeStatus::Ok : NodeStatus::Error,
                     h.signatureValid ? QStringLiteral("\"head\"")
                                      : QStringLiteral("signature is not \"head\""));
    addChecksumField(node, h.checksum, h.checksumComputed, h.checksumValid);
    node->add(QStringLiteral("Sequence number"), QString::number(h.sequenceNumber))->at(8, 8);
    node->add(QStringLiteral("File write GUID"), guidText(h.fileWriteGuid))->at(16, 16);
    node->add(QStringLiteral("Data write GUID"), guidText(h.dataWriteGuid))->at(32, 16);
    node->add(QStringLiteral("Log GUID"), guidText(h.logGuid))->at(48, 16);
    const NodeStatus versionStatus = h.versionValid ? NodeStatus::Ok : NodeStatus::Warning;
    const QString versionWhy = h.versionValid
                                   ? QStringLiteral("Version 1, LogVersion 0")
                                   : QStringLiteral("expected Version 1 and LogVersion 0");
    node->add(QStringLiteral("Log version"), QString::number(h.logVersion))
        ->at(64, 2)
        ->withStatus(versionStatus, versionWhy);
    node->add(QStringLiteral("Version"), QString::number(h.version))
        ->at(66, 2)
        ->withStatus(versionStatus, versionWhy);
    node->add(QStringLiteral("Log length"), formatSize(h.logLength))->at(68, 4);
    node->add(QStringLiteral("Log offset"), formatOffset(h.logOffset))->at(72, 8);
}

void addRegionTable(StructureNode* root, const Image& image, int index) {
    const Regions& regions = image.regions();
    const RegionTable& t = regions.tables[size_t(index - 1)];
    auto* node = root->add(QStringLiteral("Region table %1").arg(index), {}, NodeKind::RegionTable);
    node->key = QStringLiteral("region_table%1").arg(index);
    node->offset = t.offset;
    node->size = layout::regionTableSize;
    node->emphasized = regions.used == index;
    if (!t.readable) {
        node->value = QStringLiteral("unreadable");
        node->withStatus(NodeStatus::Error,
                         QStringLiteral("the 64 KiB table lies beyond the end of the file"));
        return;
    }
    node->value = QStringLiteral("%1 entries%2")
                      .arg(t.entryCount)
                      .arg(regions.used == index ? QStringLiteral(" (in use)") : QString());
    node->withStatus(t.valid() ? NodeStatus::Ok : NodeStatus::Warning,
                     t.valid() ? QStringLiteral("valid") : qs(t.problem()));
    node->add(QStringLiteral("Signature"),
              t.signatureValid ? QStringLiteral("regi") : QStringLiteral("bad"))
        ->at(0, 4)
        ->withStatus(t.signatureValid ? NodeStatus::Ok : NodeStatus::Error,
                     t.signatureValid ? QStringLiteral("\"regi\"")
                                      : QStringLiteral("signature is not \"regi\""));
    addChecksumField(node, t.checksum, t.checksumComputed, t.checksumValid);
    node->add(QStringLiteral("Entry count"), QString::number(t.entryCount))
        ->at(8, 4)
        ->withStatus(t.entryCountValid ? NodeStatus::Ok : NodeStatus::Error,
                     t.entryCountValid ? QStringLiteral("at most 2047")
                                       : QStringLiteral("more than 2047 entries"));
    for (size_t i = 0; i < t.entries.size(); ++i) {
        const RegionEntry& e = t.entries[i];
        auto* entry = node->add(qs(e.name),
                                QStringLiteral("%1 at %2")
                                    .arg(formatSize(e.length), formatOffset(e.fileOffset)),
                                NodeKind::RegionEntry)
                          ->at(16 + 32 * i, 32);
        entry->add(QStringLiteral("GUID"), qs(e.guid.toString()))->at(0, 16);
        entry->add(QStringLiteral("File offset"), formatOffset(e.fileOffset))->at(16, 8);
        entry->add(QStringLiteral("Length"), formatSize(e.length))->at(24, 4);
        entry
            ->add(QStringLiteral("Required"),
                  e.required() ? QStringLiteral("yes") : QStringLiteral("no"))
            ->at(28, 4);
    }
}

void addParentChain(StructureNode* root, const Image& image) {
    const auto& chain = image.parentChain();
    if (!image.metadata().hasParent && chain.empty())
        return;
    auto* node = root->add(QStringLiteral("Parent chain"),
                           QStringLiteral("%1 parent(s)").arg(chain.size()), NodeKind::ParentChain);
    node->key = QStringLiteral("parent");
    int level = 1;
    for (const ParentLink& link : chain) {
        auto* l = node->add(QStringLiteral("Parent %1").arg(level++),
                            link.found ? qs(link.path) : QStringLiteral("not found"),
                            NodeKind::ParentLink);
        l->withStatus(
            link.found && link.linkageMatches ? NodeStatus::Ok : NodeStatus::Error,
            !link.found ? QStringLiteral("no candidate path exists")
            : link.linkageMatches
                ? QStringLiteral("parent_linkage matches the parent's DataWriteGuid")
                : QStringLiteral("parent_linkage differs from the parent's DataWriteGuid"));
        l->add(QStringLiteral("Resolved by"), qs(link.locatorKey));
        QStringList tried;
        for (const auto& t : link.tried)
            tried << qs(t);
        l->add(QStringLiteral("Tried"), tried.join(QStringLiteral("; ")));
        l->add(QStringLiteral("Expected linkage"), link.expectedLinkageValid
                                                       ? qs(link.expectedLinkage.toString())
                                                       : QStringLiteral("(none)"));
        l->add(QStringLiteral("Parent data write GUID"),
               link.readable ? qs(link.parentDataWriteGuid.toString())
                             : QStringLiteral("(unreadable)"));
        l->add(QStringLiteral("Parent is differencing"),
               link.parentHasParent ? QStringLiteral("yes") : QStringLiteral("no"));
    }
}

// A structure with a problem below it shows that too, so a collapsed tree still points at it.
void propagate(StructureNode* node) {
    for (auto& child : node->children) {
        propagate(child.get());
        if (child->status > node->status && child->status >= NodeStatus::Warning) {
            node->status = child->status;
            node->reason = child->name + QStringLiteral(": ") + child->reason;
        }
    }
}

} // namespace

StructureNode* findNodeForKey(StructureNode* root, const QString& key) {
    if (!root || key.isEmpty())
        return nullptr;
    std::vector<StructureNode*> stack{root};
    while (!stack.empty()) {
        StructureNode* n = stack.back();
        stack.pop_back();
        if (n->key == key)
            return n;
        for (auto& c : n->children)
            stack.push_back(c.get());
    }
    // "log[<offset>]" may name the absolute or the relative offset of an entry.
    if (key.startsWith(QLatin1String("log[")) && key.endsWith(QLatin1Char(']'))) {
        bool ok = false;
        const qulonglong off = key.mid(4, key.size() - 5).toULongLong(&ok, 0);
        if (StructureNode* log = findNodeForKey(root, QStringLiteral("log")); ok && log) {
            for (auto& e : log->children)
                if (e->kind == NodeKind::LogEntry && e->offset && *e->offset == off)
                    return e.get();
            return log;
        }
    }
    const qsizetype cut = std::max(key.indexOf(QLatin1Char('[')), key.indexOf(QLatin1Char(':')));
    if (cut > 0)
        return findNodeForKey(root, key.left(cut));
    return nullptr;
}

std::unique_ptr<StructureNode> buildStructureTree(const TreeBuildInput& input) {
    auto root = std::make_unique<StructureNode>();
    const Image& image = *input.image;
    addFile(root.get(), image);
    addIdentifier(root.get(), image);
    addHeader(root.get(), image, 1);
    addHeader(root.get(), image, 2);
    addRegionTable(root.get(), image, 1);
    addRegionTable(root.get(), image, 2);
    addMetadataNodes(root.get(), image);
    addBatNodes(root.get(), image, input.scanDone);
    addLogNodes(root.get(), image);
    addParentChain(root.get(), image);

    if (input.findings) {
        for (const Finding& f : *input.findings) {
            StructureNode* node = findNodeForKey(root.get(), qs(f.structure));
            if (!node)
                node = root->children.front().get(); // the File node
            const NodeStatus s = statusOf(f.severity);
            const QString line = qs(codeName(f.code)) + QStringLiteral(": ") + qs(f.message);
            if (s > node->status || node->status <= NodeStatus::Ok) {
                node->reason =
                    node->status > NodeStatus::Ok ? line + QLatin1Char('\n') + node->reason : line;
                node->status = std::max(node->status, s);
            } else {
                node->reason += QLatin1Char('\n') + line;
            }
        }
    }
    propagate(root.get());
    return root;
}

} // namespace vhdx::ui
