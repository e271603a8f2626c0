// Differencing disks (MS-VHDX 2.6): the parent locator item, finding the parent on disk and
// checking parent_linkage against the parent's DataWriteGuid.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/bytes.h"
#include "vhdx/metadata.h"
#include "vhdx/parent_chain.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
const Guid kParentData = *Guid::parse("0a0b0c0d-1111-2222-3333-444455556666");

std::string braced(const Guid& g) {
    return "{" + g.toString() + "}";
}

ImageSpec baseSpec(const Guid& dataWriteGuid = kParentData) {
    ImageSpec spec;
    spec.dataWriteGuid = dataWriteGuid;
    spec.blocks = {{0, bat::FullyPresent}};
    return spec;
}

ImageSpec childSpec(const std::vector<std::pair<std::string, std::string>>& locator) {
    ImageSpec spec;
    spec.hasParent = true;
    spec.parentLocator = locator;
    spec.dataWriteGuid = Guid::random();
    return spec;
}

std::unique_ptr<Image> openFile(const QString& path) {
    std::string error;
    auto img = Image::open(path.toStdString(), error);
    if (img)
        img->scanBat();
    return img;
}
} // namespace

class TestParentLocator : public QObject {
    Q_OBJECT
  private slots:
    void decodeValid() {
        const std::vector<std::pair<std::string, std::string>> kv = {
            {"parent_linkage", braced(kParentData)},
            {"parent_linkage2", braced(Guid::random())},
            {"relative_path", "..\\base\\b\xC3\xA4se.vhdx"},
            {"volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\b.vhdx"},
            {"absolute_win32_path", "C:\\vms\\base.vhdx"}};
        const std::vector<uint8_t> item = encodeParentLocator(guids::parentLocatorTypeVhdx, kv);
        const ParentLocator pl = decodeParentLocator(item.data(), item.size());
        QVERIFY2(pl.valid, pl.problem.c_str());
        QVERIFY(pl.type == guids::parentLocatorTypeVhdx);
        QCOMPARE(pl.keyValueCount, uint16_t(5));
        QCOMPARE(pl.entries.size(), size_t(5));
        for (const auto& [k, v] : kv) {
            QVERIFY(pl.value(k) != nullptr);
            QCOMPARE(qs(*pl.value(k)), qs(v));
        }
        QVERIFY(pl.value("missing") == nullptr);
        QCOMPARE(pl.entries[0].keyOffset, 20u + 12 * 5);
        QCOMPARE(pl.entries[0].keyLength, uint16_t(2 * 14)); // "parent_linkage"
    }
    void decodeInvalid_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("key outside item") << 0;
        QTest::newRow("value outside item") << 1;
        QTest::newRow("empty key") << 2;
        QTest::newRow("duplicate key") << 3;
        QTest::newRow("no parent_linkage") << 4;
        QTest::newRow("linkage not a GUID") << 5;
        QTest::newRow("no path") << 6;
        QTest::newRow("wrong type") << 7;
        QTest::newRow("count too large") << 8;
        QTest::newRow("shorter than header") << 9;
        QTest::newRow("offset wraps") << 10;
    }
    void decodeInvalid() {
        QFETCH(int, kind);
        std::vector<std::pair<std::string, std::string>> kv = {
            {"parent_linkage", braced(kParentData)}, {"relative_path", "p.vhdx"}};
        Guid type = guids::parentLocatorTypeVhdx;
        if (kind == 3)
            kv.push_back({"relative_path", "q.vhdx"});
        if (kind == 4)
            kv.erase(kv.begin());
        if (kind == 5)
            kv[0].second = "not-a-guid";
        if (kind == 6)
            kv.pop_back();
        if (kind == 7)
            type = Guid::random();
        std::vector<uint8_t> item = encodeParentLocator(type, kv);
        uint8_t* e0 = item.data() + 20;
        if (kind == 0)
            putLe32(e0, uint32_t(item.size()));
        if (kind == 1)
            putLe32(e0 + 4, uint32_t(item.size() - 2));
        if (kind == 2)
            putLe16(e0 + 8, 0);
        if (kind == 8)
            putLe16(item.data() + 18, 1000);
        if (kind == 9)
            item.resize(19);
        if (kind == 10)
            putLe32(e0, 0xFFFFFFFEu);
        const ParentLocator pl = decodeParentLocator(item.data(), item.size());
        QVERIFY(!pl.valid);
        QVERIFY(!pl.problem.empty());
    }
    void resolvesParentWithMatchingLinkage_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("path");
        QTest::newRow("relative plain") << "relative_path"
                                        << "base.vhdx";
        QTest::newRow("relative windows") << "relative_path"
                                          << ".\\base.vhdx";
        QTest::newRow("absolute win32") << "absolute_win32_path"
                                        << "C:\\vms\\base.vhdx";
    }
    void resolvesParentWithMatchingLinkage() {
        QFETCH(QString, key);
        QFETCH(QString, path);
        QTemporaryDir dir;
        QVERIFY(!writeImageFile(dir.path(), "base.vhdx", buildImage(baseSpec()).bytes).isEmpty());
        ImageSpec child = childSpec(
            {{"parent_linkage", braced(kParentData)}, {key.toStdString(), path.toStdString()}});
        child.blocks = {{0, bat::PartiallyPresent}, {1, bat::NotPresent}};
        child.sectorBitmaps = {0};
        const QString childPath = writeImageFile(dir.path(), "child.vhdx", buildImage(child).bytes);
        const auto img = openFile(childPath);
        QVERIFY(img);
        VHDX_REQUIRE_NO_ERRORS(*img);
        QVERIFY(img->metadata().hasParent);
        QVERIFY(img->metadata().parentLocator && img->metadata().parentLocator->valid);
        QCOMPARE(img->parentChain().size(), size_t(1));
        const ParentLink& link = img->parentChain().front();
        QVERIFY(link.found && link.readable && link.linkageMatches);
        QCOMPARE(qs(link.locatorKey), key);
        QVERIFY(link.parentDataWriteGuid == kParentData);
        QVERIFY(link.expectedLinkageValid);
        QVERIFY(!link.parentHasParent);
        QCOMPARE(QFileInfo(qs(link.path)).canonicalFilePath(),
                 QFileInfo(dir.filePath("base.vhdx")).canonicalFilePath());
    }
    void parentNotFound() {
        QTemporaryDir dir;
        const BuiltImage child =
            buildImage(childSpec({{"parent_linkage", braced(kParentData)},
                                  {"relative_path", "gone.vhdx"},
                                  {"absolute_win32_path", "D:\\nowhere\\gone.vhdx"}}));
        const auto img = openFile(writeImageFile(dir.path(), "child.vhdx", child.bytes));
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentNotFound, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "metadata:Parent Locator");
        QCOMPARE(f.offset, child.item(guids::parentLocator)->dataOffset);
        QCOMPARE(img->parentChain().size(), size_t(1));
        QVERIFY(!img->parentChain().front().found);
        QVERIFY(!img->parentChain().front().tried.empty());
    }
    void parentIsNotVhdx() {
        QTemporaryDir dir;
        QFile junk(dir.filePath("base.vhdx"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(100000, 'z'));
        junk.close();
        const QString childPath =
            writeImageFile(dir.path(), "child.vhdx",
                           buildImage(childSpec({{"parent_linkage", braced(kParentData)},
                                                 {"relative_path", "base.vhdx"}}))
                               .bytes);
        const auto img = openFile(childPath);
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentNotFound, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(img->parentChain().front().found);
        QVERIFY(!img->parentChain().front().readable);
    }
    void linkageMismatch() {
        QTemporaryDir dir;
        QVERIFY(!writeImageFile(dir.path(), "base.vhdx", buildImage(baseSpec(Guid::random())).bytes)
                     .isEmpty());
        const BuiltImage child = buildImage(
            childSpec({{"parent_linkage", braced(kParentData)}, {"relative_path", "base.vhdx"}}));
        const auto img = openFile(writeImageFile(dir.path(), "child.vhdx", child.bytes));
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentLinkageMismatch, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "metadata:Parent Locator");
        QCOMPARE(f.offset, child.item(guids::parentLocator)->dataOffset);
        QVERIFY(img->parentChain().front().found);
        QVERIFY(!img->parentChain().front().linkageMatches);
    }
    void chainOfThree() {
        QTemporaryDir dir;
        QVERIFY(!writeImageFile(dir.path(), "base.vhdx", buildImage(baseSpec()).bytes).isEmpty());
        const Guid middleData = Guid::random();
        ImageSpec middle =
            childSpec({{"parent_linkage", braced(kParentData)}, {"relative_path", "base.vhdx"}});
        middle.dataWriteGuid = middleData;
        QVERIFY(!writeImageFile(dir.path(), "middle.vhdx", buildImage(middle).bytes).isEmpty());
        const QString top =
            writeImageFile(dir.path(), "top.vhdx",
                           buildImage(childSpec({{"parent_linkage", braced(middleData)},
                                                 {"relative_path", "middle.vhdx"}}))
                               .bytes);
        const auto img = openFile(top);
        VHDX_REQUIRE_NO_ERRORS(*img);
        QCOMPARE(img->parentChain().size(), size_t(2));
        QVERIFY(img->parentChain()[0].parentHasParent);
        QVERIFY(img->parentChain()[1].linkageMatches);
        QVERIFY(!img->parentChain()[1].parentHasParent);
    }
    void chainLoop() {
        QTemporaryDir dir;
        const Guid aData = Guid::random(), bData = Guid::random();
        ImageSpec a = childSpec({{"parent_linkage", braced(bData)}, {"relative_path", "b.vhdx"}});
        a.dataWriteGuid = aData;
        ImageSpec b = childSpec({{"parent_linkage", braced(aData)}, {"relative_path", "a.vhdx"}});
        b.dataWriteGuid = bData;
        const QString aPath = writeImageFile(dir.path(), "a.vhdx", buildImage(a).bytes);
        QVERIFY(!writeImageFile(dir.path(), "b.vhdx", buildImage(b).bytes).isEmpty());
        const auto img = openFile(aPath);
        QVERIFY(img->parentChain().size() <= 16);
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentNotFound, f);
        QCOMPARE(f.severity, Severity::Error);
    }
    void selfParent() {
        QTemporaryDir dir;
        ImageSpec self =
            childSpec({{"parent_linkage", braced(kParentData)}, {"relative_path", "self.vhdx"}});
        self.dataWriteGuid = kParentData;
        const QString path = writeImageFile(dir.path(), "self.vhdx", buildImage(self).bytes);
        const auto img = openFile(path);
        QVERIFY(img->parentChain().size() <= 1);
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentNotFound, f);
        QCOMPARE(f.severity, Severity::Error);
    }
    void memoryImageDoesNotResolve() {
        const auto img = parseAndScan(buildImage(
            childSpec({{"parent_linkage", braced(kParentData)}, {"relative_path", "x.vhdx"}})));
        QVERIFY(img->parentChain().empty());
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::ParentNotFound);
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void locatorMissing() {
        ImageSpec spec = childSpec({});
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentLocatorMissing, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(key(*img, f).rfind("metadata", 0) == 0);
    }
    void locatorInvalidInImage() {
        ImageSpec spec = childSpec({{"relative_path", "x.vhdx"}}); // no parent_linkage
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentLocatorInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "metadata:Parent Locator");
        QCOMPARE(f.offset, b.item(guids::parentLocator)->dataOffset);
        QVERIFY(!img->metadata().parentLocator->valid);
    }
    void locatorUnexpected() {
        ImageSpec spec;
        spec.parentLocator = {{"parent_linkage", braced(kParentData)}, {"relative_path", "x.vhdx"}};
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentLocatorUnexpected, f);
        QCOMPARE(f.severity, Severity::Warning);
        VHDX_COMPARE_STR(key(*img, f), "metadata:Parent Locator");
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void candidatesOrder() {
        ParentLocator pl;
        pl.entries.push_back({"absolute_win32_path", "C:\\vms\\p.vhdx", 0, 0, 0, 0});
        pl.entries.push_back({"relative_path", ".\\sub\\p.vhdx", 0, 0, 0, 0});
        const auto c = parentCandidates(pl, "/data/img");
        QVERIFY(c.size() >= 2);
        VHDX_COMPARE_STR(c[0].first, "relative_path");
        VHDX_COMPARE_STR(c[0].second, "/data/img/sub/p.vhdx");
        VHDX_COMPARE_STR(c[1].first, "absolute_win32_path");
    }
};

VHDX_TEST_MAIN(TestParentLocator)
#include "tst_parent_locator.moc"
