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
    // A block view's Open Parent: the parent in its own window.
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

MainWindow::~MainWindow() = default;

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

void MainWindow::updateStatus() {
    m_summary->showSession(m_view->session());
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

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About VHDX Inspector"),
                       tr("<h3>VHDX Inspector %1</h3>"
                          "<p>Shows the structures of Microsoft VHDX virtual-disk images "
                          "(MS-VHDX 1.00): headers, region tables, metadata, BAT and log, with "
                          "every problem found.</p><p>Files are opened read-only.</p>")
                           .arg(QCoreApplication::applicationVersion()));
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
