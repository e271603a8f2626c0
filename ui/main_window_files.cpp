// MainWindow: files in and out: recent files, drag and drop, Export Report.
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

} // namespace vhdx::ui
