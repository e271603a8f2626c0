#include "image_view.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDataStream>
#include <QFileInfo>
#include <QHeaderView>
#include <QMenu>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

#include "bat_grid_view.h"
#include "bat_map_widget.h"
#include "details_pane.h"
#include "findings_panel.h"
#include "header_comparison_dialog.h"
#include "hex_view.h"
#include "image_session.h"
#include "structure_tree_model.h"
#include "verdict_page.h"
#include "vhdx/image.h"

namespace vhdx::ui {

ImageView::ImageView(QWidget* parent)
    : QWidget(parent), m_treeModel(new StructureTreeModel(this)), m_tree(new QTreeView(this)),
      m_verdict(new VerdictPage(this)), m_details(new DetailsPane(this)),
      m_batMap(new BatMapWidget(this)), m_findings(new FindingsPanel(this)),
      m_tabs(new QTabWidget(this)), m_hSplit(new QSplitter(Qt::Horizontal, this)),
      m_vSplit(new QSplitter(Qt::Vertical, this)) {
    m_tree->setObjectName(QStringLiteral("structureTree"));
    m_tree->setModel(m_treeModel);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    fitStructureColumns(m_tree);
    m_details->setModel(m_treeModel);

    auto* copy = new QAction(tr("&Copy"), m_tree);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, &ImageView::copySelectedRows);
    m_tree->addAction(copy);

    m_tabs->setObjectName(QStringLiteral("imageTabs"));
    m_tabs->addTab(m_verdict, tr("Verdict"));
    m_tabs->addTab(m_details, tr("Details"));
    m_tabs->addTab(m_batMap, tr("BAT map"));
    m_hSplit->addWidget(m_tree);
    m_hSplit->addWidget(m_tabs);
    m_hSplit->setChildrenCollapsible(false);
    m_hSplit->setStretchFactor(0, 2);
    m_hSplit->setStretchFactor(1, 3);
    m_vSplit->addWidget(m_hSplit);
    m_vSplit->addWidget(m_findings);
    m_vSplit->setChildrenCollapsible(false);
    m_vSplit->setStretchFactor(0, 3);
    m_vSplit->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_vSplit);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { m_details->showIndex(current); });
    connect(m_details, &DetailsPane::nodeActivated, this, &ImageView::selectIndex);
    connect(m_details, &DetailsPane::batEntryActivated, this,
            [this](quint64 index) { m_batMap->grid()->setCurrentIndex(index); });
    connect(m_batMap->grid(), &BatGridView::currentIndexChanged, m_details,
            &DetailsPane::showBatEntry);
    connect(m_findings, &FindingsPanel::findingActivated, this, &ImageView::selectFinding);
    connect(m_verdict, &VerdictPage::actionRequested, this, &ImageView::onVerdictAction);
    connect(m_verdict, &VerdictPage::structureRequested, this,
            [this](const StructureRef& where, FindingCode cause) {
                if (!m_session)
                    return;
                for (const Finding& f : m_session->findings())
                    if (f.code == cause && f.where == where)
                        return selectFinding(f);
                selectStructure(where);
            });
    connect(m_tree, &QTreeView::customContextMenuRequested, this, &ImageView::showTreeMenu);
    // Names in full as nodes open ("Flushed file offset" three levels down): the Name
    // column grows to fit, never shrinks under the user's hand, and leaves Value some room.
    connect(m_tree, &QTreeView::expanded, this, [this] {
        const int before = m_tree->columnWidth(StructureTreeModel::NameColumn);
        m_tree->resizeColumnToContents(StructureTreeModel::NameColumn);
        const int want = m_tree->columnWidth(StructureTreeModel::NameColumn);
        const int most = std::max(before, m_tree->viewport()->width() / 2);
        m_tree->setColumnWidth(StructureTreeModel::NameColumn, std::clamp(want, before, most));
    });
    connect(m_tree, &QTreeView::doubleClicked, this, [this](const QModelIndex& i) {
        if (i.data(StructureTreeModel::NodeKindRole).toInt() == int(NodeKind::Header))
            showHeaderComparison();
        else if (i.data(StructureTreeModel::NodeKindRole).toInt() == int(NodeKind::Bat))
            m_tabs->setCurrentWidget(m_batMap);
    });
}

ImageView::~ImageView() = default;

const Image* ImageView::image() const {
    return m_session ? &m_session->image() : nullptr;
}

void ImageView::setSession(std::unique_ptr<ImageSession> session) {
    // Views first, then the old session (its image backs them).
    m_details->setImage(nullptr);
    m_batMap->setImage(nullptr);
    m_treeModel->setDocument(nullptr);
    m_findings->setFindings({});
    m_verdict->setVerdict(nullptr);
    if (m_comparison)
        m_comparison->hide();
    m_session = std::move(session);
    if (!m_session)
        return;
    const Image& img = m_session->image();
    m_treeModel->setDocument(m_session->document());
    m_details->setImage(&img);
    m_batMap->setImage(&img);
    m_findings->setFindings(m_session->orderedFindings(), &img.metadata());
    updateVerdict();
    connect(m_session.get(), &ImageSession::scanProgress, this, &ImageView::scanProgress);
    connect(m_session.get(), &ImageSession::scanFinished, this, &ImageView::onScanFinished);
    // The answer first: the verdict page, with the first problem selected in the tree and
    // the findings.
    m_tabs->setCurrentWidget(m_verdict);
    selectFirstProblem();
    m_findings->setNote(img.batReader() ? tr("BAT scan running: findings of the structures so far.")
                                        : QString());
    // Started from the event loop, after the window and tree had their first paint: on a
    // busy 2-core machine the scan thread would otherwise compete with that paint.
    QMetaObject::invokeMethod(m_session.get(), &ImageSession::startScan, Qt::QueuedConnection);
}

void ImageView::updateVerdict() {
    m_verdict->setVerdict(m_session ? &m_session->verdict() : nullptr,
                          m_session && !m_session->scanDone());
}

void ImageView::selectFirstProblem() {
    const Verdict& v = m_session->verdict();
    if (!v.groups.empty() && v.groups.front().severity >= Severity::Warning) {
        const Finding& f = m_session->findings()[v.groups.front().findings.front()];
        selectIndex(m_treeModel->indexForFinding(f));
        m_findings->selectRow(0); // the findings are in the verdict's order
    } else {
        const int current = m_session->image().headers().current;
        selectIndex(m_treeModel->indexFor(current ? ref::header(current) : ref::file()));
    }
    m_autoPath = m_treeModel->pathOf(m_tree->currentIndex());
}

void ImageView::onScanFinished(bool completed) {
    // Rebuild with the scan's results, keeping what the user had open and selected; a
    // selection the user did not change follows the verdict's first problem.
    const ViewState state = saveViewState();
    const bool autoSelected = state.current == m_autoPath;
    m_treeModel->setDocument(m_session->document());
    m_findings->setFindings(m_session->orderedFindings(), &m_session->image().metadata());
    for (const QString& p : state.expanded)
        m_tree->expand(m_treeModel->indexForPath(p));
    if (!state.current.isEmpty())
        selectIndex(m_treeModel->indexForPath(state.current));
    if (autoSelected && m_tabs->currentWidget() == m_verdict)
        selectFirstProblem();
    if (!completed && m_session->image().batReader())
        m_findings->setNote(tr("BAT scan incomplete: BAT findings may be missing."));
    else if (m_session->findings().empty())
        m_findings->setNote(tr("No findings: every structure is valid."));
    else
        m_findings->setNote({});
    const auto& scan = m_session->image().batScan();
    m_batMap->setScan(scan && scan->completed ? &*scan : nullptr);
    updateVerdict();
    emit scanFinished(completed);
}

void ImageView::onVerdictAction(StepAction action) {
    switch (action) {
    case StepAction::CompareHeaders:
        showHeaderComparison();
        return;
    case StepAction::ShowBatProblems:
        showBatProblems();
        return;
    default:
        emit actionRequested(action); // the window's: Update Headers, Reload
    }
}

void ImageView::selectIndex(const QModelIndex& index) {
    if (!index.isValid())
        return;
    const QModelIndex i = index.siblingAtColumn(0);
    m_tree->scrollTo(i);
    m_tree->selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect |
                                                     QItemSelectionModel::Rows);
    m_details->showIndex(i);
}

void ImageView::selectStructure(const StructureRef& r) {
    const QModelIndex i = m_treeModel->indexFor(r);
    if (i.isValid()) {
        selectIndex(i);
        m_tabs->setCurrentWidget(m_details);
    }
    if (r.part == Part::BatEntry) {
        m_batMap->grid()->setCurrentIndex(r.index);
        m_tabs->setCurrentWidget(m_batMap);
    }
}

void ImageView::selectFinding(const Finding& f) {
    if (f.where.part == Part::BatEntry) {
        selectStructure(f.where);
        m_batMap->showProblemsOf(f.code, f.where.index);
        return;
    }
    const QModelIndex i = m_treeModel->indexForFinding(f);
    if (i.isValid()) {
        selectIndex(i);
        m_tabs->setCurrentWidget(m_details);
    }
}

void ImageView::showBatProblems(std::optional<FindingCode> code) {
    m_tabs->setCurrentWidget(m_batMap);
    m_batMap->showFirstProblem(code);
}

void ImageView::showHeaderComparison() {
    if (!m_session)
        return;
    if (!m_comparison)
        m_comparison = new HeaderComparisonDialog(this);
    m_comparison->setHeaders(m_session->image().headers(), QFileInfo(m_session->path()).fileName());
    m_comparison->show();
    m_comparison->raise();
    m_comparison->activateWindow();
}

void ImageView::copySelectedRows() {
    QModelIndexList rows = m_tree->selectionModel()->selectedRows(0);
    std::sort(rows.begin(), rows.end(), [this](const QModelIndex& a, const QModelIndex& b) {
        return m_tree->visualRect(a).top() < m_tree->visualRect(b).top();
    });
    if (rows.isEmpty() && m_tree->currentIndex().isValid())
        rows << m_tree->currentIndex().siblingAtColumn(0);
    QApplication::clipboard()->setText(m_treeModel->rowsAsText(rows));
}

ViewState ImageView::saveViewState() const {
    ViewState s;
    std::function<void(const QModelIndex&)> collect = [&](const QModelIndex& parent) {
        for (int r = 0; r < m_treeModel->rowCount(parent); ++r) {
            const QModelIndex i = m_treeModel->index(r, 0, parent);
            if (m_tree->isExpanded(i)) {
                s.expanded << m_treeModel->pathOf(i);
                collect(i);
            }
        }
    };
    collect({});
    s.current = m_treeModel->pathOf(m_tree->currentIndex());
    s.tab = m_tabs->currentIndex();
    s.batFirstRow = m_batMap->grid()->firstVisibleRow();
    s.batCurrent = m_batMap->grid()->currentIndex();
    s.batCellSize = m_batMap->grid()->cellSize();
    s.hexTopRow = m_details->hexView()->firstVisibleRow();
    return s;
}

void ImageView::restoreViewState(const ViewState& s) {
    for (const QString& p : s.expanded)
        m_tree->expand(m_treeModel->indexForPath(p));
    if (const QModelIndex i = m_treeModel->indexForPath(s.current); i.isValid())
        selectIndex(i);
    BatGridView* grid = m_batMap->grid();
    if (s.batCellSize)
        grid->setCellSize(s.batCellSize);
    if (s.batCurrent)
        grid->setCurrentIndex(*s.batCurrent);
    if (s.batFirstRow >= 0)
        grid->verticalScrollBar()->setValue(int(s.batFirstRow));
    m_details->hexView()->scrollToRow(s.hexTopRow);
    if (s.tab >= 0)
        m_tabs->setCurrentIndex(s.tab);
}

void ImageView::showTreeMenu(const QPoint& pos) {
    const QModelIndex i = m_tree->indexAt(pos);
    QMenu menu(this);
    menu.addAction(tr("Copy"), this, &ImageView::copySelectedRows);
    if (i.data(StructureTreeModel::NodeKindRole).toInt() == int(NodeKind::Header))
        menu.addAction(tr("Compare headers"), this, &ImageView::showHeaderComparison);
    if (i.data(StructureTreeModel::NodeKindRole).toInt() == int(NodeKind::Bat))
        menu.addAction(tr("Show BAT map"), this, [this] { m_tabs->setCurrentWidget(m_batMap); });
    menu.addAction(tr("Expand all"), m_tree, &QTreeView::expandAll);
    menu.addAction(tr("Collapse all"), m_tree, &QTreeView::collapseAll);
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

void ImageView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!m_splittersFitted)
        fitSplitters();
}

// A first layout for the window's size: the tree wide enough for its columns, the findings
// tall enough for a few rows. A saved layout that would squeeze either is not taken.
void ImageView::fitSplitters() {
    m_splittersFitted = true;
    const int w = std::max(m_hSplit->width() - m_hSplit->handleWidth(), 600);
    const int h = std::max(m_vSplit->height() - m_vSplit->handleWidth(), 300);
    const QList<int> hs = m_hSplit->sizes();
    const bool hOk = m_layoutRestored && hs.size() == 2 && hs[0] >= m_tree->minimumWidth() &&
                     hs[1] >= m_tabs->minimumSizeHint().width();
    if (!hOk) {
        // The tree as wide as its columns need with room for values, at most half the width
        // unless its columns need more, and never squeezing the tabs below their minimum.
        const int need = structureColumnsWidth(m_tree);
        int tree = std::min(need + 160, std::max(need, w / 2));
        tree = std::max(std::min(tree, w - m_tabs->minimumSizeHint().width()), w * 3 / 10);
        m_hSplit->setSizes({tree, w - tree});
    }
    const QList<int> vs = m_vSplit->sizes();
    const int findingsMin = m_findings->minimumSizeHint().height();
    if (!m_layoutRestored || vs.size() != 2 || vs[1] < findingsMin) {
        const int findings = std::max(findingsMin, h / 4);
        m_vSplit->setSizes({h - findings, findings});
    }
}

QByteArray ImageView::saveLayout() const {
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    s << quint32(2) << m_hSplit->saveState() << m_vSplit->saveState()
      << m_details->splitter()->saveState() << m_tree->header()->saveState();
    return out;
}

void ImageView::restoreLayout(const QByteArray& state) {
    QDataStream s(state);
    quint32 version = 0;
    QByteArray h, v, d, header;
    s >> version >> h >> v >> d >> header;
    if (version != 2 || s.status() != QDataStream::Ok)
        return; // version 1 kept column widths that hid the Status column at 1024 px
    m_hSplit->restoreState(h);
    m_vSplit->restoreState(v);
    m_details->splitter()->restoreState(d);
    m_tree->header()->restoreState(header);
    fitStructureColumns(m_tree, false);
    m_layoutRestored = true;
}

} // namespace vhdx::ui
