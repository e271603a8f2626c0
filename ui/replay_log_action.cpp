#include "replay_log_action.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>

#include "display_format.h"
#include "guarded_action.h"
#include "main_window.h"
#include "vhdx/image.h"
#include "vhdx/log_replay.h"

namespace vhdx::ui {

namespace {
// Beside the image, never an existing file (core refuses to overwrite a backup).
QString freshBackupPath(const QString& image) {
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString path = image + QStringLiteral(".replay-backup-") + stamp;
    for (int n = 2; QFileInfo::exists(path); ++n)
        path = image + QStringLiteral(".replay-backup-%1-%2").arg(stamp).arg(n);
    return path;
}

QString native(const QString& path) {
    return QDir::toNativeSeparators(path);
}

// "1 descriptor", "1,024 descriptors" (core's countOf, with core's digit grouping).
QString countOf(uint64_t n, const char* one, const char* many) {
    return formatCount(n) + QLatin1Char(' ') + QLatin1String(n == 1 ? one : many);
}

QString undoCommand(const QString& backup, const QString& image) {
    return QStringLiteral("vhdx-inspector --restore-backup \"%1\" \"%2\" --yes")
        .arg(native(backup), native(image));
}
} // namespace

ReplayLogAction::ReplayLogAction(MainWindow* window)
    : QObject(window), m_window(window), m_action(new QAction(tr("&Replay Log..."), this)) {
    setObjectName(QStringLiteral("replayLogController"));
    m_action->setObjectName(QStringLiteral("replayLogAction"));
    QMenu* tools = window->toolsMenu();
    tools->setToolTipsVisible(true);
    tools->addAction(m_action);
    connect(m_action, &QAction::triggered, this, &ReplayLogAction::showConfirmation);
    connect(window, &MainWindow::imageChanged, this, &ReplayLogAction::refresh);
    refresh();
}

ReplayLogAction::~ReplayLogAction() = default;

void ReplayLogAction::disable(const QString& why) {
    explainAction(m_action, false, why);
}

void ReplayLogAction::refresh() {
    if (m_confirm && m_confirm->isVisible())
        m_confirm->reject(); // planned for what the window showed before
    const Image* image = m_window->image();
    const QString path = m_window->currentPath();
    if (!image || path.isEmpty())
        return disable(tr("Open an image to replay its log."));
    if (image->log().replayState == LogReplayState::None)
        return disable(tr("Nothing to replay: the log holds no pending updates."));
    // Reads the headers and the log; writes nothing.
    const LogReplayPlan plan = planLogReplay(path.toStdString(), LogReplayOptions());
    if (plan.nothingToReplay)
        return disable(tr("Nothing to replay: the log holds no pending updates."));
    if (!plan.allowed)
        return disable(tr("Cannot replay the log. %1.").arg(sentenceCase(plan.refusal)));
    if (!QFileInfo(path).isWritable())
        return disable(
            tr("Cannot replay the log: you have no write permission for %1.").arg(native(path)));
    const QString tip =
        tr("Write the pending log (%1) into the file and clear the LogGuid, "
           "after a backup.")
            .arg(countOf(plan.replay->writes().size(), "descriptor", "descriptors"));
    explainAction(m_action, true, tip);
}

void ReplayLogAction::showConfirmation() {
    if (m_confirm) {
        m_confirm->raise();
        m_confirm->activateWindow();
        return;
    }
    const QString path = m_window->currentPath();
    if (path.isEmpty())
        return;
    m_backupPath = freshBackupPath(path);
    LogReplayOptions options;
    options.backupPath = m_backupPath.toStdString();
    m_plan = std::make_shared<LogReplayPlan>(planLogReplay(path.toStdString(), options));
    if (!m_plan->allowed) {
        refresh();
        return;
    }
    const ReplayPlan& r = *m_plan->replay;
    const QString file = QFileInfo(path).fileName();
    const QString text =
        tr("Replay the pending log of %1 into the file?").arg(file.toHtmlEscaped());
    QString plan = tr("%1 in order, %2, %3 written. File size %4 → %5.")
                       .arg(countOf(r.entrySequence().size(), "entry", "entries"),
                            countOf(r.writes().size(), "descriptor", "descriptors"),
                            formatBytes(r.bytesWritten()), formatBytes(m_plan->sizeBefore),
                            formatBytes(m_plan->sizeAfter));
    plan += QStringLiteral("\n\n") +
            tr("First a backup of the header section and every range the replay overwrites "
               "(%1):\n%2\nThen the descriptors in order, a flush, and the two-step header "
               "update that clears the LogGuid; then the file is read again and checked. The "
               "log itself is not written: a crash at any moment leaves a file whose replay "
               "gives the same result.")
                .arg(formatBytes(m_plan->backupBytes), native(m_backupPath));
    plan += QStringLiteral("\n\n") +
            tr("To undo it afterwards:\n%1").arg(undoCommand(m_backupPath, path));

    m_confirm = new QMessageBox(QMessageBox::Warning, tr("Replay Log"), text, QMessageBox::NoButton,
                                m_window);
    m_confirm->setObjectName(QStringLiteral("replayLogConfirmation"));
    m_confirm->setAttribute(Qt::WA_DeleteOnClose);
    m_confirm->setInformativeText(plan);
    m_confirm->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPushButton* replay = m_confirm->addButton(tr("Replay Log"), QMessageBox::AcceptRole);
    replay->setObjectName(QStringLiteral("replayButton"));
    QPushButton* cancel = m_confirm->addButton(QMessageBox::Cancel);
    m_confirm->setDefaultButton(cancel);
    m_confirm->setEscapeButton(cancel);
    connect(m_confirm, &QMessageBox::buttonClicked, this, [this, replay](QAbstractButton* b) {
        if (b == replay)
            apply();
    });
    m_confirm->open();
}

void ReplayLogAction::apply() {
    if (!m_plan)
        return;
    const LogReplayPlan plan = *m_plan;
    m_plan.reset();
    LogReplayOptions options;
    options.backupPath = m_backupPath.toStdString();
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const LogReplayResult r = applyLogReplay(plan, options); // refuses if the file changed
    QApplication::restoreOverrideCursor();

    const QString path = qs(plan.path);
    const QString file = QFileInfo(path).fileName();
    QString text;
    QString details;
    if (r.ok) {
        text = tr("The log of %1 was replayed: %2 written, the LogGuid cleared, the file read "
                  "again and checked.")
                   .arg(file, countOf(r.descriptorsWritten, "descriptor", "descriptors"));
        details = tr("Backup: %1\nTo undo the replay:\n%2")
                      .arg(native(m_backupPath), undoCommand(m_backupPath, path));
    } else {
        text = tr("The log replay of %1 failed: %2.").arg(file, qs(r.error));
        details = r.refused ? tr("Nothing was written to the image.")
                            : tr("The log is still active, so the file replays again to the "
                                 "same result. The window now shows the file as it is.");
        if (r.backupWritten)
            details += QStringLiteral("\n\n") +
                       tr("Backup: %1\nTo undo:\n%2")
                           .arg(native(m_backupPath), undoCommand(m_backupPath, path));
    }
    m_window->reload();
    if (m_message)
        m_message->close();
    m_message = new QMessageBox(r.ok ? QMessageBox::Information : QMessageBox::Critical,
                                tr("Replay Log"), text, QMessageBox::Ok, m_window);
    m_message->setObjectName(QStringLiteral("replayLogResult"));
    m_message->setAttribute(Qt::WA_DeleteOnClose);
    m_message->setInformativeText(details);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->open();
    emit replayFinished(r.ok);
}

} // namespace vhdx::ui
