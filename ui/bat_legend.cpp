#include "bat_legend.h"

#include <QPainter>

#include "display_format.h"
#include "vhdx/bat.h"

namespace vhdx::ui {

BatCellClass classifyBatEntry(const BatEntry& entry, bool sectorBitmapSlot, bool hasParent) {
    const uint8_t s = entry.state();
    if (sectorBitmapSlot) {
        if (!bitmapStateDefined(s))
            return BatCellClass::BitmapInvalid;
        return s == uint8_t(BitmapState::Present) ? BatCellClass::BitmapPresent
                                                  : BatCellClass::BitmapNotPresent;
    }
    if (!payloadStateDefined(s, hasParent))
        return BatCellClass::PayloadInvalid;
    switch (PayloadState(s)) {
    case PayloadState::NotPresent:
        return BatCellClass::PayloadNotPresent;
    case PayloadState::Undefined:
        return BatCellClass::PayloadUndefined;
    case PayloadState::Zero:
        return BatCellClass::PayloadZero;
    case PayloadState::Unmapped:
        return BatCellClass::PayloadUnmapped;
    case PayloadState::FullyPresent:
        return BatCellClass::PayloadFullyPresent;
    case PayloadState::PartiallyPresent:
        return BatCellClass::PayloadPartiallyPresent;
    }
    return BatCellClass::PayloadInvalid;
}

QRgb batCellColor(BatCellClass c) {
    switch (c) {
    case BatCellClass::PayloadNotPresent:
        return qRgb(0xdd, 0xdd, 0xdd);
    case BatCellClass::PayloadUndefined:
        return qRgb(0xb5, 0xb5, 0xb5);
    case BatCellClass::PayloadZero:
        return qRgb(0xa9, 0xcc, 0xf0);
    case BatCellClass::PayloadUnmapped:
        return qRgb(0xf2, 0xd4, 0x9b);
    case BatCellClass::PayloadFullyPresent:
        return qRgb(0x2e, 0x9e, 0x4f);
    case BatCellClass::PayloadPartiallyPresent:
        return qRgb(0xa6, 0xcf, 0x3c);
    case BatCellClass::PayloadInvalid:
        return qRgb(0xd6, 0x27, 0x28);
    case BatCellClass::BitmapNotPresent:
        return qRgb(0xb9, 0x94, 0xe0);
    case BatCellClass::BitmapPresent:
        return qRgb(0x7b, 0x4f, 0xa8);
    case BatCellClass::BitmapInvalid:
        return qRgb(0x8b, 0x00, 0x3a);
    case BatCellClass::Unreadable:
        return qRgb(0x40, 0x40, 0x40);
    case BatCellClass::Count:
        break;
    }
    return qRgb(0, 0, 0);
}

QString batCellName(BatCellClass c) {
    switch (c) {
    case BatCellClass::PayloadNotPresent:
        return QObject::tr("not present");
    case BatCellClass::PayloadUndefined:
        return QObject::tr("undefined");
    case BatCellClass::PayloadZero:
        return QObject::tr("zero");
    case BatCellClass::PayloadUnmapped:
        return QObject::tr("unmapped");
    case BatCellClass::PayloadFullyPresent:
        return QObject::tr("fully present");
    case BatCellClass::PayloadPartiallyPresent:
        return QObject::tr("partially present");
    case BatCellClass::PayloadInvalid:
        return QObject::tr("invalid state");
    case BatCellClass::BitmapNotPresent:
        return QObject::tr("not present");
    case BatCellClass::BitmapPresent:
        return QObject::tr("present");
    case BatCellClass::BitmapInvalid:
        return QObject::tr("invalid state");
    case BatCellClass::Unreadable:
        return QObject::tr("unreadable");
    case BatCellClass::Count:
        break;
    }
    return {};
}

BatLegend::BatLegend(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
}

void BatLegend::setCounts(const BatStateCounts* counts) {
    m_haveCounts = counts != nullptr;
    std::fill(std::begin(m_counts), std::end(m_counts), 0);
    if (counts) {
        using C = BatCellClass;
        const C payload[8] = {C::PayloadNotPresent,   C::PayloadUndefined,       C::PayloadZero,
                              C::PayloadUnmapped,     C::PayloadInvalid,         C::PayloadInvalid,
                              C::PayloadFullyPresent, C::PayloadPartiallyPresent};
        for (int s = 0; s < 8; ++s)
            if (s != 4 && s != 5)
                m_counts[size_t(payload[s])] += counts->payload[s];
        m_counts[size_t(C::PayloadInvalid)] = counts->payloadInvalid;
        m_counts[size_t(C::BitmapNotPresent)] = counts->bitmap[0];
        m_counts[size_t(C::BitmapPresent)] = counts->bitmap[6];
        m_counts[size_t(C::BitmapInvalid)] = counts->bitmapInvalid;
    }
    updateGeometry();
    update();
}

QString BatLegend::countText(BatCellClass c) const {
    return m_haveCounts && c != BatCellClass::Unreadable ? formatCount(m_counts[size_t(c)])
                                                         : QString();
}

QSize BatLegend::sizeHint() const {
    const QFontMetrics fm(font());
    const int line = fm.height() + 4;
    return {fm.horizontalAdvance(QStringLiteral("partially present  999,999,999")) + 40,
            line * (int(BatCellClass::Count) + 3) + 8};
}

void BatLegend::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QFontMetrics fm(font());
    const int line = fm.height() + 4;
    const int sw = fm.height() - 2;
    int y = 4;
    QFont bold = font();
    bold.setBold(true);
    auto heading = [&](const QString& text) {
        p.setFont(bold);
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(4, y + fm.ascent(), text);
        p.setFont(font());
        y += line;
    };
    const int countRight = width() - 6;
    auto item = [&](BatCellClass c) {
        const QRect swatch(10, y + (line - sw) / 2 - 1, sw, sw);
        p.fillRect(swatch, QColor(batCellColor(c)));
        p.setPen(palette().color(QPalette::Mid));
        p.drawRect(swatch.adjusted(0, 0, -1, -1));
        if (isBitmapClass(c)) // the same centre mark the grid draws on bitmap cells
            p.fillRect(swatch.adjusted(sw / 3, sw / 3, -sw / 3, -sw / 3), Qt::white);
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(16 + sw, y + fm.ascent() + 1, batCellName(c));
        const QString n = countText(c);
        if (!n.isEmpty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(QRect(0, y, countRight, line), Qt::AlignRight | Qt::AlignVCenter, n);
        }
        y += line;
    };
    heading(tr("Payload blocks"));
    for (int c = int(BatCellClass::PayloadNotPresent); c <= int(BatCellClass::PayloadInvalid); ++c)
        item(BatCellClass(c));
    y += 4;
    heading(tr("Sector bitmaps"));
    for (int c = int(BatCellClass::BitmapNotPresent); c <= int(BatCellClass::BitmapInvalid); ++c)
        item(BatCellClass(c));
    y += 4;
    item(BatCellClass::Unreadable);
}

} // namespace vhdx::ui
