#include "status_style.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <algorithm>
#include <array>
#include <cmath>

namespace vhdx::ui {

namespace {

double channel(double c) {
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor& c) {
    const QColor rgb = c.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) +
           0.0722 * channel(rgb.blueF());
}

// The hue of each status, as on a light background.
QColor baseColor(NodeStatus status) {
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

// The colour of that hue readable on every background: lightness moved away from them, in
// small steps, until the weakest contrast reaches the minimum (a margin above it, for the
// rounding of 8-bit channels).
QColor readableOn(const QColor& hue, const std::array<QColor, 4>& backgrounds, bool dark) {
    const auto weakest = [&](const QColor& c) {
        double m = 21;
        for (const QColor& b : backgrounds)
            m = std::min(m, contrastRatio(c, b));
        return m;
    };
    float h = 0, s = 0, l = 0, a = 1;
    hue.getHslF(&h, &s, &l, &a);
    if (dark)
        l = std::max(l, 0.62f); // start from a light tint of the hue
    QColor c = QColor::fromHslF(h, s, l);
    for (int i = 0; i < 60 && weakest(c) < minimumContrast + 0.1; ++i) {
        l = dark ? std::min(1.0f, l + 0.02f) : std::max(0.0f, l - 0.02f);
        c = QColor::fromHslF(h, s, l);
    }
    return c;
}

} // namespace

double contrastRatio(const QColor& a, const QColor& b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

bool isDarkPalette(const QPalette& palette) {
    return luminance(palette.color(QPalette::Base)) < luminance(palette.color(QPalette::Text));
}

QString statusText(NodeStatus status) {
    const std::string_view name = statusName(status);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

QColor markedRowBackground(const QPalette& palette) {
    const QColor base = palette.color(QPalette::Base);
    const QColor amber(0xff, 0xb3, 0x00);
    const double a = isDarkPalette(palette) ? 0.22 : 0.28;
    return QColor::fromRgbF(float(base.redF() * (1 - a) + amber.redF() * a),
                            float(base.greenF() * (1 - a) + amber.greenF() * a),
                            float(base.blueF() * (1 - a) + amber.blueF() * a));
}

QColor statusColor(NodeStatus status, const QPalette& palette) {
    if (status == NodeStatus::None)
        return {};
    // Computed once per palette and status: views ask for it for every painted cell.
    static QHash<QPair<qint64, int>, QColor> cache;
    const auto key = qMakePair(palette.cacheKey(), int(status));
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    const std::array<QColor, 4> backgrounds = {
        palette.color(QPalette::Base), palette.color(QPalette::AlternateBase),
        palette.color(QPalette::Window), markedRowBackground(palette)};
    const QColor c = readableOn(baseColor(status), backgrounds, isDarkPalette(palette));
    if (cache.size() > 64)
        cache.clear();
    cache.insert(key, c);
    return c;
}

static QPixmap paintStatus(NodeStatus status, int size) {
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r(0.5, 0.5, size - 1.0, size - 1.0);
    p.setPen(Qt::NoPen);
    // The disc keeps the light palette's hue: with its white mark it reads on any background.
    p.setBrush(baseColor(status));
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
        for (int size : {16, 24, 32, 48})
            icon.addPixmap(paintStatus(status, size));
    }
    return icon;
}

} // namespace vhdx::ui
