#pragma once
// The real sample images for the GUI tests, decompressed on first use into a temporary
// directory, and qemu-img images for the scale tests (empty when qemu-img is missing).
#include <QHash>
#include <QString>
#include <QTemporaryDir>

namespace vhdx::uitest {

class TestImages {
  public:
    // Checks the temporary directory; false with error set.
    bool prepare(QString* error);
    // Each real image is decompressed on first use (xfs is 644 MiB: only tests that need it
    // pay for it). Empty when decompression fails.
    [[nodiscard]] QString dynamic1G() { return real(QStringLiteral("iotest-dynamic-1G.vhdx.bz2")); }
    [[nodiscard]] QString dirtyLog() {
        return real(QStringLiteral("iotest-dirtylog-10G-4M.vhdx.bz2"));
    }
    [[nodiscard]] QString xfs() { return real(QStringLiteral("xfs.vhdx.gz")); }
    [[nodiscard]] QString btrfs() { return real(QStringLiteral("btrfs.vhdx.gz")); }
    [[nodiscard]] QString real(const QString& compressedName);
    [[nodiscard]] QString dir() const { return m_dir.path(); }
    [[nodiscard]] QString path(const QString& name) const { return m_dir.filePath(name); }
    // `qemu-img create -f vhdx -o block_size=...,log_size=1M NAME SIZE`; empty when unavailable.
    [[nodiscard]] QString createWithQemu(const QString& name, const QString& size,
                                         const QString& blockSize = QStringLiteral("1M")) const;

  private:
    QTemporaryDir m_dir;
    QHash<QString, QString> m_real;
};

} // namespace vhdx::uitest
