// Valid images of many shapes give no error findings, and the core reads back exactly the
// geometry the builder computed on its own.
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"

using namespace vhdx;
using namespace vhdx::test;

Q_DECLARE_METATYPE(vhdx::test::ImageSpec)

namespace {
ImageSpec shape(uint32_t blockMiB, uint32_t sector, bool fixed) {
    ImageSpec spec;
    spec.blockSize = blockMiB * uint32_t(MiB);
    spec.logicalSectorSize = sector;
    spec.physicalSectorSize = 4096;
    if (fixed) {
        spec.fixed = true;
        spec.virtualSize = uint64_t(spec.blockSize) * 3 / 2; // a partial last block
    } else {
        spec.virtualSize = 10 * GiB + 3 * 4096;
        spec.blocks = {
            {0, bat::FullyPresent}, {1, bat::Zero}, {2, bat::Unmapped}, {5, bat::FullyPresent}};
    }
    return spec;
}

void addShapes() {
    QTest::addColumn<ImageSpec>("spec");
    for (uint32_t block : {1u, 2u, 32u, 256u})
        for (uint32_t sector : {512u, 4096u})
            for (bool fixed : {false, true})
                QTest::addRow("%uM/%u/%s", block, sector, fixed ? "fixed" : "dynamic")
                    << shape(block, sector, fixed);
    ImageSpec diff = shape(32, 512, false);
    diff.hasParent = true;
    diff.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                          {"relative_path", ".\\parent.vhdx"},
                          {"absolute_win32_path", "C:\\vms\\parent.vhdx"}};
    diff.blocks[7] = bat::PartiallyPresent;
    diff.sectorBitmaps = {0};
    QTest::newRow("differencing") << diff;
    ImageSpec qemu = shape(1, 512, false);
    qemu.regionsRequired = false;
    qemu.creator = "QEMU v7.2.22";
    QTest::newRow("qemu style") << qemu;
    ImageSpec big = shape(256, 512, false);
    big.virtualSize = 64 * TiB;
    QTest::newRow("64 TiB") << big;
    ImageSpec tiny = shape(1, 512, false);
    tiny.virtualSize = 512;
    tiny.blocks = {{0, bat::FullyPresent}};
    QTest::newRow("one sector") << tiny;
}
} // namespace

class TestCleanImages : public QObject {
    Q_OBJECT
  private slots:
    void noErrors_data() { addShapes(); }
    void noErrors() {
        QFETCH(ImageSpec, spec);
        const BuiltImage b = buildImage(spec);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_NO_ERRORS(*img);
        QCOMPARE(img->findings().count(Severity::Warning), size_t(0));
        QVERIFY(img->identifier().signatureValid);
        QCOMPARE(qs(img->identifier().creator), qs(spec.creator));
        QCOMPARE(img->headers().current, 2);
        QVERIFY(img->regions().identical);
        const Metadata& md = img->metadata();
        QCOMPARE(*md.blockSize, spec.blockSize);
        QCOMPARE(*md.logicalSectorSize, spec.logicalSectorSize);
        QCOMPARE(*md.physicalSectorSize, spec.physicalSectorSize);
        QCOMPARE(*md.virtualDiskSize, spec.virtualSize);
        QCOMPARE(md.leaveBlocksAllocated, spec.fixed);
        QCOMPARE(md.hasParent, spec.hasParent);
        QCOMPARE(md.parentLocator.has_value(), !spec.parentLocator.empty());
        const BatGeometry& g = img->batGeometry();
        QVERIFY(g.valid);
        QCOMPARE(g.chunkRatio, b.chunkRatio);
        QCOMPARE(g.dataBlocks, b.dataBlocks);
        QCOMPARE(g.totalEntries, b.totalBatEntries);
        const BatScanResult& r = *img->batScan();
        QVERIFY(r.completed);
        QCOMPARE(r.entriesScanned, b.totalBatEntries);
        // Sector-bitmap slots: one per full chunk without a parent, one per chunk (the last,
        // partial one included) with a parent; every other slot is a payload slot.
        const uint64_t bitmaps = spec.hasParent ? b.totalBatEntries / (b.chunkRatio + 1)
                                                : b.totalBatEntries - b.dataBlocks;
        QCOMPARE(g.sectorBitmapBlocks, bitmaps);
        QCOMPARE(r.sectorBitmapEntries, bitmaps);
        // A differencing disk's last chunk may have payload slots past the last block: they
        // map nothing and are not counted as payload entries.
        QCOMPARE(r.payloadEntries, b.dataBlocks);
        QCOMPARE(r.counts.of(BatClass::PayloadFullyPresent) +
                     r.counts.of(BatClass::PayloadPartiallyPresent),
                 uint64_t(b.blockOffsets.size()));
        QCOMPARE(r.counts.of(BatClass::BitmapPresent), uint64_t(b.bitmapOffsets.size()));
    }
    void withLog_data() {
        QTest::addColumn<bool>("replayed");
        QTest::newRow("replayed") << true;
        QTest::newRow("not replayed") << false;
    }
    void withLog() {
        QFETCH(bool, replayed);
        const Guid logGuid = Guid::random();
        ImageSpec spec = shape(32, 512, false);
        spec.logGuid = replayed ? Guid() : logGuid;
        for (uint64_t s = 100; s < 104; ++s) {
            LogEntrySpec e;
            e.sequenceNumber = s;
            e.logGuid = logGuid;
            e.tailEntry = 0;
            e.data.push_back({b0Offset(), {}});
            spec.logEntries.push_back(e);
        }
        const auto img = parseAndScan(buildImage(spec));
        VHDX_REQUIRE_NO_ERRORS(*img);
        QCOMPARE(img->log().replayNeeded, !replayed);
        if (replayed) {
            QVERIFY(img->findings().empty());
        } else {
            QCOMPARE(img->log().activeSequence, (std::vector<uint64_t>{100, 101, 102, 103}));
            QCOMPARE(img->findings().items().size(), size_t(1));
            QCOMPARE(img->findings().items()[0].code, FindingCode::LogReplayNeeded);
        }
    }
    // The builder itself, checked by an independent reader: qemu-img check accepts its
    // dynamic and fixed 512-byte-sector images (QEMU reads no other shapes).
    void qemuImgAcceptsBuilderImages_data() {
        QTest::addColumn<ImageSpec>("spec");
        QTest::newRow("dynamic 32M") << shape(32, 512, false);
        QTest::newRow("dynamic 1M") << shape(1, 512, false);
        QTest::newRow("fixed 2M") << shape(2, 512, true);
    }
    void qemuImgAcceptsBuilderImages() {
        QFETCH(ImageSpec, spec);
        if (QStandardPaths::findExecutable("qemu-img").isEmpty())
            QSKIP("qemu-img is not installed");
        QTemporaryDir dir;
        const QString path = writeImageFile(dir.path(), "b.vhdx", buildImage(spec).bytes);
        QProcess p;
        p.start("qemu-img", {"check", "-f", "vhdx", path});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(p.exitCode() == 0, out.constData());
        QVERIFY2(out.contains("No errors were found"), out.constData());
    }

  private:
    static uint64_t b0Offset() { return 4 * MiB; }
};

VHDX_TEST_MAIN(TestCleanImages)
#include "tst_clean_images.moc"
