// The document's Log node and its entries (MS-VHDX 2.3): a log with
// nothing to replay, a replay state that cannot be known (an I/O error in the log), zero
// descriptors with their length, a damaged descriptor signature (the entry's checksum then
// fails: the entry is shown, invalid), an entry whose length is unusable (only its header
// sector is its bytes), two active entries, and the limit on entries read for descriptors.
#include <QTest>

#include "core_test_helpers.h"
#include "document_test_helpers.h"
#include "log_test_helpers.h"
#include "test_registry.h"
#include "vhdx/crc32c.h"
#include "vhdx/document/document.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

using namespace vhdx;
using namespace vhdx::test;

class TestDocumentLog : public QObject {
    Q_OBJECT
  private slots:
    // A LogGuid and a log area, but no entry of that GUID: nothing to replay.
    void nothingToReplay() {
        const BuiltImage b = buildImage(withLog({}));
        const auto img = parseAndScan(b);
        const auto doc = documentOf(*img);
        const NodeId log = doc->nodeFor(ref::log());
        QCOMPARE(doc->node(log).value, std::string("nothing to replay"));
        QCOMPARE(doc->node(log).status, NodeStatus::Ok);
        QCOMPARE(doc->node(log).reason, std::string("no active sequence"));
        QCOMPARE(doc->node(childNamed(*doc, log, "Active sequence")).value, std::string("(none)"));
        QCOMPARE(doc->node(childNamed(*doc, log, "Log GUID")).value, kLog.toString());
        QCOMPARE(doc->node(log).ranges, (std::vector<ByteRange>{{b.logOffset, b.logLength}}));
        QCOMPARE(childNamed(*doc, log, "Replay"), noNode);
    }

    // Two unrelated valid entries: the later one (sequence 9) is the active sequence, the
    // other is valid but not part of it.
    void validEntryOutsideTheActiveSequence() {
        LogEntrySpec old = entry(5), head = entry(9);
        const BuiltImage b = buildImage(withLog({old, head}));
        const auto img = parseAndScan(b);
        const auto doc = documentOf(*img);
        QCOMPARE(doc->node(childNamed(*doc, doc->nodeFor(ref::log()), "Active sequence")).value,
                 std::string("9"));
        const DocNode& e0 = doc->node(doc->nodeFor(ref::logEntry(0)));
        QCOMPARE(e0.value, std::string("sequence 5, 8 KiB, 1 descriptor"));
        QCOMPARE(e0.reason, std::string("valid"));
        QVERIFY(!e0.emphasized);
        QVERIFY(doc->node(doc->nodeFor(ref::logEntry(8192))).emphasized);
    }

    // A LogGuid with a log length of 0 in both headers (resealed): the log has no bytes.
    void emptyLogArea() {
        BuiltImage b = buildImage(withLog({}));
        for (uint64_t h : b.headerOffset) {
            for (int i = 0; i < 4; ++i)
                b.bytes[h + schema::header::logLength.offset + uint64_t(i)] = 0;
            for (int i = 0; i < 4; ++i)
                b.bytes[h + 4 + uint64_t(i)] = 0;
            const uint32_t crc = crc32c(b.bytes.data() + h, 4096);
            for (int i = 0; i < 4; ++i)
                b.bytes[h + 4 + uint64_t(i)] = uint8_t(crc >> (8 * i));
        }
        const auto img = parseAndScan(b);
        QCOMPARE(img->log().length, uint64_t(0));
        QVERIFY(img->log().present);
        const auto doc = documentOf(*img);
        const DocNode& log = doc->node(doc->nodeFor(ref::log()));
        QVERIFY(log.ranges.empty());
        QCOMPARE(doc->node(childNamed(*doc, doc->nodeFor(ref::log()), "Length")).value,
                 std::string("0 B"));
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogInvalid, f);
        QCOMPARE(doc->nodeForFinding(f), doc->nodeFor(ref::log()));
    }

    // The log's second sector cannot be read: whether a replay is needed is unknown.
    void ioErrorMakesTheReplayStateUnknown() {
        const BuiltImage b = buildImage(withLog({entry(5)}));
        const auto img = Image::parse(
            std::make_shared<FailingSource>(b.bytes, b.logOffset + 4096, b.logOffset + 8192));
        QCOMPARE(int(img->log().replayState), int(LogReplayState::Unknown));
        const auto doc = documentOf(*img);
        const DocNode& log = doc->node(doc->nodeFor(ref::log()));
        QCOMPARE(log.value, std::string("replay state unknown"));
        QCOMPARE(log.status, NodeStatus::Error);
        QVERIFY2(log.reason.starts_with("the log was not read to its end"), log.reason.c_str());
    }

    // An entry with one zero descriptor (8 KiB of the BAT, all not present already) and one
    // with two data descriptors (the BAT's first sectors as stored); the active sequence is
    // both, in order.
    void zeroDescriptorAndActiveSequence() {
        const BuiltImage clean = buildImage({});
        const uint64_t bat = clean.batOffset;
        const auto sector = [&clean](uint64_t off) {
            return std::vector<uint8_t>(clean.bytes.begin() + long(off),
                                        clean.bytes.begin() + long(off) + 4096);
        };
        LogEntrySpec zeros = entry(5);
        zeros.data.clear();
        zeros.zeros = {{bat, 8192}};
        LogEntrySpec data = entry(6, 0);
        data.data = {{bat, sector(bat)}, {bat + 4096, sector(bat + 4096)}};
        const BuiltImage b = buildImage(withLog({zeros, data}));
        const auto img = parseAndScan(b);
        const auto doc = documentOf(*img);
        const NodeId log = doc->nodeFor(ref::log());
        QCOMPARE(doc->node(log).value, std::string("replay needed"));
        QCOMPARE(doc->node(childNamed(*doc, log, "Active sequence")).value, std::string("5, 6"));
        const NodeId e0 = doc->nodeFor(ref::logEntry(0));
        QCOMPARE(doc->node(e0).value, std::string("sequence 5, 4 KiB, 1 descriptor (active)"));
        QCOMPARE(doc->node(e0).reason, std::string("valid; part of the active sequence"));
        const NodeId d0 = childNamed(*doc, e0, "Descriptor 0");
        QCOMPARE(doc->node(d0).value, "zero 8 KiB at " + formatOffset(bat));
        QCOMPARE(doc->node(doc->childWithField(d0, schema::zero_descriptor::zeroLength)).value,
                 std::string("8 KiB"));
        QCOMPARE(doc->node(doc->childWithField(d0, schema::data_descriptor::signature)).value,
                 std::string("zero"));
        QCOMPARE(doc->node(d0).ranges, (std::vector<ByteRange>{{b.logOffset + 64, 32}}));
        const NodeId e1 = doc->nodeFor(ref::logEntry(4096));
        QCOMPARE(doc->node(e1).value, std::string("sequence 6, 12 KiB, 2 descriptors (active)"));
        QCOMPARE(doc->node(childNamed(*doc, e1, "Descriptor 1")).value,
                 "data → " + formatOffset(bat + 4096));

        // Descriptors are read for the first entry only.
        DocumentOptions one;
        one.maxEntriesWithDescriptors = 1;
        const auto limited = documentOf(*img, one);
        QVERIFY(childNamed(*limited, limited->nodeFor(ref::logEntry(0)), "Descriptor 0") != noNode);
        QCOMPARE(childNamed(*limited, limited->nodeFor(ref::logEntry(4096)), "Descriptor 0"),
                 noNode);
    }

    // A descriptor whose signature is "XXXX": the entry's checksum no longer matches.
    void damagedDescriptorSignature() {
        BuiltImage b = buildImage(withLog({entry(5)}));
        std::fill_n(b.bytes.begin() + long(b.logOffset + 64), 4, uint8_t('X'));
        const auto img = parseAndScan(b);
        const auto doc = documentOf(*img);
        const NodeId e = doc->nodeFor(ref::logEntry(0));
        QVERIFY(e != noNode);
        QCOMPARE(doc->node(e).status, NodeStatus::Info);
        QVERIFY(!doc->node(e).reason.empty());
        QVERIFY(doc->node(e).reason != "valid");
        const NodeId sum = doc->childWithField(e, schema::log_entry::checksum);
        QCOMPARE(doc->node(sum).status, NodeStatus::Info);
        QVERIFY2(doc->node(sum).reason.find("match") == std::string::npos,
                 doc->node(sum).reason.c_str());
        const NodeId d0 = childNamed(*doc, e, "Descriptor 0");
        QVERIFY(d0 != noNode);
        QCOMPARE(doc->node(d0).status, NodeStatus::Info);
        QCOMPARE(doc->node(d0).reason, std::string("signature is neither \"desc\" nor \"zero\""));
        QCOMPARE(doc->node(doc->childWithField(d0, schema::data_descriptor::signature)).value,
                 std::string("XXXX"));
    }

    // EntryLength 0 and EntryLength past the log's 1 MiB: the entry keeps its header sector.
    void unusableEntryLength() {
        for (uint32_t length : {0u, 2u * 1024 * 1024}) {
            BuiltImage b = buildImage(withLog({entry(5)}));
            const uint64_t at = b.logOffset + schema::log_entry::entryLength.offset;
            for (int i = 0; i < 4; ++i)
                b.bytes[at + uint64_t(i)] = uint8_t(length >> (8 * i));
            const auto img = parseAndScan(b);
            const auto doc = documentOf(*img);
            const NodeId e = doc->nodeFor(ref::logEntry(0));
            QVERIFY(e != doc->nodeFor(ref::log())); // still listed, as an invalid entry
            QCOMPARE(doc->node(e).status, NodeStatus::Info);
            QCOMPARE(doc->node(e).ranges, (std::vector<ByteRange>{{b.logOffset, 4096}}));
            QCOMPARE(doc->node(doc->childWithField(e, schema::log_entry::entryLength)).value,
                     formatSize(length));
        }
    }
};

VHDX_TEST_MAIN(TestDocumentLog)
#include "tst_document_log.moc"
