// The document's look-ups on a tree built by hand: which node owns a byte when
// siblings overlap (the deeper, then the smaller), the enclosing structure for a reference
// without a node of its own, where the parent-chain findings go, paths back and forth, the
// status names; and the structure keys and titles of every part (the README's names).
#include <QTest>

#include "test_registry.h"
#include "vhdx/document/document.h"
#include "vhdx/metadata.h"
#include "vhdx/schema/structures.h"
#include "vhdx/structure_ref.h"

using namespace vhdx;

class TestDocumentLookup : public QObject {
    Q_OBJECT
  private slots:
    void overlappingSiblings() {
        for (bool smallFirst : {false, true}) {
            Document d;
            const NodeId file = d.add(d.root(), NodeKind::File, "File");
            d.edit(file).ranges = {{0, 1000}};
            const NodeId big = d.add(file, NodeKind::Header, "big");
            const NodeId small = d.add(file, NodeKind::Header, "small");
            d.edit(smallFirst ? big : small).ranges = {{100, 10}};
            d.edit(smallFirst ? small : big).ranges = {{0, 500}};
            const NodeId expectSmall = smallFirst ? big : small;
            QCOMPARE(d.nodeAt(105), expectSmall);              // same depth: the smaller
            QCOMPARE(d.nodeAt(400), smallFirst ? small : big); // only the big one
            QCOMPARE(d.nodeAt(700), file);                     // only the file
            QCOMPARE(d.nodeAt(1000), noNode);                  // past everything
            QCOMPARE(d.nodeAt(105, file), expectSmall);
        }
    }

    // A node without ranges (a group) is looked into; its children own their bytes.
    void groupsWithoutRanges() {
        Document d;
        const NodeId group = d.add(d.root(), NodeKind::Field, "group");
        const NodeId leaf = d.add(group, NodeKind::Field, "leaf");
        d.edit(leaf).ranges = {{10, 5}};
        QCOMPARE(d.nodeAt(12), leaf);
        QCOMPARE(d.nodeAt(9), noNode);
        QCOMPARE(d.childWithField(group, schema::header::sequenceNumber), noNode);
    }

    void nodeForFallsBackToTheEnclosingStructure() {
        Document d;
        const NodeId file = d.add(d.root(), NodeKind::File, "File");
        const NodeId log = d.add(file, NodeKind::Log, "Log");
        const NodeId md = d.add(file, NodeKind::Metadata, "Metadata");
        const NodeId bat = d.add(file, NodeKind::Bat, "BAT");
        d.setRef(log, ref::log());
        d.setRef(md, ref::metadata());
        d.setRef(bat, ref::bat());
        QCOMPARE(d.nodeFor(ref::logEntry(4096)), log);
        QCOMPARE(d.nodeFor(ref::metadataItem(3)), md);
        QCOMPARE(d.nodeFor(ref::batEntry(12)), bat);
        QCOMPARE(d.nodeFor(ref::header(1)), noNode); // no file ref either
        // Parent findings go to the chain; with neither a chain nor a file node, to their
        // structure.
        Finding f;
        f.where = ref::metadataItem(3);
        for (FindingCode code : {FindingCode::ParentNotFound, FindingCode::ParentLinkageMismatch}) {
            f.code = code;
            QCOMPARE(d.nodeForFinding(f), md);
        }
        d.setRef(file, ref::file());
        QCOMPARE(d.nodeFor(ref::header(1)), file);
        QCOMPARE(d.nodeFor(ref::parentChain()), file);
        QCOMPARE(d.nodeFor(ref::file()), file);
        // The first node set for a ref keeps it.
        const NodeId other = d.add(file, NodeKind::Log, "Other log");
        d.setRef(other, ref::log());
        QCOMPARE(d.nodeFor(ref::log()), log);

        const NodeId chain = d.add(file, NodeKind::ParentChain, "Parent chain");
        d.setRef(chain, ref::parentChain());
        QCOMPARE(d.nodeForFinding(f), chain);
        f.code = FindingCode::ParentNotFound;
        QCOMPARE(d.nodeForFinding(f), chain);
        f.code = FindingCode::LogEntryInvalid;
        f.where = ref::logEntry(8192);
        QCOMPARE(d.nodeForFinding(f), log);
    }

    void paths() {
        Document d;
        const NodeId a = d.add(d.root(), NodeKind::Header, "Header 1");
        const NodeId b = d.add(a, NodeKind::Field, "Sequence number");
        QCOMPARE(d.path(b), std::string("Header 1\x1fSequence number"));
        QCOMPARE(d.path(d.root()), std::string());
        QCOMPARE(d.path(noNode), std::string());
        QCOMPARE(d.nodeForPath("Header 1\x1fSequence number"), b);
        QCOMPARE(d.nodeForPath("Header 1"), a);
        QCOMPARE(d.nodeForPath(""), d.root());
        QCOMPARE(d.nodeForPath("Header 1\x1fNo such field"), noNode);
    }

    void statusNames() {
        QCOMPARE(statusName(NodeStatus::None), std::string_view(""));
        QCOMPARE(statusName(NodeStatus::Ok), std::string_view("ok"));
        QCOMPARE(statusName(NodeStatus::Info), std::string_view("info"));
        QCOMPARE(statusName(NodeStatus::Warning), std::string_view("warning"));
        QCOMPARE(statusName(NodeStatus::Error), std::string_view("error"));
        QCOMPARE(statusName(NodeStatus(9)), std::string_view(""));
        QCOMPARE(statusOf(Severity::Info), NodeStatus::Info);
        QCOMPARE(statusOf(Severity::Warning), NodeStatus::Warning);
        QCOMPARE(statusOf(Severity::Error), NodeStatus::Error);
        // Ordered: a worse status is larger.
        QVERIFY(NodeStatus::Ok < NodeStatus::Info && NodeStatus::Info < NodeStatus::Warning &&
                NodeStatus::Warning < NodeStatus::Error);
    }

    // README: file, identifier, header1, region_table2, metadata, metadata:<item>,
    // bat, bat[<index>], log, log[<offset>]; "parent" for the chain.
    void keysAndTitles() {
        Metadata md;
        md.entries.resize(2);
        md.entries[1].name = "Virtual Disk Size";
        const struct {
            StructureRef r;
            const char* key;
            const char* title;
        } cases[] = {
            {ref::file(), "file", "File"},
            {ref::identifier(), "identifier", "File identifier"},
            {ref::header(1), "header1", "Header 1"},
            {ref::regionTable(2), "region_table2", "Region table 2"},
            {ref::metadata(), "metadata", "Metadata"},
            {ref::metadataItem(1), "metadata:Virtual Disk Size", "Metadata item Virtual Disk Size"},
            {ref::metadataItem(5), "metadata", "Metadata"}, // no such entry
            {ref::bat(), "bat", "BAT"},
            {ref::batEntry(12), "bat[12]", "BAT entry 12"},
            {ref::log(), "log", "Log"},
            {ref::logEntry(8192), "log[8192]", "Log entry +0x2000"},
            {ref::parentChain(), "parent", "Parent chain"},
            {StructureRef{Part(200), 0}, "file", "File"}, // not a part: the file
        };
        for (const auto& c : cases) {
            QCOMPARE(structureKey(c.r, md), std::string(c.key));
            QCOMPARE(structureTitle(c.r, md), std::string(c.title));
        }
        QVERIFY(ref::header(1) == ref::header(1));
        QVERIFY(!(ref::header(1) == ref::header(2)));
        QVERIFY(!(ref::header(1) == ref::regionTable(1)));
    }
};

VHDX_TEST_MAIN(TestDocumentLookup)
#include "tst_document_lookup.moc"
