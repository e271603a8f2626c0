// The BAT part of the structure tree (see structure_tree_builder.h): geometry at once, state
// counts once the scan has finished.
#include "display_format.h"
#include "structure_tree_builder.h"
#include "vhdx/image.h"

namespace vhdx::ui {

void addBatNodes(StructureNode* root, const Image& image, bool scanDone) {
    const Regions& regions = image.regions();
    const BatGeometry& geo = image.batGeometry();
    auto* node = root->add(QStringLiteral("BAT"), {}, NodeKind::Bat);
    node->key = QStringLiteral("bat");
    if (!regions.bat) {
        node->value = QStringLiteral("no BAT region");
        node->withStatus(NodeStatus::Error, QStringLiteral("the region table has no BAT entry"));
        return;
    }
    node->offset = regions.bat->fileOffset;
    node->size = regions.bat->length;
    if (!geo.valid) {
        node->value = QStringLiteral("geometry unknown");
        node->withStatus(
            NodeStatus::Error,
            QStringLiteral("block size, virtual size or sector size is missing or invalid"));
        return;
    }
    node->value = QStringLiteral("%1 entries (%2 payload + %3 sector bitmap)")
                      .arg(formatCount(geo.totalEntries), formatCount(geo.dataBlocks),
                           formatCount(geo.sectorBitmapBlocks));
    node->add(QStringLiteral("Block size"), formatSize(geo.blockSize));
    node->add(QStringLiteral("Chunk ratio"), QString::number(geo.chunkRatio));
    node->add(QStringLiteral("Total entries"), formatCount(geo.totalEntries));
    if (const BatReader* reader = image.batReader())
        node->add(QStringLiteral("Readable entries"), formatCount(reader->readableEntries()));
    const auto& scan = image.batScan();
    if (!scanDone || !scan) {
        node->add(QStringLiteral("Scan"), QStringLiteral("running…"));
        return;
    }
    node->add(QStringLiteral("Scan"),
              scan->completed
                  ? QStringLiteral("complete")
                  : QStringLiteral("incomplete (%1 of %2 entries)")
                        .arg(formatCount(scan->entriesScanned), formatCount(geo.totalEntries)))
        ->withStatus(scan->completed ? NodeStatus::Ok : NodeStatus::Warning,
                     scan->completed ? QStringLiteral("every entry checked")
                                     : QStringLiteral("cancelled or unreadable"));
    if (scan->completed)
        node->withStatus(NodeStatus::Ok, QStringLiteral("every entry scanned"));
    auto* payload = node->add(QStringLiteral("Payload states"), formatCount(scan->payloadEntries),
                              NodeKind::BatStates);
    for (uint8_t s : {0, 1, 2, 3, 6, 7})
        payload->add(qs(payloadStateName(s)), formatCount(scan->counts.payload[s]));
    auto* invalidPayload =
        payload->add(QStringLiteral("invalid"), formatCount(scan->counts.payloadInvalid));
    if (scan->counts.payloadInvalid)
        invalidPayload->withStatus(NodeStatus::Error,
                                   QStringLiteral("undefined state for a payload slot"));
    auto* bitmap = node->add(QStringLiteral("Sector bitmap states"),
                             formatCount(scan->sectorBitmapEntries), NodeKind::BatStates);
    for (uint8_t s : {0, 6})
        bitmap->add(qs(bitmapStateName(s)), formatCount(scan->counts.bitmap[s]));
    auto* invalidBitmap =
        bitmap->add(QStringLiteral("invalid"), formatCount(scan->counts.bitmapInvalid));
    if (scan->counts.bitmapInvalid)
        invalidBitmap->withStatus(NodeStatus::Error,
                                  QStringLiteral("undefined state for a sector-bitmap slot"));
    auto* reserved =
        node->add(QStringLiteral("Reserved bits set"), formatCount(scan->counts.reservedBitsSet));
    if (scan->counts.reservedBitsSet)
        reserved->withStatus(NodeStatus::Warning, QStringLiteral("bits 3-19 must be zero"));
}

} // namespace vhdx::ui
