#include "bat_map_widget.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cstring>

#include "bat_grid_view.h"
#include "bat_legend.h"
#include "block_view_dialog.h"
#include "display_format.h"
#include "scrolling_page.h"
#include "vhdx/image.h"
#include "vhdx/replay_effects.h"

namespace vhdx::ui {

BatMapWidget::BatMapWidget(QWidget* parent)
    : QWidget(parent), m_grid(new BatGridView(this)), m_legend(new BatLegend(this)),
      m_zoom(new QSlider(Qt::Horizontal, this)), m_zoomLabel(new QLabel(this)),
      m_offset(new QLineEdit(this)), m_summary(new QLabel(this)), m_info(new QLabel(this)),
      m_problems(new QWidget(this)), m_problemKinds(new QComboBox(this)),
      m_previous(new QToolButton(this)), m_next(new QToolButton(this)),
      m_problemPosition(new QLabel(this)) {
    m_grid->setObjectName(QStringLiteral("batGrid"));
    m_zoom->setRange(BatGridView::minCellSize, BatGridView::maxCellSize);
    m_zoom->setValue(m_grid->cellSize());
    m_zoom->setMinimumWidth(60);
    m_zoom->setMaximumWidth(140);
    m_zoom->setToolTip(tr("Cell size (Ctrl+wheel over the grid)"));
    m_zoomLabel->setMinimumWidth(
        m_zoomLabel->fontMetrics().horizontalAdvance(QStringLiteral("32 px")));
    m_zoomLabel->setText(tr("%1 px").arg(m_grid->cellSize()));
    m_offset->setObjectName(QStringLiteral("batGoTo"));
    m_offset->setPlaceholderText(tr("e.g. 0x40000000 or 12G"));
    m_offset->setClearButtonEnabled(true);
    m_offset->setMinimumWidth(90);
    m_offset->setToolTip(tr("A virtual offset: bytes, hex (0x...) or a size like 12G"));
    auto* go = new QPushButton(tr("Go"), this);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setTextFormat(Qt::PlainText);
    m_info->setWordWrap(true);
    m_info->setMinimumHeight(m_info->fontMetrics().height() * 2 + 6);
    m_info->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    // Two short rows rather than one long one: the tab must not force the window wider.
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Zoom:"), this));
    bar->addWidget(m_zoom, 1);
    bar->addWidget(m_zoomLabel);
    auto* goBar = new QHBoxLayout;
    goBar->addWidget(new QLabel(tr("Go to virtual offset:"), this));
    goBar->addWidget(m_offset, 1);
    goBar->addWidget(go);
    m_summary->setWordWrap(true);

    m_problems->setObjectName(QStringLiteral("batProblems"));
    m_previous->setArrowType(Qt::LeftArrow);
    m_previous->setToolTip(tr("Previous problem entry"));
    m_next->setArrowType(Qt::RightArrow);
    m_next->setToolTip(tr("Next problem entry"));
    auto* problems = new QHBoxLayout(m_problems);
    problems->setContentsMargins(0, 0, 0, 0);
    problems->addWidget(new QLabel(tr("Problem entries:"), m_problems));
    problems->addWidget(m_problemKinds, 1);
    problems->addWidget(m_previous);
    problems->addWidget(m_next);
    problems->addWidget(m_problemPosition);
    m_problems->hide();

    auto* middle = new QHBoxLayout;
    middle->addWidget(m_grid, 1);
    middle->addWidget(m_legend);

    auto* layout = new QVBoxLayout(scrollingPage(this));
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addLayout(goBar);
    layout->addWidget(m_summary);
    layout->addWidget(m_problems);
    layout->addLayout(middle, 1);
    layout->addWidget(m_info);

    connect(m_zoom, &QSlider::valueChanged, m_grid, &BatGridView::setCellSize);
    connect(m_grid, &BatGridView::cellSizeChanged, this, [this](int px) {
        m_zoom->setValue(px);
        m_zoomLabel->setText(tr("%1 px").arg(px));
    });
    connect(m_grid, &BatGridView::currentIndexChanged, this, &BatMapWidget::showCurrent);
    connect(m_grid, &BatGridView::cellActivated, this, [this](quint64 i) { openBlock(i); });
    connect(m_offset, &QLineEdit::returnPressed, this, &BatMapWidget::goToTypedOffset);
    connect(go, &QPushButton::clicked, this, &BatMapWidget::goToTypedOffset);
    connect(m_problemKinds, &QComboBox::currentIndexChanged, this, [this] { showProblem(0); });
    connect(m_previous, &QToolButton::clicked, this, [this] { stepProblem(-1); });
    connect(m_next, &QToolButton::clicked, this, [this] { stepProblem(+1); });
    m_info->setText(tr("Hover over a cell for its details; click to select it; double-click "
                       "(or Enter) to see its block's data."));
}

BlockViewDialog* BatMapWidget::openBlock(uint64_t index) {
    if (!m_image || !m_image->batReader())
        return nullptr;
    const BatGeometry& geo = m_image->batReader()->geometry();
    if (geo.isSectorBitmapIndex(index) || geo.isPaddingIndex(index))
        return nullptr;
    if (m_blockView)
        m_blockView->close();
    m_blockView = new BlockViewDialog(*m_image, geo.blockOfPayloadIndex(index), this);
    connect(m_blockView, &BlockViewDialog::openRequested, this, &BatMapWidget::openImageRequested);
    m_blockView->show();
    return m_blockView;
}

void BatMapWidget::setImage(const Image* image) {
    if (m_blockView)
        m_blockView->close(); // it reads the image being replaced
    m_image = image;
    m_grid->setReader(image ? image->batReader() : nullptr);
    setScan(nullptr);
    m_offset->clear(); // an offset typed for the previous image means nothing here
    m_info->setText(tr("Hover over a cell for its details; click to select it."));
    if (!image || !image->batReader()) {
        m_summary->setText(image ? tr("No BAT to show: the region tables or the metadata do not "
                                      "say where it is or how large (see the Verdict).")
                                 : QString());
        return;
    }
    const BatGeometry& geo = image->batReader()->geometry();
    m_summary->setText(tr("%1 entries: %2 payload blocks of %3, %4 sector bitmaps (chunk ratio %5)")
                           .arg(formatCount(geo.totalEntries), formatCount(geo.dataBlocks),
                                formatSize(geo.blockSize), formatCount(geo.sectorBitmapBlocks))
                           .arg(geo.chunkRatio));
    // The entries the pending log replay writes: marked in the grid.
    const ReplayEffects* fx = image->replay();
    if (fx && fx->plan && image->regions().bat) {
        const uint64_t batStart = image->regions().bat->fileOffset;
        const uint64_t batEnd = batStart + image->regions().bat->length;
        std::vector<std::pair<uint64_t, uint64_t>> ranges;
        for (const ReplayWrite& w : fx->plan->writes()) {
            const uint64_t end = w.fileOffset + std::min(w.length, UINT64_MAX - w.fileOffset);
            const uint64_t from = std::max(w.fileOffset, batStart), to = std::min(end, batEnd);
            if (from < to)
                ranges.emplace_back((from - batStart) / 8, (to - 1 - batStart) / 8);
        }
        std::sort(ranges.begin(), ranges.end());
        std::vector<std::pair<uint64_t, uint64_t>> written;
        uint64_t writtenEntries = 0;
        for (const auto& r : ranges) {
            if (!written.empty() && r.first <= written.back().second + 1) {
                const uint64_t old = written.back().second;
                written.back().second = std::max(old, r.second);
                writtenEntries += written.back().second - old;
            } else {
                written.push_back(r);
                writtenEntries += r.second - r.first + 1;
            }
        }
        // Of the entries written, the ones whose value the replay changes (a written 4 KiB
        // sector holds 512 entries, most often one of them new). Bounded: past the limit, the
        // written ranges are marked.
        constexpr uint64_t maxCompared = uint64_t(1) << 22;
        std::vector<std::pair<uint64_t, uint64_t>> marks;
        bool compared = writtenEntries <= maxCompared;
        if (compared) {
            std::vector<uint8_t> before, after;
            for (const auto& [from, to] : written) {
                const uint64_t n = to - from + 1;
                before.resize(n * 8);
                after.resize(n * 8);
                if (image->source().read(batStart + from * 8, before.data(), n * 8) !=
                        ReadStatus::Ok ||
                    image->view().read(batStart + from * 8, after.data(), n * 8) !=
                        ReadStatus::Ok) {
                    compared = false; // past the stored end: mark what is written
                    break;
                }
                for (uint64_t i = 0; i < n; ++i) {
                    if (std::memcmp(&before[i * 8], &after[i * 8], 8) == 0)
                        continue;
                    if (!marks.empty() && marks.back().second + 1 == from + i)
                        ++marks.back().second;
                    else
                        marks.emplace_back(from + i, from + i);
                }
            }
        }
        if (!compared)
            marks = written;
        uint64_t marked = 0;
        for (const auto& r : marks)
            marked += r.second - r.first + 1;
        if (marked)
            m_summary->setText(m_summary->text() +
                               (compared ? tr("; %1 changed by the pending log (marked in the "
                                              "top-left corner)")
                                         : tr("; %1 written by the pending log (marked in the "
                                              "top-left corner)"))
                                   .arg(formatCount(marked)));
        m_grid->setLogChanges(std::move(marks), &image->source(), batStart);
    }
}

void BatMapWidget::setScan(const BatScanResult* scan) {
    m_scan = scan;
    m_legend->setCounts(scan ? &scan->counts : nullptr);
    m_grid->setScan(scan);
    fillProblemKinds();
}

void BatMapWidget::fillProblemKinds() {
    const QSignalBlocker block(m_problemKinds);
    m_problemKinds->clear();
    if (m_scan)
        for (size_t p = 0; p < batProblemCount; ++p)
            if (const BatProblemList& l = m_scan->problems[p]; l.count)
                m_problemKinds->addItem(tr("%1 — %2 (%3)")
                                            .arg(qs(codeName(batProblemCode(BatProblem(p)))),
                                                 qs(batProblemText(BatProblem(p))),
                                                 formatCount(l.count)),
                                        int(p));
    m_problems->setVisible(m_problemKinds->count() > 0);
    m_problemAt = 0;
    m_problemPosition->clear();
}

const BatProblemList* BatMapWidget::chosenList() const {
    if (!m_scan || m_problemKinds->currentIndex() < 0)
        return nullptr;
    return &m_scan->problems[size_t(m_problemKinds->currentData().toInt())];
}

void BatMapWidget::showProblem(size_t position) {
    const BatProblemList* l = chosenList();
    if (!l || l->listed.empty())
        return;
    m_problemAt = std::min(position, l->listed.size() - 1);
    m_grid->setCurrentIndex(l->listed[m_problemAt]);
    m_problemPosition->setText(
        l->listed.size() < l->count
            ? tr("%1 of the first %2 listed (%3 in all)")
                  .arg(formatCount(m_problemAt + 1), formatCount(l->listed.size()),
                       formatCount(l->count))
            : tr("%1 of %2").arg(formatCount(m_problemAt + 1), formatCount(l->count)));
    m_previous->setEnabled(m_problemAt > 0);
    m_next->setEnabled(m_problemAt + 1 < l->listed.size());
}

void BatMapWidget::stepProblem(int direction) {
    if (direction < 0 && m_problemAt == 0)
        return;
    showProblem(direction < 0 ? m_problemAt - 1 : m_problemAt + 1);
}

bool BatMapWidget::showFirstProblem(std::optional<FindingCode> code) {
    if (m_problemKinds->count() == 0)
        return false;
    int choose = 0;
    if (code)
        for (int i = 0; i < m_problemKinds->count(); ++i)
            if (batProblemCode(BatProblem(m_problemKinds->itemData(i).toInt())) == *code) {
                choose = i;
                break;
            }
    const QSignalBlocker block(m_problemKinds);
    m_problemKinds->setCurrentIndex(choose);
    showProblem(0);
    return true;
}

void BatMapWidget::showProblemsOf(FindingCode code, uint64_t index) {
    for (int i = 0; i < m_problemKinds->count(); ++i) {
        const auto p = BatProblem(m_problemKinds->itemData(i).toInt());
        const std::vector<uint64_t>& listed = m_scan->problems[size_t(p)].listed;
        const auto it = std::lower_bound(listed.begin(), listed.end(), index);
        if (batProblemCode(p) != code || it == listed.end() || *it != index)
            continue;
        const QSignalBlocker block(m_problemKinds);
        m_problemKinds->setCurrentIndex(i);
        showProblem(size_t(it - listed.begin()));
        return;
    }
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
