#pragma once
// The BAT as a grid, one cell per entry, coloured by its class (state, or padding by its
// place), entries with a problem (beyond the end of the file, overlapping...) marked with
// the scan's lists. The vertical scroll value is a row index, not pixels (a 67-million-entry
// table overflows pixel heights), only visible rows are read (BatReader, on demand) and
// painted, straight into an image.
#include <QAbstractScrollArea>
#include <QImage>

#include <cstdint>
#include <optional>
#include <vector>

#include "vhdx/bat.h"
#include "vhdx/byte_source.h"

namespace vhdx::ui {

class BatGridView : public QAbstractScrollArea {
    Q_OBJECT
  public:
    static constexpr int minCellSize = 2;
    static constexpr int maxCellSize = 32;
    static constexpr int margin = 2;

    struct CellInfo {
        uint64_t index = 0;
        bool sectorBitmap = false;
        uint64_t number = 0; // payload block or chunk
        bool readable = false;
        BatEntry entry;
        uint64_t virtualStart = 0; // [start, end) of the virtual disk the slot covers
        uint64_t virtualEnd = 0;
    };

    explicit BatGridView(QWidget* parent = nullptr);
    // The reader must outlive the view's use of it; null shows an empty grid.
    void setReader(const BatReader* reader);
    // The finished scan whose problem entries are marked (null: none). Must outlive its use.
    void setScan(const BatScanResult* scan);
    // Problems of an entry that the scan listed (a bit per BatProblem).
    [[nodiscard]] uint32_t problemsOf(uint64_t index) const;
    // Entries the pending log replay writes, as sorted, disjoint [first, last]
    // index ranges: a corner mark in the link colour; stored gives their stored value for
    // the tool tip (the grid itself shows the replayed one). Cleared by setReader.
    void setLogChanges(std::vector<std::pair<uint64_t, uint64_t>> ranges,
                       const ByteSource* stored = nullptr, uint64_t batOffset = 0);
    [[nodiscard]] bool changedByLog(uint64_t index) const;
    [[nodiscard]] const BatReader* reader() const { return m_reader; }
    [[nodiscard]] uint64_t entryCount() const;

    void setCellSize(int pixels);
    [[nodiscard]] int cellSize() const { return m_cell; }
    [[nodiscard]] int columns() const;
    [[nodiscard]] qint64 rowCount() const;
    [[nodiscard]] int visibleRows() const;
    [[nodiscard]] qint64 firstVisibleRow() const;

    // Entry under a viewport point, or -1.
    [[nodiscard]] qint64 indexAt(const QPoint& viewportPos) const;
    // Viewport rectangle of an entry's cell; empty when it is scrolled out of view.
    [[nodiscard]] QRect cellRect(uint64_t index) const;
    [[nodiscard]] CellInfo cellInfo(uint64_t index) const;
    [[nodiscard]] QString describe(uint64_t index) const;

    void setCurrentIndex(uint64_t index);
    [[nodiscard]] std::optional<uint64_t> currentIndex() const { return m_current; }
    // Makes the payload entry covering a virtual byte offset current; false if none does.
    bool goToVirtualOffset(uint64_t virtualOffset);
    void scrollToIndex(uint64_t index);

  signals:
    void currentIndexChanged(quint64 index);
    void cellSizeChanged(int pixels);
    // Double-click or Enter on a cell.
    void cellActivated(quint64 index);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool viewportEvent(QEvent* event) override;

  private:
    void updateScrollBar();
    void renderCells(QImage& frame);

    const BatReader* m_reader = nullptr;
    const BatScanResult* m_scan = nullptr;
    std::vector<uint64_t> m_problemIndexes; // every listed problem entry, sorted, once
    std::vector<std::pair<uint64_t, uint64_t>> m_logChanges; // sorted [first, last]
    const ByteSource* m_stored = nullptr;
    uint64_t m_batOffset = 0;
    int m_cell = 8;
    std::optional<uint64_t> m_current;
    // The entries of the last painted viewport: repaints of the same rows do not re-read.
    std::vector<BatEntry> m_entries;
    uint64_t m_entriesFirst = UINT64_MAX;
    uint64_t m_entriesCount = 0;
    QImage m_frame;
};

} // namespace vhdx::ui
