#include "display_format.h"

#include <QLocale>
#include <QRegularExpression>

#include <cmath>

namespace vhdx::ui {

QString formatSize(uint64_t bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int unit = 0;
    double value = double(bytes);
    while (value >= 1024.0 && unit < 6) {
        value /= 1024.0;
        ++unit;
    }
    if (unit == 0)
        return QStringLiteral("%1 B").arg(bytes);
    const bool whole = std::fabs(value - std::round(value)) < 0.05;
    return QStringLiteral("%1 %2")
        .arg(value, 0, 'f', whole ? 0 : 1)
        .arg(QLatin1String(units[unit]));
}

QString formatOffset(uint64_t offset) {
    return QStringLiteral("0x%1").arg(offset, 0, 16);
}

QString formatCount(uint64_t n) {
    return QLocale(QLocale::English).toString(qulonglong(n));
}

std::optional<uint64_t> parseSize(const QString& text) {
    const QString t = text.trimmed();
    if (t.startsWith(QLatin1String("0x"), Qt::CaseInsensitive)) {
        bool ok = false;
        const qulonglong v = t.mid(2).toULongLong(&ok, 16);
        return ok ? std::optional<uint64_t>(v) : std::nullopt;
    }
    static const QRegularExpression re(
        QStringLiteral("^([0-9]+(?:\\.[0-9]+)?)\\s*([kmgtp]?)(?:i?b)?$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(t);
    if (!m.hasMatch())
        return std::nullopt;
    const QString unit = m.captured(2).toLower();
    int shift = 0;
    if (!unit.isEmpty())
        shift = 10 * (int(QStringLiteral("kmgtp").indexOf(unit)) + 1);
    if (!m.captured(1).contains(QLatin1Char('.'))) {
        bool ok = false;
        const qulonglong v = m.captured(1).toULongLong(&ok);
        if (!ok || (shift && v > (UINT64_MAX >> shift)))
            return std::nullopt;
        return uint64_t(v) << shift;
    }
    const long double v = m.captured(1).toDouble() * std::pow(2.0L, shift);
    if (v >= 18446744073709551615.0L)
        return std::nullopt;
    return uint64_t(v);
}

} // namespace vhdx::ui
