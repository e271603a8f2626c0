// What the document says a pending log replay changes: the Replay node under the
// log (applied or as stored, not replayable and why, descriptors not listed past the limits,
// BAT entries before -> after, metadata structures whose bytes change) and which descriptor
// a node is marked with when several write into it: the lowest sequence number, then the
// lowest descriptor index, whatever the order of the writes in the file.
#include <QTest>

#include "core_test_helpers.h"
#include "document_test_helpers.h"
#include "log_test_helpers.h"
#include "test_registry.h"
#include "vhdx/document/document.h"
#include "vhdx/layout.h"
#include "vhdx/metadata.h"
#include "vhdx/replay_plan.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

std::vector<uint8_t> sectorOf(const BuiltImage& b, uint64_t off) {
    return {b.bytes.begin() + long(off), b.bytes.begin() + long(off) + 4096};
}

struct Built {
    BuiltImage built;
    std::unique_ptr<Image> image;
    std::shared_ptr<const Document> doc;
    NodeId replay = noNode;
};

Built build(const ImageSpec& spec, ReadView view = ReadView::Replayed,
            const DocumentOptions& options = {}) {
    Built r;
    r.built = buildImage(spec);
    ParseOptions po;
    po.view = view;
    r.image = Image::parse(r.built.source(), po);
    r.image->scanBat();
    r.doc = buildDocument(*r.image, r.image->findings().items(), options);
    r.replay = childNamed(*r.doc, r.doc->nodeFor(ref::log()), "Replay");
    return r;
}

// Log entries of one sequence (5, 6, ...) each writing its sectors as stored.
ImageSpec sequence(const BuiltImage& clean, const std::vector<std::vector<uint64_t>>& writes) {
    std::vector<LogEntrySpec> entries;
    for (size_t i = 0; i < writes.size(); ++i) {
        LogEntrySpec e = entry(5 + i, i ? 0 : -1);
        e.data.clear();
        for (uint64_t off : writes[i])
            e.data.push_back({off, sectorOf(clean, off)});
        entries.push_back(e);
    }
    return withLog(entries);
}

} // namespace

class TestDocumentLogChanges : public QObject {
    Q_OBJECT
    const BuiltImage m_clean = buildImage({});

    std::string batMark(const std::vector<std::vector<uint64_t>>& writes) {
        const Built b = build(sequence(m_clean, writes));
        if (b.built.batOffset != m_clean.batOffset)
            return "layout moved";
        const DocNode& bat = b.doc->node(b.doc->nodeFor(ref::bat()));
        return bat.changedByLog ? bat.changedBy : "not marked";
    }

  private slots:
    // The BAT (1 MiB) written by two entries at two sectors: marked with sequence 5's write
    // whether it lies before or after sequence 6's in the file.
    void lowestSequenceMarks() {
        const uint64_t bat = m_clean.batOffset;
        const std::string at0 = formatOffset(bat), at1 = formatOffset(bat + 4096);
        QCOMPARE(batMark({{bat + 4096}, {bat}}),
                 "log entry sequence 5, descriptor 0 (data, 4 KiB at " + at1 + ")");
        QCOMPARE(batMark({{bat}, {bat + 4096}}),
                 "log entry sequence 5, descriptor 0 (data, 4 KiB at " + at0 + ")");
    }

    // One entry, two descriptors into the BAT: descriptor 0 marks, before or after 1.
    void lowestDescriptorMarks() {
        const uint64_t bat = m_clean.batOffset;
        QCOMPARE(batMark({{bat, bat + 4096}}),
                 "log entry sequence 5, descriptor 0 (data, 4 KiB at " + formatOffset(bat) + ")");
        QCOMPARE(batMark({{bat + 4096, bat}}),
                 "log entry sequence 5, descriptor 0 (data, 4 KiB at " + formatOffset(bat + 4096) +
                     ")");
    }

    // Nothing of zero length is marked: a zero descriptor of 0 bytes over the metadata
    // table (a multiple of 4 KiB, so valid) marks nothing; an item of 0 bytes inside a
    // written sector is not marked while the metadata region around it is.
    void zeroLengthsMarkNothing() {
        ImageSpec spec;
        spec.extraItems.push_back({*Guid::parse("aaaaaaaa-0000-1111-2222-333333333333"), {}, 0});
        const BuiltImage clean = buildImage(spec);
        const auto cleanImg = parseAndScan(clean);
        const Metadata& md0 = cleanImg->metadata();
        size_t empty = md0.entries.size();
        for (size_t i = 0; i < md0.entries.size(); ++i)
            if (md0.entries[i].length == 0)
                empty = i;
        QVERIFY(empty < md0.entries.size());
        QVERIFY(md0.entries[empty].placed);
        const uint64_t emptyAt = md0.regionOffset + md0.entries[empty].offset;
        const uint64_t sector = emptyAt / 4096 * 4096;
        LogEntrySpec e = entry(5);
        e.data = {{sector, sectorOf(clean, sector)}};
        e.zeros = {{clean.metadataOffset, 0}};
        spec.logGuid = kLog;
        spec.logEntries = {e};
        const BuiltImage b = buildImage(spec);
        QCOMPARE(b.metadataOffset, clean.metadataOffset);
        const auto img = parseAndScan(b);
        const auto doc = buildDocument(*img, img->findings().items());
        QVERIFY(!doc->node(doc->nodeFor(ref::metadataItem(empty))).changedByLog);
        QVERIFY(doc->node(doc->nodeFor(ref::metadata())).changedByLog);
        // The metadata table (its first 64 KiB) is written by no byte.
        for (NodeId n = 1; n < doc->nodeCount(); ++n)
            if (doc->node(n).changedByLog)
                QVERIFY2(doc->node(n).changedBy.find("descriptor 0 (data") != std::string::npos,
                         doc->node(n).changedBy.c_str());
        const NodeId replay = childNamed(*doc, doc->nodeFor(ref::log()), "Replay");
        QCOMPARE(doc->node(childNamed(*doc, replay, "Descriptors")).value,
                 std::string("2 (4 KiB written)"));
    }

    // A long zero write (64 KiB from 0x11000, over header 2's first sector) and a short data
    // write inside it that ends before header 2: header 2 and its fields are marked by the
    // zero write, not by the data write that starts nearer to them; header 1 by neither.
    // (Headers are read as stored, so header 2 keeps its fields.)
    void shortWriteInsideALongOneDoesNotMark() {
        LogEntrySpec e = entry(5);
        e.data = {{72 * KiB, sectorOf(m_clean, 72 * KiB)}};
        e.zeros = {{68 * KiB, 64 * KiB}};
        const Built b = build(withLog({e}));
        const std::string byZeros =
            "log entry sequence 5, descriptor 1 (zeros, 64 KiB at " + formatOffset(68 * KiB) + ")";
        const NodeId h2 = b.doc->nodeFor(ref::header(2));
        QCOMPARE(b.doc->node(h2).ranges, (std::vector<ByteRange>{{128 * KiB, 4096}}));
        QCOMPARE(b.doc->node(h2).changedBy, byZeros);
        const NodeId seq = b.doc->childWithField(h2, schema::header::sequenceNumber);
        QVERIFY(seq != noNode);
        QCOMPARE(b.doc->node(seq).changedBy, byZeros);
        QVERIFY(!b.doc->node(b.doc->nodeFor(ref::header(1))).changedByLog);
    }

    // The File node spans every byte and the Log node is where the writes come from: neither
    // is marked, nor anything under the log, while the BAT the write lands in is (a surviving
    // mutant: every node but the root marked).
    void fileAndLogAreNotMarked() {
        const Built b = build(sequence(m_clean, {{m_clean.batOffset}}));
        QVERIFY(b.doc->node(b.doc->nodeFor(ref::bat())).changedByLog);
        const NodeId file = b.doc->nodeFor(ref::file());
        QVERIFY(!b.doc->node(file).ranges.empty());
        QVERIFY(!b.doc->node(file).changedByLog);
        const NodeId log = b.doc->nodeFor(ref::log());
        for (NodeId n = 1; n < b.doc->nodeCount(); ++n) {
            if (!b.doc->node(n).changedByLog)
                continue;
            for (NodeId up = n; up != noNode; up = b.doc->node(up).parent)
                QVERIFY2(up != log && up != file, b.doc->node(n).label.c_str());
        }
    }

    // Read as stored: the replay is described but not applied; the marks stay.
    void storedViewIsNotApplied() {
        const Built b = build(sequence(m_clean, {{m_clean.batOffset}}), ReadView::Stored);
        QVERIFY(b.replay != noNode);
        QCOMPARE(b.doc->node(b.replay).value, std::string("not applied (as stored)"));
        QCOMPARE(b.doc->node(b.replay).status, NodeStatus::None);
        QCOMPARE(b.doc->node(childNamed(*b.doc, b.replay, "Entries")).value, std::string("5"));
        QVERIFY(b.doc->node(b.doc->nodeFor(ref::bat())).changedByLog);
    }

    // Five descriptors, at most 2 x 1 listed: three are "Not listed".
    void descriptorsBeyondTheLimit() {
        const uint64_t bat = m_clean.batOffset;
        DocumentOptions options;
        options.maxEntriesWithDescriptors = 2;
        options.maxDescriptorsPerEntry = 1;
        const Built b =
            build(sequence(m_clean, {{bat, bat + 4096, bat + 8192}, {bat + 12288, bat + 16384}}),
                  ReadView::Replayed, options);
        QCOMPARE(b.doc->node(childNamed(*b.doc, b.replay, "Entries")).value, std::string("5, 6"));
        const NodeId ds = childNamed(*b.doc, b.replay, "Descriptors");
        QCOMPARE(b.doc->node(ds).value, std::string("5 (20 KiB written)"));
        QCOMPARE(b.doc->node(ds).children.size(), size_t(3));
        QCOMPARE(b.doc->node(childNamed(*b.doc, ds, "Entry 5 descriptor 1")).label,
                 std::string("Entry 5 descriptor 1"));
        QCOMPARE(b.doc->node(childNamed(*b.doc, ds, "Not listed")).value, std::string("3 more"));
    }

    // A replay that changes BAT entry 3 (not present -> fully present at 8 MiB) and the
    // Virtual Disk ID item: both listed with what they become.
    void batAndMetadataChangesListed() {
        std::vector<uint8_t> batSector = sectorOf(m_clean, m_clean.batOffset);
        const uint64_t raw = bat::entry(bat::FullyPresent, 8 * MiB);
        for (int i = 0; i < 8; ++i)
            batSector[3 * 8 + size_t(i)] = uint8_t(raw >> (8 * i));
        const auto item =
            std::find_if(m_clean.items.begin(), m_clean.items.end(),
                         [](const MetadataItemPlace& p) { return p.id == guids::page83Data; });
        QVERIFY(item != m_clean.items.end());
        const uint64_t itemSector = item->dataOffset / 4096 * 4096;
        std::vector<uint8_t> mdSector = sectorOf(m_clean, itemSector);
        mdSector[item->dataOffset - itemSector] ^= 0xFF; // another disk id
        LogEntrySpec e = entry(5);
        e.data = {{m_clean.batOffset, batSector}, {itemSector, mdSector}};
        const Built b = build(withLog({e}));
        QCOMPARE(b.built.batOffset, m_clean.batOffset);
        QCOMPARE(b.doc->node(b.replay).value, std::string("shown as after it (the view)"));
        const NodeId bc = childNamed(*b.doc, b.replay, "BAT entries changed");
        QCOMPARE(b.doc->node(bc).value, std::string("1"));
        QCOMPARE(b.doc->node(bc).children.size(), size_t(1));
        QCOMPARE(b.doc->node(childNamed(*b.doc, bc, "BAT entry 3")).value,
                 "not present -> fully present at " + formatOffset(8 * MiB));
        const NodeId cs = childNamed(*b.doc, b.replay, "Structures changed");
        QVERIFY(cs != noNode);
        QCOMPARE(b.doc->node(cs).value, std::string("1"));
        QCOMPARE(b.doc->node(childNamed(*b.doc, cs, "Virtual Disk ID")).value,
                 formatRange(item->dataOffset, item->length));
    }

    // A LastFileOffset past the 128 TiB an in-memory replay accepts: not replayable, said on
    // the Replay node, the BAT not compared.
    void notReplayableIsAnError() {
        LogEntrySpec e = entry(5);
        e.data = {{m_clean.batOffset, sectorOf(m_clean, m_clean.batOffset)}};
        e.lastFileOffset = maxReplayedSize + MiB;
        const Built b = build(withLog({e}));
        QVERIFY(b.replay != noNode);
        QCOMPARE(b.doc->node(b.replay).value, std::string("not applied (as stored)"));
        QCOMPARE(b.doc->node(b.replay).status, NodeStatus::Error);
        QCOMPARE(b.doc->node(b.replay).reason,
                 "not replayable: the replay would make the file " +
                     std::to_string(maxReplayedSize + MiB) + " bytes, more than the " +
                     std::to_string(maxReplayedSize) + " an in-memory replay accepts");
        QCOMPARE(b.doc->node(childNamed(*b.doc, b.replay, "BAT entries changed")).value,
                 std::string("not compared"));
        QCOMPARE(childNamed(*b.doc, b.replay, "Structures changed"), noNode);
    }
};

VHDX_TEST_MAIN(TestDocumentLogChanges)
#include "tst_document_log_changes.moc"
