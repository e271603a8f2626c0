#include "bat_grid_view.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>

#include "bat_legend.h"
#include "display_format.h"
#include "vhdx/bytes.h"

namespace vhdx::ui {

BatGridView::BatGridView(QWidget* parent) : QAbstractScrollArea(parent) {
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(80, 80);
}

void BatGridView::setScan(const BatScanResult* scan) {
    m_scan = scan;
    m_problemIndexes.clear();
    if (scan)
        for (const BatProblemList& l : scan->problems)
            m_problemIndexes.insert(m_problemIndexes.end(), l.listed.begin(), l.listed.end());
    std::sort(m_problemIndexes.begin(), m_problemIndexes.end());
    m_problemIndexes.erase(std::unique(m_problemIndexes.begin(), m_problemIndexes.end()),
                           m_problemIndexes.end());
    viewport()->update();
}

void BatGridView::setLogChanges(std::vector<std::pair<uint64_t, uint64_t>> ranges,
                                const ByteSource* stored, uint64_t batOffset) {
    m_logChanges = std::move(ranges);
    m_stored = stored;
    m_batOffset = batOffset;
    viewport()->update();
}

bool BatGridView::changedByLog(uint64_t index) const {
    auto it = std::upper_bound(
        m_logChanges.begin(), m_logChanges.end(), index,
        [](uint64_t i, const std::pair<uint64_t, uint64_t>& r) { return i < r.first; });
    return it != m_logChanges.begin() && index <= std::prev(it)->second;
}

uint32_t BatGridView::problemsOf(uint64_t index) const {
    return m_scan ? m_scan->problemsOf(index) : 0;
}

void BatGridView::setReader(const BatReader* reader) {
    m_reader = reader;
    m_logChanges.clear();
    m_stored = nullptr;
    setScan(nullptr);
    m_current.reset();
    m_entriesFirst = UINT64_MAX;
    m_entries.clear();
    m_entries.shrink_to_fit();
    verticalScrollBar()->setValue(0);
    updateScrollBar();
    viewport()->update();
}

uint64_t BatGridView::entryCount() const {
    return m_reader ? m_reader->geometry().totalEntries : 0;
}

int BatGridView::columns() const {
    const int fit = std::max(1, (viewport()->width() - 2 * margin) / m_cell);
    // Round rows to a multiple of 16 (or 8) entries so that indices read easily down a column.
    if (fit >= 64)
        return fit / 16 * 16;
    return fit >= 16 ? fit / 8 * 8 : fit;
}

qint64 BatGridView::rowCount() const {
    const uint64_t cols = uint64_t(columns());
    return qint64((entryCount() + cols - 1) / cols);
}

int BatGridView::visibleRows() const {
    return std::max(1, (viewport()->height() - margin) / m_cell);
}

qint64 BatGridView::firstVisibleRow() const {
    return verticalScrollBar()->value();
}

void BatGridView::updateScrollBar() {
    QScrollBar* sb = verticalScrollBar();
    // rowCount() is at most totalEntries (about 2^26 at the format's limit): fits an int.
    const qint64 maxFirst = std::max<qint64>(0, rowCount() - visibleRows());
    sb->setRange(0, int(std::min<qint64>(maxFirst, INT_MAX)));
    sb->setPageStep(visibleRows());
    sb->setSingleStep(1);
}

void BatGridView::setCellSize(int pixels) {
    pixels = std::clamp(pixels, minCellSize, maxCellSize);
    if (pixels == m_cell)
        return;
    // Keep the entry at the top left in view across the re-layout.
    const uint64_t top = uint64_t(firstVisibleRow()) * uint64_t(columns());
    m_cell = pixels;
    updateScrollBar();
    verticalScrollBar()->setValue(int(top / uint64_t(columns())));
    viewport()->update();
    emit cellSizeChanged(pixels);
}

qint64 BatGridView::indexAt(const QPoint& pos) const {
    if (pos.x() < margin || pos.y() < margin)
        return -1;
    const int col = (pos.x() - margin) / m_cell;
    if (col >= columns())
        return -1;
    const qint64 row = firstVisibleRow() + (pos.y() - margin) / m_cell;
    const uint64_t index = uint64_t(row) * uint64_t(columns()) + uint64_t(col);
    return index < entryCount() ? qint64(index) : -1;
}

QRect BatGridView::cellRect(uint64_t index) const {
    if (index >= entryCount())
        return {};
    const uint64_t cols = uint64_t(columns());
    const qint64 row = qint64(index / cols) - firstVisibleRow();
    if (row < 0 || row > visibleRows())
        return {};
    return QRect(margin + int(index % cols) * m_cell, margin + int(row) * m_cell, m_cell, m_cell);
}

BatGridView::CellInfo BatGridView::cellInfo(uint64_t index) const {
    CellInfo info;
    info.index = index;
    if (!m_reader || index >= entryCount())
        return info;
    const BatGeometry& geo = m_reader->geometry();
    info.sectorBitmap = geo.isSectorBitmapIndex(index);
    const BatGeometry::BlockSpan span = geo.blocksOfIndex(index);
    info.number = info.sectorBitmap ? geo.chunkOfIndex(index) : span.first;
    const uint64_t firstBlock = span.first;
    const uint64_t blocks = span.count;
    info.virtualStart = std::min(geo.virtualDiskSize, firstBlock * geo.blockSize);
    info.virtualEnd = std::min(geo.virtualDiskSize, (firstBlock + blocks) * geo.blockSize);
    if (const auto e = m_reader->entry(index)) {
        info.readable = true;
        info.entry = *e;
    }
    return info;
}

QString BatGridView::describe(uint64_t index) const {
    if (!m_reader || index >= entryCount())
        return {};
    const CellInfo c = cellInfo(index);
    const BatGeometry& geo = m_reader->geometry();
    QStringList lines;
    lines << tr("BAT entry %1").arg(formatCount(index));
    lines << (c.sectorBitmap ? tr("Sector bitmap of chunk %1").arg(formatCount(c.number))
                             : tr("Payload block %1").arg(formatCount(c.number)));
    if (!c.readable) {
        lines << tr("State: unreadable (beyond the BAT region or the file)");
    } else {
        const BatClass cls = geo.classify(index, c.entry);
        lines << tr("State: %1 (%2)").arg(qs(batClassInfo(cls).label)).arg(c.entry.state());
        if (batClassHasBlock(cls) || c.entry.fileOffsetMB())
            lines << tr("File offset: %1 (%2)")
                         .arg(formatOffset(c.entry.fileOffset()), formatSize(c.entry.fileOffset()));
        if (c.entry.reservedBits())
            lines << tr("Reserved bits set: %1").arg(formatOffset(c.entry.reservedBits()));
    }
    if (changedByLog(index)) {
        QString line = tr("Changed by the pending log replay (shown as after it)");
        uint8_t raw[8];
        if (m_stored && m_stored->read(m_batOffset + index * 8, raw, 8) == ReadStatus::Ok) {
            const BatEntry before{le64(raw)};
            line += tr("; as stored: %1 (%2)")
                        .arg(qs(batClassInfo(geo.classify(index, before)).label))
                        .arg(before.state());
        }
        lines << line;
    }
    const uint32_t problems = problemsOf(index);
    for (size_t p = 0; p < batProblemCount; ++p)
        if (problems & (1u << p))
            lines << tr("Problem: %1").arg(qs(batProblemText(BatProblem(p))));
    if (c.virtualEnd > c.virtualStart)
        lines << tr("%1 virtual bytes %2, at %3")
                     .arg(c.sectorBitmap ? tr("Covers") : tr("Holds"),
                          formatRange(c.virtualStart, c.virtualEnd - c.virtualStart),
                          formatSize(c.virtualStart));
    else
        lines << tr("Beyond the end of the virtual disk");
    return lines.join(QLatin1Char('\n'));
}

void BatGridView::scrollToIndex(uint64_t index) {
    const qint64 row = qint64(index / uint64_t(columns()));
    QScrollBar* sb = verticalScrollBar();
    if (row < sb->value() || row >= sb->value() + visibleRows())
        sb->setValue(int(std::max<qint64>(0, row - visibleRows() / 2)));
}

void BatGridView::setCurrentIndex(uint64_t index) {
    if (index >= entryCount())
        return;
    m_current = index;
    scrollToIndex(index);
    viewport()->update();
    emit currentIndexChanged(index);
}

bool BatGridView::goToVirtualOffset(uint64_t virtualOffset) {
    if (!m_reader)
        return false;
    const auto index = m_reader->geometry().indexOfVirtualOffset(virtualOffset);
    if (!index)
        return false;
    setCurrentIndex(*index);
    return true;
}

void BatGridView::renderCells(QImage& frame) {
    const uint64_t cols = uint64_t(columns());
    const uint64_t first = uint64_t(firstVisibleRow()) * cols;
    const uint64_t total = entryCount();
    if (first >= total)
        return;
    const uint64_t count = std::min<uint64_t>(total - first, uint64_t(visibleRows() + 1) * cols);
    const uint64_t readable = std::min(m_reader->readableEntries(), total);
    const uint64_t toRead = first < readable ? std::min(count, readable - first) : 0;
    if (first != m_entriesFirst || toRead != m_entriesCount) {
        if (!toRead || !m_reader->readRange(first, toRead, m_entries))
            m_entries.clear();
        m_entriesFirst = first;
        m_entriesCount = toRead;
    }
    const BatGeometry& geo = m_reader->geometry();
    // Colour by (slot kind, state bits): a table instead of a classification per cell, and
    // the slot kind by a running position in the chunk instead of a division per cell. At
    // the smallest zoom a frame has ~400,000 cells.
    QRgb lut[2][8];
    for (uint8_t state = 0; state < 8; ++state)
        for (int bitmap = 0; bitmap < 2; ++bitmap)
            lut[bitmap][state] = batClassColor(classifyBatState(
                state, bitmap ? SlotKind::SectorBitmap : SlotKind::Payload, geo.hasParent));
    const QRgb unreadable = batUnreadableColor();
    const QRgb padding = batClassColor(BatClass::PayloadPadding);
    const QRgb problem = batProblemColor();
    const uint64_t firstPadding = geo.firstPaddingIndex();
    auto nextProblem = std::lower_bound(m_problemIndexes.begin(), m_problemIndexes.end(), first);
    std::vector<uint8_t> rowProblem(cols);
    const QRgb logColor = palette().color(QPalette::Link).rgb();
    auto nextLog = std::upper_bound(
        m_logChanges.begin(), m_logChanges.end(), first,
        [](uint64_t i, const std::pair<uint64_t, uint64_t>& r) { return i < r.first; });
    if (nextLog != m_logChanges.begin())
        --nextLog;
    std::vector<uint8_t> rowLog(cols);
    const int corner = m_cell >= 6 ? std::max(2, (m_cell - 1) / 2) : 0; // the log's mark
    const uint64_t period = geo.slotsPerChunk();
    uint64_t inChunk = first % period; // period - 1 at a sector-bitmap slot
    const int gap = m_cell >= 5 ? 1 : 0;
    const int fill = m_cell - gap;
    const int mark = m_cell >= 8 ? m_cell / 3 : 0; // centre mark of sector-bitmap cells
    const QRgb white = qRgb(0xff, 0xff, 0xff);
    std::vector<QRgb> rowColors(cols);
    std::vector<uint8_t> rowBitmap(cols);
    const uint64_t have = m_entries.size();
    for (uint64_t r = 0; r * cols < count; ++r) {
        const uint64_t n = std::min(cols, count - r * cols);
        for (uint64_t c = 0; c < n; ++c) {
            const uint64_t i = r * cols + c;
            const bool bitmap = inChunk == period - 1;
            inChunk = bitmap ? 0 : inChunk + 1;
            rowColors[c] = !bitmap && first + i >= firstPadding ? padding
                           : i < have                           ? lut[bitmap][m_entries[i].state()]
                                                                : unreadable;
            rowBitmap[c] = bitmap;
            while (nextProblem != m_problemIndexes.end() && *nextProblem < first + i)
                ++nextProblem;
            rowProblem[c] = nextProblem != m_problemIndexes.end() && *nextProblem == first + i;
            while (nextLog != m_logChanges.end() && nextLog->second < first + i)
                ++nextLog;
            rowLog[c] = nextLog != m_logChanges.end() && nextLog->first <= first + i;
        }
        const int y0 = margin + int(r) * m_cell;
        // A problem entry: a frame in the problem colour around its state's colour, or, when
        // cells are too small for a frame, the problem colour alone.
        const int frameWidth = fill >= 6 ? std::max(1, fill / 5) : 0;
        for (int py = 0; py < fill && y0 + py < frame.height(); ++py) {
            auto* line = reinterpret_cast<QRgb*>(frame.scanLine(y0 + py)) + margin;
            const bool inMark = mark && py >= (fill - mark) / 2 && py < (fill - mark) / 2 + mark;
            const bool frameRow = py < frameWidth || py >= fill - frameWidth;
            if (fill == 2) {
                for (uint64_t c = 0; c < n; ++c)
                    line[2 * c] = line[2 * c + 1] = rowProblem[c] ? problem : rowColors[c];
                continue;
            }
            for (uint64_t c = 0; c < n; ++c) {
                QRgb* px = line + int(c) * m_cell;
                if (rowProblem[c] && (!frameWidth || frameRow)) {
                    std::fill_n(px, fill, problem);
                    continue;
                }
                std::fill_n(px, fill, rowColors[c]);
                if (inMark && rowBitmap[c])
                    std::fill_n(px + (fill - mark) / 2, mark, white);
                if (rowProblem[c]) {
                    std::fill_n(px, frameWidth, problem);
                    std::fill_n(px + fill - frameWidth, frameWidth, problem);
                }
                if (rowLog[c] && py < corner)
                    std::fill_n(px, corner - py, logColor); // a triangle in the top-left corner
            }
        }
    }
}

void BatGridView::paintEvent(QPaintEvent*) {
    const QSize size = viewport()->size();
    if (m_frame.size() != size)
        m_frame = QImage(size, QImage::Format_RGB32);
    m_frame.fill(palette().color(QPalette::Base));
    if (m_reader)
        renderCells(m_frame);
    QPainter p(viewport());
    p.drawImage(0, 0, m_frame);
    if (!m_reader) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect(), Qt::AlignCenter, tr("No BAT to show"));
        return;
    }
    if (m_current) {
        const QRect r = cellRect(*m_current);
        if (!r.isEmpty()) {
            p.setPen(QPen(palette().color(QPalette::Highlight), 2));
            p.setBrush(Qt::NoBrush);
            // At small zoom a cell is a few pixels: mark a square around it big enough to see.
            const int grow = std::max(1, (10 - m_cell) / 2);
            p.drawRect(r.adjusted(-grow, -grow, grow - 1, grow - 1));
        }
    }
}

void BatGridView::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBar();
}

} // namespace vhdx::ui
