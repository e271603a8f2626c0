#include "header_update_action.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>

#include "display_format.h"
#include "guarded_action.h"
#include "header_update_dialog.h"
#include "image_view.h"
#include "main_window.h"
#include "vhdx/header_update.h"

namespace vhdx::ui {

HeaderUpdateAction::HeaderUpdateAction(MainWindow* window)
    : QObject(window), m_window(window), m_action(new QAction(tr("&Update Headers..."), this)) {
    setObjectName(QStringLiteral("headerUpdateController"));
    m_action->setObjectName(QStringLiteral("headerUpdateAction"));
    QMenu* tools = window->toolsMenu();
    tools->setToolTipsVisible(true); // the tool tip says why the action is disabled
    tools->addAction(m_action);
    connect(m_action, &QAction::triggered, this, &HeaderUpdateAction::showDialog);
    connect(window, &MainWindow::imageChanged, this, &HeaderUpdateAction::refresh);
    refresh();
}

HeaderUpdateDialog* HeaderUpdateAction::dialog() const {
    return m_dialog;
}

QMessageBox* HeaderUpdateAction::resultMessage() const {
    return m_message;
}

void HeaderUpdateAction::disable(const QString& why) {
    explainAction(m_action, false, why);
}

void HeaderUpdateAction::refresh() {
    if (m_dialog && m_dialog->isVisible() && m_dialog->path() != m_window->currentPath())
        m_dialog->reject(); // planned for the image that is no longer shown
    const QString path = m_window->currentPath();
    if (!m_window->image() || path.isEmpty())
        return disable(tr("Open an image to update its headers."));
    // Reads the first 1 MiB and parses the structures; the BAT is not scanned.
    const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), HeaderUpdateOptions());
    if (!plan.allowed)
        return disable(tr("Cannot update the headers. %1.").arg(sentenceCase(plan.refusal)));
    if (!QFileInfo(path).isWritable())
        return disable(tr("Cannot update the headers: you have no write permission for %1.")
                           .arg(QDir::toNativeSeparators(path)));
    const QString tip = tr("Rewrite both headers with new sequence numbers and FileWriteGuid "
                           "(current header %1 has sequence %2), after a backup.")
                            .arg(plan.currentSlot)
                            .arg(plan.steps[1].oldSequence);
    explainAction(m_action, true, tip);
}

void HeaderUpdateAction::showDialog() {
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    if (m_window->currentPath().isEmpty())
        return;
    m_dialog = new HeaderUpdateDialog(m_window->currentPath(), m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, &HeaderUpdateAction::apply);
    m_dialog->open(); // window-modal; does not block the caller
}

void HeaderUpdateAction::apply() {
    if (!m_dialog)
        return;
    // The dialog plans again on every option change: its plan is the one for its options.
    // Core refuses the plan if the file changed on disk since it was made.
    const HeaderUpdatePlan plan = m_dialog->plan();
    const HeaderUpdateOptions options = m_dialog->options();
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
    QApplication::restoreOverrideCursor();

    const QString file = QDir::toNativeSeparators(QFileInfo(qs(plan.path)).fileName());
    const QString undo =
        tr("To restore the previous state:\ndd if=\"%1\" of=\"%2\" bs=1M count=1 conv=notrunc")
            .arg(nativePath(options.backupPath), nativePath(plan.path));
    const QString backupText =
        tr("Backup of the first 1 MiB:\n%1\n\n%2").arg(nativePath(options.backupPath), undo);
    QString text;
    QString details;
    if (r.ok) {
        text = tr("The headers of %1 were updated: header %2 now has sequence %3, header %4 "
                  "has sequence %5 and is current.")
                   .arg(file)
                   .arg(plan.steps[0].slot)
                   .arg(plan.steps[0].newSequence)
                   .arg(plan.steps[1].slot)
                   .arg(plan.steps[1].newSequence);
        details = r.backupWritten ? backupText : tr("No backup was made.");
    } else {
        text = tr("The header update of %1 failed: %2.").arg(file, qs(r.error));
        details = r.refused || r.blocksWritten == 0
                      ? tr("Nothing was written to the image.")
                      : tr("%n header write(s) were issued before the failure. The window now "
                           "shows the file as it is on disk.",
                           nullptr, r.blocksWritten);
        if (r.backupWritten)
            details += QStringLiteral("\n\n") + backupText;
    }
    // Show the file as it is now, with the new sequence numbers side by side.
    m_window->reload();
    m_window->imageView()->showHeaderComparison();

    if (m_message)
        m_message->close();
    m_message = new QMessageBox(r.ok ? QMessageBox::Information : QMessageBox::Critical,
                                tr("Update Headers"), text, QMessageBox::Ok, m_window);
    m_message->setObjectName(QStringLiteral("headerUpdateResult"));
    m_message->setAttribute(Qt::WA_DeleteOnClose);
    m_message->setInformativeText(details);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Wide enough that the paths and the dd command do not wrap in the middle.
    m_message->setStyleSheet(QStringLiteral(
        "QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 680px; }"));
    m_message->open();
    emit updateFinished(r.ok);
}

} // namespace vhdx::ui
