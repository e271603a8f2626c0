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
    for (const char* name : {"iotest-dynamic-1G.vhdx.bz2", "iotest-dirtylog-10G-4M.vhdx.bz2",
                             "xfs.vhdx.gz", "btrfs.vhdx.gz"}) {
        if (vhdx::test::decompressTestImage(QString::fromLatin1(name), m_dir.path(), error)
                .isEmpty())
            return false;
    }
    return true;
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
