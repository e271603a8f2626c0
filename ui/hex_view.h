#pragma once
// A bytes pane: offset, 16 hex bytes and their ASCII per row, one highlighted range, and a
// click on a byte reports its file offset (cf. Wireshark's byte view). The scroll value is
// a row index; only visible rows are painted.
#include <QAbstractScrollArea>
#include <QByteArray>

#include <cstdint>

namespace vhdx::ui {

class HexView : public QAbstractScrollArea {
    Q_OBJECT
  public:
    static constexpr int bytesPerRow = 16;

    explicit HexView(QWidget* parent = nullptr);

    // Shows bytes that start at file offset base.
    void setBytes(QByteArray bytes, uint64_t base);
    // Highlights [start, start+length) (file offsets) and scrolls it into view; length 0 clears.
    void setHighlight(uint64_t start, uint64_t length);
    [[nodiscard]] uint64_t highlightStart() const { return m_hlStart; }
    [[nodiscard]] uint64_t highlightLength() const { return m_hlLength; }
    [[nodiscard]] uint64_t baseOffset() const { return m_base; }
    [[nodiscard]] qsizetype byteCount() const { return m_bytes.size(); }
    // File offset of the byte under a viewport point, or -1.
    [[nodiscard]] qint64 offsetAt(const QPoint& viewportPos) const;
    // Viewport rectangle of a byte in the hex column (empty when not shown or scrolled away).
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
    [[nodiscard]] int rowCount() const;
    [[nodiscard]] int visibleRows() const;
    [[nodiscard]] bool highlighted(qsizetype i) const;

    QByteArray m_bytes;
    uint64_t m_base = 0;
    uint64_t m_hlStart = 0;
    uint64_t m_hlLength = 0;
    int m_charWidth = 8;
    int m_lineHeight = 16;
    int m_hexX = 0;   // x of the first hex digit
    int m_asciiX = 0; // x of the first ASCII character
};

} // namespace vhdx::ui
