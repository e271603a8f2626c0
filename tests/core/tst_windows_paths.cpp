// Windows forms of this machine's paths (the set-parent's locator, the Set-VHD line):
// relative_path as Hyper-V writes it, drive letters from WSL mounts only, PowerShell quoting.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/windows_paths.h"

using namespace vhdx;
using namespace vhdx::test;

class TestWindowsPaths : public QObject {
    Q_OBJECT
  private slots:
    void relativePath_data() {
        QTest::addColumn<QString>("child");
        QTest::addColumn<QString>("parent");
        QTest::addColumn<QString>("expected");
        QTest::newRow("same folder") << "/vm/c.avhdx"
                                     << "/vm/p.vhdx"
                                     << ".\\p.vhdx";
        QTest::newRow("below") << "/vm/c.avhdx"
                               << "/vm/base/p.vhdx"
                               << ".\\base\\p.vhdx";
        QTest::newRow("above") << "/vm/snaps/c.avhdx"
                               << "/vm/p.vhdx"
                               << "..\\p.vhdx";
        QTest::newRow("aside") << "/a/b/c.avhdx"
                               << "/x/p.vhdx"
                               << "..\\..\\x\\p.vhdx";
        QTest::newRow("a name starting with two dots") << "/vm/c.avhdx"
                                                       << "/vm/..p.vhdx"
                                                       << "..p.vhdx"; // lexically a name, not "up"
    }
    void relativePath() {
        QFETCH(QString, child);
        QFETCH(QString, parent);
        QFETCH(QString, expected);
        const auto rel = windowsRelativePath(child.toStdString(), parent.toStdString());
        QVERIFY(rel);
        QCOMPARE(qs(*rel), expected);
    }

    void absolutePath() {
        VHDX_COMPARE_STR(windowsAbsolutePath("/mnt/c/VMs/p.vhdx"), "C:\\VMs\\p.vhdx");
        VHDX_COMPARE_STR(windowsAbsolutePath("/mnt/D/p.vhdx"), "D:\\p.vhdx");
        VHDX_COMPARE_STR(windowsAbsolutePath("/mnt/c"), "C:\\");
        VHDX_COMPARE_STR(windowsAbsolutePath("/mnt/cd/p.vhdx"), "\\mnt\\cd\\p.vhdx");
        VHDX_COMPARE_STR(windowsAbsolutePath("/srv/vms/p.vhdx"), "\\srv\\vms\\p.vhdx");
        QVERIFY(hasWindowsDrive("/mnt/z/x"));
        QVERIFY(!hasWindowsDrive("/mnt/1/x"));
        QVERIFY(!hasWindowsDrive("/media/c/x"));
    }

    // PowerShell ends a single-quoted string at ' and at the typographic quotes U+2018-U+201B.
    void powershellQuoting() {
        VHDX_COMPARE_STR(powershellQuoted("C:\\VMs\\a b.vhdx"), "'C:\\VMs\\a b.vhdx'");
        VHDX_COMPARE_STR(powershellQuoted("it's"), "'it''s'");
        VHDX_COMPARE_STR(powershellQuoted("a\xE2\x80\x99"
                                          "b"),
                         "'a\xE2\x80\x99\xE2\x80\x99"
                         "b'");
        VHDX_COMPARE_STR(powershellQuoted("$(rm x)"), "'$(rm x)'");
        VHDX_COMPARE_STR(powershellQuoted("\xE2\x80\x9C"), "'\xE2\x80\x9C'"); // a double quote
    }
};

VHDX_TEST_MAIN(TestWindowsPaths)
#include "tst_windows_paths.moc"
