// Replays every input in tests/fuzz/regressions through the same walk as the fuzz targets
// (fuzz_common.cpp): raw-*.bin as the file itself, compact-*.bin expanded like
// fuzz_image_compact does. Each one once crashed, hung or exhausted memory; now each must
// parse, give both reports and an exit code of 0 or 1. The sanitizer build catches what a
// plain build would not.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include "fuzz_common.h"
#include "image_builder.h"
#include "test_registry.h"
#include "vhdx/image.h"

class TestFuzzRegressions : public QObject {
    Q_OBJECT
  private slots:
    // The compact input format reaches the log, BAT and metadata beyond 1 MiB: a builder
    // image squeezed into it (and sealed) expands back into a clean image.
    void compactMappingReachesEveryStructure() {
        using namespace vhdx;
        test::ImageSpec spec;
        spec.blockSize = 1024 * 1024;
        spec.virtualSize = 64ull * 1024 * 1024;
        spec.blocks = {{1, test::bat::Zero}};
        spec.logGuid = Guid::parse("01234567-89ab-cdef-0123-456789abcdef").value();
        test::LogEntrySpec e;
        e.sequenceNumber = 5;
        e.zeros = {{4096, 4096}};
        spec.logEntries = {e};
        const test::BuiltImage built = test::buildImage(spec);
        std::vector<uint8_t> c = fuzz::compactFromImage(built.bytes, 7, 4);
        QVERIFY(c.size() < 200 * 1024);
        c[1] = 1; // one more MiB: the metadata region ends inside the file
        const std::vector<uint8_t> file = fuzz::expandCompact(c.data(), c.size());
        auto img = Image::parse(std::make_shared<MemorySource>(file));
        img->scanBat();
        QVERIFY(!img->findings().hasErrors());
        QVERIFY(img->metadata().geometryKnown());
        QVERIFY(img->batReader() && img->batScan()->completed);
        QCOMPARE(img->batScan()->counts.of(BatClass::PayloadZero), 1ull);
        QVERIFY(img->log().replayNeeded);
        QCOMPARE(fuzz::exerciseImage(file, c.data(), c.size()), 0);
    }
    void replay_data() {
        QTest::addColumn<QString>("path");
        const QDir dir(QStringLiteral(VHDX_FUZZ_REGRESSIONS_DIR));
        const QStringList files = dir.entryList({QStringLiteral("*.bin")}, QDir::Files, QDir::Name);
        if (files.isEmpty())
            QTest::newRow("no regression inputs yet") << QString();
        for (const QString& f : files)
            QTest::newRow(qPrintable(f)) << dir.filePath(f);
    }
    void replay() {
        QFETCH(QString, path);
        if (path.isEmpty())
            QSKIP("tests/fuzz/regressions holds no inputs");
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray data = f.readAll();
        const auto* p = reinterpret_cast<const uint8_t*>(data.constData());
        const size_t n = size_t(data.size());
        const bool compact = QFileInfo(path).fileName().startsWith(QStringLiteral("compact-"));
        QVERIFY2(compact || QFileInfo(path).fileName().startsWith(QStringLiteral("raw-")),
                 "regression inputs are named raw-*.bin or compact-*.bin");
        const std::vector<uint8_t> file =
            compact ? vhdx::fuzz::expandCompact(p, n) : std::vector<uint8_t>(p, p + n);
        const int exitCode = vhdx::fuzz::exerciseImage(file, p, n);
        QVERIFY(exitCode == 0 || exitCode == 1);
    }
};

VHDX_TEST_MAIN(TestFuzzRegressions)
#include "tst_fuzz_regressions.moc"
