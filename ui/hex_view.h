#pragma once
// A bytes pane over a whole file: offset, 16 hex bytes and their ASCII per row, any number of
// highlighted ranges, and a click on a byte reports its file offset (cf. Wireshark's byte
// view). Only the rows on screen are read. The scroll position is a row, scaled onto the
// scroll bar's int range when the file has more rows than an int holds (a 64 TiB file has
// 2^42 of them).
#include <QAbstractScrollArea>
#include <QByteArray>

#include <cstdint>
#include <vector>

#include "vhdx/document/node.h"

namespace vhdx {
class ByteSource;
}

namespace vhdx::ui {

class HexView : public QAbstractScrollArea {
    Q_OBJECT
  public:
    static constexpr int bytesPerRow = 16;

    explicit HexView(QWidget* parent = nullptr);

    // The bytes shown: the whole source (null clears). The source must outlive its use here.
    void setSource(const ByteSource* source);
    [[nodiscard]] uint64_t size() const { return m_size; }
    // Highlights these file ranges and scrolls the first into view; empty clears.
    void setHighlight(std::vector<ByteRange> ranges);
    [[nodiscard]] const std::vector<ByteRange>& highlight() const { return m_highlight; }
    // Puts the row holding fileOffset at the top third of the view.
    void scrollToOffset(uint64_t fileOffset);
    [[nodiscard]] uint64_t firstVisibleRow() const;
    // File offset of the byte under a viewport point, or -1.
    [[nodiscard]] qint64 offsetAt(const QPoint& viewportPos) const;
    // Viewport rectangle of a byte in the hex column (empty when scrolled away).
    [[nodiscard]] QRect byteRect(uint64_t fileOffset) const;
    [[nodiscard]] QSize sizeHint() const override;

  signals:
    void byteClicked(quint64 fileOffset);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;

  private:
    void updateMetrics();
    void updateScrollBar();
    void setFirstRow(uint64_t row);
    [[nodiscard]] uint64_t rowCount() const;
    [[nodiscard]] int visibleRows() const;
    [[nodiscard]] bool highlighted(uint64_t fileOffset) const;
    // The bytes of the visible rows (read once per position).
    [[nodiscard]] const QByteArray& visibleBytes(uint64_t firstRow, int rows) const;

    const ByteSource* m_source = nullptr;
    uint64_t m_size = 0;
    uint64_t m_firstRow = 0;
    std::vector<ByteRange> m_highlight;
    int m_charWidth = 8;
    int m_lineHeight = 16;
    int m_hexX = 0;   // x of the first hex digit
    int m_asciiX = 0; // x of the first ASCII character
    mutable QByteArray m_cache;
    mutable uint64_t m_cacheStart = UINT64_MAX;
};

} // namespace vhdx::ui
