// The viewer's defects a review found, one test each: change detection (2), a damaged identifier
// (3), one name per log entry (5), one status everywhere (6), BAT problems in the grid (7),
// Reload keeps the view (8), both region tables zeroed (9), names never elided (11), one
// label per field (14), Qt's options (15) and the minor ones (16).
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProcess>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include "bat_grid_view.h"
#include "bat_legend.h"
#include "bat_map_widget.h"
#include "details_pane.h"
#include "findings_model.h"
#include "findings_panel.h"
#include "header_update_dialog.h"
#include "image_builder.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "structure_tree_model.h"
#include "test_files.h"
#include "test_registry.h"
#include "tree_lookup.h"
#include "ui_test_images.h"
#include "verdict_page.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::ui;

namespace {

void waitForScan(MainWindow& w) {
    w.imageView()->session()->waitForScan();
    QCoreApplication::processEvents();
}

QString verdictText(MainWindow& w) {
    return w.findChild<QLabel*>("verdictLabel")->text();
}

QString statusLabel(MainWindow& w, const QString& prefix) {
    for (QLabel* l : w.findChildren<QLabel*>())
        if (l->text().startsWith(prefix))
            return l->text();
    return {};
}

QRgb pixel(QWidget* w, QPoint at) {
    return w->grab().toImage().pixel(at);
}

} // namespace

class TstViewerDefects : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests-defects"));
        QSettings().clear(); // a layout saved by another run must not decide the sizes
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
    }

    // Defect 2: truncating or deleting the open file is noticed; the window never keeps
    // saying "clean", and a reload of a deleted file leaves no old picture.
    void changesOnDiskAreNoticed() {
        const QString path = write("watched.vhdx", test::buildImage({}));
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(path));
        waitForScan(w);
        QVERIFY(verdictText(w).startsWith("clean"));
        QVERIFY(!w.changeBanner()->isVisible());

        QVERIFY(QFile::resize(path, 64 * 1024));
        QTRY_VERIFY(w.changeBanner()->isVisible());
        QVERIFY2(w.changeText().contains("truncated"), qPrintable(w.changeText()));
        QVERIFY2(!verdictText(w).contains("clean"), qPrintable(verdictText(w)));
        QVERIFY(w.imageView()->verdictPage()->headline()->text().startsWith("Changed on disk"));

        w.reload(); // reads what is there now: a file cut short
        QVERIFY(!w.changeBanner()->isVisible());
        QVERIFY2(verdictText(w).startsWith("NOT USABLE"), qPrintable(verdictText(w)));

        QVERIFY(QFile::remove(path));
        QTRY_VERIFY(w.changeBanner()->isVisible());
        QVERIFY2(w.changeText().contains("deleted"), qPrintable(w.changeText()));
        w.reload();
        QVERIFY(w.image() == nullptr);
        QVERIFY(verdictText(w).isEmpty());
        QVERIFY2(w.placeholder()->text().contains("could not be read again"),
                 qPrintable(w.placeholder()->text()));
        QVERIFY(w.placeholder()->isVisible());
    }

    // A write of our own (the reload after it) is not a change.
    void ownReloadIsNotAChange() {
        const QString path = write("touched.vhdx", test::buildImage({}));
        MainWindow w;
        QVERIFY(w.openFile(path));
        waitForScan(w);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(f.size() - 1);
        f.write("\0", 1);
        f.close();
        w.reload();
        QTest::qWait(300); // the watcher's notification of the write arrives after the reload
        QVERIFY(!w.changeBanner()->isVisible());
    }

    // Defect 3: a zeroed identifier opens as a damaged VHDX with everything decoded.
    void zeroedIdentifierIsADamagedVhdx() {
        test::BuiltImage b = test::buildImage({});
        std::fill_n(b.bytes.begin(), 8, 0);
        MainWindow w;
        QVERIFY2(w.openFile(write("no-signature.vhdx", b)), qPrintable(w.lastError()));
        waitForScan(w);
        StructureTreeModel* m = w.imageView()->treeModel();
        QCOMPARE(m->rowCount(), 10); // with the Virtual disk
        const QModelIndex id = child(*m, {}, "File identifier");
        QCOMPARE(id.data(StructureTreeModel::StatusRole).toInt(), int(NodeStatus::Error));
        QCOMPARE(value(child(*m, id, "Signature")),
                 QString("\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"));
        QCOMPARE(child(*m, {}, "Header 2").data(StructureTreeModel::StatusRole).toInt(),
                 int(NodeStatus::Ok));
        QCOMPARE(w.imageView()->verdictPage()->groupTitle(0)->text(),
                 QString("The file identifier's signature is damaged"));
    }

    // Defect 5: one name per log entry in the tree, the findings and their messages.
    void logEntryHasOneName() {
        MainWindow w;
        QVERIFY(w.openFile(m_images.dirtyLog()));
        waitForScan(w);
        StructureTreeModel* m = w.imageView()->treeModel();
        const QModelIndex entry = m->indexFor(ref::logEntry(0x2000));
        QCOMPARE(entry.data().toString(), QString("Log entry +0x2000"));
        QAbstractItemModel* findings = w.imageView()->findingsPanel()->view()->model();
        bool seen = false;
        for (int r = 0; r < findings->rowCount(); ++r) {
            const QString structure =
                findings->index(r, FindingsModel::StructureColumn).data().toString();
            if (structure != "Log entry +0x2000")
                continue;
            seen = true;
            QVERIFY(findings->index(r, FindingsModel::MessageColumn)
                        .data()
                        .toString()
                        .startsWith("Log entry +0x2000 (sequence 2)"));
        }
        QVERIFY(seen);
    }

    // Defect 6: region table 1 zeroed, 2 valid: a warning in the tree, the findings and the
    // status bar alike; the signature shows the bytes found.
    void oneStatusEverywhere() {
        test::BuiltImage b = test::buildImage({});
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[0]), 64 * 1024, 0);
        MainWindow w;
        QVERIFY(w.openFile(write("rt1-zeroed.vhdx", b)));
        waitForScan(w);
        StructureTreeModel* m = w.imageView()->treeModel();
        const QModelIndex t1 = child(*m, {}, "Region table 1");
        QCOMPARE(t1.siblingAtColumn(StructureTreeModel::StatusColumn).data().toString(),
                 QString("warning"));
        QCOMPARE(value(child(*m, t1, "Signature")), QString("\\x00\\x00\\x00\\x00"));
        QAbstractItemModel* findings = w.imageView()->findingsPanel()->view()->model();
        for (int r = 0; r < findings->rowCount(); ++r)
            QCOMPARE(findings->index(r, FindingsModel::SeverityColumn).data().toString(),
                     QString("warning"));
        QVERIFY2(verdictText(w).startsWith("usable, with warnings"), qPrintable(verdictText(w)));
    }

    // Defect 7: entries beyond the end of the file or overlapping are marked in the grid,
    // said in the tooltip, listed and walked; padding slots are their own class.
    void batProblemsAreShown() {
        test::ImageSpec spec;
        spec.virtualSize = 10ull << 30;
        spec.blocks = {{0, test::bat::FullyPresent}, {1, test::bat::FullyPresent}};
        test::BuiltImage b = test::buildImage(spec);
        test::setBatEntry(b, 2, test::bat::entry(test::bat::FullyPresent, b.blockOffsets.at(0)));
        test::setBatEntry(b, 5, test::bat::entry(test::bat::FullyPresent, 4096ull << 30));
        test::setBatEntry(b, 9, test::bat::entry(test::bat::FullyPresent, 4096ull << 30));
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(write("bat-problems.vhdx", b)));
        waitForScan(w);
        ImageView* view = w.imageView();
        BatMapWidget* map = view->batMap();
        BatGridView* grid = map->grid();
        view->tabs()->setCurrentWidget(map);
        grid->setCellSize(16);
        QTest::qWait(20);
        QVERIFY(grid->problemsOf(5) & (1u << int(BatProblem::BeyondEof)));
        QVERIFY(grid->describe(5).contains("Problem: its block ends beyond the end of the file"));
        QVERIFY(!grid->describe(0).contains("Problem"));
        // Drawn: the problem frame around cell 5, none around the healthy cell 0.
        const QRect r5 = grid->cellRect(5), r0 = grid->cellRect(0);
        QCOMPARE(QColor(pixel(grid->viewport(), r5.topLeft() + QPoint(1, 1))),
                 QColor(batProblemColor()));
        QCOMPARE(QColor(pixel(grid->viewport(), r0.topLeft() + QPoint(1, 1))),
                 QColor(batClassColor(BatClass::PayloadFullyPresent)));
        // Listed and walked.
        QCOMPARE(map->problemKinds()->count(), 2);
        QVERIFY(map->showFirstProblem(FindingCode::BatEntryBeyondEof));
        QCOMPARE(grid->currentIndex(), std::optional<uint64_t>(5));
        map->stepProblem(+1);
        QCOMPARE(grid->currentIndex(), std::optional<uint64_t>(9));
        QCOMPARE(map->problemPosition()->text(), QString("2 of 2"));
        // A finding leads to its first entry, and the walk continues from there.
        for (const Finding& f : view->session()->findings())
            if (f.code == FindingCode::BatEntryOverlap)
                view->selectFinding(f);
        QCOMPARE(grid->currentIndex(), std::optional<uint64_t>(2));
        QVERIFY(map->problemKinds()->currentText().startsWith("BAT_ENTRY_OVERLAP"));
    }

    void paddingSlotsAreTheirOwnClass() {
        test::ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                              {"relative_path", "p.vhdx"}};
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(write("padded.vhdx", test::buildImage(spec))));
        waitForScan(w);
        BatGridView* grid = w.imageView()->batMap()->grid();
        w.imageView()->tabs()->setCurrentWidget(w.imageView()->batMap());
        grid->setCellSize(16);
        QTest::qWait(20);
        QVERIFY2(grid->describe(40).contains("padding"), qPrintable(grid->describe(40)));
        QVERIFY(grid->describe(31).contains("not present"));
        const QPoint inside = grid->cellRect(40).center();
        QCOMPARE(QColor(pixel(grid->viewport(), inside)),
                 QColor(batClassColor(BatClass::PayloadPadding)));
        QVERIFY(batClassColor(BatClass::PayloadPadding) !=
                batClassColor(BatClass::PayloadNotPresent));
    }

    // Defect 8: Reload keeps the selection, the expanded nodes, the tab and the BAT map's
    // position.
    void reloadKeepsTheView() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(m_images.dirtyLog()));
        waitForScan(w);
        ImageView* view = w.imageView();
        StructureTreeModel* m = view->treeModel();
        const QModelIndex log = child(*m, {}, "Log");
        view->tree()->expand(log);
        const QModelIndex entry = child(*m, log, "Log entry +0x2000");
        view->tree()->expand(entry);
        view->selectIndex(child(*m, entry, "Checksum"));
        BatGridView* grid = view->batMap()->grid();
        view->tabs()->setCurrentWidget(view->batMap());
        grid->setCellSize(6);
        grid->setCurrentIndex(8000);
        QTest::qWait(20);
        const qint64 row = grid->firstVisibleRow();
        QVERIFY(row > 0);

        w.reload();
        waitForScan(w);
        QCOMPARE(view->tabs()->currentWidget(), view->batMap());
        QCOMPARE(grid->cellSize(), 6);
        QCOMPARE(grid->currentIndex(), std::optional<uint64_t>(8000));
        QCOMPARE(grid->firstVisibleRow(), row);
        const QModelIndex current = view->tree()->currentIndex();
        QCOMPARE(current.data().toString(), QString("Checksum"));
        QCOMPARE(current.parent().data().toString(), QString("Log entry +0x2000"));
        QVERIFY(view->tree()->isExpanded(child(*m, {}, "Log")));
    }

    // Defect 9: both region tables zeroed: the type is unknown, and the Metadata and BAT
    // nodes say why they cannot be read.
    void bothRegionTablesZeroed() {
        test::BuiltImage b = test::buildImage({});
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[0]), 128 * 1024, 0);
        MainWindow w;
        QVERIFY(w.openFile(write("rt-zeroed.vhdx", b)));
        waitForScan(w);
        QCOMPARE(statusLabel(w, "Type:"), QString("Type: unknown"));
        StructureTreeModel* m = w.imageView()->treeModel();
        for (const char* name : {"Metadata", "BAT"}) {
            const QModelIndex i = child(*m, {}, name);
            QCOMPARE(i.data(StructureTreeModel::StatusRole).toInt(), int(NodeStatus::Error));
            QVERIFY(i.data(StructureTreeModel::StatusReasonRole)
                        .toString()
                        .startsWith("Neither region table is valid"));
        }
        QCOMPARE(w.imageView()->verdictPage()->groupTitle(0)->text(),
                 QString("Neither region table is valid"));
    }

    // Defect 11: field names are never cut at the default widths.
    void namesAreNotElided() {
        MainWindow w;
        w.resize(1024, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(m_images.dirtyLog()));
        waitForScan(w);
        ImageView* view = w.imageView();
        view->tabs()->setCurrentWidget(view->details());
        StructureTreeModel* m = view->treeModel();
        QTreeView* fields = view->details()->fieldsView();
        for (const QModelIndex& root :
             {m->indexFor(ref::logEntry(0x2000)), m->indexFor(ref::metadata()),
              m->indexFor(ref::header(1))}) {
            view->selectIndex(root);
            QTest::qWait(10);
            for (int r = 0; r < m->rowCount(root); ++r) {
                const QModelIndex i = m->index(r, 0, root);
                const int needed = fields->fontMetrics().horizontalAdvance(i.data().toString());
                QVERIFY2(fields->visualRect(i).width() >= needed + 4,
                         qPrintable(i.data().toString()));
            }
        }
    }

    // Defect 14: the dialog names the fields as the tree does.
    void oneLabelPerField() {
        HeaderUpdateDialog d(m_images.dynamic1G());
        using D = HeaderUpdateDialog;
        QCOMPARE(d.table()->item(D::SequenceRow, D::FieldColumn)->text(),
                 QString("Sequence number"));
        QCOMPARE(d.table()->item(D::FileWriteGuidRow, D::FieldColumn)->text(),
                 QString("File write GUID"));
        QCOMPARE(d.table()->item(D::DataWriteGuidRow, D::FieldColumn)->text(),
                 QString("Data write GUID"));
    }

    // Defect 15: -style Fusion and -stylesheet are taken by the viewer (end to end: the
    // program keeps running instead of stopping with a usage error).
    void qtOptionsStartTheViewer() {
        QFile css(m_dir.filePath("plain.qss"));
        QVERIFY(css.open(QIODevice::WriteOnly));
        css.write("QLabel { font-weight: normal; }\n");
        css.close();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        p.setProcessEnvironment(env);
        p.start(VHDX_INSPECTOR_EXE, {"-style", "Fusion", "-stylesheet", css.fileName(),
                                     write("styled.vhdx", test::buildImage({}))});
        QVERIFY(p.waitForStarted());
        QVERIFY2(!p.waitForFinished(2500), p.readAllStandardError().constData());
        p.kill();
        p.waitForFinished();
        QVERIFY(!p.readAllStandardError().contains("unknown option"));
    }

    // Defect 16: the error names the path once; an empty file says it is empty; go-to
    // fields start empty for a new image; recent files show their folder.
    void minorOnes() {
        MainWindow w;
        const QString missing = m_dir.filePath("missing.vhdx");
        QVERIFY(!w.openFile(missing));
        QCOMPARE(w.lastError().count(missing), 1);
        QVERIFY(w.lastError().startsWith("Cannot open"));
        QFile empty(m_dir.filePath("empty.vhdx"));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        QVERIFY(!w.openFile(empty.fileName()));
        QVERIFY2(w.lastError().contains("The file is empty"), qPrintable(w.lastError()));

        QVERIFY(w.openFile(m_images.dynamic1G()));
        w.imageView()->batMap()->offsetEdit()->setText("12G");
        w.imageView()->details()->goToEdit()->setText("0x20000");
        QVERIFY(w.openFile(m_images.dirtyLog()));
        QVERIFY(w.imageView()->batMap()->offsetEdit()->text().isEmpty());
        QVERIFY(w.imageView()->details()->goToEdit()->text().isEmpty());

        emit w.recentMenu()->aboutToShow();
        const QString folder = QFileInfo(m_images.dirtyLog()).absolutePath();
        QVERIFY(
            w.recentMenu()->actions().first()->text().startsWith("iotest-dirtylog-10G-4M.vhdx"));
        QVERIFY2(w.recentMenu()->actions().first()->text().contains(folder),
                 qPrintable(w.recentMenu()->actions().first()->text()));
    }

  private:
    QString write(const QString& name, const test::BuiltImage& b) {
        return test::writeImageFile(m_dir.path(), name, b.bytes);
    }
    QTemporaryDir m_dir;
    vhdx::uitest::TestImages m_images;
};

VHDX_TEST_GUI_MAIN(TstViewerDefects)
#include "tst_viewer_defects.moc"
