#pragma once
// How BAT cells are coloured, and the legend that explains it. The classes, their names and
// their counts are core's (schema/bat_states.h); only the colours are the viewer's.
// Sector-bitmap slots use their own hues and, at larger cell sizes, a centre mark.
#include <QColor>
#include <QString>
#include <QWidget>

#include <cstdint>

#include "vhdx/schema/bat_states.h"

namespace vhdx {
struct BatStateCounts;
} // namespace vhdx

namespace vhdx::ui {

[[nodiscard]] QRgb batClassColor(BatClass c);
// A cell whose entry lies beyond what the BAT region or the file holds.
[[nodiscard]] QRgb batUnreadableColor();
// The frame of an entry with a problem (beyond the end of the file, overlapping...).
[[nodiscard]] QRgb batProblemColor();

class BatLegend : public QWidget {
    Q_OBJECT
  public:
    explicit BatLegend(QWidget* parent = nullptr);
    // Counts per class from the finished scan; null shows the legend without counts.
    void setCounts(const BatStateCounts* counts);
    [[nodiscard]] QSize sizeHint() const override;
    // The count shown beside a class ("" without counts).
    [[nodiscard]] QString countText(BatClass c) const;

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    bool m_haveCounts = false;
    uint64_t m_counts[batClassCount] = {};
};

} // namespace vhdx::ui
