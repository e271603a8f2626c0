#pragma once
// Tools > Replay Log... for one MainWindow: enabled when the shown image has a
// pending log replay that the guards allow (core's planLogReplay, which reads only); its tool
// tip says why not. Triggered, it shows the plan in a window-modal confirmation whose default
// button is Cancel; confirmed, it applies exactly that plan (backup first, beside the image),
// reloads the window and reports the result with the command that undoes it.
#include <QMessageBox>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QAction;

namespace vhdx {
struct LogReplayPlan;
}

namespace vhdx::ui {

class MainWindow;

class ReplayLogAction : public QObject {
    Q_OBJECT
  public:
    explicit ReplayLogAction(MainWindow* window); // owned by window (a child of it)
    ~ReplayLogAction() override;

    [[nodiscard]] QAction* action() const { return m_action; }
    [[nodiscard]] QMessageBox* confirmation() const { return m_confirm; }
    [[nodiscard]] QMessageBox* resultMessage() const { return m_message; }
    // The backup the confirmed replay writes (empty while no plan is shown).
    [[nodiscard]] QString backupPath() const { return m_backupPath; }

    // Plans again for the window's current file and enables or disables the action.
    void refresh();
    // Opens the confirmation with the plan (not blocking); what the action does.
    void showConfirmation();

  signals:
    void replayFinished(bool ok); // after a confirmed replay was applied and the window reloaded

  private:
    void apply();
    void disable(const QString& why);

    MainWindow* m_window;
    QAction* m_action;
    QPointer<QMessageBox> m_confirm;
    QPointer<QMessageBox> m_message;
    std::shared_ptr<LogReplayPlan> m_plan; // the plan the confirmation shows
    QString m_backupPath;
};

} // namespace vhdx::ui
