// Hostile and broken input: tiny, random and truncated files, counts and offsets at their
// maximum, lengths that overflow. Each must give the expected findings, never a crash or a
// huge allocation.
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <random>

#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/layout.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
std::vector<uint8_t> randomBytes(size_t n, uint32_t seed) {
    std::mt19937 gen(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v)
        b = uint8_t(gen());
    return v;
}

bool onlyNotVhdx(const Image& img) {
    return img.findings().items().size() == 1 &&
           img.findings().items()[0].code == FindingCode::NotVhdx;
}

// A small dynamic image with one 1 MiB block present: 5 MiB in all.
BuiltImage smallImage() {
    ImageSpec spec;
    spec.blockSize = MiB;
    spec.virtualSize = 64 * MiB;
    spec.blocks = {{0, bat::FullyPresent}};
    return buildImage(spec);
}
} // namespace

class TestHostile : public QObject {
    Q_OBJECT
  private slots:
    void tinyFiles_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("one byte") << QByteArray("v");
        QTest::newRow("seven bytes") << QByteArray("vhdxfil");
        QTest::newRow("wrong case") << QByteArray("VHDXFILE and more");
        QTest::newRow("vhd footer") << QByteArray("conectix").append(QByteArray(504, '\0'));
    }
    void tinyFiles() {
        QFETCH(QByteArray, content);
        const auto img = parseAndScan(std::vector<uint8_t>(content.begin(), content.end()));
        VHDX_REQUIRE_FINDING(*img, FindingCode::NotVhdx, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "identifier");
        QCOMPARE(f.offset, 0ull);
        QVERIFY2(onlyNotVhdx(*img), qPrintable(describe(*img)));
        QVERIFY(!img->identifier().signatureValid);
        QCOMPARE(img->headers().current, 0);
        QVERIFY(img->batReader() == nullptr);
        QCOMPARE(img->batScan()->entriesScanned, 0ull);
    }
    void signatureOnly() {
        std::vector<uint8_t> bytes(8);
        std::memcpy(bytes.data(), "vhdxfile", 8);
        const auto img = parseAndScan(bytes);
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::NotVhdx);
        VHDX_REQUIRE_FINDING(*img, FindingCode::FileTruncated, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_REQUIRE_FINDING(*img, FindingCode::NoValidHeader, n);
        QCOMPARE(n.severity, Severity::Error);
        QVERIFY(img->identifier().signatureValid);
    }
    void randomFile() {
        const auto img = parseAndScan(randomBytes(MiB, 1));
        VHDX_REQUIRE_FINDING(*img, FindingCode::NotVhdx, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(onlyNotVhdx(*img));
    }
    void randomAfterSignature_data() {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed = 1; seed <= 8; ++seed)
            QTest::addRow("seed %u", seed) << seed;
    }
    void randomAfterSignature() {
        QFETCH(quint32, seed);
        std::vector<uint8_t> bytes = randomBytes(4 * MiB, seed);
        std::memcpy(bytes.data(), "vhdxfile", 8);
        const auto img = parseAndScan(bytes);
        VHDX_REQUIRE_FINDING(*img, FindingCode::NoValidHeader, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(img->findings().has(FindingCode::RegionTableSignatureBad));
        QVERIFY(!img->regions().bat.has_value());
        QVERIFY(!img->batGeometry().valid);
    }
    void randomRegionsAndMetadata() {
        // Valid headers, everything after them random: no valid region table.
        BuiltImage b = smallImage();
        const std::vector<uint8_t> noise = randomBytes(b.bytes.size(), 99);
        std::copy(noise.begin() + 192 * KiB, noise.end(), b.bytes.begin() + 192 * KiB);
        const auto img = parseAndScan(b);
        QCOMPARE(img->headers().current, 2);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionTableSignatureBad, f);
        QCOMPARE(f.severity, Severity::Error);
    }
    void truncationSweep() {
        const BuiltImage full = smallImage();
        QCOMPARE(full.bytes.size(), size_t(5 * MiB));
        std::vector<uint64_t> cuts = {1,
                                      7,
                                      8,
                                      9,
                                      520,
                                      64 * KiB,
                                      68 * KiB - 1,
                                      128 * KiB + 1,
                                      132 * KiB,
                                      192 * KiB + 16,
                                      256 * KiB + 16,
                                      320 * KiB - 1,
                                      320 * KiB,
                                      MiB,
                                      2 * MiB + 8};
        for (uint64_t c = 4096; c < full.bytes.size(); c += 4096)
            cuts.push_back(c);
        cuts.push_back(full.bytes.size() - 1);
        for (uint64_t cut : cuts) {
            std::vector<uint8_t> bytes(full.bytes.begin(), full.bytes.begin() + cut);
            const auto img = parseAndScan(std::move(bytes));
            const QString where = QStringLiteral("cut at %1:").arg(cut) + describe(*img);
            QVERIFY2(img->findings().hasErrors(), qPrintable(where));
            if (cut < 8) {
                QVERIFY2(onlyNotVhdx(*img), qPrintable(where));
                continue;
            }
            const Findings& fs = img->findings();
            const bool explained =
                fs.has(FindingCode::FileTruncated) || fs.has(FindingCode::RegionOutOfBounds) ||
                fs.has(FindingCode::BatEntryBeyondEof) || fs.has(FindingCode::LogInvalid);
            QVERIFY2(explained, qPrintable(where));
            if (cut < 68 * KiB)
                QVERIFY2(!img->headers().headers[0].readable, qPrintable(where));
            if (cut < 132 * KiB)
                QVERIFY2(!img->headers().headers[1].readable, qPrintable(where));
            if (cut >= 4 * MiB) // only the payload block is cut
                QVERIFY2(fs.has(FindingCode::BatEntryBeyondEof), qPrintable(where));
        }
    }
    void everythingAtMaximum() {
        BuiltImage b = smallImage();
        for (int t = 1; t <= 2; ++t) {
            putU32(b, b.regionTableOffset[t - 1] + field::regionEntryCount, 0xFFFFFFFFu);
            resealRegionTable(b, t);
        }
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::RegionTableEntryCountInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
    }
    void metadataAtMaximum() {
        BuiltImage b = smallImage();
        putU16(b, b.metadataOffset + field::metadataEntryCount, 0xFFFF);
        for (const MetadataItemPlace& item : b.items) {
            putU32(b, item.entryOffset + field::metadataEntryOffset, 0xFFFFFFFFu);
            putU32(b, item.entryOffset + field::metadataEntryLength, 0xFFFFFFFFu);
        }
        const auto img = parseAndScan(b);
        QVERIFY(img->findings().has(FindingCode::MetadataEntryCountInvalid));
        QVERIFY(img->findings().has(FindingCode::MetadataItemOutOfBounds));
        QVERIFY(!img->metadata().geometryKnown());
        QVERIFY(img->batReader() == nullptr);
    }
    void hugeLogLength() {
        // LogLength near 4 GiB with a LogGuid: rejected, not read or allocated.
        ImageSpec spec;
        spec.logGuid = Guid::random();
        BuiltImage b = buildImage(spec);
        for (int slot = 1; slot <= 2; ++slot) {
            putU32(b, b.headerOffset[slot - 1] + field::headerLogLength, 0xFFF00000u);
            resealHeader(b, slot);
        }
        const auto img = parseAndScan(b);
        QVERIFY(img->findings().has(FindingCode::LogInvalid) ||
                img->findings().has(FindingCode::FileTruncated));
        QVERIFY(img->findings().hasErrors());
        QVERIFY(!img->log().replayNeeded);
    }
    void parentLocatorAtMaximum() {
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                              {"relative_path", "p.vhdx"}};
        BuiltImage b = buildImage(spec);
        const uint64_t item = b.item(guids::parentLocator)->dataOffset;
        putU16(b, item + 18, 0xFFFF);
        putU32(b, item + 20, 0xFFFFFFFFu);
        putU16(b, item + 28, 0xFFFF);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::ParentLocatorInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
    }
    void openErrors() {
        QTemporaryDir dir;
        std::string error;
        QVERIFY(!Image::open(dir.filePath("missing.vhdx").toStdString(), error));
        QVERIFY(error.find("No such file") != std::string::npos);
        error.clear();
        QVERIFY(!Image::open(dir.path().toStdString(), error));
        QVERIFY(error.find("directory") != std::string::npos);
    }
    void openFromFile() {
        QTemporaryDir dir;
        const BuiltImage b = smallImage();
        const QString path = writeImageFile(dir.path(), "small.vhdx", b.bytes);
        std::string error;
        auto img = Image::openAndScan(path.toStdString(), error);
        QVERIFY2(img, error.c_str());
        QCOMPARE(qs(img->path()), path);
        QCOMPARE(img->fileSize(), uint64_t(b.bytes.size()));
        VHDX_REQUIRE_NO_ERRORS(*img);
        QCOMPARE(img->batScan()->counts.of(BatClass::PayloadFullyPresent), 1ull);
    }
};

VHDX_TEST_MAIN(TestHostile)
#include "tst_hostile.moc"
