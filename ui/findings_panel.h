#pragma once
// The findings list with severity filter buttons; activating a finding names its structure.
#include <QWidget>

#include <vector>

#include "vhdx/findings.h"
#include "vhdx/metadata.h"

class QLabel;
class QTableView;
class QToolButton;

namespace vhdx::ui {

class FindingsFilterModel;
class FindingsModel;

class FindingsPanel : public QWidget {
    Q_OBJECT
  public:
    explicit FindingsPanel(QWidget* parent = nullptr);
    void setFindings(std::vector<Finding> findings, const Metadata* metadata = nullptr);
    // Shown above the list while the BAT scan runs ("BAT scan running: findings so far").
    void setNote(const QString& note);
    // Makes a row of the list (as shown) current and visible.
    void selectRow(int row);
    // Says so when the severity filter hides every finding (empty while some are shown).
    [[nodiscard]] QString hiddenText() const;

    [[nodiscard]] FindingsModel* model() const { return m_model; }
    [[nodiscard]] FindingsFilterModel* filterModel() const { return m_filter; }
    [[nodiscard]] QTableView* view() const { return m_view; }
    [[nodiscard]] QToolButton* filterButton(Severity s) const { return m_buttons[int(s)]; }

  signals:
    void findingActivated(const vhdx::Finding& finding);

  private:
    void updateButtons();
    void updateHiddenNote();

    FindingsModel* m_model;
    FindingsFilterModel* m_filter;
    QTableView* m_view;
    QLabel* m_note;
    QLabel* m_hidden;
    QToolButton* m_buttons[3];
};

} // namespace vhdx::ui
