#pragma once
// A bytes pane over a whole file: offset, 16 hex bytes and their ASCII per row. It marks the
// ranges of the selected field (cf. Wireshark's byte view), and has its own caret and
// selection, by mouse (click, drag, Shift+click) and keyboard (arrows, Page, Home/End, with
// Shift to extend), copied as hex or as a C array; a click on a byte reports its offset so
// its field can be selected. Only the rows on screen are read, through core's ByteSource.
// The scroll position is a row, scaled onto the scroll bar's int range when the file has
// more rows than an int holds (a 64 TiB file has 2^42 of them).
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
    // Copies are refused above this: a clipboard is not a way to export a disk.
    static constexpr uint64_t maxCopyBytes = 1024 * 1024;

    explicit HexView(QWidget* parent = nullptr);

    // The bytes shown: the whole source (null clears). The source must outlive its use here.
    void setSource(const ByteSource* source);
    [[nodiscard]] uint64_t size() const { return m_size; }
    // Marks these file ranges (a field's) and scrolls the first into view; empty clears.
    void setHighlight(std::vector<ByteRange> ranges);
    [[nodiscard]] const std::vector<ByteRange>& highlight() const { return m_highlight; }
    // The file ranges the pending log replay writes: underlined in the link colour.
    // Any order; overlaps are merged.
    void setLogWrites(std::vector<ByteRange> ranges);
    [[nodiscard]] bool writtenByLog(uint64_t fileOffset) const;

    // The caret and the selection: [selectionStart, +selectionLength), the caret at one end.
    [[nodiscard]] uint64_t caret() const { return m_caret; }
    [[nodiscard]] uint64_t selectionStart() const { return std::min(m_anchor, m_caret); }
    [[nodiscard]] uint64_t selectionLength() const;
    // Selects [offset, +length) (length 0: the caret only) and scrolls to it.
    void setSelection(uint64_t offset, uint64_t length);
    // Moves the caret to fileOffset, selects that byte and puts its row in view; false when
    // it lies beyond the file.
    bool goToOffset(uint64_t fileOffset);
    // Up to max bytes from offset (fewer at the end of the file or on a read error).
    [[nodiscard]] QByteArray bytesAt(uint64_t offset, uint64_t max) const;
    // The selection as "4c 6f 67 65" and as "{ 0x4c, 0x6f, 0x67, 0x65 }"; empty above
    // maxCopyBytes.
    [[nodiscard]] QString selectionAsHex() const;
    [[nodiscard]] QString selectionAsCArray() const;
    void copySelectionAsHex();
    void copySelectionAsCArray();

    // Puts the row holding fileOffset at the top third of the view.
    void scrollToOffset(uint64_t fileOffset);
    void scrollToRow(uint64_t row);
    [[nodiscard]] uint64_t firstVisibleRow() const;
    // File offset of the byte under a viewport point, or -1.
    [[nodiscard]] qint64 offsetAt(const QPoint& viewportPos) const;
    // Viewport rectangle of a byte in the hex column (empty when scrolled away).
    [[nodiscard]] QRect byteRect(uint64_t fileOffset) const;
    [[nodiscard]] QSize sizeHint() const override;

  signals:
    void byteClicked(quint64 fileOffset);
    void selectionChanged(quint64 start, quint64 length);
    // Ctrl+G or the context menu: the owner asks for an offset and calls goToOffset.
    void goToRequested();

  protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void changeEvent(QEvent* event) override;

  private:
    void updateMetrics();
    void updateScrollBar();
    void setFirstRow(uint64_t row);
    void moveCaret(uint64_t offset, bool extend);
    void ensureVisible(uint64_t fileOffset);
    [[nodiscard]] uint64_t rowCount() const;
    [[nodiscard]] int visibleRows() const;
    [[nodiscard]] bool highlighted(uint64_t fileOffset) const;
    [[nodiscard]] bool selected(uint64_t fileOffset) const;
    // The bytes of the visible rows (read once per position).
    [[nodiscard]] const QByteArray& visibleBytes(uint64_t firstRow, int rows) const;

    const ByteSource* m_source = nullptr;
    uint64_t m_size = 0;
    uint64_t m_firstRow = 0;
    std::vector<ByteRange> m_highlight;
    std::vector<ByteRange> m_logWrites; // sorted, merged
    uint64_t m_anchor = 0;
    uint64_t m_caret = 0;
    bool m_hasSelection = false; // nothing selected until the user (or setSelection) does
    int m_charWidth = 8;
    int m_lineHeight = 16;
    int m_hexX = 0;   // x of the first hex digit
    int m_asciiX = 0; // x of the first ASCII character
    mutable QByteArray m_cache;
    mutable uint64_t m_cacheStart = UINT64_MAX;
};

} // namespace vhdx::ui
