// In the viewer: File > Open Folder maps the differencing chains below a folder and
// draws them as a tree with the statuses of --chains, the chain findings below it; activating
// a disk opens it. The folder is built here: base.vhdx <- child.avhdx <- sub/grandchild.avhdx
// (a healthy chain), moved.avhdx (a child of base.vhdx whose locator names a file that is not
// there), orphan.avhdx (its parent's DataWriteGuid is nowhere) and empty.vhdx (not a VHDX).
// VHDX_SCREENSHOT_DIR=dir also saves the window as dir/chains-folder.png.
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTreeView>
#include <QTreeWidget>

#include "chain_builder.h"
#include "chain_folder_window.h"
#include "chain_forest_model.h"
#include "chain_reconnect.h"
#include "main_window.h"
#include "status_style.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::ui;
using namespace vhdx::test;

namespace {

QModelIndex childNamed(const QAbstractItemModel& m, const QModelIndex& parent,
                       const QString& name) {
    for (int r = 0; r < m.rowCount(parent); ++r)
        if (m.index(r, 0, parent).data().toString() == name)
            return m.index(r, 0, parent);
    return {};
}

QString cell(const QModelIndex& i, int column) {
    return i.siblingAtColumn(column).data().toString();
}

QString canonical(const QString& path) {
    return QFileInfo(path).canonicalFilePath();
}

MainWindow* windowShowing(const QString& path) {
    for (QWidget* w : QApplication::topLevelWidgets())
        if (auto* m = qobject_cast<MainWindow*>(w); m && canonical(m->currentPath()) == path)
            return m;
    return nullptr;
}

QString adviceOf(FindingCode code) {
    const std::string_view advice = codeAdvice(code);
    return QString::fromUtf8(advice.data(), qsizetype(advice.size()));
}

bool waitMapped(ChainFolderWindow& w) {
    return QTest::qWaitFor([&w] { return w.isMapped(); }, 30000);
}

} // namespace

class TstChainFolderView : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests"));
        QVERIFY(m_dir.isValid());
        const QString d = m_dir.path();
        QVERIFY(!writeSpec(d, "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeSpec(d, "child.avhdx", childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(d, "sub/grandchild.avhdx",
                           childImage(chainGuid(3), chainGuid(2), "..\\child.avhdx"))
                     .isEmpty());
        QVERIFY(
            !writeSpec(d, "orphan.avhdx", childImage(chainGuid(4), chainGuid(9), ".\\missing.vhdx"))
                 .isEmpty());
        QVERIFY(
            !writeSpec(d, "moved.avhdx", childImage(chainGuid(5), chainGuid(1), ".\\old-name.vhdx"))
                 .isEmpty());
        QVERIFY(!writeImageFile(d, "empty.vhdx", std::vector<uint8_t>(100, 0)).isEmpty());
    }

    void treeHasTheChainsAndStatuses() {
        ChainFolderWindow w(m_dir.path());
        QVERIFY(w.progressBar()->isVisibleTo(&w));
        QCOMPARE(w.progressBar()->maximum(), 0); // busy
        QVERIFY(waitMapped(w));
        QVERIFY(w.errorText().isEmpty());
        QVERIFY(!w.progressBar()->isVisibleTo(&w));
        const ChainForestModel& m = *w.model();

        // Top level: the base, the orphan (roots, in path order), then the file not mapped.
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.index(0, 0).data().toString(), QString("base.vhdx"));
        QCOMPARE(m.index(1, 0).data().toString(), QString("orphan.avhdx"));
        QCOMPARE(m.index(2, 0).data().toString(), QString("empty.vhdx"));

        const QModelIndex base = m.index(0, 0);
        QCOMPARE(cell(base, ChainForestModel::StatusColumn), QString("base"));
        QCOMPARE(cell(base, ChainForestModel::TypeColumn), QString("base"));
        QCOMPARE(cell(base, ChainForestModel::SizeColumn), QString("64 MiB"));
        QCOMPARE(cell(base, ChainForestModel::GuidColumn),
                 QString::fromStdString(chainGuid(1).toString()));
        QCOMPARE(m.rowCount(base), 2);
        const QModelIndex child = childNamed(m, base, "child.avhdx");
        QVERIFY(child.isValid());
        QCOMPARE(child.parent(), base);
        QCOMPARE(cell(child, ChainForestModel::StatusColumn), QString("ok, via relative_path"));
        QCOMPARE(cell(child, ChainForestModel::TypeColumn), QString("differencing"));
        QCOMPARE(cell(child, ChainForestModel::GuidColumn),
                 QString::fromStdString(chainGuid(2).toString()));
        QCOMPARE(child.siblingAtColumn(ChainForestModel::StatusColumn)
                     .data(Qt::ForegroundRole)
                     .value<QColor>(),
                 statusColor(NodeStatus::Ok));
        // Its parent is found by DataWriteGuid, not where its locator leads.
        const QModelIndex moved = childNamed(m, base, "moved.avhdx");
        QVERIFY(moved.isValid());
        QCOMPARE(moved.data(ChainForestModel::ChainStatusRole).toInt(),
                 int(ChainNodeStatus::ParentElsewhere));
        QCOMPARE(cell(moved, ChainForestModel::StatusColumn),
                 QString("PARENT ELSEWHERE: the locator finds no file"));
        const QModelIndex grandchild = childNamed(m, child, "sub/grandchild.avhdx");
        QVERIFY(grandchild.isValid());
        QCOMPARE(cell(grandchild, ChainForestModel::StatusColumn),
                 QString("ok, via relative_path"));
        QCOMPARE(m.rowCount(grandchild), 0);
        QCOMPARE(canonical(grandchild.data(ChainForestModel::PathRole).toString()),
                 canonical(m_dir.filePath("sub/grandchild.avhdx")));

        const QModelIndex orphan = m.index(1, 0);
        QCOMPARE(orphan.data(ChainForestModel::ChainStatusRole).toInt(),
                 int(ChainNodeStatus::Orphan));
        QVERIFY(!orphan.parent().isValid());
        QCOMPARE(cell(orphan, ChainForestModel::StatusColumn),
                 QString("ORPHAN: no parent with the DataWriteGuid it expects"));
        QCOMPARE(cell(orphan, ChainForestModel::TypeColumn), QString("differencing"));
        QCOMPARE(orphan.siblingAtColumn(ChainForestModel::StatusColumn)
                     .data(Qt::ForegroundRole)
                     .value<QColor>(),
                 statusColor(NodeStatus::Error));

        const QModelIndex empty = m.index(2, 0);
        QCOMPARE(empty.data(ChainForestModel::ChainStatusRole).toInt(),
                 int(ChainNodeStatus::Skipped));
        QCOMPARE(cell(empty, ChainForestModel::StatusColumn), QString("not mapped"));
        QVERIFY(!cell(empty, ChainForestModel::NotesColumn).isEmpty()); // why not

        // The findings, most severe first: the orphan's with its path and the code's advice.
        QTreeWidget* f = w.findingsList();
        QStringList codes;
        const QTreeWidgetItem* orphanFinding = nullptr;
        for (int i = 0; i < f->topLevelItemCount(); ++i) {
            const QTreeWidgetItem* item = f->topLevelItem(i);
            codes << item->text(ChainFolderWindow::SeverityColumn) + " " +
                         item->text(ChainFolderWindow::CodeColumn) + " " +
                         item->text(ChainFolderWindow::PathColumn);
            if (item->text(ChainFolderWindow::CodeColumn) == "CHAIN_ORPHAN")
                orphanFinding = item;
        }
        const QString all = codes.join(", ");
        QVERIFY2(codes.size() == 5, qPrintable(all));
        QVERIFY2(codes.mid(0, 2).contains("error CHAIN_ORPHAN orphan.avhdx"), qPrintable(all));
        QVERIFY2(codes.mid(0, 2).contains("error CHAIN_PARENT_ELSEWHERE moved.avhdx"),
                 qPrintable(all));
        QCOMPARE(codes.at(2), QString("warning CHAIN_FILE_SKIPPED empty.vhdx"));
        QVERIFY2(codes.contains("info CHAIN_HAS_CHILDREN base.vhdx"), qPrintable(all));
        QVERIFY(orphanFinding);
        QVERIFY(orphanFinding->toolTip(ChainFolderWindow::MessageColumn)
                    .contains(adviceOf(FindingCode::ChainOrphan)));
        QCOMPARE(orphanFinding->foreground(ChainFolderWindow::SeverityColumn).color(),
                 statusColor(NodeStatus::Error));
        QCOMPARE(w.verdictText(), QString("Verdict: ERRORS FOUND"));
        // Activating a finding selects its disk in the tree.
        emit f->itemActivated(const_cast<QTreeWidgetItem*>(orphanFinding), 0);
        QCOMPARE(w.treeView()->currentIndex(), orphan);

        if (const QString dir = qEnvironmentVariable("VHDX_SCREENSHOT_DIR"); !dir.isEmpty()) {
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QTest::qWait(50);
            QVERIFY(w.grab().save(dir + "/chains-folder.png"));
        }
    }

    // A disk whose parent is itself: drawn once more, marked, and the tree ends.
    void loopIsDrawnOnce() {
        QTemporaryDir dir;
        QVERIFY(!writeSpec(dir.path(), "self.avhdx",
                           childImage(chainGuid(1), chainGuid(1), ".\\self.avhdx"))
                     .isEmpty());
        ChainFolderWindow w(dir.path());
        QVERIFY(waitMapped(w));
        const ChainForestModel& m = *w.model();
        QCOMPARE(m.rowCount(), 1);
        const QModelIndex self = m.index(0, 0);
        QCOMPARE(cell(self, ChainForestModel::StatusColumn), QString("LOOP"));
        QVERIFY(!self.data(ChainForestModel::RepeatRole).toBool());
        QCOMPARE(m.rowCount(self), 1);
        const QModelIndex again = m.index(0, 0, self);
        QVERIFY(again.data(ChainForestModel::RepeatRole).toBool());
        QCOMPARE(m.rowCount(again), 0);
        QVERIFY(cell(again, ChainForestModel::NotesColumn).contains("the chain loops"));
        QCOMPARE(w.findingsList()->topLevelItem(0)->text(ChainFolderWindow::CodeColumn),
                 QString("CHAIN_LOOP"));
    }

    void unreadableFolderSaysWhy() {
        ChainFolderWindow w(m_dir.filePath("no-such-folder"));
        QVERIFY(waitMapped(w));
        QVERIFY(!w.errorText().isEmpty());
        QCOMPARE(w.model()->rowCount(), 0);
    }

    // Cancel closes the window while the folder is still being read; the reading ends on its
    // own and its result goes nowhere.
    void cancelClosesTheWindow() {
        MainWindow main;
        QPointer<ChainFolderWindow> w = main.openFolder(m_dir.path());
        QVERIFY(w && w->isVisible());
        auto* cancel = w->findChild<QPushButton*>(QStringLiteral("chainCancel"));
        QVERIFY(cancel && cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY(w.isNull()); // closed and deleted
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QVERIFY(main.currentPath().isEmpty());
    }

    // File > Open Folder; Enter on a disk opens it in the empty main window, a double-click on
    // another opens a new window (the first one now shows an image).
    // Reconnect... on a PARENT ELSEWHERE disk: Cancel writes nothing; confirmed, the locator
    // leads to the parent (read back by core's parent chain: found, linkage matching, no
    // pending log), a backup exists, and the re-read folder shows the disk as ok.
    void reconnectLeadsTheChildToItsParent() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString base = writeSpec(dir.path(), "base.vhdx", baseImage(chainGuid(1)));
        const QString moved = writeSpec(dir.path(), "moved.avhdx",
                                        childImage(chainGuid(5), chainGuid(1), ".\\old-name.vhdx"));
        QVERIFY(!base.isEmpty() && !moved.isEmpty());
        const QByteArray before = [&] {
            QFile f(moved);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        ChainFolderWindow w(dir.path());
        w.show();
        QVERIFY(waitMapped(w));
        ChainReconnect* r = w.reconnect();
        QVERIFY(r);
        QVERIFY(!r->button()->isEnabled()); // nothing selected
        const QModelIndex movedRow = childNamed(*w.model(), w.model()->index(0, 0), "moved.avhdx");
        QVERIFY(movedRow.isValid());
        w.treeView()->setCurrentIndex(movedRow);
        QVERIFY2(r->button()->isEnabled(), qPrintable(r->button()->toolTip()));
        w.treeView()->setCurrentIndex(w.model()->index(0, 0)); // the base: nothing to reconnect
        QVERIFY(!r->button()->isEnabled());
        w.treeView()->setCurrentIndex(movedRow);

        r->button()->click();
        QMessageBox* box = r->confirmation();
        QVERIFY(box);
        QVERIFY2(box->informativeText().contains("relative_path"),
                 qPrintable(box->informativeText()));
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        if (const QString shots = qEnvironmentVariable("VHDX_SCREENSHOT_DIR"); !shots.isEmpty()) {
            QTest::qWait(50);
            box->grab().save(shots + "/chains-reconnect-confirmation.png");
        }
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!r->confirmation());
        QFile f(moved);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        f.close();

        QSignalSpy done(r, &ChainReconnect::reconnected);
        r->button()->click();
        QVERIFY(r->confirmation());
        r->confirmation()->findChild<QPushButton*>(QStringLiteral("reconnectButton"))->click();
        QTRY_COMPARE(done.count(), 1);
        QVERIFY2(done.at(0).at(0).toBool(),
                 qPrintable(r->resultMessage() ? r->resultMessage()->text() : QString()));
        QVERIFY(QFileInfo::exists(r->backupPath()));
        std::string error;
        const auto img = Image::open(moved.toStdString(), error);
        QVERIFY(img);
        QCOMPARE(img->log().replayState, LogReplayState::None);
        QCOMPARE(img->parentChain().size(), size_t(1));
        QVERIFY(img->parentChain()[0].found);
        QVERIFY(img->parentChain()[0].linkageMatches);
        QCOMPARE(QFileInfo(QString::fromStdString(img->parentChain()[0].path)).canonicalFilePath(),
                 QFileInfo(base).canonicalFilePath());
        QVERIFY(waitMapped(w));
        const QModelIndex after = childNamed(*w.model(), w.model()->index(0, 0), "moved.avhdx");
        QCOMPARE(after.data(ChainForestModel::ChainStatusRole).toInt(), int(ChainNodeStatus::Ok));
    }

    void activatingOpensTheImage() {
        MainWindow main;
        QAction* action = main.findChild<QAction*>(QStringLiteral("openFolderAction"));
        QVERIFY(action);
        QVERIFY(main.menuBar()->actions().first()->menu()->actions().contains(action));
        main.show();
        QVERIFY(QTest::qWaitForWindowExposed(&main));
        ChainFolderWindow* w = main.openFolder(m_dir.path());
        QVERIFY(w && w->isVisible());
        QVERIFY(waitMapped(*w));
        QTreeView* tree = w->treeView();
        const ChainForestModel& m = *w->model();
        const QModelIndex child = childNamed(m, m.index(0, 0), "child.avhdx");
        QVERIFY(child.isValid());
        tree->setCurrentIndex(child);
        QTest::keyClick(tree, Qt::Key_Return);
        QCOMPARE(canonical(main.currentPath()), canonical(m_dir.filePath("child.avhdx")));

        const QModelIndex orphan = m.index(1, 0);
        tree->scrollTo(orphan);
        const QRect at = tree->visualRect(orphan);
        QVERIFY(at.isValid());
        QSignalSpy requested(w, &ChainFolderWindow::openRequested);
        // As the system sends a double-click: a click, then the double-click event.
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at.center());
        QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at.center());
        QCOMPARE(requested.count(), 1);
        QCOMPARE(canonical(requested.at(0).at(0).toString()),
                 canonical(m_dir.filePath("orphan.avhdx")));
        MainWindow* opened = windowShowing(canonical(m_dir.filePath("orphan.avhdx")));
        QVERIFY(opened);
        QVERIFY(opened != &main);
        QCOMPARE(canonical(main.currentPath()), canonical(m_dir.filePath("child.avhdx")));
        opened->close(); // WA_DeleteOnClose
        w->close();
    }
};

VHDX_TEST_GUI_MAIN(TstChainFolderView)
#include "tst_chain_folder_view.moc"
