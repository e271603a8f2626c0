#pragma once
// Reconnect... in the chains window: for the selected differencing disk whose
// parent is in the folder while its locator leads elsewhere (PARENT ELSEWHERE), rewrite its
// parent locator to lead to that parent, through core's log writer (planSetParent and
// applySetParent: backup first, the metadata change made crash-safe by the log). The
// confirmation shows the locator changes and the Set-VHD line; its default button is Cancel.
// Afterwards the folder is read again.
#include <QMessageBox>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QPushButton;

namespace vhdx {
struct SetParentPlan;
}

namespace vhdx::ui {

class ChainFolderWindow;

class ChainReconnect : public QObject {
    Q_OBJECT
  public:
    explicit ChainReconnect(ChainFolderWindow* window); // owned by window
    ~ChainReconnect() override;

    [[nodiscard]] QPushButton* button() const { return m_button; }
    [[nodiscard]] QMessageBox* confirmation() const { return m_confirm; }
    [[nodiscard]] QMessageBox* resultMessage() const { return m_message; }
    [[nodiscard]] QString backupPath() const { return m_backupPath; }

    // Enables the button for the tree's current row (and says why not in its tool tip).
    void refresh();
    // Plans the reconnection of the current row and opens the confirmation.
    void showConfirmation();

  signals:
    void reconnected(bool ok); // after a confirmed change was applied

  private:
    void apply();

    ChainFolderWindow* m_window;
    QPushButton* m_button;
    QPointer<QMessageBox> m_confirm;
    QPointer<QMessageBox> m_message;
    std::shared_ptr<SetParentPlan> m_plan;
    QString m_backupPath;
};

} // namespace vhdx::ui
