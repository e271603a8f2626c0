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
            item->at(e.offset, e.length);
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
    for (const LogEntry& e : log.entries) {
        auto* entry = node->add(QStringLiteral("Entry seq %1").arg(e.sequenceNumber),
                                QStringLiteral("%1 at +%2, %3 descriptors%4")
                                    .arg(formatSize(e.length), formatOffset(e.offset))
                                    .arg(e.descriptorCount)
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
    }
}

} // namespace vhdx::ui
