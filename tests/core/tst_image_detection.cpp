// When a file with a damaged identifier is still a VHDX (MS-VHDX 2.2.1-2.2.3: the identifier, two
// headers and two region tables each say so): any one valid header or region table is
// enough, region table 1 or 2 alike; with none it is NOT_VHDX. The text report's signature
// line for each. Also: a differencing disk opened with resolveParent off looks for no parent.
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/layout.h"
#include "vhdx/report.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
// The file's identifier and both headers zeroed, and the region tables given zeroed too.
std::vector<uint8_t> withoutIdentifierAndHeaders(std::initializer_list<int> zeroTables) {
    BuiltImage b = buildImage({});
    std::fill_n(b.bytes.begin(), 64 * KiB, 0);
    for (int slot : {0, 1})
        std::fill_n(b.bytes.begin() + long(b.headerOffset[slot]), 4096, 0);
    for (int t : zeroTables)
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[t - 1]), 64 * KiB, 0);
    return b.bytes;
}

bool hasLine(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}
} // namespace

class TestImageDetection : public QObject {
    Q_OBJECT
  private slots:
    void oneRegionTableIsEnough_data() {
        QTest::addColumn<int>("zeroed");
        QTest::addColumn<int>("used");
        QTest::newRow("table 2 zeroed, table 1 valid") << 2 << 1;
        QTest::newRow("table 1 zeroed, table 2 valid") << 1 << 2;
    }
    void oneRegionTableIsEnough() {
        QFETCH(int, zeroed);
        QFETCH(int, used);
        const auto img = parseAndScan(withoutIdentifierAndHeaders({zeroed}));
        QVERIFY(img->isVhdx());
        QCOMPARE(img->headers().current, 0);
        QCOMPARE(img->regions().used, used);
        VHDX_REQUIRE_FINDING(*img, FindingCode::IdentifierSignatureBad, f);
        VHDX_COMPARE_STR(f.message,
                         "The file identifier's signature is \"\\x00\\x00\\x00\\x00\\x00\\x00"
                         "\\x00\\x00\", not \"vhdxfile\"; a valid header or region table shows "
                         "the file is a damaged VHDX");
        VHDX_REQUIRE_FINDING(*img, FindingCode::NoValidHeader, h);
        QCOMPARE(h.severity, Severity::Error);
        const std::string text = reportText(*img);
        QVERIFY2(hasLine(text, "  signature:                   DAMAGED "
                               "(\"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\")"),
                 text.c_str());
        // No current header: no Log section.
        QVERIFY(text.find("\nLog\n") == std::string::npos);
    }

    void nothingValidIsNotVhdx() {
        const auto img = parseAndScan(withoutIdentifierAndHeaders({1, 2}));
        QVERIFY(!img->isVhdx());
        VHDX_REQUIRE_FINDING(*img, FindingCode::NotVhdx, f);
        VHDX_COMPARE_STR(f.message, "The file has no \"vhdxfile\" signature, no valid header and "
                                    "no valid region table");
        QCOMPARE(img->findings().items().size(), size_t(1));
        const std::string text = reportText(*img);
        QVERIFY(hasLine(text, "  signature:                   MISSING (not a VHDX)"));
        QVERIFY(text.find("\nHeader 1") == std::string::npos);
    }

    // Cut at 256 KiB with region table 1 zeroed: table 2 lies past the end, so no table is
    // used (nothing to read the BAT or metadata from), yet the headers make it a VHDX.
    void noRegionTableLeft() {
        BuiltImage b = buildImage({});
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[0]), 64 * KiB, 0);
        b.bytes.resize(256 * KiB);
        const auto img = parseAndScan(b.bytes);
        QVERIFY(img->isVhdx());
        QCOMPARE(img->headers().current, 2);
        QCOMPARE(img->regions().used, 0);
        QVERIFY(!img->regions().tables[1].readable);
        VHDX_REQUIRE_FINDING(*img, FindingCode::NoValidRegionTable, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(!img->metadata().readable);
        QVERIFY(!img->batGeometry().valid);
    }

    // Cut 4 bytes into the metadata items (the builder puts them 64 KiB into the region, File
    // Parameters first): each item lies beyond the end of the file, the disk type is unknown.
    void cutInsideTheMetadataItems() {
        BuiltImage b = buildImage({});
        const uint64_t items = b.item(guids::fileParameters)->dataOffset;
        QCOMPARE(items, b.metadataOffset + 64 * KiB);
        b.bytes.resize(items + 4);
        const auto img = parseAndScan(b.bytes);
        QVERIFY(img->metadata().readable);
        QVERIFY(!img->metadata().blockSize);
        const auto cut = findingsWith(*img, FindingCode::FileTruncated);
        QVERIFY(!cut.empty());
        VHDX_COMPARE_STR(cut[0].message,
                         "Metadata item File Parameters lies beyond the end of the file");
        QCOMPARE(cut[0].offset, items);
        VHDX_COMPARE_STR(diskTypeName(diskType(img->metadata())), "unknown");
        QVERIFY(hasLine(reportText(*img), "  disk type:                   unknown"));
    }

    // A differencing disk read from a file, with its parent beside it: resolved by default,
    // not looked for with resolveParent off.
    void resolveParentOff() {
        QTemporaryDir dir;
        ImageSpec base;
        base.dataWriteGuid = *Guid::parse("0a0b0c0d-1111-2222-3333-444455556666");
        QVERIFY(!writeImageFile(dir.path(), "base.vhdx", buildImage(base).bytes).isEmpty());
        ImageSpec child;
        child.hasParent = true;
        child.parentLocator = {{"parent_linkage", "{0a0b0c0d-1111-2222-3333-444455556666}"},
                               {"relative_path", "base.vhdx"}};
        const QString path = writeImageFile(dir.path(), "child.vhdx", buildImage(child).bytes);
        std::string error;
        const auto linked = Image::open(path.toStdString(), error);
        QVERIFY2(linked, error.c_str());
        QCOMPARE(linked->parentChain().size(), size_t(1));
        QVERIFY(linked->parentChain()[0].found && linked->parentChain()[0].linkageMatches);
        ParseOptions o;
        o.resolveParent = false;
        const auto alone = Image::open(path.toStdString(), error, o);
        QVERIFY2(alone, error.c_str());
        QVERIFY(alone->parentChain().empty());
        QVERIFY(alone->metadata().hasParent);
        VHDX_REQUIRE_NO_FINDING(*alone, FindingCode::ParentNotFound);
        QVERIFY(reportText(*alone).find("\nParent\n") == std::string::npos);
    }
};

VHDX_TEST_MAIN(TestImageDetection)
#include "tst_image_detection.moc"
