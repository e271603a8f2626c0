// planSetParent's refusals not pinned elsewhere, with their exact text and CHILD unchanged:
// PARENT without a valid header or with a damaged identifier; CHILD without a locator item, or
// whose locator has no parent_linkage (its "locator invalid" finding alone does not refuse);
// PARENT matching neither linkage when CHILD has two (both named); a logical sector size that
// differs; a PARENT whose name holds a backslash, so that the new locator leads nowhere or to
// another file; a PARENT name that is not UTF-8. And three that go ahead: PARENT matched by
// parent_linkage2, and PARENT itself a differencing disk whose own parent is found, or not.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

#include "set_parent_fixture.h"
#include "test_registry.h"
#include "update_test_util.h"

using namespace vhdx;
using namespace vhdx::test;

class TestSetParentPlanEdges : public QObject {
    Q_OBJECT
    CaseFolders m_folders;
    QString fresh() { return m_folders.next(); }

    // Refused with exactly `reason` (or starting with it when `prefix`), CHILD byte-identical.
    static void expectRefusal(const std::string& child, const std::string& parent,
                              const std::string& reason, bool prefix = false) {
        const QString childPath = QString::fromStdString(child);
        const QByteArray before = digestWhole(childPath);
        const SetParentPlan plan = planSetParent(child, parent, {});
        QVERIFY(!plan.allowed);
        if (prefix)
            QVERIFY2(plan.refusal.rfind(reason, 0) == 0, plan.refusal.c_str());
        else
            QCOMPARE(plan.refusal, reason);
        const SetParentResult r = applySetParent(plan, {});
        QVERIFY(r.refused && !r.write.anyWriteIssued);
        QCOMPARE(digestWhole(childPath), before);
    }
    // Applies the plan and checks that the locator reads as planned, its log closed.
    static void expectApplied(const ReconnectCase& c, const SetParentPlan& plan) {
        const QByteArray outside = digestOutsideWrites(c.child);
        const SetParentResult r = applySetParent(plan, {});
        QVERIFY2(r.ok, r.error.c_str());
        QString why;
        QCOMPARE(QString(locatorStateName(locatorState(c.child, c.oldLocator, plan, &why))),
                 QString(locatorStateName(LocatorState::New)));
        QVERIFY(storedLocator(c.child) == plan.newLocator);
        QCOMPARE(digestOutsideWrites(c.child), outside);
    }

  private slots:
    void parentHasNoValidHeader() {
        const ReconnectCase c = makeReconnectCase(fresh());
        QVERIFY(damageHeader(c.parent, 1) && damageHeader(c.parent, 2));
        expectRefusal(c.child.toStdString(), c.parent.toStdString(),
                      "PARENT " + c.parent.toStdString() +
                          " is not a usable VHDX (no valid header)");
    }

    void parentIdentifierDamaged() {
        const ReconnectCase c = makeReconnectCase(fresh());
        std::vector<uint8_t> bytes = readWholeFile(c.parent);
        bytes[0] = 'w';
        QVERIFY(writeWholeFile(c.parent, bytes));
        expectRefusal(c.child.toStdString(), c.parent.toStdString(),
                      "PARENT " + c.parent.toStdString() +
                          " is not a usable VHDX (no \"vhdxfile\" signature)");
    }

    void childHasNoLocatorItem() {
        const ReconnectCase c =
            makeReconnectCase(fresh(), [](ImageSpec& s) { s.omitItems = {guids::parentLocator}; });
        expectRefusal(c.child.toStdString(), c.parent.toStdString(),
                      "CHILD has no parent locator item to rewrite");
    }

    void childLocatorHasNoLinkage() {
        const ReconnectCase c = makeReconnectCase(fresh(), [](ImageSpec& s) {
            s.parentLocator.erase(s.parentLocator.begin()); // parent_linkage
        });
        expectRefusal(c.child.toStdString(), c.parent.toStdString(),
                      "CHILD's parent_linkage is missing or not a GUID, so which disk is its "
                      "parent cannot be checked");
    }

    void parentMatchesNeitherLinkage() {
        const ReconnectCase c = makeReconnectCase(fresh(), [](ImageSpec& s) {
            s.parentLocator.push_back({"parent_linkage2", braced(chainGuid(8))});
        });
        QVERIFY(writeWholeFile(c.parent, buildImage(baseImage(chainGuid(9))).bytes));
        expectRefusal(c.child.toStdString(), c.parent.toStdString(),
                      "PARENT is not the disk CHILD was made from. When CHILD was created, its "
                      "parent had DataWriteGuid " +
                          chainGuid(1).toString() + " (parent_linkage) or " +
                          chainGuid(8).toString() + " (parent_linkage2); PARENT has " +
                          chainGuid(9).toString() + ". ",
                      true);
    }

    void parentMatchedByLinkage2() {
        const ReconnectCase c = makeReconnectCase(fresh(), [](ImageSpec& s) {
            s.parentLocator.push_back({"parent_linkage2", braced(chainGuid(8))});
        });
        QVERIFY(writeWholeFile(c.parent, buildImage(baseImage(chainGuid(8))).bytes));
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        QCOMPARE(plan.linkageKey, std::string("parent_linkage2"));
        const LocatorEntries expected = {{"parent_linkage", braced(chainGuid(1))},
                                         {"absolute_win32_path", plan.newLocator[1].second},
                                         {"relative_path", ".\\vms\\base.vhdx"},
                                         {"parent_linkage2", braced(chainGuid(8))},
                                         {"vendor_note", "kept as it was"}};
        QVERIFY(plan.newLocator == expected);
        expectApplied(c, plan);
    }

    void logicalSectorSizeDiffers() {
        const ReconnectCase c = makeReconnectCase(fresh());
        ImageSpec parent = baseImage(chainGuid(1));
        parent.logicalSectorSize = 4096;
        QVERIFY(writeWholeFile(c.parent, buildImage(parent).bytes));
        expectRefusal(c.child.toStdString(), c.parent.toStdString(),
                      "PARENT's virtual size or logical sector size differs from CHILD's: a "
                      "differencing disk describes the same disk as its parent");
    }

    // PARENT is a differencing disk whose own parent is found: not CHILD, so no loop.
    void parentHasItsOwnParent() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "vms/gp.vhdx", baseImage(chainGuid(10))).isEmpty());
        const ReconnectCase c = makeReconnectCase(dir);
        QVERIFY(writeWholeFile(
            c.parent, buildImage(childImage(chainGuid(1), chainGuid(10), ".\\gp.vhdx")).bytes));
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        expectApplied(c, plan);
    }

    // PARENT's own parent is not found: that is PARENT's matter, and no loop through CHILD.
    void parentsParentIsMissing() {
        const ReconnectCase c = makeReconnectCase(fresh());
        QVERIFY(writeWholeFile(
            c.parent, buildImage(childImage(chainGuid(1), chainGuid(10), ".\\gone.vhdx")).bytes));
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        expectApplied(c, plan);
    }

    // "vms/ba\se.vhdx": on Windows (and to every locator reader) the backslash separates
    // folders, so the new locator names vms/ba/se.vhdx - missing, then a decoy.
    void parentNameWithABackslash() {
        const QString dir = fresh();
        const ReconnectCase c = makeReconnectCase(dir);
        const QString parent = dir + "/vms/ba\\se.vhdx";
        QVERIFY(QFile::rename(c.parent, parent));
        expectRefusal(c.child.toStdString(), parent.toStdString(),
                      "the new locator would not lead to PARENT on this machine ()");
        const QString decoy = writeSpec(dir, "vms/ba/se.vhdx", baseImage(chainGuid(1)));
        QVERIFY(!decoy.isEmpty());
        const SetParentPlan plan = planSetParent(c.child.toStdString(), parent.toStdString(), {});
        QVERIFY(!plan.allowed);
        QVERIFY2(plan.refusal.rfind("the new locator would not lead to PARENT on this machine (",
                                    0) == 0 &&
                     QString::fromStdString(plan.refusal).endsWith("vms/ba/se.vhdx)"),
                 plan.refusal.c_str());
    }

    // Byte 0xFF in PARENT's file name: no UTF-8 text, so no locator can hold it.
    void parentNameIsNotUtf8() {
        const QString dir = fresh();
        const ReconnectCase c = makeReconnectCase(dir);
        const std::string parent = dir.toStdString() + "/vms/base\xff.vhdx";
        QVERIFY(::rename(QFile::encodeName(c.parent).constData(), parent.c_str()) == 0);
        expectRefusal(c.child.toStdString(), parent,
                      "the new locator cannot be written: the absolute_win32_path value is not "
                      "valid UTF-8 text");
    }
};

VHDX_TEST_MAIN(TestSetParentPlanEdges)
#include "tst_set_parent_plan_edges.moc"
