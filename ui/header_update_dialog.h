#pragma once
// The confirmation dialog of Tools > Update Headers (MS-VHDX 2.2.2): the
// plan as a before/after table in write order, the backup and DataWriteGuid options, what the
// two-step write does, and an explicit "I understand" tick before "Update Headers" is enabled.
// The explanations scroll; the refusal, the tick and the buttons stay in sight at any size,
// and the dialog never grows past its screen.
// The plan is made again whenever an option changes; the dialog itself writes nothing: the
// caller applies plan() with options() once the dialog is accepted.
#include <QDialog>

#include "vhdx/guid.h"
#include "vhdx/header_update.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QTableWidget;

namespace vhdx::ui {

class HeaderUpdateDialog : public QDialog {
    Q_OBJECT
  public:
    // Rows of the table (per write step: a title row, then these).
    enum Row {
        TitleRow,
        ValidityRow,
        SequenceRow,
        FileWriteGuidRow,
        DataWriteGuidRow,
        RowsPerStep
    };
    enum Column { FieldColumn, BeforeColumn, AfterColumn };

    explicit HeaderUpdateDialog(const QString& path, QWidget* parent = nullptr);

    // "FILE.headers-YYYYMMDD-HHMMSS.bak" next to the file, at the current local time.
    [[nodiscard]] static QString defaultBackupPath(const QString& path);

    // The plan for the options as they are now, and those options (apply exactly these).
    [[nodiscard]] const HeaderUpdatePlan& plan() const { return m_plan; }
    [[nodiscard]] const HeaderUpdateOptions& options() const { return m_options; }
    [[nodiscard]] QString path() const { return m_path; }
    // Reads the file again (also after any option change).
    void replan();

    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] QCheckBox* backupCheck() const { return m_backup; }
    [[nodiscard]] QLineEdit* backupPathEdit() const { return m_backupPath; }
    [[nodiscard]] QPushButton* browseButton() const { return m_browse; }
    [[nodiscard]] QCheckBox* renewDataWriteGuidCheck() const { return m_renewData; }
    [[nodiscard]] QCheckBox* confirmCheck() const { return m_confirm; }
    [[nodiscard]] QPushButton* updateButton() const { return m_update; }
    [[nodiscard]] QPushButton* cancelButton() const { return m_cancel; }
    [[nodiscard]] QLabel* refusalLabel() const { return m_refusal; }
    [[nodiscard]] QLabel* stepsLabel() const { return m_steps; }
    [[nodiscard]] QScrollArea* scrollArea() const { return m_scroll; }

  private:
    void buildTable();
    void fillTable();
    void fillStep(int step);
    void updateButtons();
    void browse();
    void fitToScreen();
    [[nodiscard]] QString stepsText() const;

    QString m_path;
    // Generated once for this dialog, so the table does not change its GUIDs on every re-plan.
    Guid m_fileWriteGuid;
    Guid m_dataWriteGuid;
    HeaderUpdateOptions m_options;
    HeaderUpdatePlan m_plan;

    QScrollArea* m_scroll;
    QLabel* m_intro;
    QTableWidget* m_table;
    QLabel* m_steps;
    QCheckBox* m_backup;
    QLineEdit* m_backupPath;
    QPushButton* m_browse;
    QCheckBox* m_renewData;
    QLabel* m_refusal;
    QCheckBox* m_confirm;
    QLabel* m_target;
    QPushButton* m_update = nullptr;
    QPushButton* m_cancel = nullptr;
};

} // namespace vhdx::ui
