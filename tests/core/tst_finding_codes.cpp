// Every finding code the core declares is produced by some image, with its default
// severity; the codes of the README exist with the contract's severities.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <map>
#include <set>

#include "core_test_helpers.h"
#include "finding_scenarios.h"
#include "test_files.h"
#include "test_registry.h"

using namespace vhdx;
using namespace vhdx::test;

class TestFindingCodes : public QObject {
    Q_OBJECT
  private slots:
    void codesAreWellFormed() {
        std::set<std::string_view> names;
        std::set<int> codes;
        const QRegularExpression form("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$");
        for (const FindingCodeInfo& c : allFindingCodes()) {
            QVERIFY2(form.match(qs(c.name)).hasMatch(), c.name.data());
            QVERIFY2(names.insert(c.name).second, c.name.data());
            QVERIFY(codes.insert(int(c.code)).second);
            QCOMPARE(codeName(c.code), c.name);
            QVERIFY(!c.when.empty());
            QCOMPARE(&codeInfo(c.code), &c);
        }
    }
    // Every code says what it means and what to do (the reports' "advice", the viewer's
    // verdict): a sentence or more, not a restatement of the code's name.
    void everyCodeHasAdvice() {
        for (const FindingCodeInfo& c : allFindingCodes()) {
            const QString advice = qs(c.advice);
            QVERIFY2(advice.size() >= 40, c.name.data());
            QVERIFY2(advice.endsWith('.'), c.name.data());
            QVERIFY2(advice != qs(c.when), c.name.data());
            QCOMPARE(codeAdvice(c.code), c.advice);
        }
    }
    void sortedMostSevereFirst() {
        Findings f;
        f.add(Severity::Info, FindingCode::LogEntryInvalid, ref::logEntry(0), 10, "a", "2.3");
        f.add(Severity::Error, FindingCode::BatTooSmall, ref::bat(), 300, "b", "2.5");
        f.add(Severity::Warning, FindingCode::HeaderChecksumBad, ref::header(1), 65536, "c", "2.2");
        f.add(Severity::Error, FindingCode::NoValidHeader, ref::header(1), 65536, "d", "2.2");
        f.add(Severity::Error, FindingCode::RegionMissing, ref::regionTable(1), 300, "e", "2.2");
        const std::vector<Finding> s = f.sorted();
        QCOMPARE(s.size(), size_t(5));
        VHDX_COMPARE_STR(s[0].message, "b"); // errors by offset, stable among equal offsets
        VHDX_COMPARE_STR(s[1].message, "e");
        VHDX_COMPARE_STR(s[2].message, "d");
        VHDX_COMPARE_STR(s[3].message, "c");
        VHDX_COMPARE_STR(s[4].message, "a");
        QCOMPARE(f.count(Severity::Error), size_t(3));
        QVERIFY(f.hasErrors());
        QVERIFY(f.has(FindingCode::BatTooSmall));
        QVERIFY(!f.has(FindingCode::NotVhdx));
        VHDX_COMPARE_STR(severityName(Severity::Warning), "warning");
    }
    void contractCodesExist_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("severity");
        const std::pair<const char*, Severity> contract[] = {
            {"NOT_VHDX", Severity::Error},
            {"FILE_TRUNCATED", Severity::Error},
            {"HEADER_SIGNATURE_BAD", Severity::Warning},
            {"HEADER_CHECKSUM_BAD", Severity::Warning},
            {"HEADER_VERSION_BAD", Severity::Warning},
            {"NO_VALID_HEADER", Severity::Error},
            {"HEADER_SEQUENCE_TIE", Severity::Error},
            {"REGION_TABLE_SIGNATURE_BAD", Severity::Warning},
            {"REGION_TABLE_CHECKSUM_BAD", Severity::Warning},
            {"REGION_TABLES_DIFFER", Severity::Warning},
            {"REGION_MISSING", Severity::Error},
            {"REGION_UNKNOWN_REQUIRED", Severity::Error},
            {"REGION_OVERLAP", Severity::Error},
            {"REGION_OUT_OF_BOUNDS", Severity::Error},
            {"REGION_MISALIGNED", Severity::Error},
            {"METADATA_SIGNATURE_BAD", Severity::Error},
            {"METADATA_ITEM_MISSING", Severity::Error},
            {"METADATA_ITEM_DUPLICATE", Severity::Error},
            {"METADATA_ITEM_OUT_OF_BOUNDS", Severity::Error},
            {"METADATA_UNKNOWN_REQUIRED", Severity::Error},
            {"BLOCK_SIZE_INVALID", Severity::Error},
            {"SECTOR_SIZE_INVALID", Severity::Error},
            {"VIRTUAL_DISK_SIZE_INVALID", Severity::Error},
            {"PARENT_LOCATOR_MISSING", Severity::Error},
            {"BAT_TOO_SMALL", Severity::Error},
            {"BAT_ENTRY_STATE_INVALID", Severity::Error},
            {"BAT_ENTRY_RESERVED_BITS", Severity::Warning},
            {"BAT_ENTRY_BEYOND_EOF", Severity::Error},
            {"BAT_ENTRY_OVERLAP", Severity::Error},
            {"LOG_REPLAY_NEEDED", Severity::Warning},
            {"LOG_ENTRY_INVALID", Severity::Info},
        };
        for (const auto& [name, sev] : contract)
            QTest::newRow(name) << QString::fromLatin1(name) << int(sev);
    }
    void contractCodesExist() {
        QFETCH(QString, name);
        QFETCH(int, severity);
        for (const FindingCodeInfo& c : allFindingCodes())
            if (qs(c.name) == name) {
                QCOMPARE(int(c.defaultSeverity), severity);
                return;
            }
        QFAIL(qPrintable(name + " is missing"));
    }
    void everyCodeIsProduced_data() {
        QTest::addColumn<QString>("name");
        for (const FindingCodeInfo& c : allFindingCodes())
            QTest::newRow(std::string(c.name).c_str()) << qs(c.name);
    }
    void everyCodeIsProduced() {
        QFETCH(QString, name);
        QTemporaryDir dir;
        const FindingCodeInfo* info = nullptr;
        for (const FindingCodeInfo& c : allFindingCodes())
            if (qs(c.name) == name)
                info = &c;
        QVERIFY(info);
        const auto image = findingScenarios().find(name.toStdString());
        const auto folder = folderScenarios().find(name.toStdString());
        if (image != findingScenarios().end()) {
            const auto img = image->second(dir.path());
            QVERIFY(img);
            const auto found = findingsWith(*img, info->code);
            QVERIFY2(!found.empty(), qPrintable("expected " + name + ", got:" + describe(*img)));
            QCOMPARE(found.front().severity, info->defaultSeverity);
            QVERIFY(!found.front().message.empty());
            QVERIFY(!key(*img, found.front()).empty());
            QVERIFY(!found.front().spec.empty());
            return;
        }
        // The chains of a folder (CHAIN_*): findings of a forest, each about a file.
        QVERIFY2(folder != folderScenarios().end(), qPrintable("no scenario produces " + name));
        const ChainFindings findings = folder->second(dir.path());
        const auto found = findingsWith(findings, info->code);
        QVERIFY2(!found.empty(), qPrintable("expected " + name + ", got:" + describe(findings)));
        QCOMPARE(found.front().severity, info->defaultSeverity);
        QVERIFY(!found.front().message.empty());
        QVERIFY(!found.front().path.empty());
        QVERIFY(!found.front().spec.empty());
    }
};

VHDX_TEST_MAIN(TestFindingCodes)
#include "tst_finding_codes.moc"
