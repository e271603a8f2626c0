// The document's first MiB and metadata nodes on damaged files: an empty file, an
// unreadable identifier, another file's bytes, a header with Version 2 (its checksum made
// valid again, MS-VHDX 2.2.2), an unreadable region table, a region table claiming more than
// 2047 entries (2.2.3.1); a fixed disk's flags, a locator of another type, items whose
// offsets point out of the region, and a metadata table that cannot be read (I/O error,
// beyond the end of the file, no metadata region).
#include <QTest>

#include "core_test_helpers.h"
#include "document_test_helpers.h"
#include "test_registry.h"
#include "vhdx/crc32c.h"
#include "vhdx/document/document.h"
#include "vhdx/layout.h"
#include "vhdx/schema/structures.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

void put32(std::vector<uint8_t>& bytes, uint64_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        bytes[at + uint64_t(i)] = uint8_t(v >> (8 * i));
}

// Recomputes the CRC-32C of the block at `at` (checksum field at +4 zeroed first).
void reseal(std::vector<uint8_t>& bytes, uint64_t at, size_t size) {
    put32(bytes, at + 4, 0);
    put32(bytes, at + 4, crc32c(bytes.data() + at, size));
}

std::unique_ptr<Image> parseBytes(std::vector<uint8_t> bytes) {
    return parseAndScan(std::move(bytes));
}

} // namespace

class TestDocumentFront : public QObject {
    Q_OBJECT
  private slots:
    void identifierOfOtherFiles() {
        const auto empty = parseBytes({});
        auto doc = documentOf(*empty);
        NodeId id = doc->nodeFor(ref::identifier());
        QCOMPARE(doc->node(id).value, std::string("empty file"));
        QCOMPARE(doc->nodeFor(ref::header(1)), doc->nodeFor(ref::file())); // no header node

        const auto other = parseBytes(std::vector<uint8_t>(2 * MiB, 'A'));
        doc = documentOf(*other);
        id = doc->nodeFor(ref::identifier());
        QCOMPARE(doc->node(id).value, std::string("not a VHDX"));
        QCOMPARE(doc->node(doc->childWithField(id, schema::identifier::signature)).reason,
                 std::string("signature is not \"vhdxfile\""));
        QCOMPARE(doc->childWithField(id, schema::identifier::creator), noNode);

        const BuiltImage b = buildImage({});
        const auto unreadable = Image::parse(std::make_shared<FailingSource>(b.bytes, 0, 8));
        doc = documentOf(*unreadable);
        QCOMPARE(doc->node(doc->nodeFor(ref::identifier())).value, std::string("unreadable"));
    }

    void headerVersionBad() {
        BuiltImage b = buildImage({});
        const uint64_t h = b.headerOffset[0];
        b.bytes[h + schema::header::version.offset] = 2;
        reseal(b.bytes, h, 4096);
        const auto img = parseBytes(b.bytes);
        const auto doc = documentOf(*img);
        const NodeId h1 = doc->nodeFor(ref::header(1));
        const DocNode& version = doc->node(doc->childWithField(h1, schema::header::version));
        QCOMPARE(version.value, std::string("2"));
        QCOMPARE(version.reason, std::string("expected Version 1 and LogVersion 0"));
        QVERIFY(version.status >= NodeStatus::Warning);
        // The other header is fine.
        const NodeId h2 = doc->nodeFor(ref::header(2));
        QCOMPARE(doc->node(doc->childWithField(h2, schema::header::version)).reason,
                 std::string("Version 1, LogVersion 0"));
    }

    void regionTableUnreadableAndTooManyEntries() {
        BuiltImage b = buildImage({});
        const uint64_t t1 = b.regionTableOffset[0], t2 = b.regionTableOffset[1];
        auto img = Image::parse(std::make_shared<FailingSource>(b.bytes, t2, t2 + 16));
        auto doc = documentOf(*img);
        QCOMPARE(doc->node(doc->nodeFor(ref::regionTable(2))).value, std::string("unreadable"));
        QCOMPARE(doc->node(doc->nodeFor(ref::regionTable(1))).value,
                 std::string("2 entries (in use)"));

        put32(b.bytes, t1 + schema::region_table::entryCount.offset, 3000);
        reseal(b.bytes, t1, schema::region_table::size);
        img = parseBytes(b.bytes);
        doc = documentOf(*img);
        const NodeId t = doc->nodeFor(ref::regionTable(1));
        const DocNode& count = doc->node(doc->childWithField(t, schema::region_table::entryCount));
        QCOMPARE(count.value, std::string("3000"));
        QCOMPARE(count.reason, std::string("more than 2047 entries"));
        QVERIFY(count.status >= NodeStatus::Warning);
    }

    void fixedDiskAndForeignLocator() {
        ImageSpec fixed;
        fixed.fixed = true;
        fixed.virtualSize = 64 * MiB;
        auto img = parseBytes(buildImage(fixed).bytes);
        auto doc = documentOf(*img);
        const NodeId md = doc->nodeFor(ref::metadata());
        QCOMPARE(doc->node(childNamed(*doc, md, "File Parameters")).value,
                 std::string("block size 32 MiB, leave blocks allocated"));

        ImageSpec child;
        child.hasParent = true;
        child.parentLocatorType = *Guid::parse("01234567-89ab-cdef-0123-456789abcdef");
        child.parentLocator = {{"parent_linkage", "{00000000-0000-0000-0000-000000000001}"}};
        img = parseBytes(buildImage(child).bytes);
        doc = documentOf(*img);
        const NodeId pl = childNamed(*doc, doc->nodeFor(ref::metadata()), "Parent Locator");
        QVERIFY(pl != noNode);
        QCOMPARE(doc->node(doc->childWithField(pl, schema::parent_locator::locatorType)).value,
                 std::string("01234567-89ab-cdef-0123-456789abcdef"));
        QCOMPARE(
            doc->node(childNamed(*doc, doc->nodeFor(ref::metadata()), "File Parameters")).value,
            std::string("block size 32 MiB, has parent"));
    }

    // Each known item in turn with an offset past the 1 MiB region: not decoded, "out of
    // bounds", no bytes; the other items keep their values.
    void itemsOutOfTheRegion() {
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{00000000-0000-0000-0000-000000000001}"}};
        const BuiltImage clean = buildImage(spec);
        QCOMPARE(clean.items.size(), size_t(6));
        for (const MetadataItemPlace& item : clean.items) {
            BuiltImage b = clean;
            put32(b.bytes, item.entryOffset + schema::metadata_entry::offset.offset, 0x7FF00000);
            const auto img = parseBytes(b.bytes);
            const auto doc = documentOf(*img);
            const NodeId md = doc->nodeFor(ref::metadata());
            size_t outOfBounds = 0;
            for (NodeId c : doc->node(md).children) {
                if (doc->node(c).kind != NodeKind::MetadataItem)
                    continue;
                const bool out = doc->node(c).value == "out of bounds";
                outOfBounds += out;
                QCOMPARE(doc->node(c).ranges.empty(), out);
            }
            QCOMPARE(outOfBounds, size_t(1));
        }
    }

    // An item the format does not define: its size, not decoded.
    void unknownItemNotDecoded() {
        ImageSpec spec;
        spec.extraItems.push_back(
            {*Guid::parse("aaaaaaaa-0000-1111-2222-333333333333"), std::vector<uint8_t>(24, 7), 0});
        const auto img = parseBytes(buildImage(spec).bytes);
        const auto doc = documentOf(*img);
        const NodeId md = doc->nodeFor(ref::metadata());
        size_t found = 0;
        for (NodeId c : doc->node(md).children)
            if (doc->node(c).value == "24 bytes, not decoded") {
                ++found;
                QCOMPARE(doc->node(c).ranges.size(), size_t(1));
                QCOMPARE(doc->node(c).ranges[0].length, uint64_t(24));
            }
        QCOMPARE(found, size_t(1));
    }

    void metadataUnreadable() {
        BuiltImage b = buildImage({});
        auto img = Image::parse(
            std::make_shared<FailingSource>(b.bytes, b.metadataOffset, b.metadataOffset + 16));
        auto doc = documentOf(*img);
        NodeId md = doc->nodeFor(ref::metadata());
        QCOMPARE(doc->node(md).value, std::string("unreadable"));
        QCOMPARE(doc->node(md).status, NodeStatus::Error);
        QVERIFY2(
            doc->node(md).reason.starts_with("the metadata table could not be read (I/O error)"),
            doc->node(md).reason.c_str());

        std::vector<uint8_t> cut(b.bytes.begin(), b.bytes.begin() + long(b.metadataOffset));
        img = parseBytes(cut);
        doc = documentOf(*img);
        md = doc->nodeFor(ref::metadata());
        QCOMPARE(doc->node(md).value, std::string("unreadable"));
        QVERIFY2(doc->node(md).reason.starts_with("the metadata table lies beyond end of file"),
                 doc->node(md).reason.c_str());

        ImageSpec noRegion;
        noRegion.writeMetadataRegion = false;
        img = parseBytes(buildImage(noRegion).bytes);
        doc = documentOf(*img);
        md = doc->nodeFor(ref::metadata());
        QCOMPARE(doc->node(md).status, NodeStatus::Error);
        QVERIFY2(doc->node(md).reason.starts_with(
                     "The region table in use lists no usable metadata region, so it cannot be "
                     "read"),
                 doc->node(md).reason.c_str());
    }
};

VHDX_TEST_MAIN(TestDocumentFront)
#include "tst_document_front.moc"
