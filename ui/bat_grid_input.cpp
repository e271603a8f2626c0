// The BAT grid's input: mouse, keys (arrows, pages, Enter), the wheel's zoom and the cell
// tool tips; geometry and painting are in bat_grid_view.cpp.
#include "bat_grid_view.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>

namespace vhdx::ui {

void BatGridView::mousePressEvent(QMouseEvent* event) {
    const qint64 index = indexAt(event->position().toPoint());
    if (index >= 0)
        setCurrentIndex(uint64_t(index));
}

void BatGridView::mouseReleaseEvent(QMouseEvent* event) {
    event->accept();
}

void BatGridView::mouseDoubleClickEvent(QMouseEvent* event) {
    const qint64 index = indexAt(event->position().toPoint());
    if (index >= 0)
        emit cellActivated(quint64(index));
    event->accept();
}

void BatGridView::keyPressEvent(QKeyEvent* event) {
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && m_current) {
        emit cellActivated(*m_current);
        event->accept();
        return;
    }
    // Arrows move the current cell, Page keys a screenful, Home/End to the table's ends.
    const uint64_t total = entryCount();
    if (!total) {
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    const qint64 cur =
        qint64(m_current.value_or(uint64_t(firstVisibleRow()) * uint64_t(columns())));
    const qint64 page = qint64(visibleRows()) * columns();
    qint64 next = cur;
    switch (event->key()) {
    case Qt::Key_Left:
        next = cur - 1;
        break;
    case Qt::Key_Right:
        next = cur + 1;
        break;
    case Qt::Key_Up:
        next = cur - columns();
        break;
    case Qt::Key_Down:
        next = cur + columns();
        break;
    case Qt::Key_PageUp:
        next = cur - page;
        break;
    case Qt::Key_PageDown:
        next = cur + page;
        break;
    case Qt::Key_Home:
        next = 0;
        break;
    case Qt::Key_End:
        next = qint64(total) - 1;
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    setCurrentIndex(uint64_t(std::clamp<qint64>(next, 0, qint64(total) - 1)));
    event->accept();
}

void BatGridView::wheelEvent(QWheelEvent* event) {
    if (event->modifiers() & Qt::ControlModifier) {
        const int steps = event->angleDelta().y() / 120;
        setCellSize(steps > 0 ? m_cell * 2 : m_cell / 2);
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

bool BatGridView::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const qint64 index = indexAt(help->pos());
        if (index >= 0)
            QToolTip::showText(help->globalPos(), describe(uint64_t(index)), viewport(),
                               cellRect(uint64_t(index)));
        else
            QToolTip::hideText();
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

} // namespace vhdx::ui
