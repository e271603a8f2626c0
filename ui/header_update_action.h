#pragma once
// Tools > Update Headers... for one MainWindow: adds itself to window->toolsMenu(), plans the
// update (reads only, no BAT scan) whenever the window shows another image, and is enabled
// only when the guards allow it; its tool tip says why not. Triggered, it opens a
// HeaderUpdateDialog; accepted, it applies exactly that dialog's plan, reloads the window,
// opens the header comparison and reports success (with the backup) or the error.
#include <QObject>
#include <QPointer>

class QAction;
class QMessageBox;

namespace vhdx::ui {

class HeaderUpdateDialog;
class MainWindow;

class HeaderUpdateAction : public QObject {
    Q_OBJECT
  public:
    // Owned by window (a child of it).
    explicit HeaderUpdateAction(MainWindow* window);

    [[nodiscard]] QAction* action() const { return m_action; }
    // The open dialog, or null.
    [[nodiscard]] HeaderUpdateDialog* dialog() const;
    // The last success or error message box, while it is open.
    [[nodiscard]] QMessageBox* resultMessage() const;

    // Plans again for the window's current file and enables or disables the action.
    void refresh();
    // Opens the dialog (window-modal, not blocking); what the action does.
    void showDialog();

  signals:
    // After an accepted dialog was applied (ok or not) and the window reloaded.
    void updateFinished(bool ok);

  private:
    void apply();
    void disable(const QString& why);

    MainWindow* m_window;
    QAction* m_action;
    QPointer<HeaderUpdateDialog> m_dialog;
    QPointer<QMessageBox> m_message;
};

} // namespace vhdx::ui
