// MainWindow: its menus, toolbar and the actions whose state follows the image shown.
#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

#include "bat_map_widget.h"
#include "chain_folder_window.h"
#include "display_format.h"
#include "file_change_watcher.h"
#include "findings_panel.h"
#include "header_update_action.h"
#include "image_session.h"
#include "image_view.h"
#include "replay_log_action.h"
#include "status_summary.h"
#include "verdict_page.h"
#include "vhdx/image.h"
#include "vhdx/report.h"

namespace vhdx::ui {

void MainWindow::updateVerdictActions() {
    VerdictPage* page = m_view->verdictPage();
    if (auto* update = findChild<HeaderUpdateAction*>())
        page->setActionAvailable(StepAction::UpdateHeaders, update->action()->isEnabled(),
                                 update->action()->toolTip());
    if (auto* replay = findChild<ReplayLogAction*>())
        page->setActionAvailable(StepAction::ReplayLog, replay->action()->isEnabled(),
                                 replay->action()->toolTip());
    const bool have = image() != nullptr;
    page->setActionAvailable(StepAction::Reload, have, tr("Read the file again and scan its BAT"));
    page->setActionAvailable(StepAction::CompareHeaders, have,
                             tr("Header 1 and Header 2 side by side"));
    page->setActionAvailable(StepAction::ShowBatProblems, have,
                             tr("The BAT map, at the entries with problems"));
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open..."), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open VHDX image"), QFileInfo(m_path).path(),
                                         tr("VHDX images (*.vhdx *.avhdx);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    open->setShortcut(QKeySequence::Open);
    open->setIcon(style()->standardIcon(QStyle::SP_DialogOpenButton));
    QAction* openFolderAction = file->addAction(tr("Open &Folder..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Open folder: its differencing chains"), QFileInfo(m_path).path());
        if (!dir.isEmpty())
            openFolder(dir);
    });
    openFolderAction->setObjectName(QStringLiteral("openFolderAction"));
    openFolderAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openFolderAction->setIcon(style()->standardIcon(QStyle::SP_DirOpenIcon));
    openFolderAction->setStatusTip(
        tr("Map the differencing chains of every .vhdx and .avhdx below a folder"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    m_reloadAction = file->addAction(tr("Re&load"), this, &MainWindow::reload);
    m_reloadAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_reloadAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_exportAction = file->addAction(tr("&Export Report..."), this, &MainWindow::exportInteractive);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAction->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    file->addSeparator();
    m_closeAction = file->addAction(tr("&Close"), this, &MainWindow::closeImage);
    m_closeAction->setShortcut(QKeySequence::Close);
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_compareAction =
        view->addAction(tr("Compare &Headers"), m_view, &ImageView::showHeaderComparison);
    m_compareAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    m_compareAction->setIcon(style()->standardIcon(QStyle::SP_FileDialogContentsView));
    m_compareAction->setToolTip(tr("Header 1 and Header 2 side by side"));
    // The log is part of the disk: a dirty image is shown as after its replay unless
    // the user asks for the stored bytes.
    QMenu* show = view->addMenu(tr("&Show"));
    auto* showGroup = new QActionGroup(this);
    m_showReplayedAction = show->addAction(tr("As After Log &Replay"));
    m_showReplayedAction->setObjectName(QStringLiteral("showReplayedAction"));
    m_showReplayedAction->setStatusTip(
        tr("Read the BAT, metadata and data as after the pending log replay, in memory"));
    m_showStoredAction = show->addAction(tr("As &Stored"));
    m_showStoredAction->setObjectName(QStringLiteral("showStoredAction"));
    m_showStoredAction->setStatusTip(
        tr("Read the structures as they are stored in the file, ignoring a pending log"));
    for (QAction* a : {m_showReplayedAction, m_showStoredAction}) {
        a->setCheckable(true);
        showGroup->addAction(a);
    }
    m_showReplayedAction->setChecked(true);
    connect(m_showReplayedAction, &QAction::triggered, this,
            [this] { setReadView(ReadView::Replayed); });
    connect(m_showStoredAction, &QAction::triggered, this,
            [this] { setReadView(ReadView::Stored); });

    m_helpMenu = menuBar()->addMenu(tr("&Help"));
    m_helpMenu->addAction(tr("&About VHDX Inspector"), this, &MainWindow::showAbout);

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(open);
    bar->addAction(m_reloadAction);
    bar->addAction(m_compareAction);
    bar->addAction(m_exportAction);
}

QMenu* MainWindow::toolsMenu() {
    if (!m_toolsMenu) {
        m_toolsMenu = new QMenu(tr("&Tools"), this);
        menuBar()->insertMenu(m_helpMenu->menuAction(), m_toolsMenu);
    }
    return m_toolsMenu;
}

void MainWindow::updateActions() {
    const bool have = image() != nullptr;
    const bool scanning = have && !m_view->session()->scanDone();
    m_reloadAction->setEnabled(have);
    m_closeAction->setEnabled(have);
    m_compareAction->setEnabled(have);
    m_exportAction->setEnabled(have && !scanning);
    m_exportAction->setToolTip(scanning ? tr("Available when the BAT scan has finished")
                                        : tr("Save the JSON or text report"));
}

} // namespace vhdx::ui
