#pragma once
// A window with the header comparison table for one image.
#include <QDialog>

class QLabel;
class QTableView;

namespace vhdx {
struct HeaderPair;
}

namespace vhdx::ui {

class HeaderComparisonModel;

class HeaderComparisonDialog : public QDialog {
    Q_OBJECT
  public:
    explicit HeaderComparisonDialog(QWidget* parent = nullptr);
    void setHeaders(const HeaderPair& headers, const QString& fileName);
    [[nodiscard]] HeaderComparisonModel* model() const { return m_model; }
    [[nodiscard]] QTableView* view() const { return m_view; }

  private:
    HeaderComparisonModel* m_model;
    QTableView* m_view;
    QLabel* m_summary;
};

} // namespace vhdx::ui
