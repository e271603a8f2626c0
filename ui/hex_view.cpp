#include "hex_view.h"

#include <QFontDatabase>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>

namespace vhdx::ui {

namespace {
constexpr int offsetDigits = 12;
constexpr int margin = 6;
// Character column of byte i's first hex digit, an extra space after the 8th byte.
int hexColumn(int i) {
    return i * 3 + (i >= 8 ? 1 : 0);
}
} // namespace

HexView::HexView(QWidget* parent) : QAbstractScrollArea(parent) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    viewport()->setCursor(Qt::IBeamCursor);
    updateMetrics();
}

void HexView::updateMetrics() {
    const QFontMetrics fm(font());
    m_charWidth = fm.horizontalAdvance(QLatin1Char('0'));
    m_lineHeight = fm.height();
    m_hexX = margin + (offsetDigits + 2) * m_charWidth;
    m_asciiX = m_hexX + (hexColumn(bytesPerRow - 1) + 2 + 2) * m_charWidth;
    updateScrollBar();
}

QSize HexView::sizeHint() const {
    return {m_asciiX + bytesPerRow * m_charWidth + margin + 2 * frameWidth() +
                verticalScrollBar()->sizeHint().width(),
            m_lineHeight * 12};
}

void HexView::setBytes(QByteArray bytes, uint64_t base) {
    m_bytes = std::move(bytes);
    m_base = base;
    m_hlLength = 0;
    verticalScrollBar()->setValue(0);
    updateScrollBar();
    viewport()->update();
}

void HexView::setHighlight(uint64_t start, uint64_t length) {
    m_hlStart = start;
    m_hlLength = length;
    if (length && start >= m_base && start - m_base < uint64_t(m_bytes.size())) {
        const int row = int((start - m_base) / bytesPerRow);
        QScrollBar* sb = verticalScrollBar();
        if (row < sb->value() || row >= sb->value() + visibleRows())
            sb->setValue(std::max(0, row - visibleRows() / 3));
    }
    viewport()->update();
}

int HexView::rowCount() const {
    return int((m_bytes.size() + bytesPerRow - 1) / bytesPerRow);
}

int HexView::visibleRows() const {
    return std::max(1, (viewport()->height() - margin) / m_lineHeight);
}

void HexView::updateScrollBar() {
    QScrollBar* sb = verticalScrollBar();
    sb->setRange(0, std::max(0, rowCount() - visibleRows()));
    sb->setPageStep(visibleRows());
    sb->setSingleStep(1);
    const int contentWidth = m_asciiX + bytesPerRow * m_charWidth + margin;
    QScrollBar* hb = horizontalScrollBar();
    hb->setRange(0, std::max(0, contentWidth - viewport()->width()));
    hb->setPageStep(viewport()->width());
}

bool HexView::highlighted(qsizetype i) const {
    const uint64_t off = m_base + uint64_t(i);
    return m_hlLength && off >= m_hlStart && off - m_hlStart < m_hlLength;
}

void HexView::paintEvent(QPaintEvent*) {
    QPainter p(viewport());
    const QPalette& pal = palette();
    p.fillRect(viewport()->rect(), pal.base());
    p.translate(-horizontalScrollBar()->value(), 0);
    const int ascent = QFontMetrics(font()).ascent();
    const int first = verticalScrollBar()->value();
    const int last = std::min(rowCount(), first + visibleRows() + 1);
    const QColor hlBack = pal.color(QPalette::Highlight);
    const QColor hlText = pal.color(QPalette::HighlightedText);
    const QColor dim = pal.color(QPalette::PlaceholderText);
    for (int row = first; row < last; ++row) {
        const int y = margin / 2 + (row - first) * m_lineHeight;
        const uint64_t rowOffset = m_base + uint64_t(row) * bytesPerRow;
        p.setPen(dim);
        p.drawText(margin, y + ascent,
                   QStringLiteral("%1").arg(rowOffset, offsetDigits, 16, QLatin1Char('0')));
        for (int i = 0; i < bytesPerRow; ++i) {
            const qsizetype idx = qsizetype(row) * bytesPerRow + i;
            if (idx >= m_bytes.size())
                break;
            const auto byte = uint8_t(m_bytes[idx]);
            const int hx = m_hexX + hexColumn(i) * m_charWidth;
            const int ax = m_asciiX + i * m_charWidth;
            const bool hl = highlighted(idx);
            if (hl) {
                // Join neighbouring highlighted bytes into one band.
                const bool nextHl = i + 1 < bytesPerRow && highlighted(idx + 1);
                const int w =
                    nextHl ? (hexColumn(i + 1) - hexColumn(i)) * m_charWidth : 2 * m_charWidth;
                p.fillRect(QRect(hx, y, w, m_lineHeight), hlBack);
                p.fillRect(QRect(ax, y, m_charWidth, m_lineHeight), hlBack);
            }
            p.setPen(hl ? hlText : (byte == 0 ? dim : pal.color(QPalette::Text)));
            p.drawText(hx, y + ascent, QStringLiteral("%1").arg(byte, 2, 16, QLatin1Char('0')));
            const QChar c = byte >= 0x20 && byte < 0x7f ? QChar(byte) : QLatin1Char('.');
            p.drawText(ax, y + ascent, QString(c));
        }
    }
    const int sepX = m_asciiX - m_charWidth;
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(m_hexX - m_charWidth, 0, m_hexX - m_charWidth, viewport()->height());
    p.drawLine(sepX, 0, sepX, viewport()->height());
}

qint64 HexView::offsetAt(const QPoint& pos) const {
    const int x = pos.x() + horizontalScrollBar()->value();
    const int row = verticalScrollBar()->value() + (pos.y() - margin / 2) / m_lineHeight;
    if (pos.y() < margin / 2 || row < 0)
        return -1;
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
    const qsizetype idx = qsizetype(row) * bytesPerRow + col;
    if (idx >= m_bytes.size())
        return -1;
    return qint64(m_base + uint64_t(idx));
}

QRect HexView::byteRect(uint64_t fileOffset) const {
    if (fileOffset < m_base || fileOffset - m_base >= uint64_t(m_bytes.size()))
        return {};
    const int row = int((fileOffset - m_base) / bytesPerRow) - verticalScrollBar()->value();
    const int col = int((fileOffset - m_base) % bytesPerRow);
    if (row < 0 || row >= visibleRows())
        return {};
    return QRect(m_hexX + hexColumn(col) * m_charWidth - horizontalScrollBar()->value(),
                 margin / 2 + row * m_lineHeight, 2 * m_charWidth, m_lineHeight);
}

void HexView::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBar();
}

void HexView::mousePressEvent(QMouseEvent* event) {
    const qint64 off = offsetAt(event->position().toPoint());
    if (off >= 0 && event->button() == Qt::LeftButton)
        emit byteClicked(quint64(off));
}

void HexView::changeEvent(QEvent* event) {
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateMetrics();
}

} // namespace vhdx::ui
