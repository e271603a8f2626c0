// Golden tests: the JSON report, the text report and the exit code of every case, pinned
// byte for byte in tests/golden/expected (README.md there). VHDX_GOLDEN_UPDATE=1 rewrites
// them instead of comparing.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "cli_runner.h"
#include "golden_cases.h"
#include "golden_files.h"
#include "test_registry.h"
#include "vhdx/chain_report.h"
#include "vhdx/findings.h"
#include "vhdx/report.h"

using namespace vhdx;
using namespace vhdx::test;
using namespace vhdx::test::golden;

namespace {

const std::vector<MemoryCase>& memory() {
    static const std::vector<MemoryCase> all = memoryCases();
    return all;
}

const std::vector<ChainCase>& chains() {
    static const std::vector<ChainCase> all = chainCases();
    return all;
}

const std::vector<FileCase>& files() {
    static const std::vector<FileCase> all = fileCases();
    return all;
}

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// What the goldens show, read back from the expected JSON files.
struct Seen {
    QSet<QString> codes, structures; // structures with indices as "bat[i]", "log[i]"
    QSet<QString> parentChain;       // "found", "not found", "linkage mismatch", "depth 2"
};

Seen readGoldens() {
    Seen seen;
    static const QRegularExpression index(QStringLiteral("\\[\\d+\\]$"));
    for (const QString& name : expectedFiles()) {
        if (!name.endsWith(QLatin1String(".json")))
            continue;
        QFile f(QDir(expectedDir()).filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject report = QJsonDocument::fromJson(f.readAll()).object();
        for (const QJsonValue v : report[QLatin1String("findings")].toArray()) {
            seen.codes << v[QLatin1String("code")].toString();
            seen.structures << v[QLatin1String("structure")].toString().replace(index, "[i]");
        }
        const QJsonArray chain = report[QLatin1String("parent_chain")].toArray();
        for (const QJsonValue link : chain) {
            seen.parentChain << (link[QLatin1String("found")].toBool() ? "found" : "not found");
            if (link[QLatin1String("readable")].toBool() &&
                !link[QLatin1String("linkage_matches")].toBool())
                seen.parentChain << "linkage mismatch";
        }
        if (chain.size() >= 2)
            seen.parentChain << "depth 2";
    }
    return seen;
}

} // namespace

class TestGolden : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        if (updating())
            qWarning("VHDX_GOLDEN_UPDATE=1: writing the goldens into %s instead of comparing",
                     qPrintable(expectedDir()));
    }

    // End to end: vhdx-inspector --json and --report on a file.
    void fileCase_data() {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < files().size(); ++i)
            QTest::newRow(files()[i].name.c_str()) << int(i);
    }
    void fileCase() {
        QFETCH(int, index);
        const FileCase& c = files()[size_t(index)];
        const QString dir = m_dir.filePath(QString::fromStdString(c.name));
        QVERIFY(QDir().mkpath(dir));
        const QString path = c.write(dir);
        QVERIFY2(!path.isEmpty(), "writing the case's file(s) failed");
        const RunResult json = runInspector({"--json", path});
        const RunResult text = runInspector({"--report", path});
        QVERIFY2(!json.crashed && !text.crashed, "vhdx-inspector crashed or timed out");
        QVERIFY2(json.err.isEmpty() && text.err.isEmpty(),
                 qPrintable("unexpected stderr: " + QString::fromUtf8(json.err + text.err)));
        QVERIFY2(json.exitCode == text.exitCode,
                 qPrintable(QStringLiteral("--json exits %1, --report %2")
                                .arg(json.exitCode)
                                .arg(text.exitCode)));
        const QString problem =
            checkCase(QString::fromStdString(c.name), normalise(json.out, m_dir.path()),
                      normalise(text.out, m_dir.path()), json.exitCode);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // Builder images through the core, as the CLI runs them.
    void memoryCase_data() {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < memory().size(); ++i)
            QTest::newRow(memory()[i].name.c_str()) << int(i);
    }
    void memoryCase() {
        QFETCH(int, index);
        const MemoryCase& c = memory()[size_t(index)];
        const auto img = c.make();
        QVERIFY2(img, "set-up failed (a damage matrix case renamed?)");
        const std::string json = reportJson(*img), text = reportText(*img);
        const QString problem =
            checkCase(QString::fromStdString(c.name), QByteArray::fromStdString(json),
                      QByteArray::fromStdString(text), exitCodeFor(*img));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // The chains of a folder, mapped in-process as --chains does.
    void chainCase_data() {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < chains().size(); ++i)
            QTest::newRow(chains()[i].name.c_str()) << int(i);
    }
    void chainCase() {
        QFETCH(int, index);
        const ChainCase& c = chains()[size_t(index)];
        const QString dir = m_dir.filePath(QString::fromStdString(c.name));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY2(c.write(dir), "writing the case's folder failed");
        std::string error;
        const auto forest = mapChains(dir.toStdString(), error, c.options);
        QVERIFY2(forest, error.c_str());
        const QString problem =
            checkCase(QString::fromStdString(c.name),
                      normalise(QByteArray::fromStdString(chainsJson(*forest)), m_dir.path()),
                      normalise(QByteArray::fromStdString(chainsText(*forest)), m_dir.path()),
                      exitCodeFor(*forest));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // Every finding code, every structure and every parent chain outcome is pinned somewhere.
    void coverage() {
        const Seen seen = readGoldens();
        QStringList missing;
        for (const FindingCodeInfo& info : allFindingCodes())
            if (!seen.codes.contains(qs(info.name)))
                missing << qs(info.name);
        for (const char* s : {"identifier", "header1", "header2", "region_table1", "region_table2",
                              "metadata", "metadata:File Parameters", "metadata:Virtual Disk Size",
                              "metadata:Logical Sector Size", "metadata:Physical Sector Size",
                              "metadata:Parent Locator", "bat", "bat[i]", "log", "log[i]"})
            if (!seen.structures.contains(QLatin1String(s)))
                missing << QStringLiteral("structure ") + QLatin1String(s);
        for (const char* s : {"found", "not found", "linkage mismatch", "depth 2"})
            if (!seen.parentChain.contains(QLatin1String(s)))
                missing << QStringLiteral("parent chain ") + QLatin1String(s);
        QVERIFY2(missing.isEmpty(), qPrintable("not in any golden: " + missing.join(", ")));
    }

    // Each case has its three goldens and no golden is left from a removed case.
    void noStrayGoldens() {
        QStringList names;
        for (const FileCase& c : files())
            names << QString::fromStdString(c.name);
        for (const MemoryCase& c : memory())
            names << QString::fromStdString(c.name);
        for (const ChainCase& c : chains())
            names << QString::fromStdString(c.name);
        QSet<QString> wanted;
        for (const QString& name : names)
            for (const char* ext : {".json", ".txt", ".exit"})
                wanted << name + QLatin1String(ext);
        QVERIFY2(wanted.size() == 3 * names.size(), "two cases share a name");
        const QStringList files = expectedFiles();
        const QSet<QString> present(files.cbegin(), files.cend());
        QStringList stray = (present - wanted).values(), absent = (wanted - present).values();
        stray.sort();
        absent.sort();
        QVERIFY2(stray.isEmpty(), qPrintable("goldens of no case: " + stray.join(", ")));
        QVERIFY2(absent.isEmpty(), qPrintable("missing goldens: " + absent.join(", ")));
    }
};

VHDX_TEST_MAIN(TestGolden)
#include "tst_golden.moc"
