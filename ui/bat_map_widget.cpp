#include "bat_map_widget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include "bat_grid_view.h"
#include "bat_legend.h"
#include "display_format.h"
#include "vhdx/image.h"

namespace vhdx::ui {

BatMapWidget::BatMapWidget(QWidget* parent)
    : QWidget(parent), m_grid(new BatGridView(this)), m_legend(new BatLegend(this)),
      m_zoom(new QSlider(Qt::Horizontal, this)), m_zoomLabel(new QLabel(this)),
      m_offset(new QLineEdit(this)), m_summary(new QLabel(this)), m_info(new QLabel(this)) {
    m_grid->setObjectName(QStringLiteral("batGrid"));
    m_zoom->setRange(BatGridView::minCellSize, BatGridView::maxCellSize);
    m_zoom->setValue(m_grid->cellSize());
    m_zoom->setFixedWidth(140);
    m_zoom->setToolTip(tr("Cell size (Ctrl+wheel over the grid)"));
    m_zoomLabel->setMinimumWidth(
        m_zoomLabel->fontMetrics().horizontalAdvance(QStringLiteral("32 px")));
    m_zoomLabel->setText(tr("%1 px").arg(m_grid->cellSize()));
    m_offset->setPlaceholderText(tr("e.g. 0x40000000 or 12G"));
    m_offset->setClearButtonEnabled(true);
    m_offset->setMinimumWidth(
        m_offset->fontMetrics().horizontalAdvance(m_offset->placeholderText()) + 40);
    auto* go = new QPushButton(tr("Go"), this);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setWordWrap(true);
    m_info->setMinimumHeight(m_info->fontMetrics().height() * 2 + 6);
    m_info->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Zoom:"), this));
    bar->addWidget(m_zoom);
    bar->addWidget(m_zoomLabel);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Go to virtual offset:"), this));
    bar->addWidget(m_offset);
    bar->addWidget(go);
    bar->addStretch(1);
    m_summary->setWordWrap(true);

    auto* middle = new QHBoxLayout;
    middle->addWidget(m_grid, 1);
    middle->addWidget(m_legend);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_summary);
    layout->addLayout(middle, 1);
    layout->addWidget(m_info);

    connect(m_zoom, &QSlider::valueChanged, m_grid, &BatGridView::setCellSize);
    connect(m_grid, &BatGridView::cellSizeChanged, this, [this](int px) {
        m_zoom->setValue(px);
        m_zoomLabel->setText(tr("%1 px").arg(px));
    });
    connect(m_grid, &BatGridView::currentIndexChanged, this, &BatMapWidget::showCurrent);
    connect(m_offset, &QLineEdit::returnPressed, this, &BatMapWidget::goToTypedOffset);
    connect(go, &QPushButton::clicked, this, &BatMapWidget::goToTypedOffset);
    m_info->setText(tr("Hover over a cell for its details; click to select it."));
}

void BatMapWidget::setImage(const Image* image) {
    m_grid->setReader(image ? image->batReader() : nullptr);
    m_legend->setCounts(nullptr);
    if (!image || !image->batReader()) {
        m_summary->setText(tr("No BAT: its region or the geometry in the metadata is missing."));
        return;
    }
    const BatGeometry& geo = image->batReader()->geometry();
    m_summary->setText(tr("%1 entries: %2 payload blocks of %3, %4 sector bitmaps (chunk ratio %5)")
                           .arg(formatCount(geo.totalEntries), formatCount(geo.dataBlocks),
                                formatSize(geo.blockSize), formatCount(geo.sectorBitmapBlocks))
                           .arg(geo.chunkRatio));
    m_info->setText(tr("Hover over a cell for its details; click to select it."));
}

void BatMapWidget::setCounts(const BatStateCounts* counts) {
    m_legend->setCounts(counts);
}

bool BatMapWidget::goToTypedOffset() {
    const auto offset = parseSize(m_offset->text());
    if (!offset) {
        m_info->setText(tr("\"%1\" is not an offset. Use bytes, hex (0x...) or a size like 12G.")
                            .arg(m_offset->text()));
        return false;
    }
    if (!m_grid->goToVirtualOffset(*offset)) {
        m_info->setText(
            tr("Virtual offset %1 lies outside the virtual disk.").arg(formatOffset(*offset)));
        return false;
    }
    return true;
}

void BatMapWidget::showCurrent(quint64 index) {
    m_info->setText(m_grid->describe(index).replace(QLatin1Char('\n'), QStringLiteral(" · ")));
}

} // namespace vhdx::ui
