// The verdict page: the window opens on the answer (usable or not, the problems by
// root cause, the next steps), with the first problem selected in the tree and the findings;
// its buttons do what the viewer can do (Update Headers, only when allowed); the findings list
// the root cause first (defect 13) and say when the filter hides them all.
#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

#include "details_pane.h"
#include "findings_model.h"
#include "findings_panel.h"
#include "header_update_action.h"
#include "header_update_dialog.h"
#include "image_builder.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "structure_tree_model.h"
#include "test_files.h"
#include "test_registry.h"
#include "verdict_page.h"

using namespace vhdx;
using namespace vhdx::ui;

namespace {

void waitForScan(MainWindow& w) {
    w.imageView()->session()->waitForScan();
    QCoreApplication::processEvents();
}

QString currentCode(FindingsPanel* p) {
    const QModelIndex i = p->view()->currentIndex();
    return i.siblingAtColumn(FindingsModel::CodeColumn).data().toString();
}

} // namespace

class TstVerdictPage : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests-verdict"));
        QSettings().clear(); // a layout saved by another run must not decide the sizes
        QVERIFY(m_dir.isValid());
    }

    void cleanImageSaysSo() {
        const QString path = write("clean.vhdx", test::buildImage({}));
        MainWindow w;
        QVERIFY(w.openFile(path));
        waitForScan(w);
        VerdictPage* page = w.imageView()->verdictPage();
        QCOMPARE(w.imageView()->tabs()->currentWidget(), page);
        QCOMPARE(page->headline()->text(), QString("Usable — clean"));
        QCOMPARE(page->groupCount(), 0);
        // Nothing wrong: the current header is selected, as before.
        QCOMPARE(w.imageView()->tree()->currentIndex().data().toString(), QString("Header 2"));
    }

    // A damaged non-current header: "usable, with warnings", one problem with its meaning,
    // the first problem selected in the tree and the findings, and the Update Headers button
    // opens the guarded dialog.
    void opensOnTheAnswerWithTheFirstProblemSelected() {
        test::BuiltImage b = test::buildImage({});
        b.bytes[b.headerOffset[0] + 9] ^= 1;
        const QString path = write("header1.vhdx", b);
        MainWindow w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(path));
        waitForScan(w);
        ImageView* view = w.imageView();
        VerdictPage* page = view->verdictPage();
        QCOMPARE(view->tabs()->currentWidget(), page);
        QCOMPARE(page->headline()->text(), QString("Usable, with warnings"));
        QVERIFY2(page->summary()->text().startsWith("Usable as it is"),
                 qPrintable(page->summary()->text()));
        QCOMPARE(page->groupCount(), 1);
        QCOMPARE(page->groupTitle(0)->text(),
                 QString("Header 1 is damaged; header 2 (current) is intact"));
        QCOMPARE(view->tree()->currentIndex().data().toString(), QString("Header 1"));
        QCOMPARE(currentCode(view->findingsPanel()), QString("HEADER_CHECKSUM_BAD"));

        const auto buttons = page->actionButtons(StepAction::UpdateHeaders);
        QCOMPARE(buttons.size(), size_t(1));
        QVERIFY(buttons.front()->isEnabled());
        QTest::mouseClick(buttons.front(), Qt::LeftButton);
        auto* update = w.findChild<HeaderUpdateAction*>();
        QTRY_VERIFY(update->dialog() && update->dialog()->isVisible());
        update->dialog()->reject();

        // A finding click still jumps to its node, on the Details tab.
        QTableView* findings = view->findingsPanel()->view();
        const QModelIndex row = findings->model()->index(0, FindingsModel::MessageColumn);
        QTest::mouseClick(findings->viewport(), Qt::LeftButton, {},
                          findings->visualRect(row).center());
        QCOMPARE(view->tabs()->currentWidget(), view->details());
        QCOMPARE(view->tree()->currentIndex().data().toString(), QString("Header 1"));
    }

    // The same damage with a log to replay: the Update Headers button is there but disabled,
    // and says why (core refuses until the log is replayed).
    void updateHeadersButtonFollowsTheGuard() {
        test::ImageSpec spec;
        spec.logGuid = *Guid::parse("c82755bc-427f-1245-b72c-da70aaabe031");
        test::LogEntrySpec e;
        e.sequenceNumber = 5;
        e.data.push_back({4 * 1024 * 1024, {}});
        spec.logEntries = {e};
        test::BuiltImage b = test::buildImage(spec);
        b.bytes[b.headerOffset[0] + 9] ^= 1;
        const QString path = write("dirty-header1.vhdx", b);
        MainWindow w;
        QVERIFY(w.openFile(path));
        waitForScan(w);
        VerdictPage* page = w.imageView()->verdictPage();
        QCOMPARE(page->headline()->text(), QString("Usable after a log replay"));
        const auto buttons = page->actionButtons(StepAction::UpdateHeaders);
        QCOMPARE(buttons.size(), size_t(1));
        QVERIFY(!buttons.front()->isEnabled());
        QVERIFY2(buttons.front()->toolTip().contains("replay"),
                 qPrintable(buttons.front()->toolTip()));
        // The replay comes first: its problem is listed before the header's.
        QVERIFY(page->groupTitle(0)->text().startsWith("The log holds updates"));
    }

    // Defect 13: the root cause is listed before its symptoms, and selected first.
    void rootCauseComesFirst() {
        test::BuiltImage b = test::buildImage({});
        b.bytes[b.headerOffset[0] + 9] ^= 1;
        b.bytes[b.headerOffset[1] + 9] ^= 1;
        const QString path = write("no-header.vhdx", b);
        MainWindow w;
        QVERIFY(w.openFile(path));
        waitForScan(w);
        FindingsPanel* panel = w.imageView()->findingsPanel();
        QAbstractItemModelTester tester(panel->filterModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTableView* v = panel->view();
        QCOMPARE(v->model()->index(0, FindingsModel::CodeColumn).data().toString(),
                 QString("NO_VALID_HEADER"));
        QCOMPARE(v->model()->index(1, FindingsModel::CodeColumn).data().toString(),
                 QString("HEADER_CHECKSUM_BAD"));
        QCOMPARE(v->model()->index(2, FindingsModel::CodeColumn).data().toString(),
                 QString("HEADER_CHECKSUM_BAD"));
        QCOMPARE(currentCode(panel), QString("NO_VALID_HEADER"));
        QCOMPARE(w.imageView()->verdictPage()->headline()->text(), QString("Not usable as it is"));
        // Each finding's tool tip says what it means and what to do.
        QVERIFY(v->model()->index(0, 0).data(Qt::ToolTipRole).toString().contains("backup"));
    }

    // Defect 13: a filter that hides every finding says so.
    void filterHidingEverythingSaysSo() {
        test::BuiltImage b = test::buildImage({});
        b.bytes[b.headerOffset[0] + 9] ^= 1;
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(write("one-warning.vhdx", b)));
        waitForScan(w);
        FindingsPanel* panel = w.imageView()->findingsPanel();
        QVERIFY(panel->hiddenText().isEmpty());
        panel->filterButton(Severity::Warning)->click();
        QCOMPARE(panel->filterModel()->rowCount(), 0);
        QVERIFY2(panel->hiddenText().contains("hidden by the severity filter"),
                 qPrintable(panel->hiddenText()));
        auto* note = panel->findChild<QLabel*>("findingsHidden");
        QVERIFY(note && note->isVisible());
        panel->filterButton(Severity::Warning)->click();
        QVERIFY(panel->hiddenText().isEmpty());
        QVERIFY(!note->isVisible());
    }

    // A path with markup in it is shown as it is, never interpreted.
    void commandsArePlainText() {
        test::BuiltImage b = test::buildImage({});
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[0]), 64 * 1024, 0);
        const QString path = write("<b>bold.vhdx", b);
        MainWindow w;
        QVERIFY(w.openFile(path));
        waitForScan(w);
        const auto commands = w.imageView()->verdictPage()->findChildren<QLabel*>("verdictCommand");
        QVERIFY(!commands.isEmpty());
        for (QLabel* l : commands) {
            QCOMPARE(l->textFormat(), Qt::PlainText);
            QVERIFY(l->text().contains("<b>bold.vhdx"));
        }
        QCOMPARE(w.imageView()->verdictPage()->groupTitle(0)->text(),
                 QString("Region table 1 is damaged; copy 2 is intact"));
    }

  private:
    QString write(const QString& name, const test::BuiltImage& b) {
        return test::writeImageFile(m_dir.path(), name, b.bytes);
    }
    QTemporaryDir m_dir;
};

VHDX_TEST_GUI_MAIN(TstVerdictPage)
#include "tst_verdict_page.moc"
