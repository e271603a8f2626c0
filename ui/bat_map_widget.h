#pragma once
// The BAT tab: zoom and "go to virtual offset" controls, the grid, its legend and a line
// describing the current cell.
#include <QWidget>

class QLabel;
class QLineEdit;
class QSlider;

namespace vhdx {
class Image;
struct BatStateCounts;
} // namespace vhdx

namespace vhdx::ui {

class BatGridView;
class BatLegend;

class BatMapWidget : public QWidget {
    Q_OBJECT
  public:
    explicit BatMapWidget(QWidget* parent = nullptr);
    void setImage(const Image* image);
    void setCounts(const BatStateCounts* counts);
    [[nodiscard]] BatGridView* grid() const { return m_grid; }
    [[nodiscard]] QLineEdit* offsetEdit() const { return m_offset; }
    // Parses the text of the offset field and goes there; false (and says why) on failure.
    bool goToTypedOffset();

  private:
    void showCurrent(quint64 index);

    BatGridView* m_grid;
    BatLegend* m_legend;
    QSlider* m_zoom;
    QLabel* m_zoomLabel;
    QLineEdit* m_offset;
    QLabel* m_summary;
    QLabel* m_info;
};

} // namespace vhdx::ui
