// The set-parent's locator and Set-VHD line as pure functions (core/src/set_parent_internal.h),
// on paths no test machine has: both paths on WSL drive mounts give Windows paths (C:\..., D:\...)
// in the Set-VHD line, one path off the mounts gives both as this machine's; a PARENT path with
// no file name (ends in '/') has no relative path, which refuses with its reason; the new
// locator keeps parent_linkage(2) and other writers' keys, drops volume_path, and lists every
// change.
#include <QTest>

#include "../../core/src/set_parent_internal.h"
#include "test_registry.h"
#include "vhdx/metadata.h"

using namespace vhdx;
using namespace vhdx::detail;

namespace {
ParentLocator locator(const std::vector<std::pair<std::string, std::string>>& kv) {
    ParentLocator pl;
    pl.valid = true;
    pl.keyValueCount = uint16_t(kv.size());
    for (const auto& [k, v] : kv) {
        ParentLocatorEntry e;
        e.key = k;
        e.value = v;
        pl.entries.push_back(e);
    }
    return pl;
}
} // namespace

class TestSetParentLocatorPaths : public QObject {
    Q_OBJECT

  private slots:
    void setVhdOnDriveMounts() {
        bool known = false;
        QCOMPARE(
            setVhdCommand("/mnt/c/vms/child.avhdx", "/mnt/d/base's.vhdx", known),
            std::string("Set-VHD -Path 'C:\\vms\\child.avhdx' -ParentPath 'D:\\base''s.vhdx'"));
        QVERIFY(known);
    }

    void setVhdOffTheMounts_data() {
        QTest::addColumn<QString>("child");
        QTest::addColumn<QString>("parent");
        QTest::newRow("child off") << "/srv/child.avhdx"
                                   << "/mnt/c/base.vhdx";
        QTest::newRow("parent off") << "/mnt/c/child.avhdx"
                                    << "/srv/base.vhdx";
        QTest::newRow("both off") << "/srv/child.avhdx"
                                  << "/srv/base.vhdx";
    }
    void setVhdOffTheMounts() {
        QFETCH(QString, child);
        QFETCH(QString, parent);
        bool known = true;
        QCOMPARE(setVhdCommand(child.toStdString(), parent.toStdString(), known),
                 "Set-VHD -Path '" + child.toStdString() + "' -ParentPath '" +
                     parent.toStdString() + "'");
        QVERIFY(!known);
    }

    void noRelativePath() {
        std::string why;
        const auto out = newLocatorFor(locator({{"parent_linkage", "{x}"}}), "/srv/child.avhdx",
                                       "/srv/vms/", why);
        QVERIFY(!out);
        QCOMPARE(why, std::string("no relative path leads from the child's folder to the parent"));
    }

    void keysKeptDroppedAndChanged() {
        std::string why;
        const auto out = newLocatorFor(locator({{"parent_linkage", "{a}"},
                                                {"relative_path", ".\\old.vhdx"},
                                                {"volume_path", "\\\\?\\Volume{v}\\old.vhdx"},
                                                {"vendor", "x"},
                                                {"parent_linkage2", "{b}"}}),
                                       "/srv/c/child.avhdx", "/srv/p/base.vhdx", why);
        QVERIFY2(out, why.c_str());
        const std::vector<std::pair<std::string, std::string>> expected = {
            {"parent_linkage", "{a}"},
            {"absolute_win32_path", "\\srv\\p\\base.vhdx"},
            {"relative_path", "..\\p\\base.vhdx"},
            {"parent_linkage2", "{b}"},
            {"vendor", "x"}};
        QVERIFY(out->entries == expected);
        QCOMPARE(out->changes.size(), size_t(3));
        QCOMPARE(out->changes[0].key, std::string("absolute_win32_path"));
        QVERIFY(!out->changes[0].oldValue);
        QCOMPARE(out->changes[1].key, std::string("relative_path"));
        QCOMPARE(*out->changes[1].oldValue, std::string(".\\old.vhdx"));
        QCOMPARE(out->changes[2].key, std::string("volume_path"));
        QVERIFY(!out->changes[2].newValue);
    }
};

VHDX_TEST_MAIN(TestSetParentLocatorPaths)
#include "tst_set_parent_locator_paths.moc"
