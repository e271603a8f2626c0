#pragma once
// The data of one payload block: double-click a BAT map cell. The block's bytes as
// the guest reads them (through the BAT, the sector bitmaps and the parent chain, after a
// pending log replay), in the hex view, with each run of sectors named by its origin: this
// file at an offset, parent N, or zeros. Open Parent opens the first ancestor in its own
// window. Read-only; closed when the window shows another image.
#include <QDialog>

#include <cstdint>
#include <memory>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace vhdx {
class Image;
class VirtualDisk;
} // namespace vhdx

namespace vhdx::ui {

class HexView;

class BlockViewDialog : public QDialog {
    Q_OBJECT
  public:
    // image must outlive the dialog.
    BlockViewDialog(const Image& image, uint64_t block, QWidget* parent = nullptr);
    ~BlockViewDialog() override;

    [[nodiscard]] HexView* hexView() const { return m_hex; }
    [[nodiscard]] QString originsText() const;
    [[nodiscard]] QPushButton* openParentButton() const { return m_openParent; }
    // "Where it comes from" for the block's sectors, one line per run (also shown).
    [[nodiscard]] QStringList originRuns() const { return m_runs; }

  signals:
    void openRequested(const QString& path);

  private:
    class BlockSource;
    std::unique_ptr<VirtualDisk> m_disk;
    std::unique_ptr<BlockSource> m_source;
    HexView* m_hex = nullptr;
    QLabel* m_title;
    QPlainTextEdit* m_origins;
    QPushButton* m_openParent;
    QStringList m_runs;
};

} // namespace vhdx::ui
