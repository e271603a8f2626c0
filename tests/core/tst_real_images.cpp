// Images made by real writers (tests/data, facts from shared/testdata/README.md): the core
// must read exactly what Hyper-V, Windows and QEMU wrote.
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
struct Facts {
    const char* file;
    uint64_t fileSize;
    uint64_t seq1, seq2;
    int current;
    const char* creator;
    uint64_t virtualSize;
    uint32_t blockSize;
    uint32_t logical, physical;
    bool required;
    uint64_t chunkRatio;
    uint64_t payloadEntries, bitmapEntries;
    uint64_t fully, zero, notPresent;
    bool log;
};

const Facts kFacts[] = {
    {"iotest-dynamic-1G.vhdx.bz2", 104857600, 14, 15, 2, "Microsoft Windows 6.2.9200.16384",
     1 * GiB, 32 * MiB, 512, 4096, true, 128, 32, 0, 3, 29, 0, false},
    // BAT counts as after the pending log replay, the default view (a copy replayed by
    // `qemu-img check -r all` has the same); as stored: 17 fully present, 10223 not present.
    {"iotest-dirtylog-10G-4M.vhdx.bz2", 31457280, 932638740, 932638741, 2, "QEMU v1.6.50", 10 * GiB,
     1 * MiB, 512, 512, false, 4096, 10240, 2, 18, 0, 10222, true},
    {"xfs.vhdx.gz", 675282944, 116, 117, 2, "Microsoft Windows 10.0.14393.0", 10 * GiB, 32 * MiB,
     512, 4096, true, 128, 320, 2, 20, 58, 242, false},
    {"btrfs.vhdx.gz", 71303168, 18, 19, 2, "Microsoft Windows 10.0.15063.0", 1 * GiB, 32 * MiB, 512,
     4096, true, 128, 32, 0, 2, 1, 29, false},
};
} // namespace

class TestRealImages : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QMap<QString, QString> m_paths; // compressed name -> decompressed path

    std::unique_ptr<Image> open(const char* name) {
        std::string error;
        auto img = Image::openAndScan(m_paths.value(name).toStdString(), error);
        if (!img)
            qWarning("%s", error.c_str());
        return img;
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        for (const Facts& f : kFacts) {
            QString error;
            const QString path = decompressTestImage(f.file, m_dir.path(), &error);
            QVERIFY2(!path.isEmpty(), qPrintable(error));
            m_paths.insert(f.file, path);
        }
    }
    void facts_data() {
        QTest::addColumn<int>("i");
        for (int i = 0; i < 4; ++i)
            QTest::newRow(kFacts[i].file) << i;
    }
    void facts() {
        QFETCH(int, i);
        const Facts& x = kFacts[i];
        const auto img = open(x.file);
        QVERIFY(img);
        QCOMPARE(img->fileSize(), x.fileSize);
        VHDX_REQUIRE_NO_ERRORS(*img);
        QVERIFY(img->identifier().signatureValid);
        QCOMPARE(qs(img->identifier().creator), QString::fromLatin1(x.creator));

        const HeaderPair& h = img->headers();
        QVERIFY(h.headers[0].valid() && h.headers[1].valid());
        QCOMPARE(h.headers[0].sequenceNumber, x.seq1);
        QCOMPARE(h.headers[1].sequenceNumber, x.seq2);
        QCOMPARE(h.current, x.current);
        QCOMPARE(h.currentHeader()->logOffset, MiB);
        QCOMPARE(h.currentHeader()->logLength, uint32_t(MiB));

        const Regions& r = img->regions();
        QVERIFY(r.tables[0].valid() && r.tables[1].valid());
        QVERIFY(r.bat && r.metadata);
        QCOMPARE(r.bat->required(), x.required);
        QCOMPARE(r.metadata->required(), x.required);

        const Metadata& md = img->metadata();
        QCOMPARE(md.virtualDiskSize, std::optional<uint64_t>(x.virtualSize));
        QCOMPARE(md.blockSize, std::optional<uint32_t>(x.blockSize));
        QCOMPARE(md.logicalSectorSize, std::optional<uint32_t>(x.logical));
        QCOMPARE(md.physicalSectorSize, std::optional<uint32_t>(x.physical));
        QVERIFY(!md.hasParent);
        QVERIFY(!md.leaveBlocksAllocated);

        const BatGeometry& g = img->batGeometry();
        QCOMPARE(g.chunkRatio, x.chunkRatio);
        QCOMPARE(g.totalEntries, x.payloadEntries + x.bitmapEntries);
        const BatScanResult& s = *img->batScan();
        QVERIFY(s.completed);
        QCOMPARE(s.entriesScanned, x.payloadEntries + x.bitmapEntries);
        QCOMPARE(s.payloadEntries, x.payloadEntries);
        QCOMPARE(s.sectorBitmapEntries, x.bitmapEntries);
        QCOMPARE(s.counts.of(BatClass::PayloadFullyPresent), x.fully);
        QCOMPARE(s.counts.of(BatClass::PayloadZero), x.zero);
        QCOMPARE(s.counts.of(BatClass::PayloadNotPresent), x.notPresent);
        QCOMPARE(s.counts.of(BatClass::PayloadInvalid), 0ull);
        QCOMPARE(s.counts.of(BatClass::BitmapInvalid), 0ull);

        QCOMPARE(img->log().present, x.log);
        QCOMPARE(img->log().replayNeeded, x.log);
        if (!x.log) {
            QVERIFY(h.currentHeader()->logGuid.isNull());
            QVERIFY2(img->findings().empty(), qPrintable(describe(*img)));
        }
    }
    void dirtyLog() {
        const auto img = open("iotest-dirtylog-10G-4M.vhdx.bz2");
        QVERIFY(img);
        const Log& log = img->log();
        VHDX_COMPARE_STR(log.logGuid.toString(), "c82755bc-427f-1245-b72c-da70aaabe031");
        VHDX_COMPARE_STR(img->headers().currentHeader()->logGuid.toString(),
                         "c82755bc-427f-1245-b72c-da70aaabe031");
        QVERIFY(log.readable);
        QCOMPARE(log.entries.size(), size_t(7));
        for (size_t i = 0; i < 7; ++i) {
            const LogEntry& e = log.entries[i];
            QCOMPARE(e.offset, uint64_t(i * 8 * KiB));
            QCOMPARE(e.fileOffset, MiB + i * 8 * KiB);
            QCOMPARE(e.length, uint32_t(8 * KiB));
            QCOMPARE(e.sequenceNumber, uint64_t(i + 1));
            QVERIFY(e.checksumValid);
            QCOMPARE(e.guidMatches, i == 6);
            QCOMPARE(e.valid, i == 6);
            QCOMPARE(e.active, i == 6);
        }
        QCOMPARE(log.activeSequence, std::vector<uint64_t>{7});
        QVERIFY(log.replayNeeded);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogReplayNeeded, f);
        QCOMPARE(f.severity, Severity::Warning);
        VHDX_COMPARE_STR(key(*img, f), "log");
        QCOMPARE(f.offset, MiB);
        const auto stale = findingsWith(*img, FindingCode::LogEntryInvalid);
        QCOMPARE(stale.size(), size_t(6));
        for (const Finding& s : stale)
            QCOMPARE(s.severity, Severity::Info);
        QVERIFY(log.entries[6].flushedFileOffset <= img->fileSize());
        const auto descriptors = readLogDescriptors(img->source(), log, log.entries[6]);
        QCOMPARE(descriptors.size(), size_t(log.entries[6].descriptorCount));
        for (const LogDescriptor& d : descriptors) {
            QVERIFY(d.signatureValid);
            QCOMPARE(d.sequenceNumber, 7ull);
            QCOMPARE(d.targetOffset % 4096, 0ull);
        }
    }
};

VHDX_TEST_MAIN(TestRealImages)
#include "tst_real_images.moc"
