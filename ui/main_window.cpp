#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>

#include <algorithm>

#include "display_format.h"
#include "header_update_action.h"
#include "image_session.h"
#include "image_view.h"
#include "status_summary.h"
#include "vhdx/image.h"
#include "vhdx/report.h"

namespace vhdx::ui {

namespace {
constexpr int maxRecent = 10;
const char* const recentKey = "recentFiles";
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_view(new ImageView(this)), m_stack(new QStackedWidget(this)),
      m_summary(new StatusSummary(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    auto* placeholder =
        new QLabel(tr("Open a VHDX file with File > Open (Ctrl+O),\nor drop one here."), this);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setStyleSheet(QStringLiteral("color: palette(placeholder-text); font-size: 14pt"));
    m_stack->addWidget(placeholder);
    m_stack->addWidget(m_view);
    setCentralWidget(m_stack);
    createActions();

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
    new HeaderUpdateAction(this); // Tools > Update Headers..., owned by this window
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
    QString error;
    std::unique_ptr<ImageSession> session = ImageSession::open(path, error);
    if (!session) {
        showError(tr("Cannot open %1:\n%2").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    if (!session->isVhdx()) {
        showError(tr("%1 is not a VHDX image: it does not start with the \"vhdxfile\" signature.")
                      .arg(QDir::toNativeSeparators(path)));
        return false;
    }
    m_lastError.clear();
    m_path = QFileInfo(path).absoluteFilePath();
    m_view->setSession(std::move(session));
    m_stack->setCurrentWidget(m_view);
    setWindowTitle(tr("%1 — VHDX Inspector").arg(QFileInfo(path).fileName()));
    setWindowFilePath(m_path);
    rememberRecent(m_path);
    updateStatus();
    updateActions();
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

void MainWindow::reload() {
    if (!m_path.isEmpty())
        openFile(m_path);
}

void MainWindow::closeImage() {
    m_view->setSession(nullptr);
    m_path.clear();
    m_stack->setCurrentIndex(0);
    setWindowTitle(tr("VHDX Inspector"));
    setWindowFilePath({});
    updateStatus();
    updateActions();
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
        QAction* a =
            m_recentMenu->addAction(QFileInfo(p).fileName(), this, [this, p] { openFile(p); });
        a->setToolTip(p);
        a->setStatusTip(p);
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
