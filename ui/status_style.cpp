#include "status_style.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <array>

namespace vhdx::ui {

QString statusText(NodeStatus status) {
    const std::string_view name = statusName(status);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

QColor statusColor(NodeStatus status) {
    switch (status) {
    case NodeStatus::None:
        return {};
    case NodeStatus::Ok:
        return QColor(0x2e, 0x7d, 0x32);
    case NodeStatus::Info:
        return QColor(0x15, 0x65, 0xc0);
    case NodeStatus::Warning:
        return QColor(0xb2, 0x6a, 0x00);
    case NodeStatus::Error:
        return QColor(0xc6, 0x28, 0x28);
    }
    return {};
}

static QPixmap paintStatus(NodeStatus status, int size) {
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r(0.5, 0.5, size - 1.0, size - 1.0);
    p.setPen(Qt::NoPen);
    p.setBrush(statusColor(status));
    p.drawEllipse(r);
    QPen pen(Qt::white, size / 8.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    const double s = size;
    switch (status) {
    case NodeStatus::Ok: {
        QPainterPath tick;
        tick.moveTo(s * 0.28, s * 0.52);
        tick.lineTo(s * 0.44, s * 0.68);
        tick.lineTo(s * 0.72, s * 0.34);
        p.drawPath(tick);
        break;
    }
    case NodeStatus::Info:
        p.drawLine(QPointF(s / 2, s * 0.45), QPointF(s / 2, s * 0.74));
        p.drawPoint(QPointF(s / 2, s * 0.28));
        break;
    case NodeStatus::Warning:
        p.drawLine(QPointF(s / 2, s * 0.24), QPointF(s / 2, s * 0.56));
        p.drawPoint(QPointF(s / 2, s * 0.74));
        break;
    case NodeStatus::Error:
        p.drawLine(QPointF(s * 0.33, s * 0.33), QPointF(s * 0.67, s * 0.67));
        p.drawLine(QPointF(s * 0.67, s * 0.33), QPointF(s * 0.33, s * 0.67));
        break;
    case NodeStatus::None:
        break;
    }
    return pm;
}

QIcon statusIcon(NodeStatus status) {
    if (status == NodeStatus::None)
        return {};
    static std::array<QIcon, 5> cache;
    QIcon& icon = cache[size_t(status)];
    if (icon.isNull()) {
        for (int size : {16, 24, 32})
            icon.addPixmap(paintStatus(status, size));
    }
    return icon;
}

} // namespace vhdx::ui
