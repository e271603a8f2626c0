#include "bat_legend.h"

#include <QPainter>

#include "display_format.h"
#include "vhdx/bat.h"

namespace vhdx::ui {

QRgb batClassColor(BatClass c) {
    switch (c) {
    case BatClass::PayloadNotPresent:
        return qRgb(0xdd, 0xdd, 0xdd);
    case BatClass::PayloadUndefined:
        return qRgb(0xb5, 0xb5, 0xb5);
    case BatClass::PayloadZero:
        return qRgb(0xa9, 0xcc, 0xf0);
    case BatClass::PayloadUnmapped:
        return qRgb(0xf2, 0xd4, 0x9b);
    case BatClass::PayloadFullyPresent:
        return qRgb(0x2e, 0x9e, 0x4f);
    case BatClass::PayloadPartiallyPresent:
        return qRgb(0xa6, 0xcf, 0x3c);
    case BatClass::PayloadInvalid:
        return qRgb(0xd6, 0x27, 0x28);
    case BatClass::PayloadPadding:
        return qRgb(0xf4, 0xf4, 0xf4);
    case BatClass::BitmapNotPresent:
        return qRgb(0xb9, 0x94, 0xe0);
    case BatClass::BitmapPresent:
        return qRgb(0x7b, 0x4f, 0xa8);
    case BatClass::BitmapInvalid:
        return qRgb(0x8b, 0x00, 0x3a);
    case BatClass::Count:
        break;
    }
    return qRgb(0, 0, 0);
}

QRgb batUnreadableColor() {
    return qRgb(0x40, 0x40, 0x40);
}

QRgb batProblemColor() {
    return qRgb(0xe6, 0x00, 0xb4);
}

BatLegend::BatLegend(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
}

void BatLegend::setCounts(const BatStateCounts* counts) {
    m_haveCounts = counts != nullptr;
    for (size_t c = 0; c < batClassCount; ++c)
        m_counts[c] = counts ? counts->byClass[c] : 0;
    updateGeometry();
    update();
}

QString BatLegend::countText(BatClass c) const {
    return m_haveCounts ? formatCount(m_counts[size_t(c)]) : QString();
}

QSize BatLegend::sizeHint() const {
    const QFontMetrics fm(font());
    const int line = fm.height() + 4;
    int label = fm.horizontalAdvance(tr("problem entry"));
    for (const BatClassInfo& c : batClasses())
        label = std::max(label, fm.horizontalAdvance(qs(c.label)));
    return {label + fm.horizontalAdvance(QStringLiteral(" 99,999,999")) + fm.height() + 20,
            line * (int(batClassCount) + 5) + 8};
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
    auto item = [&](QRgb color, const QString& name, const QString& count, bool bitmap) {
        const QRect swatch(10, y + (line - sw) / 2 - 1, sw, sw);
        p.fillRect(swatch, QColor(color));
        p.setPen(palette().color(QPalette::Mid));
        p.drawRect(swatch.adjusted(0, 0, -1, -1));
        if (bitmap) // the same centre mark the grid draws on bitmap cells
            p.fillRect(swatch.adjusted(sw / 3, sw / 3, -sw / 3, -sw / 3), Qt::white);
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(16 + sw, y + fm.ascent() + 1, name);
        if (!count.isEmpty()) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(QRect(0, y, countRight, line), Qt::AlignRight | Qt::AlignVCenter, count);
        }
        y += line;
    };
    for (SlotKind kind : {SlotKind::Payload, SlotKind::SectorBitmap}) {
        heading(kind == SlotKind::Payload ? tr("Payload blocks") : tr("Sector bitmaps"));
        for (const BatClassInfo& c : batClasses())
            if (c.kind == kind)
                item(batClassColor(c.cls), qs(c.label), countText(c.cls),
                     kind == SlotKind::SectorBitmap);
        y += 4;
    }
    item(batUnreadableColor(), tr("unreadable"), {}, false);
    // A problem entry: the frame the grid draws around its state's colour.
    const QRect swatch(10, y + (line - sw) / 2 - 1, sw, sw);
    p.fillRect(swatch, QColor(batProblemColor()));
    p.fillRect(swatch.adjusted(3, 3, -3, -3), palette().color(QPalette::Base));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(16 + sw, y + fm.ascent() + 1, tr("problem entry"));
}

} // namespace vhdx::ui
