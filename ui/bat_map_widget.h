#pragma once
// The BAT tab: zoom and "go to virtual offset" controls, the grid, its legend, the entries
// with problems (listed by the scan, walked one by one) and a line describing the current
// cell.
#include <QPointer>
#include <QWidget>

#include <optional>

#include "block_view_dialog.h"
#include "vhdx/bat.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSlider;
class QToolButton;

namespace vhdx {
class Image;
} // namespace vhdx

namespace vhdx::ui {

class BatGridView;
class BatLegend;

class BatMapWidget : public QWidget {
    Q_OBJECT
  public:
    explicit BatMapWidget(QWidget* parent = nullptr);
    void setImage(const Image* image);
    // The finished scan: counts in the legend, problem entries marked and listed (null:
    // none). Must outlive its use.
    void setScan(const BatScanResult* scan);
    [[nodiscard]] BatGridView* grid() const { return m_grid; }
    [[nodiscard]] BatLegend* legend() const { return m_legend; }
    [[nodiscard]] QLineEdit* offsetEdit() const { return m_offset; }
    [[nodiscard]] QComboBox* problemKinds() const { return m_problemKinds; }
    [[nodiscard]] QLabel* problemPosition() const { return m_problemPosition; }
    // Parses the text of the offset field and goes there; false (and says why) on failure.
    bool goToTypedOffset();
    // Makes the first listed problem entry current (of the kind reported by code, if given);
    // false when there is none.
    bool showFirstProblem(std::optional<FindingCode> code = std::nullopt);
    // Makes index current among the problems of code's kind (a finding's first entry).
    void showProblemsOf(FindingCode code, uint64_t index);
    // The next (+1) or previous (-1) problem entry of the chosen kind.
    void stepProblem(int direction);
    // Opens the data of the payload block of BAT entry index; null for a
    // sector-bitmap slot, padding or no image.
    BlockViewDialog* openBlock(uint64_t index);
    [[nodiscard]] BlockViewDialog* blockView() const { return m_blockView; }

  signals:
    // A block view's Open Parent.
    void openImageRequested(const QString& path);

  private:
    void showCurrent(quint64 index);
    void fillProblemKinds();
    void showProblem(size_t position);
    [[nodiscard]] const BatProblemList* chosenList() const;

    BatGridView* m_grid;
    const Image* m_image = nullptr;
    QPointer<BlockViewDialog> m_blockView;
    BatLegend* m_legend;
    QSlider* m_zoom;
    QLabel* m_zoomLabel;
    QLineEdit* m_offset;
    QLabel* m_summary;
    QLabel* m_info;
    QWidget* m_problems;
    QComboBox* m_problemKinds;
    QToolButton* m_previous;
    QToolButton* m_next;
    QLabel* m_problemPosition;
    const BatScanResult* m_scan = nullptr;
    size_t m_problemAt = 0;
};

} // namespace vhdx::ui
