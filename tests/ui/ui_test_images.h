#pragma once
// The real sample images for the GUI tests, decompressed once per test run, and a large
// qemu-img image for the scale tests (skipped when qemu-img is missing).
#include <QString>
#include <QTemporaryDir>

namespace vhdx::uitest {

class TestImages {
  public:
    // Decompresses the four real images into a temporary directory; false with error set.
    bool prepare(QString* error);
    [[nodiscard]] QString dynamic1G() const {
        return path(QStringLiteral("iotest-dynamic-1G.vhdx"));
    }
    [[nodiscard]] QString dirtyLog() const {
        return path(QStringLiteral("iotest-dirtylog-10G-4M.vhdx"));
    }
    [[nodiscard]] QString xfs() const { return path(QStringLiteral("xfs.vhdx")); }
    [[nodiscard]] QString btrfs() const { return path(QStringLiteral("btrfs.vhdx")); }
    [[nodiscard]] QString dir() const { return m_dir.path(); }
    [[nodiscard]] QString path(const QString& name) const { return m_dir.filePath(name); }
    // `qemu-img create -f vhdx -o block_size=...,log_size=1M NAME SIZE`; empty when unavailable.
    [[nodiscard]] QString createWithQemu(const QString& name, const QString& size,
                                         const QString& blockSize = QStringLiteral("1M")) const;

  private:
    QTemporaryDir m_dir;
};

} // namespace vhdx::uitest
