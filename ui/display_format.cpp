#include "display_format.h"

#include <QRegularExpression>

#include <cmath>

namespace vhdx::ui {

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
