// The damage matrix (damage_cases*.cpp): every structure, every kind of damage, each case
// asserting the exact finding code, the structure it names, its severity and the exit code
// of the contract. Images are built in memory; one QTest data row per case.
#include <QTest>

#include <map>
#include <memory>

#include "damage_cases.h"
#include "test_registry.h"
#include "vhdx/image.h"
#include "vhdx/report.h"

using namespace vhdx;
using namespace vhdx::test;
using namespace vhdx::test::damage;

namespace {

const std::vector<Case>& cases() {
    static const std::vector<Case> all = allCases();
    return all;
}

const BuiltImage& base(Base b) {
    static std::map<Base, BuiltImage> cache;
    auto it = cache.find(b);
    if (it == cache.end())
        it = cache.emplace(b, baseImage(b)).first;
    return it->second;
}

std::unique_ptr<Image> parseAndScan(std::vector<uint8_t> bytes) {
    auto img = Image::parse(std::make_shared<MemorySource>(std::move(bytes)));
    img->scanBat();
    return img;
}

QString describe(const Image& img) {
    QString out;
    for (const Finding& f : img.findings().items())
        out += QStringLiteral("\n  %1 %2 %3: %4")
                   .arg(QString::fromUtf8(severityName(f.severity).data()),
                        QString::fromUtf8(codeName(f.code).data()),
                        QString::fromStdString(structureKey(f.where, img.metadata())),
                        QString::fromStdString(f.message));
    return out.isEmpty() ? QStringLiteral(" (no findings)") : out;
}

} // namespace

class TestDamageMatrix : public QObject {
    Q_OBJECT
  private slots:
    // The undamaged bases are clean, so every finding below comes from the damage.
    void bases() {
        for (Base b : {Base::Log, Base::Differencing}) {
            const auto img = parseAndScan(base(b).bytes);
            QVERIFY2(!img->findings().hasErrors(), qPrintable(describe(*img)));
            QCOMPARE(exitCodeFor(*img), 0);
        }
    }
    void matrixSize() {
        QVERIFY2(cases().size() >= 300, qPrintable(QString::number(cases().size())));
    }

    void damage_data() {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < cases().size(); ++i)
            QTest::newRow(cases()[i].name.c_str()) << int(i);
    }
    void damage() {
        QFETCH(int, index);
        const Case& c = cases()[size_t(index)];
        BuiltImage b = base(c.base);
        c.damage(b);
        const auto img = parseAndScan(b.bytes);
        const QString all = describe(*img);
        const Expect& e = c.expect;
        if (!e.code) {
            for (const Finding& f : img->findings().items())
                QVERIFY2(structureKey(f.where, img->metadata()) != e.structure ||
                             f.severity == Severity::Info,
                         qPrintable("expected nothing on " + QString::fromStdString(e.structure) +
                                    ":" + all));
        } else {
            const Finding* hit = nullptr;
            for (const Finding& f : img->findings().items())
                if (f.code == *e.code && structureKey(f.where, img->metadata()) == e.structure) {
                    hit = &f;
                    break;
                }
            QVERIFY2(hit, qPrintable(QStringLiteral("expected %1 on %2:")
                                         .arg(QString::fromUtf8(codeName(*e.code).data()),
                                              QString::fromStdString(e.structure)) +
                                     all));
            QVERIFY2(hit->severity == e.severity, qPrintable("severity:" + all));
        }
        QVERIFY2(
            exitCodeFor(*img) == e.exitCode,
            qPrintable(
                QStringLiteral("exit %1, expected %2:").arg(exitCodeFor(*img)).arg(e.exitCode) +
                all));
    }
};

VHDX_TEST_MAIN(TestDamageMatrix)
#include "tst_damage_matrix.moc"
