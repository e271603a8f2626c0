// The hex view's geometry, scrolling and painting; input and copying are in
// hex_view_input.cpp.
#include "hex_view.h"

#include <QEvent>
#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <climits>

#include "vhdx/byte_source.h"

namespace vhdx::ui {

namespace {
constexpr int margin = 6;
// Character column of byte i's first hex digit, an extra space after the 8th byte.
int hexColumn(int i) {
    return i * 3 + (i >= 8 ? 1 : 0);
}
int offsetDigits(uint64_t size) {
    int digits = 8;
    while (digits < 16 && (size >> (4 * digits)))
        ++digits;
    return digits;
}
QColor blend(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}
} // namespace

HexView::HexView(QWidget* parent) : QAbstractScrollArea(parent) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setCursor(Qt::IBeamCursor);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int v) {
        // Scaled bar: its value is a fraction of the rows, the position keeps the exact row.
        const uint64_t maxFirst =
            rowCount() > uint64_t(visibleRows()) ? rowCount() - uint64_t(visibleRows()) : 0;
        const int maxValue = verticalScrollBar()->maximum();
        const uint64_t row =
            maxFirst <= uint64_t(INT_MAX)
                ? uint64_t(v)
                : (maxValue
                       ? uint64_t((unsigned __int128)(maxFirst)*uint64_t(v) / uint64_t(maxValue))
                       : 0);
        if (row != m_firstRow) {
            m_firstRow = row;
            viewport()->update();
        }
    });
    updateMetrics();
}

void HexView::updateMetrics() {
    const QFontMetrics fm(font());
    m_charWidth = fm.horizontalAdvance(QLatin1Char('0'));
    m_lineHeight = fm.height();
    m_hexX = margin + (offsetDigits(m_size) + 2) * m_charWidth;
    m_asciiX = m_hexX + (hexColumn(bytesPerRow - 1) + 2 + 2) * m_charWidth;
    updateScrollBar();
}

QSize HexView::sizeHint() const {
    return {m_asciiX + bytesPerRow * m_charWidth + margin + 2 * frameWidth() +
                verticalScrollBar()->sizeHint().width(),
            m_lineHeight * 12};
}

void HexView::setSource(const ByteSource* source) {
    m_source = source;
    m_size = source ? source->size() : 0;
    m_highlight.clear();
    m_cacheStart = UINT64_MAX;
    m_firstRow = 0;
    m_anchor = m_caret = 0;
    m_hasSelection = false;
    updateMetrics();
    verticalScrollBar()->setValue(0);
    viewport()->update();
}

void HexView::setHighlight(std::vector<ByteRange> ranges) {
    m_highlight = std::move(ranges);
    if (!m_highlight.empty()) {
        const uint64_t start = m_highlight.front().offset;
        const uint64_t row = start / bytesPerRow;
        if (row < m_firstRow || row >= m_firstRow + uint64_t(visibleRows()))
            scrollToOffset(start);
    }
    viewport()->update();
}

void HexView::scrollToOffset(uint64_t fileOffset) {
    const uint64_t row = fileOffset / bytesPerRow;
    setFirstRow(row > uint64_t(visibleRows() / 3) ? row - uint64_t(visibleRows() / 3) : 0);
}

void HexView::scrollToRow(uint64_t row) {
    setFirstRow(row);
}

void HexView::ensureVisible(uint64_t fileOffset) {
    const uint64_t row = fileOffset / bytesPerRow;
    if (row < m_firstRow)
        setFirstRow(row);
    else if (row >= m_firstRow + uint64_t(visibleRows()))
        setFirstRow(row - uint64_t(visibleRows()) + 1);
}

void HexView::setFirstRow(uint64_t row) {
    const uint64_t maxFirst =
        rowCount() > uint64_t(visibleRows()) ? rowCount() - uint64_t(visibleRows()) : 0;
    row = std::min(row, maxFirst);
    QScrollBar* sb = verticalScrollBar();
    const QSignalBlocker block(sb);
    sb->setValue(maxFirst <= uint64_t(INT_MAX)
                     ? int(row)
                     : int((unsigned __int128)(row)*uint64_t(sb->maximum()) / maxFirst));
    m_firstRow = row;
    viewport()->update();
}

uint64_t HexView::firstVisibleRow() const {
    return m_firstRow;
}

uint64_t HexView::rowCount() const {
    return (m_size + bytesPerRow - 1) / bytesPerRow;
}

int HexView::visibleRows() const {
    return std::max(1, (viewport()->height() - margin) / m_lineHeight);
}

void HexView::updateScrollBar() {
    QScrollBar* sb = verticalScrollBar();
    const uint64_t maxFirst =
        rowCount() > uint64_t(visibleRows()) ? rowCount() - uint64_t(visibleRows()) : 0;
    const QSignalBlocker block(sb);
    sb->setRange(0, int(std::min<uint64_t>(maxFirst, INT_MAX)));
    sb->setPageStep(visibleRows());
    sb->setSingleStep(1);
    m_firstRow = std::min(m_firstRow, maxFirst);
    const int contentWidth = m_asciiX + bytesPerRow * m_charWidth + margin;
    QScrollBar* hb = horizontalScrollBar();
    hb->setRange(0, std::max(0, contentWidth - viewport()->width()));
    hb->setPageStep(viewport()->width());
}

void HexView::setLogWrites(std::vector<ByteRange> ranges) {
    std::sort(ranges.begin(), ranges.end(),
              [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
    m_logWrites.clear();
    for (const ByteRange& r : ranges) {
        if (!r.length)
            continue;
        const uint64_t end = r.offset + std::min(r.length, UINT64_MAX - r.offset);
        if (!m_logWrites.empty() &&
            r.offset <= m_logWrites.back().offset + m_logWrites.back().length) {
            ByteRange& last = m_logWrites.back();
            last.length = std::max(last.offset + last.length, end) - last.offset;
        } else {
            m_logWrites.push_back({r.offset, end - r.offset});
        }
    }
    viewport()->update();
}

bool HexView::writtenByLog(uint64_t off) const {
    auto it = std::upper_bound(m_logWrites.begin(), m_logWrites.end(), off,
                               [](uint64_t o, const ByteRange& r) { return o < r.offset; });
    if (it == m_logWrites.begin())
        return false;
    --it;
    return off - it->offset < it->length;
}

bool HexView::highlighted(uint64_t off) const {
    for (const ByteRange& r : m_highlight)
        if (off >= r.offset && off - r.offset < r.length)
            return true;
    return false;
}

bool HexView::selected(uint64_t off) const {
    return m_hasSelection && off >= selectionStart() && off - selectionStart() < selectionLength();
}

uint64_t HexView::selectionLength() const {
    if (!m_hasSelection || m_size == 0)
        return 0;
    return std::max(m_anchor, m_caret) - selectionStart() + 1;
}

const QByteArray& HexView::visibleBytes(uint64_t firstRow, int rows) const {
    const uint64_t start = firstRow * bytesPerRow;
    const uint64_t len = std::min<uint64_t>(uint64_t(rows) * bytesPerRow, m_size - start);
    if (start != m_cacheStart || uint64_t(m_cache.size()) != len) {
        m_cache.resize(qsizetype(len));
        if (!m_source || m_source->read(start, m_cache.data(), len) != ReadStatus::Ok)
            m_cache.clear();
        m_cacheStart = start;
    }
    return m_cache;
}

void HexView::paintEvent(QPaintEvent*) {
    QPainter p(viewport());
    const QPalette& pal = palette();
    p.fillRect(viewport()->rect(), pal.base());
    if (!m_source || m_size == 0)
        return;
    p.translate(-horizontalScrollBar()->value(), 0);
    const int ascent = QFontMetrics(font()).ascent();
    const uint64_t first = m_firstRow;
    const int rows = int(std::min<uint64_t>(rowCount() - first, uint64_t(visibleRows() + 1)));
    const QByteArray& bytes = visibleBytes(first, rows);
    // The user's selection in the highlight colours; the selected field's bytes marked with a
    // tint of them, on which the normal text stays readable.
    const QColor selBack = pal.color(QPalette::Highlight);
    const QColor selText = pal.color(QPalette::HighlightedText);
    const QColor markBack = blend(pal.color(QPalette::Base), selBack, 0.3);
    const QColor text = pal.color(QPalette::Text);
    const QColor dim = pal.color(QPalette::PlaceholderText);
    const QColor logMark = pal.color(QPalette::Link);
    const int digits = offsetDigits(m_size);
    for (int r = 0; r < rows; ++r) {
        const int y = margin / 2 + r * m_lineHeight;
        const uint64_t rowOffset = (first + uint64_t(r)) * bytesPerRow;
        p.setPen(dim);
        p.drawText(margin, y + ascent,
                   QStringLiteral("%1").arg(rowOffset, digits, 16, QLatin1Char('0')));
        for (int i = 0; i < bytesPerRow; ++i) {
            const qsizetype idx = qsizetype(r) * bytesPerRow + i;
            if (idx >= bytes.size())
                break;
            const uint64_t off = rowOffset + uint64_t(i);
            const auto byte = uint8_t(bytes[idx]);
            const int hx = m_hexX + hexColumn(i) * m_charWidth;
            const int ax = m_asciiX + i * m_charWidth;
            const bool sel = selected(off);
            const bool hl = !sel && highlighted(off);
            if (sel || hl) {
                // Join neighbouring marked bytes into one band.
                const bool next =
                    i + 1 < bytesPerRow &&
                    (sel ? selected(off + 1) : highlighted(off + 1) && !selected(off + 1));
                const int w =
                    next ? (hexColumn(i + 1) - hexColumn(i)) * m_charWidth : 2 * m_charWidth;
                p.fillRect(QRect(hx, y, w, m_lineHeight), sel ? selBack : markBack);
                p.fillRect(QRect(ax, y, m_charWidth, m_lineHeight), sel ? selBack : markBack);
            }
            if (writtenByLog(off)) {
                // Underlined: the byte shown is the one the pending log replay writes.
                const int uy = y + m_lineHeight - 2;
                p.fillRect(QRect(hx, uy, 2 * m_charWidth, 2), logMark);
                p.fillRect(QRect(ax, uy, m_charWidth, 2), logMark);
            }
            p.setPen(sel ? selText : (byte == 0 && !hl ? dim : text));
            p.drawText(hx, y + ascent, QStringLiteral("%1").arg(byte, 2, 16, QLatin1Char('0')));
            const QChar c = byte >= 0x20 && byte < 0x7f ? QChar(byte) : QLatin1Char('.');
            p.drawText(ax, y + ascent, QString(c));
            if (m_hasSelection && off == m_caret) {
                p.setPen(QPen(hasFocus() ? text : dim, 1));
                p.setBrush(Qt::NoBrush);
                p.drawRect(QRect(hx - 1, y, 2 * m_charWidth + 1, m_lineHeight - 1));
                p.drawRect(QRect(ax, y, m_charWidth - 1, m_lineHeight - 1));
            }
        }
    }
    const int sepX = m_asciiX - m_charWidth;
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(m_hexX - m_charWidth, 0, m_hexX - m_charWidth, viewport()->height());
    p.drawLine(sepX, 0, sepX, viewport()->height());
}

qint64 HexView::offsetAt(const QPoint& pos) const {
    const int x = pos.x() + horizontalScrollBar()->value();
    if (pos.y() < margin / 2)
        return -1;
    const uint64_t row = m_firstRow + uint64_t((pos.y() - margin / 2) / m_lineHeight);
    int col = -1;
    if (x >= m_asciiX && x < m_asciiX + bytesPerRow * m_charWidth) {
        col = (x - m_asciiX) / m_charWidth;
    } else if (x >= m_hexX) {
        const int c = (x - m_hexX) / m_charWidth;
        for (int i = 0; i < bytesPerRow; ++i)
            if (c >= hexColumn(i) && c < hexColumn(i) + 3)
                col = i;
    }
    if (col < 0)
        return -1;
    const uint64_t off = row * bytesPerRow + uint64_t(col);
    return off < m_size ? qint64(off) : -1;
}

QRect HexView::byteRect(uint64_t fileOffset) const {
    if (fileOffset >= m_size)
        return {};
    const uint64_t row = fileOffset / bytesPerRow;
    if (row < m_firstRow || row >= m_firstRow + uint64_t(visibleRows()))
        return {};
    const int col = int(fileOffset % bytesPerRow);
    return QRect(m_hexX + hexColumn(col) * m_charWidth - horizontalScrollBar()->value(),
                 margin / 2 + int(row - m_firstRow) * m_lineHeight, 2 * m_charWidth, m_lineHeight);
}

void HexView::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBar();
}

void HexView::changeEvent(QEvent* event) {
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateMetrics();
}

} // namespace vhdx::ui
