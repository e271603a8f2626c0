// Metadata and log parts of the structure tree (see structure_tree_builder.h).
#include "display_format.h"
#include "structure_tree_builder.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"

namespace vhdx::ui {

namespace {

QString yesNo(bool b) {
    return b ? QStringLiteral("yes") : QStringLiteral("no");
}

void addItemFields(StructureNode* item, const MetadataEntry& e, const Metadata& md) {
    if (e.itemId == guids::fileParameters && md.blockSize) {
        item->value = QStringLiteral("block size %1").arg(formatSize(*md.blockSize));
        if (md.hasParent)
            item->value += QStringLiteral(", has parent");
        if (md.leaveBlocksAllocated)
            item->value += QStringLiteral(", leave blocks allocated");
        item->add(QStringLiteral("Block size"), formatSize(*md.blockSize))->at(0, 4);
        auto* flags =
            item->add(QStringLiteral("Flags"), qs(hex32(md.fileParameterFlags.value_or(0))))
                ->at(4, 4);
        flags->add(QStringLiteral("Leave blocks allocated"), yesNo(md.leaveBlocksAllocated))
            ->at(0, 4);
        flags->add(QStringLiteral("Has parent"), yesNo(md.hasParent))->at(0, 4);
    } else if (e.itemId == guids::virtualDiskSize && md.virtualDiskSize) {
        item->value = QStringLiteral("%1 (%2 bytes)")
                          .arg(formatSize(*md.virtualDiskSize), formatCount(*md.virtualDiskSize));
        item->add(QStringLiteral("Virtual disk size"), item->value)->at(0, 8);
    } else if (e.itemId == guids::page83Data && md.virtualDiskId) {
        item->value = qs(md.virtualDiskId->toString());
        item->add(QStringLiteral("Virtual disk ID"), item->value)->at(0, 16);
    } else if (e.itemId == guids::logicalSectorSize && md.logicalSectorSize) {
        item->value = QStringLiteral("%1 bytes").arg(*md.logicalSectorSize);
        item->add(QStringLiteral("Logical sector size"), item->value)->at(0, 4);
    } else if (e.itemId == guids::physicalSectorSize && md.physicalSectorSize) {
        item->value = QStringLiteral("%1 bytes").arg(*md.physicalSectorSize);
        item->add(QStringLiteral("Physical sector size"), item->value)->at(0, 4);
    } else if (e.itemId == guids::parentLocator && md.parentLocator) {
        const ParentLocator& pl = *md.parentLocator;
        item->value = QStringLiteral("%1 key/value pairs").arg(pl.keyValueCount);
        if (!pl.valid)
            item->withStatus(NodeStatus::Error, qs(pl.problem));
        item->add(QStringLiteral("Locator type"),
                  pl.type == guids::parentLocatorTypeVhdx
                      ? QStringLiteral("VHDX (%1)").arg(qs(pl.type.toString()))
                      : qs(pl.type.toString()))
            ->at(0, 16);
        item->add(QStringLiteral("Key/value count"), QString::number(pl.keyValueCount))->at(18, 2);
        for (size_t i = 0; i < pl.entries.size(); ++i) {
            const ParentLocatorEntry& kv = pl.entries[i];
            auto* entry = item->add(qs(kv.key), qs(kv.value), NodeKind::ParentLocatorEntry)
                              ->at(20 + 12 * i, 12);
            auto* key = entry->add(QStringLiteral("Key"), qs(kv.key));
            key->offset = *item->offset + kv.keyOffset;
            key->size = kv.keyLength;
            auto* value = entry->add(QStringLiteral("Value"), qs(kv.value));
            value->offset = *item->offset + kv.valueOffset;
            value->size = kv.valueLength;
        }
    } else if (!e.inBounds) {
        item->value = QStringLiteral("out of bounds");
    } else {
        item->value = QStringLiteral("%1 bytes, not decoded").arg(e.length);
    }
}

// Descriptors are read from the file while the tree is built: bound the work for huge logs.
constexpr int maxEntriesWithDescriptors = 256;
constexpr size_t maxDescriptorsPerEntry = 64;

void addDescriptors(StructureNode* entry, const Image& image, const LogEntry& e) {
    const auto descriptors =
        readLogDescriptors(image.source(), image.log(), e, maxDescriptorsPerEntry);
    for (size_t i = 0; i < descriptors.size(); ++i) {
        const LogDescriptor& d = descriptors[i];
        // The first 4 KiB sector holds the 64-byte entry header and 126 descriptors, each
        // further sector 128 (format §9).
        const uint64_t sector = i < 126 ? 0 : 1 + (i - 126) / 128;
        const uint64_t slot = i < 126 ? i + 2 : (i - 126) % 128;
        auto* n =
            entry->add(QStringLiteral("Descriptor %1").arg(i),
                       d.isData ? QStringLiteral("data → %1").arg(formatOffset(d.fileOffset))
                                : QStringLiteral("zero %1 at %2")
                                      .arg(formatSize(d.zeroLength), formatOffset(d.fileOffset)));
        if (sector * 4096 + slot * 32 + 32 <= e.length)
            n->at(sector * 4096 + slot * 32, 32);
        if (!d.signatureValid)
            n->withStatus(NodeStatus::Info,
                          QStringLiteral("signature is neither \"desc\" nor \"zero\""));
        n->add(QStringLiteral("Signature"), d.isData           ? QStringLiteral("desc")
                                            : d.signatureValid ? QStringLiteral("zero")
                                                               : QStringLiteral("bad"))
            ->at(0, 4);
        if (d.isData) {
            n->add(QStringLiteral("Trailing bytes"), qs(hex32(d.trailingBytes)))->at(4, 4);
            n->add(QStringLiteral("Leading bytes"), qs(hex64(d.leadingBytes)))->at(8, 8);
        } else {
            n->add(QStringLiteral("Zero length"), formatSize(d.zeroLength))->at(8, 8);
        }
        n->add(QStringLiteral("File offset"), formatOffset(d.fileOffset))->at(16, 8);
        n->add(QStringLiteral("Sequence number"), QString::number(d.sequenceNumber))->at(24, 8);
    }
}

} // namespace

void addMetadataNodes(StructureNode* root, const Image& image) {
    const Metadata& md = image.metadata();
    auto* node = root->add(QStringLiteral("Metadata"), {}, NodeKind::Metadata);
    node->key = QStringLiteral("metadata");
    if (!md.readable) {
        node->value = QStringLiteral("unreadable");
        node->withStatus(NodeStatus::Error, QStringLiteral("no readable metadata region"));
        return;
    }
    node->offset = md.regionOffset;
    node->size = md.regionLength;
    node->value = QStringLiteral("%1 items").arg(md.entries.size());
    node->withStatus(md.signatureValid ? NodeStatus::Ok : NodeStatus::Error,
                     md.signatureValid ? QStringLiteral("table signature \"metadata\"")
                                       : QStringLiteral("table signature is not \"metadata\""));
    node->add(QStringLiteral("Signature"),
              md.signatureValid ? QStringLiteral("metadata") : QStringLiteral("bad"))
        ->at(0, 8)
        ->withStatus(node->status, node->reason);
    node->add(QStringLiteral("Entry count"), QString::number(md.entryCount))->at(10, 2);
    for (size_t i = 0; i < md.entries.size(); ++i) {
        const MetadataEntry& e = md.entries[i];
        auto* item = node->add(qs(e.name), {}, NodeKind::MetadataItem);
        item->key = QStringLiteral("metadata:") + qs(e.name);
        if (e.inBounds)
            item->at(e.offset, e.length)
                ->withStatus(NodeStatus::Ok, QStringLiteral("inside the region"));
        else
            item->withStatus(NodeStatus::Error,
                             QStringLiteral("item lies outside the region or has the wrong size"));
        addItemFields(item, e, md);
        auto* te = item->add(QStringLiteral("Table entry"), QStringLiteral("#%1").arg(i),
                             NodeKind::MetadataTableEntry);
        te->offset = md.regionOffset + 32 + 32 * i;
        te->size = 32;
        te->add(QStringLiteral("Item ID"), qs(e.itemId.toString()))->at(0, 16);
        te->add(QStringLiteral("Offset"), formatOffset(e.offset))->at(16, 4);
        te->add(QStringLiteral("Length"), QString::number(e.length))->at(20, 4);
        auto* flags = te->add(QStringLiteral("Flags"), qs(hex32(e.flagsRaw)))->at(24, 4);
        flags->add(QStringLiteral("IsUser"), yesNo(e.isUser()))->at(0, 4);
        flags->add(QStringLiteral("IsVirtualDisk"), yesNo(e.isVirtualDisk()))->at(0, 4);
        flags->add(QStringLiteral("IsRequired"), yesNo(e.isRequired()))->at(0, 4);
    }
}

void addLogNodes(StructureNode* root, const Image& image) {
    const Log& log = image.log();
    auto* node = root->add(QStringLiteral("Log"), {}, NodeKind::Log);
    node->key = QStringLiteral("log");
    if (log.length) {
        node->offset = log.offset;
        node->size = log.length;
    }
    if (!log.present) {
        node->value = QStringLiteral("empty (LogGuid is zero)");
        node->withStatus(NodeStatus::Ok, QStringLiteral("nothing to replay"));
    } else {
        node->value = log.replayNeeded ? QStringLiteral("replay needed")
                                       : QStringLiteral("nothing to replay");
        node->withStatus(log.replayNeeded ? NodeStatus::Warning : NodeStatus::Ok,
                         log.replayNeeded
                             ? QStringLiteral("an active log sequence exists; the data is not "
                                              "consistent until the log is replayed")
                             : QStringLiteral("no active sequence"));
    }
    node->add(QStringLiteral("Log GUID"),
              log.logGuid.isNull() ? QStringLiteral("(zero)") : qs(log.logGuid.toString()));
    node->add(QStringLiteral("Offset"), formatOffset(log.offset));
    node->add(QStringLiteral("Length"), formatSize(log.length));
    QStringList active;
    for (uint64_t s : log.activeSequence)
        active << QString::number(s);
    node->add(QStringLiteral("Active sequence"),
              active.isEmpty() ? QStringLiteral("(none)") : active.join(QStringLiteral(", ")));
    int shownEntries = 0;
    for (const LogEntry& e : log.entries) {
        auto* entry = node->add(QStringLiteral("Entry seq %1").arg(e.sequenceNumber),
                                QStringLiteral("%1 at +%2, %3 descriptor%4%5")
                                    .arg(formatSize(e.length), formatOffset(e.offset))
                                    .arg(e.descriptorCount)
                                    .arg(e.descriptorCount == 1 ? QString() : QStringLiteral("s"))
                                    .arg(e.active ? QStringLiteral(" (active)") : QString()),
                                NodeKind::LogEntry);
        entry->key = QStringLiteral("log[%1]").arg(e.offset);
        entry->offset = e.fileOffset;
        entry->size = e.length;
        entry->emphasized = e.active;
        if (e.valid)
            entry->withStatus(NodeStatus::Ok,
                              e.active ? QStringLiteral("valid; part of the active sequence")
                                       : QStringLiteral("valid"));
        else
            entry->withStatus(NodeStatus::Info, qs(e.problem));
        entry->add(QStringLiteral("Signature"), QStringLiteral("loge"))->at(0, 4);

        {
            auto* f = entry->add(QStringLiteral("Checksum"), qs(hex32(e.checksum)))->at(4, 4);
            const QString why = QStringLiteral("stored CRC %1, computed %2")
                                    .arg(qs(hex32(e.checksum)), qs(hex32(e.checksumComputed)));
            f->withStatus(e.checksumValid ? NodeStatus::Ok : NodeStatus::Info,
                          e.checksumValid ? why + QStringLiteral(": match") : why);
        }
        entry->add(QStringLiteral("Entry length"), formatSize(e.length))->at(8, 4);
        entry->add(QStringLiteral("Tail"), formatOffset(e.tail))->at(12, 4);
        entry->add(QStringLiteral("Sequence number"), QString::number(e.sequenceNumber))->at(16, 8);
        entry
            ->add(QStringLiteral("Descriptor count"), QStringLiteral("%1 (%2 data, %3 zero)")
                                                          .arg(e.descriptorCount)
                                                          .arg(e.dataDescriptors)
                                                          .arg(e.zeroDescriptors))
            ->at(24, 4);
        entry->add(QStringLiteral("Log GUID"), qs(e.logGuid.toString()))
            ->at(32, 16)
            ->withStatus(e.guidMatches ? NodeStatus::Ok : NodeStatus::Info,
                         e.guidMatches
                             ? QStringLiteral("matches the header's LogGuid")
                             : QStringLiteral("differs from the header's LogGuid: a stale entry"));
        entry->add(QStringLiteral("Flushed file offset"), formatOffset(e.flushedFileOffset))
            ->at(48, 8);
        entry->add(QStringLiteral("Last file offset"), formatOffset(e.lastFileOffset))->at(56, 8);
        if (shownEntries++ < maxEntriesWithDescriptors)
            addDescriptors(entry, image, e);
    }
}

} // namespace vhdx::ui
