#include "ui_test_images.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include "test_files.h"

namespace vhdx::uitest {

bool TestImages::prepare(QString* error) {
    if (!m_dir.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    return true;
}

QString TestImages::real(const QString& compressedName) {
    auto it = m_real.find(compressedName);
    if (it == m_real.end()) {
        QString error;
        const QString path = vhdx::test::decompressTestImage(compressedName, m_dir.path(), &error);
        if (path.isEmpty())
            qWarning("%s", qPrintable(error));
        it = m_real.insert(compressedName, path);
    }
    return *it;
}

QString TestImages::createWithQemu(const QString& name, const QString& size,
                                   const QString& blockSize) const {
    const QString qemu = QStandardPaths::findExecutable(QStringLiteral("qemu-img"));
    if (qemu.isEmpty())
        return {};
    const QString target = path(name);
    if (QFileInfo::exists(target))
        return target;
    QProcess p;
    p.start(qemu, {QStringLiteral("create"), QStringLiteral("-q"), QStringLiteral("-f"),
                   QStringLiteral("vhdx"), QStringLiteral("-o"),
                   QStringLiteral("block_size=%1,log_size=1M").arg(blockSize), target, size});
    if (!p.waitForFinished(120000) || p.exitCode() != 0)
        return {};
    return target;
}

} // namespace vhdx::uitest
