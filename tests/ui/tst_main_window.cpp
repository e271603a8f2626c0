// The main window end to end: opening at once with the scan in the background, drops,
// finding -> node, field <-> byte, copy, export, the Tools menu, and that viewing never
// changes the file.
#include <QApplication>
#include <QClipboard>
#include <QCryptographicHash>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeView>
#include <QUrl>

#include "bat_grid_view.h"
#include "bat_map_widget.h"
#include "details_pane.h"
#include "findings_model.h"
#include "findings_panel.h"
#include "hex_view.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "structure_tree_model.h"
#include "test_registry.h"
#include "ui_test_images.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::ui;

namespace {

QByteArray sha256(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

void drop(QWidget* target, const QList<QUrl>& urls, bool* enterAccepted = nullptr) {
    QMimeData mime;
    mime.setUrls(urls);
    QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    if (enterAccepted)
        *enterAccepted = enter.isAccepted();
    if (!enter.isAccepted())
        return;
    QDropEvent dropEvent(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &dropEvent);
}

QList<MainWindow*> mainWindows() {
    QList<MainWindow*> out;
    for (QWidget* w : QApplication::topLevelWidgets())
        if (auto* m = qobject_cast<MainWindow*>(w); m && m->isVisible())
            out << m;
    return out;
}

void waitForScan(MainWindow& w) {
    if (ImageSession* s = w.imageView()->session())
        s->waitForScan();
    QCoreApplication::processEvents();
}

} // namespace

class TstMainWindow : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests"));
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
    }

    // The guest's partition table under "Virtual disk", as libblkid reads it through
    // the virtual-disk reader. The btrfs sample's MBR (sfdisk on its raw export, in
    // tst_cli_partitions): one Linux partition at 1 MiB of 1,072,693,248 bytes, btrfs.
    void virtualDiskNodeListsThePartitions() {
        MainWindow w;
        QVERIFY(w.openFile(m_images.btrfs()));
        const StructureTreeModel* m = w.imageView()->treeModel();
        const QModelIndex vd = m->index(m->rowCount() - 1, 0);
        QCOMPARE(vd.data().toString(), QString("Virtual disk"));
        QCOMPARE(vd.siblingAtColumn(StructureTreeModel::ValueColumn).data().toString(),
                 QString("1 GiB, dos, 1 partition"));
        QModelIndex table;
        for (int r = 0; r < m->rowCount(vd); ++r)
            if (m->index(r, 0, vd).data().toString() == "Partition table")
                table = m->index(r, 0, vd);
        QVERIFY(table.isValid());
        QCOMPARE(table.siblingAtColumn(StructureTreeModel::ValueColumn).data().toString(),
                 QString("dos efef665c"));
        QCOMPARE(m->rowCount(table), 1);
        const QModelIndex p1 = m->index(0, 0, table);
        QCOMPARE(p1.data().toString(), QString("Partition 1"));
        QCOMPARE(p1.siblingAtColumn(StructureTreeModel::ValueColumn).data().toString(),
                 QString("btrfs, 1023 MiB at 0x100000"));
        QStringList fields;
        for (int r = 0; r < m->rowCount(p1); ++r)
            fields << m->index(r, 0, p1).data().toString() + "=" +
                          m->index(r, StructureTreeModel::ValueColumn, p1).data().toString();
        QVERIFY2(fields.contains("Size=1,023 MiB") /* 1,072,693,248 bytes */,
                 qPrintable(fields.join("; ")));
        QVERIFY2(fields.contains("Type=0x83"), qPrintable(fields.join("; ")));
        QVERIFY2(fields.contains("Filesystem UUID=5e0c7724-5a3e-4ec9-8b6f-a1342cc65d09"),
                 qPrintable(fields.join("; ")));
        // No bytes of this file: the node has no offset.
        QVERIFY(!vd.data(StructureTreeModel::OffsetRole).isValid());
    }

    void opensWithTreeAndStatus() {
        MainWindow w;
        QVERIFY(w.openFile(m_images.dynamic1G()));
        QCOMPARE(w.windowTitle(), QString("iotest-dynamic-1G.vhdx — VHDX Inspector"));
        QCOMPARE(w.imageView()->treeModel()->rowCount(), 10); // ... and Virtual disk
        QVERIFY(MainWindow::recentFiles().value(0).endsWith("iotest-dynamic-1G.vhdx"));
        waitForScan(w);
        const QString status = w.findChild<QLabel*>("verdictLabel")->text();
        QVERIFY2(status.contains("clean"), qPrintable(status));
        // Opened on the current header.
        QCOMPARE(w.imageView()->tree()->currentIndex().data().toString(), QString("Header 2"));
        QVERIFY(w.exportReport(m_images.path("report.json"), true));
        QFile report(m_images.path("report.json"));
        QVERIFY(report.open(QIODevice::ReadOnly));
        QVERIFY(report.readAll().contains("\"current_header\": 2"));
        QVERIFY(w.exportReport(m_images.path("report.txt"), false));
        QVERIFY(QFileInfo(m_images.path("report.txt")).size() > 100);
    }

    void layoutIsRemembered() {
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.imageView()->tree()->setColumnWidth(StructureTreeModel::NameColumn, 333);
            w.resize(1111, 777);
            w.close(); // saves geometry, toolbar state and splitters
        }
        MainWindow again;
        QCOMPARE(again.imageView()->tree()->columnWidth(StructureTreeModel::NameColumn), 333);
        QCOMPARE(again.size(), QSize(1111, 777));
    }

    void toolsMenuSitsBeforeHelp() {
        MainWindow w;
        QMenu* tools = w.toolsMenu();
        QCOMPARE(w.toolsMenu(), tools);
        QStringList titles;
        for (QAction* a : w.menuBar()->actions())
            titles << a->text();
        QCOMPARE(titles, (QStringList{"&File", "&View", "&Tools", "&Help"}));
    }

    void findingClickSelectsItsNode() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(m_images.dirtyLog()));
        waitForScan(w);
        QTableView* findings = w.imageView()->findingsPanel()->view();
        QModelIndex target;
        for (int r = 0; r < findings->model()->rowCount(); ++r)
            if (findings->model()->index(r, FindingsModel::StructureColumn).data().toString() ==
                "Log entry +0x2000")
                target = findings->model()->index(r, FindingsModel::MessageColumn);
        QVERIFY(target.isValid());
        findings->scrollTo(target);
        QTest::mouseClick(findings->viewport(), Qt::LeftButton, {},
                          findings->visualRect(target).center());
        const QModelIndex current = w.imageView()->tree()->currentIndex();
        QCOMPARE(current.data().toString(), QString("Log entry +0x2000"));
        QCOMPARE(current.data(StructureTreeModel::OffsetRole).toULongLong(), 0x100000ull + 8192);
        // The details pane follows: the entry's 8 KiB at 1 MiB + 8 KiB are highlighted.
        QCOMPARE(w.imageView()->details()->hexView()->highlight(),
                 (std::vector<ByteRange>{{0x100000 + 8192, 8192}}));
    }

    void fieldAndByteSelectEachOther() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(m_images.dynamic1G()));
        StructureTreeModel* model = w.imageView()->treeModel();
        const QModelIndex h2 = model->indexFor(ref::header(2));
        QModelIndex seq;
        for (int r = 0; r < model->rowCount(h2); ++r)
            if (model->index(r, 0, h2).data().toString() == "Sequence number")
                seq = model->index(r, 0, h2);
        w.imageView()->tabs()->setCurrentWidget(w.imageView()->details()); // opens on the verdict
        w.imageView()->selectIndex(seq);
        HexView* hex = w.imageView()->details()->hexView();
        QCOMPARE(hex->highlight(), (std::vector<ByteRange>{{0x20008, 8}}));
        // A click on the byte at 0x20012 (inside FileWriteGuid) selects that field.
        const QRect r = hex->byteRect(0x20012);
        QVERIFY(!r.isEmpty());
        QTest::mouseClick(hex->viewport(), Qt::LeftButton, {}, r.center());
        QCOMPARE(w.imageView()->tree()->currentIndex().data().toString(),
                 QString("File write GUID"));
        QCOMPARE(hex->highlight(), (std::vector<ByteRange>{{0x20010, 16}}));

        // Ctrl+C copies the selected rows, tab-separated.
        w.imageView()->selectIndex(h2);
        w.imageView()->tree()->setFocus();
        QTest::keyClick(w.imageView()->tree(), Qt::Key_C, Qt::ControlModifier);
        QVERIFY2(QApplication::clipboard()->text().startsWith(
                     "Header 2\tsequence 15 (current)\t0x20000\t4 KiB\tok"),
                 qPrintable(QApplication::clipboard()->text()));
    }

    void dropOpensFile() {
        MainWindow w;
        QVERIFY(w.openFile(m_images.dynamic1G()));
        bool accepted = false;
        drop(&w, {QUrl::fromLocalFile(m_images.dirtyLog())}, &accepted);
        QVERIFY(accepted);
        QCOMPARE(w.currentPath(), QFileInfo(m_images.dirtyLog()).absoluteFilePath());
        QVERIFY(w.lastError().isEmpty());
        // Not a local file: refused at the door.
        drop(&w, {QUrl("https://example.com/x.vhdx")}, &accepted);
        QVERIFY(!accepted);
    }

    void dropOfBadFilesKeepsImage() {
        MainWindow w;
        QVERIFY(w.openFile(m_images.dynamic1G()));
        const QString before = w.currentPath();
        QFile text(m_images.path("notes.txt"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("this is not a virtual disk\n");
        text.close();
        drop(&w, {QUrl::fromLocalFile(text.fileName())});
        QVERIFY2(w.lastError().contains("not a VHDX image"), qPrintable(w.lastError()));
        QCOMPARE(w.currentPath(), before);
        QCOMPARE(w.imageView()->treeModel()->rowCount(), 10); // ... and Virtual disk
        auto* box = w.findChild<QMessageBox*>("openErrorMessage");
        QVERIFY(box && box->isVisible());
        QVERIFY(box->text().contains("notes.txt"));
        box->close();

        drop(&w, {QUrl::fromLocalFile(m_images.path("missing.vhdx"))});
        QVERIFY2(w.lastError().contains("Cannot open"), qPrintable(w.lastError()));
        QCOMPARE(w.currentPath(), before);
    }

    void dropOfSeveralFilesOpensWindows() {
        MainWindow w;
        w.show();
        const qsizetype before = mainWindows().size();
        drop(&w, {QUrl::fromLocalFile(m_images.dynamic1G()),
                  QUrl::fromLocalFile(m_images.dirtyLog()), QUrl::fromLocalFile(m_images.btrfs())});
        QCOMPARE(w.currentPath(), QFileInfo(m_images.dynamic1G()).absoluteFilePath());
        const QList<MainWindow*> windows = mainWindows();
        QCOMPARE(windows.size(), before + 2);
        QStringList paths;
        for (MainWindow* m : windows)
            paths << QFileInfo(m->currentPath()).fileName();
        QVERIFY(paths.contains("iotest-dirtylog-10G-4M.vhdx"));
        QVERIFY(paths.contains("btrfs.vhdx"));
        for (MainWindow* m : windows)
            if (m != &w)
                m->close(); // WA_DeleteOnClose
    }

    void openIsInstantAndScanCancels() {
        const QString big = m_images.createWithQemu("big.vhdx", "64T");
        if (big.isEmpty())
            QSKIP("qemu-img is not available");
        MainWindow w;
        QSignalSpy finished(&w, &MainWindow::scanFinished);
        QVERIFY(w.openFile(big));
        // The tree is there before the 67-million-entry scan even started.
        QVERIFY(!w.imageView()->session()->scanDone());
        QCOMPARE(w.imageView()->treeModel()->rowCount(), 10); // ... and Virtual disk
        QTRY_VERIFY(w.imageView()->session()->scanning());
        auto* progress = w.findChild<QProgressBar*>();
        QVERIFY(progress && progress->isVisibleTo(&w));
        w.imageView()->session()->cancelScan();
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(!progress->isVisibleTo(&w));
        QVERIFY(!w.imageView()->session()->scanning());
        // Reload starts over and this time the scan completes.
        QSignalSpy changed(&w, &MainWindow::imageChanged);
        w.reload();
        QCOMPARE(changed.size(), 1);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.last().first().toBool(), true);
    }

    // Opening another file while the 64 TiB scan runs: the running scan is cancelled and
    // joined (no crash, no leak under the ASan pass of scripts/test.sh), the new image is
    // shown and its own scan completes with its own counts.
    void secondFileWhileScanning() {
        const QString big = m_images.createWithQemu("big2.vhdx", "64T");
        if (big.isEmpty())
            QSKIP("qemu-img is not available");
        const QString small = m_images.dynamic1G();
        MainWindow w;
        QSignalSpy finished(&w, &MainWindow::scanFinished);
        QVERIFY(w.openFile(big));
        QTRY_VERIFY(w.imageView()->session()->scanning());
        QVERIFY(w.openFile(small));
        QCOMPARE(w.currentPath(), small);
        QTRY_VERIFY_WITH_TIMEOUT(w.imageView()->session()->scanDone(), 20000);
        QVERIFY(!finished.isEmpty());
        QCOMPARE(finished.last().first().toBool(), true);
        const auto& scan = w.image()->batScan();
        QVERIFY(scan && scan->completed);
        QCOMPARE(scan->counts.of(BatClass::PayloadFullyPresent), 3ull); // the Hyper-V image's facts
        QCOMPARE(scan->counts.of(BatClass::PayloadZero), 29ull);
        QCOMPARE(w.image()->batGeometry().totalEntries, 32ull);
    }

    void viewingNeverWrites() {
        const QString path = m_images.btrfs();
        const QByteArray hash = sha256(path);
        const QDateTime modified = QFileInfo(path).lastModified();
        {
            MainWindow w;
            w.resize(1200, 800);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.openFile(path));
            waitForScan(w);
            ImageView* view = w.imageView();
            view->tree()->expandAll();
            for (QModelIndex i = view->treeModel()->index(0, 0); i.isValid();
                 i = view->tree()->indexBelow(i))
                view->selectIndex(i);
            view->showHeaderComparison();
            view->tabs()->setCurrentWidget(view->batMap());
            view->batMap()->grid()->goToVirtualOffset(512 * 1024 * 1024);
            QTest::qWait(20);
            QVERIFY(w.exportReport(m_images.path("btrfs.json"), true));
            w.reload();
            waitForScan(w);
            w.closeImage();
        }
        QCOMPARE(sha256(path), hash);
        QCOMPARE(QFileInfo(path).lastModified(), modified);
    }

  private:
    vhdx::uitest::TestImages m_images;
};

VHDX_TEST_GUI_MAIN(TstMainWindow)
#include "tst_main_window.moc"
