#include "test_files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <algorithm>

namespace vhdx::test {

QString testDataDir() {
    return QStringLiteral(VHDX_TESTDATA_DIR);
}

QString decompressTestImage(const QString& compressedName, const QString& dir, QString* error) {
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return QString();
    };
    const QString source = QDir(testDataDir()).filePath(compressedName);
    if (!QFileInfo::exists(source))
        return fail(QStringLiteral("missing test image %1").arg(source));
    QString tool;
    QString target = compressedName;
    if (compressedName.endsWith(QLatin1String(".bz2"))) {
        tool = QStringLiteral("bzcat");
        target.chop(4);
    } else if (compressedName.endsWith(QLatin1String(".gz"))) {
        tool = QStringLiteral("zcat");
        target.chop(3);
    } else {
        return fail(QStringLiteral("unknown compression: %1").arg(compressedName));
    }
    target = QDir(dir).filePath(target);
    QProcess process;
    process.setStandardOutputFile(target);
    process.start(tool, {source});
    if (!process.waitForStarted(30000))
        return fail(QStringLiteral("cannot start %1").arg(tool));
    if (!process.waitForFinished(300000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0)
        return fail(QStringLiteral("%1 %2 failed: %3")
                        .arg(tool, source, QString::fromLocal8Bit(process.readAllStandardError())));
    return target;
}

QString writeImageFile(const QString& dir, const QString& name, const std::vector<uint8_t>& bytes) {
    const QString path = QDir(dir).filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    constexpr size_t run = 64 * 1024;
    for (size_t pos = 0; pos < bytes.size(); pos += run) {
        const size_t n = std::min(run, bytes.size() - pos);
        const auto* p = bytes.data() + pos;
        if (std::all_of(p, p + n, [](uint8_t b) { return b == 0; }))
            continue; // a hole: resize() below gives the file its full length
        if (!file.seek(qint64(pos)) ||
            file.write(reinterpret_cast<const char*>(p), qint64(n)) != qint64(n))
            return {};
    }
    if (!file.resize(qint64(bytes.size())))
        return {};
    file.close();
    return file.error() == QFileDevice::NoError ? path : QString();
}

} // namespace vhdx::test
