#include "golden_files.h"

#include <QDir>
#include <QFile>
#include <QtGlobal>

#include <algorithm>

namespace vhdx::test::golden {

namespace {

QList<QByteArray> linesOf(const QByteArray& text) {
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast(); // the final newline ends the last line, it starts none
    return lines;
}

} // namespace

bool updating() {
    return qEnvironmentVariable("VHDX_GOLDEN_UPDATE") == QLatin1String("1");
}

QString expectedDir() {
    return QStringLiteral(VHDX_GOLDEN_DIR);
}

QStringList expectedFiles() {
    return QDir(expectedDir()).entryList(QDir::Files, QDir::Name);
}

QByteArray normalise(QByteArray output, const QString& tmpDir) {
    if (tmpDir.isEmpty())
        return output;
    QByteArray raw = tmpDir.toUtf8();
    QByteArray escaped = raw;
    escaped.replace("\\", "\\\\").replace("\"", "\\\"");
    output.replace(raw, "<TMP>");
    if (escaped != raw)
        output.replace(escaped, "<TMP>");
    return output;
}

QString firstDifference(const QByteArray& expected, const QByteArray& actual, const QString& name,
                        int context, int maxLines) {
    if (expected == actual)
        return {};
    const QList<QByteArray> a = linesOf(expected), b = linesOf(actual);
    qsizetype first = 0;
    while (first < a.size() && first < b.size() && a[first] == b[first])
        ++first;
    // Lines common at the end bound the differing block.
    qsizetype endA = a.size(), endB = b.size();
    while (endA > first && endB > first && a[endA - 1] == b[endB - 1])
        --endA, --endB;
    const qsizetype from = std::max<qsizetype>(0, first - context);
    const qsizetype after = std::min<qsizetype>(context, a.size() - endA);
    QString out = QStringLiteral("--- expected/%1\n+++ actual\n@@ -%2,%3 +%4,%5 @@\n")
                      .arg(name)
                      .arg(from + 1)
                      .arg(endA + after - from)
                      .arg(from + 1)
                      .arg(endB + after - from);
    for (qsizetype i = from; i < first; ++i)
        out += QLatin1Char(' ') + QString::fromUtf8(a[i]) + QLatin1Char('\n');
    auto block = [&](const QList<QByteArray>& lines, qsizetype end, QChar sign) {
        const qsizetype shown = std::min<qsizetype>(end - first, maxLines);
        for (qsizetype i = first; i < first + shown; ++i)
            out += sign + QString::fromUtf8(lines[i]) + QLatin1Char('\n');
        if (end - first > shown)
            out += QStringLiteral("%1 ... %2 more lines\n").arg(sign).arg(end - first - shown);
    };
    block(a, endA, QLatin1Char('-'));
    block(b, endB, QLatin1Char('+'));
    for (qsizetype i = endA; i < endA + after; ++i)
        out += QLatin1Char(' ') + QString::fromUtf8(a[i]) + QLatin1Char('\n');
    if (endA == first && endB == first) // only the final newline differs
        out += QStringLiteral("(the files differ in their final newline)\n");
    return out;
}

QString check(const QString& fileName, const QByteArray& actual) {
    const QString path = QDir(expectedDir()).filePath(fileName);
    QFile file(path);
    if (updating()) {
        if (file.open(QIODevice::ReadOnly) && file.readAll() == actual)
            return {};
        file.close();
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(actual) != actual.size() || !file.flush())
            return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        qWarning("VHDX_GOLDEN_UPDATE=1: wrote %s", qPrintable(path));
        return {};
    }
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("missing golden %1 (generate it with VHDX_GOLDEN_UPDATE=1)")
            .arg(path);
    const QByteArray expected = file.readAll();
    if (expected == actual)
        return {};
    return QStringLiteral("%1 differs from its golden:\n%2")
        .arg(fileName, firstDifference(expected, actual, fileName));
}

QString checkCase(const QString& name, const QByteArray& json, const QByteArray& text,
                  int exitCode) {
    QStringList problems;
    for (const auto& [ext, bytes] :
         {std::pair{QStringLiteral(".json"), json}, std::pair{QStringLiteral(".txt"), text},
          std::pair{QStringLiteral(".exit"), QByteArray::number(exitCode) + '\n'}}) {
        const QString problem = check(name + ext, bytes);
        if (!problem.isEmpty())
            problems << problem;
    }
    return problems.join(QLatin1Char('\n'));
}

} // namespace vhdx::test::golden
