// Windows path forms at their edges: no relative path to a parent given relative to
// nothing or to a path ending in a separator, drive letters only for /mnt/<letter> (not the
// characters between 'Z' and 'a' or past 'z'), and only the four typographic single quotes
// U+2018..U+201B doubled in PowerShell, not their UTF-8 neighbours.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/windows_paths.h"

using namespace vhdx;
using namespace vhdx::test;

class TestWindowsPathEdges : public QObject {
    Q_OBJECT
  private slots:
    void noRelativePath_data() {
        QTest::addColumn<QString>("child");
        QTest::addColumn<QString>("parent");
        QTest::newRow("a relative parent") << "/vm/c.avhdx"
                                           << "p.vhdx"; // no path leads there lexically
        QTest::newRow("a folder path") << "/vm/c.avhdx"
                                       << "/vm/base/";
    }
    void noRelativePath() {
        QFETCH(QString, child);
        QFETCH(QString, parent);
        const auto rel = windowsRelativePath(child.toStdString(), parent.toStdString());
        QVERIFY2(!rel, rel ? rel->c_str() : "");
    }
    void driveLetters() {
        QVERIFY(hasWindowsDrive("/mnt/A"));
        QVERIFY(hasWindowsDrive("/mnt/z"));
        QVERIFY(!hasWindowsDrive("/mnt/_/x")); // between 'Z' and 'a'
        QVERIFY(!hasWindowsDrive("/mnt/~/x")); // past 'z'
        QVERIFY(!hasWindowsDrive("/mnt/@/x")); // before 'A'
        QVERIFY(!hasWindowsDrive("/mnt/"));
        VHDX_COMPARE_STR(windowsAbsolutePath("/mnt/_/p.vhdx"), "\\mnt\\_\\p.vhdx");
        VHDX_COMPARE_STR(windowsAbsolutePath("/mnt/A/p.vhdx"), "A:\\p.vhdx");
    }
    void onlyTypographicSingleQuotesAreDoubled() {
        // U+2018 and U+201B doubled; U+2014 (em dash, E2 80 94), U+201C (E2 80 9C) and
        // U+20AC (euro, E2 82 AC) kept once; a truncated E2 80 at the end kept as is.
        VHDX_COMPARE_STR(powershellQuoted("\xE2\x80\x98x\xE2\x80\x9B"),
                         "'\xE2\x80\x98\xE2\x80\x98x\xE2\x80\x9B\xE2\x80\x9B'");
        VHDX_COMPARE_STR(powershellQuoted("a\xE2\x80\x94"
                                          "b\xE2\x80\x9C"
                                          "c\xE2\x82\xAC"),
                         "'a\xE2\x80\x94"
                         "b\xE2\x80\x9C"
                         "c\xE2\x82\xAC'");
        VHDX_COMPARE_STR(powershellQuoted("z\xE2\x80"), "'z\xE2\x80'");
    }
};

VHDX_TEST_MAIN(TestWindowsPathEdges)
#include "tst_windows_path_edges.moc"
