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

namespace {
constexpr int maxRecent = 10;
const char* const recentKey = "recentFiles";
} // namespace

namespace {
const QString emptyText() {
    return MainWindow::tr("Open a VHDX file with File > Open (Ctrl+O),\nor drop one here.");
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_view(new ImageView(this)), m_stack(new QStackedWidget(this)),
      m_placeholder(new QLabel(emptyText(), this)), m_banner(new QFrame(this)),
      m_bannerText(new QLabel(m_banner)), m_watcher(new FileChangeWatcher(this)),
      m_summary(new StatusSummary(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    m_placeholder->setObjectName(QStringLiteral("placeholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setTextFormat(Qt::PlainText); // it may show a path
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    QFont big = m_placeholder->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    m_placeholder->setFont(big);
    m_stack->addWidget(m_placeholder);
    m_stack->addWidget(m_view);

    // "Changed on disk": above everything, until the file is read again.
    auto* bannerFrame = static_cast<QFrame*>(m_banner);
    bannerFrame->setObjectName(QStringLiteral("changeBanner"));
    bannerFrame->setFrameShape(QFrame::StyledPanel);
    bannerFrame->setAutoFillBackground(true);
    bannerFrame->setBackgroundRole(QPalette::ToolTipBase);
    bannerFrame->setForegroundRole(QPalette::ToolTipText);
    m_bannerText->setWordWrap(true);
    m_bannerText->setTextFormat(Qt::PlainText);
    m_bannerText->setForegroundRole(QPalette::ToolTipText);
    auto* bannerReload = new QPushButton(tr("&Reload"), m_banner);
    bannerReload->setObjectName(QStringLiteral("bannerReload"));
    connect(bannerReload, &QPushButton::clicked, this, &MainWindow::reload);
    auto* bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(8, 4, 8, 4);
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(bannerReload);
    m_banner->hide();
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(m_stack, 1);
    setCentralWidget(central);
    createActions();
    connect(m_watcher, &FileChangeWatcher::changedOnDisk, this, &MainWindow::onChangedOnDisk);
    // A block view's Open Parent (issue 11): the parent in its own window.
    if (auto* map = m_view->findChild<BatMapWidget*>())
        connect(map, &BatMapWidget::openImageRequested, this,
                [this](const QString& path) { openInNewWindow(path); });
    connect(m_view, &ImageView::actionRequested, this, [this](StepAction a) {
        if (a == StepAction::Reload)
            reload();
        else if (a == StepAction::ReplayLog) {
            if (auto* replay = findChild<ReplayLogAction*>())
                replay->showConfirmation();
        } else if (a == StepAction::UpdateHeaders)
            if (auto* update = findChild<HeaderUpdateAction*>())
                update->showDialog();
    });

    statusBar()->addPermanentWidget(m_summary);
    connect(m_summary, &StatusSummary::cancelRequested, this, [this] {
        if (m_view->session())
            m_view->session()->cancelScan();
    });
    connect(m_view, &ImageView::scanProgress, this, &MainWindow::onScanProgress);
    connect(m_view, &ImageView::scanFinished, this, &MainWindow::onScanFinished);

    const QSettings settings;
    // A roomy default that still fits smaller screens; the saved geometry wins when present.
    const QSize avail = screen() ? screen()->availableSize() : QSize(1600, 1000);
    resize(std::min(1500, avail.width() * 9 / 10), std::min(950, avail.height() * 9 / 10));
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    m_view->restoreLayout(settings.value(QStringLiteral("mainWindow/layout")).toByteArray());
    updateStatus();
    updateActions();
    // Tools > Update Headers..., owned by this window; the verdict page's button follows it.
    auto* update = new HeaderUpdateAction(this);
    connect(update->action(), &QAction::changed, this, &MainWindow::updateVerdictActions);
    // Tools > Replay Log..., likewise.
    auto* replay = new ReplayLogAction(this);
    connect(replay->action(), &QAction::changed, this, &MainWindow::updateVerdictActions);
    updateVerdictActions();
}

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

MainWindow::~MainWindow() = default;

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
    // The log is part of the disk (issue 9): a dirty image is shown as after its replay unless
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

const Image* MainWindow::image() const {
    return m_view->image();
}

bool MainWindow::openFile(const QString& path) {
    return openFileKeeping(path, false);
}

bool MainWindow::openFileKeeping(const QString& path, bool keepView) {
    QString error;
    std::unique_ptr<ImageSession> session = ImageSession::open(path, error, m_readView);
    if (!session) {
        // Core's message names the file ("cannot open '/x.vhdx': No such file..."): once.
        if (!error.isEmpty())
            error[0] = error[0].toUpper();
        showError(error);
        return false;
    }
    if (!session->isVhdx()) {
        QString why;
        for (const Finding& f : session->findings())
            if (f.code == FindingCode::NotVhdx)
                why = qs(f.message);
        showError(tr("%1 is not a VHDX image.\n%2").arg(QFileInfo(path).fileName(), why));
        return false;
    }
    const ViewState state = m_view->saveViewState();
    m_lastError.clear();
    m_path = QFileInfo(path).absoluteFilePath();
    m_banner->hide();
    m_view->setSession(std::move(session));
    if (keepView)
        m_view->restoreViewState(state);
    m_stack->setCurrentWidget(m_view);
    m_watcher->watch(m_path);
    setWindowTitle(tr("%1 — VHDX Inspector").arg(QFileInfo(path).fileName()));
    setWindowFilePath(m_path);
    rememberRecent(m_path);
    updateStatus();
    updateActions();
    updateVerdictActions();
    emit imageChanged();
    return true;
}

void MainWindow::openFiles(const QStringList& paths) {
    for (qsizetype i = 0; i < paths.size(); ++i) {
        if (i == 0)
            openFile(paths[i]);
        else
            openInNewWindow(paths[i]);
    }
}

MainWindow* MainWindow::openInNewWindow(const QString& path) {
    auto* w = new MainWindow;
    w->setAttribute(Qt::WA_DeleteOnClose);
    if (!w->openFile(path)) {
        showError(w->lastError());
        delete w;
        return nullptr;
    }
    w->move(pos() + QPoint(40, 40));
    w->show();
    return w;
}

ChainFolderWindow* MainWindow::openFolder(const QString& dir) {
    auto* w = new ChainFolderWindow(dir, this);
    w->setAttribute(Qt::WA_DeleteOnClose);
    connect(w, &ChainFolderWindow::openRequested, this, &MainWindow::openChainNode);
    w->move(pos() + QPoint(40, 40));
    w->show();
    return w;
}

void MainWindow::openChainNode(const QString& path) {
    if (m_path.isEmpty())
        openFile(path);
    else if (QFileInfo(path).absoluteFilePath() == m_path) {
        raise();
        activateWindow();
    } else
        openInNewWindow(path);
}

void MainWindow::setReadView(ReadView view) {
    m_showReplayedAction->setChecked(view == ReadView::Replayed);
    m_showStoredAction->setChecked(view == ReadView::Stored);
    if (view == m_readView)
        return;
    m_readView = view;
    reload();
}

void MainWindow::reload() {
    if (m_path.isEmpty())
        return;
    const QString path = m_path;
    if (openFileKeeping(path, true))
        return;
    // The file is gone or unreadable: showing its old picture would be a lie.
    const QString error = m_lastError;
    closeImage();
    m_lastError = error;
    m_placeholder->setText(tr("%1 could not be read again:\n%2\n\n%3")
                               .arg(QDir::toNativeSeparators(path), error, emptyText()));
}

QString MainWindow::changeText() const {
    return m_banner->isVisible() ? m_bannerText->text() : QString();
}

void MainWindow::onChangedOnDisk(const QString& what) {
    m_bannerText->setText(
        tr("%1 changed on disk since it was read: %2. What is shown is the file as it was; "
           "reload to see it as it is now.")
            .arg(QFileInfo(m_path).fileName(), what));
    m_banner->show();
    m_summary->setStale(what);
    m_view->verdictPage()->setStale(what);
    m_view->findingsPanel()->setNote(
        tr("The file changed on disk: these findings are about what it was."));
}

void MainWindow::closeImage() {
    m_view->setSession(nullptr);
    m_watcher->watch({});
    m_banner->hide();
    m_path.clear();
    m_placeholder->setText(emptyText());
    m_stack->setCurrentIndex(0);
    setWindowTitle(tr("VHDX Inspector"));
    setWindowFilePath({});
    updateStatus();
    updateActions();
    updateVerdictActions();
    emit imageChanged();
}

void MainWindow::showError(const QString& text) {
    m_lastError = text;
    statusBar()->showMessage(text, 10000);
    if (!m_message) {
        m_message =
            new QMessageBox(QMessageBox::Warning, tr("VHDX Inspector"), {}, QMessageBox::Ok, this);
        m_message->setAttribute(Qt::WA_DeleteOnClose);
        m_message->setObjectName(QStringLiteral("openErrorMessage"));
    }
    m_message->setText(text);
    m_message->open(); // window-modal, does not block the caller
}

void MainWindow::rememberRecent(const QString& path) {
    QSettings settings;
    QStringList list = settings.value(QLatin1String(recentKey)).toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > maxRecent)
        list.removeLast();
    settings.setValue(QLatin1String(recentKey), list);
}

QStringList MainWindow::recentFiles() {
    return QSettings().value(QLatin1String(recentKey)).toStringList();
}

void MainWindow::fillRecentMenu() {
    m_recentMenu->clear();
    const QStringList list = recentFiles();
    for (const QString& p : list) {
        // The name, then its folder: two disks of one name in two folders stay apart.
        const QFileInfo info(p);
        const QString folder = fontMetrics().elidedText(
            QDir::toNativeSeparators(info.absolutePath()), Qt::ElideMiddle, 420);
        QAction* a = m_recentMenu->addAction(QStringLiteral("%1 — %2").arg(info.fileName(), folder),
                                             this, [this, p] { openFile(p); });
        a->setToolTip(QDir::toNativeSeparators(p));
        a->setStatusTip(QDir::toNativeSeparators(p));
    }
    if (list.isEmpty())
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear List"), this,
                            [] { QSettings().remove(QLatin1String(recentKey)); });
}

void MainWindow::updateStatus() {
    m_summary->showSession(m_view->session());
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

void MainWindow::onScanProgress(quint64 done, quint64 total) {
    m_summary->setProgress(done, total);
}

void MainWindow::onScanFinished(bool completed) {
    if (!completed && image() && image()->batReader())
        statusBar()->showMessage(tr("BAT scan cancelled: BAT findings are incomplete."), 8000);
    updateStatus();
    updateActions();
    emit scanFinished(completed);
}

bool MainWindow::exportReport(const QString& path, bool json) {
    const Image* img = image();
    if (!img || !m_view->session()->scanDone())
        return false;
    const std::string text = json ? reportJson(*img) : reportText(*img);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(text.data(), qint64(text.size())) != qint64(text.size()) || !out.commit()) {
        showError(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), out.errorString()));
        return false;
    }
    statusBar()->showMessage(tr("Report saved to %1").arg(QDir::toNativeSeparators(path)), 5000);
    return true;
}

void MainWindow::exportInteractive() {
    const QString jsonFilter = tr("JSON report (*.json)");
    const QString textFilter = tr("Text report (*.txt)");
    QString selected = jsonFilter;
    const QString base = QFileInfo(m_path).completeBaseName();
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export report"), QFileInfo(m_path).dir().filePath(base + QStringLiteral(".json")),
        jsonFilter + QStringLiteral(";;") + textFilter, &selected);
    if (path.isEmpty())
        return;
    const bool json = selected == jsonFilter ? !path.endsWith(QLatin1String(".txt"))
                                             : path.endsWith(QLatin1String(".json"));
    exportReport(path, json);
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About VHDX Inspector"),
                       tr("<h3>VHDX Inspector %1</h3>"
                          "<p>Shows the structures of Microsoft VHDX virtual-disk images "
                          "(MS-VHDX 1.00): headers, region tables, metadata, BAT and log, with "
                          "every problem found.</p><p>Files are opened read-only.</p>")
                           .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (!mime->hasUrls())
        return;
    for (const QUrl& url : mime->urls())
        if (!url.isLocalFile())
            return;
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openFiles(paths);
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    settings.setValue(QStringLiteral("mainWindow/layout"), m_view->saveLayout());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    if (m_view->session())
        m_view->session()->cancelScan();
    QMainWindow::closeEvent(event);
}

} // namespace vhdx::ui
