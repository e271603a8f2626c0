// The hex view's caret and selection: mouse, keyboard, the context menu and copying.
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>

#include <algorithm>

#include "hex_view.h"
#include "vhdx/byte_source.h"

namespace vhdx::ui {

QByteArray HexView::bytesAt(uint64_t offset, uint64_t max) const {
    if (!m_source || offset >= m_size)
        return {};
    QByteArray out(qsizetype(std::min(max, m_size - offset)), Qt::Uninitialized);
    if (m_source->read(offset, out.data(), uint64_t(out.size())) != ReadStatus::Ok)
        return {};
    return out;
}

void HexView::setSelection(uint64_t offset, uint64_t length) {
    if (m_size == 0 || offset >= m_size)
        return;
    m_hasSelection = true;
    m_anchor = offset;
    m_caret = length ? std::min(m_size - 1, offset + length - 1) : offset;
    ensureVisible(m_caret);
    ensureVisible(m_anchor);
    viewport()->update();
    emit selectionChanged(selectionStart(), selectionLength());
}

bool HexView::goToOffset(uint64_t fileOffset) {
    if (fileOffset >= m_size)
        return false;
    m_hasSelection = true;
    m_anchor = m_caret = fileOffset;
    scrollToOffset(fileOffset);
    viewport()->update();
    emit selectionChanged(fileOffset, 1);
    return true;
}

void HexView::moveCaret(uint64_t offset, bool extend) {
    if (m_size == 0)
        return;
    offset = std::min(offset, m_size - 1);
    if (!extend || !m_hasSelection)
        m_anchor = offset;
    m_caret = offset;
    m_hasSelection = true;
    ensureVisible(m_caret);
    viewport()->update();
    emit selectionChanged(selectionStart(), selectionLength());
}

void HexView::mousePressEvent(QMouseEvent* event) {
    const qint64 off = offsetAt(event->position().toPoint());
    if (off < 0 || event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    setFocus(Qt::MouseFocusReason);
    const bool extend = event->modifiers() & Qt::ShiftModifier;
    moveCaret(uint64_t(off), extend);
    if (!extend)
        emit byteClicked(quint64(off));
}

void HexView::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton))
        return;
    const qint64 off = offsetAt(event->position().toPoint());
    if (off >= 0 && uint64_t(off) != m_caret)
        moveCaret(uint64_t(off), true);
}

void HexView::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::Copy)) {
        copySelectionAsHex();
        return;
    }
    if (event->key() == Qt::Key_G && (event->modifiers() & Qt::ControlModifier)) {
        emit goToRequested();
        return;
    }
    const bool extend = event->modifiers() & Qt::ShiftModifier;
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    const uint64_t page = uint64_t(visibleRows()) * bytesPerRow;
    const uint64_t c = m_caret;
    const uint64_t rowStart = c - c % bytesPerRow;
    uint64_t next = c;
    switch (event->key()) {
    case Qt::Key_Left:
        next = c ? c - 1 : 0;
        break;
    case Qt::Key_Right:
        next = c + 1;
        break;
    case Qt::Key_Up:
        next = c >= uint64_t(bytesPerRow) ? c - bytesPerRow : c;
        break;
    case Qt::Key_Down:
        next = c + bytesPerRow < m_size ? c + bytesPerRow : c;
        break;
    case Qt::Key_PageUp:
        next = c >= page ? c - page : c % bytesPerRow;
        break;
    case Qt::Key_PageDown:
        next = c + page < m_size ? c + page : c;
        break;
    case Qt::Key_Home:
        next = ctrl ? 0 : rowStart;
        break;
    case Qt::Key_End:
        next = ctrl ? m_size - 1 : rowStart + bytesPerRow - 1;
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    moveCaret(next, extend);
    event->accept();
}

QString HexView::selectionAsHex() const {
    const uint64_t n = selectionLength();
    if (n == 0 || n > maxCopyBytes)
        return {};
    return QString::fromLatin1(bytesAt(selectionStart(), n).toHex(' '));
}

QString HexView::selectionAsCArray() const {
    const uint64_t n = selectionLength();
    if (n == 0 || n > maxCopyBytes)
        return {};
    const QByteArray bytes = bytesAt(selectionStart(), n);
    QString out = QStringLiteral("{");
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        out += i % 12 == 0 ? QStringLiteral("\n    ") : QStringLiteral(" ");
        out += QStringLiteral("0x%1").arg(uint8_t(bytes[i]), 2, 16, QLatin1Char('0'));
        if (i + 1 < bytes.size())
            out += QLatin1Char(',');
    }
    return out + QStringLiteral("\n}");
}

void HexView::copySelectionAsHex() {
    if (const QString s = selectionAsHex(); !s.isEmpty())
        QApplication::clipboard()->setText(s);
}

void HexView::copySelectionAsCArray() {
    if (const QString s = selectionAsCArray(); !s.isEmpty())
        QApplication::clipboard()->setText(s);
}

void HexView::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    const uint64_t n = selectionLength();
    const bool copyable = n > 0 && n <= maxCopyBytes;
    const QString tooBig = tr("The selection is larger than %1 KiB").arg(maxCopyBytes / 1024);
    QAction* hex = menu.addAction(tr("Copy as &Hex"), this, &HexView::copySelectionAsHex);
    QAction* c = menu.addAction(tr("Copy as &C Array"), this, &HexView::copySelectionAsCArray);
    for (QAction* a : {hex, c}) {
        a->setEnabled(copyable);
        if (n > maxCopyBytes)
            a->setToolTip(tooBig);
    }
    menu.addAction(tr("Copy &Offset"), this,
                   [this] {
                       QApplication::clipboard()->setText(
                           QStringLiteral("0x%1").arg(selectionStart(), 0, 16));
                   })
        ->setEnabled(m_hasSelection);
    menu.addSeparator();
    menu.addAction(tr("&Go to Offset...") + QStringLiteral("\tCtrl+G"), this,
                   &HexView::goToRequested);
    menu.exec(event->globalPos());
}

} // namespace vhdx::ui
