#pragma once
// How BAT cells are classified and coloured, and the legend that explains it. Sector-bitmap
// slots use their own hues and, at larger cell sizes, a centre mark.
#include <QColor>
#include <QString>
#include <QWidget>

#include <cstdint>

namespace vhdx {
struct BatEntry;
struct BatStateCounts;
} // namespace vhdx

namespace vhdx::ui {

enum class BatCellClass : uint8_t {
    PayloadNotPresent,
    PayloadUndefined,
    PayloadZero,
    PayloadUnmapped,
    PayloadFullyPresent,
    PayloadPartiallyPresent,
    PayloadInvalid,
    BitmapNotPresent,
    BitmapPresent,
    BitmapInvalid,
    Unreadable, // beyond what the BAT region or the file holds
    Count
};

[[nodiscard]] BatCellClass classifyBatEntry(const BatEntry& entry, bool sectorBitmapSlot,
                                            bool hasParent);
[[nodiscard]] QRgb batCellColor(BatCellClass c);
[[nodiscard]] QString batCellName(BatCellClass c);
[[nodiscard]] inline bool isBitmapClass(BatCellClass c) {
    return c == BatCellClass::BitmapNotPresent || c == BatCellClass::BitmapPresent ||
           c == BatCellClass::BitmapInvalid;
}

class BatLegend : public QWidget {
    Q_OBJECT
  public:
    explicit BatLegend(QWidget* parent = nullptr);
    // Counts per class from the finished scan; null shows the legend without counts.
    void setCounts(const BatStateCounts* counts);
    [[nodiscard]] QSize sizeHint() const override;

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    [[nodiscard]] QString countText(BatCellClass c) const;
    bool m_haveCounts = false;
    uint64_t m_counts[size_t(BatCellClass::Count)] = {};
};

} // namespace vhdx::ui
