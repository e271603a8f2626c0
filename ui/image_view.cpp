#include "image_view.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDataStream>
#include <QFileInfo>
#include <QHeaderView>
#include <QMenu>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

#include "bat_grid_view.h"
#include "bat_map_widget.h"
#include "details_pane.h"
#include "findings_panel.h"
#include "header_comparison_dialog.h"
#include "image_session.h"
#include "structure_tree_model.h"
#include "vhdx/image.h"

namespace vhdx::ui {

ImageView::ImageView(QWidget* parent)
    : QWidget(parent), m_treeModel(new StructureTreeModel(this)), m_tree(new QTreeView(this)),
      m_details(new DetailsPane(this)), m_batMap(new BatMapWidget(this)),
      m_findings(new FindingsPanel(this)), m_tabs(new QTabWidget(this)),
      m_hSplit(new QSplitter(Qt::Horizontal, this)), m_vSplit(new QSplitter(Qt::Vertical, this)) {
    m_tree->setObjectName(QStringLiteral("structureTree"));
    m_tree->setModel(m_treeModel);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    fitStructureColumns(m_tree, 170);
    m_details->setModel(m_treeModel);

    auto* copy = new QAction(tr("&Copy"), m_tree);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, &ImageView::copySelectedRows);
    m_tree->addAction(copy);

    m_tabs->addTab(m_details, tr("Details"));
    m_tabs->addTab(m_batMap, tr("BAT map"));
    m_hSplit->addWidget(m_tree);
    m_hSplit->addWidget(m_tabs);
    m_hSplit->setStretchFactor(0, 1);
    m_hSplit->setStretchFactor(1, 1);
    m_hSplit->setSizes({700, 800});
    m_vSplit->addWidget(m_hSplit);
    m_vSplit->addWidget(m_findings);
    m_vSplit->setStretchFactor(0, 4);
    m_vSplit->setStretchFactor(1, 1);
    m_vSplit->setSizes({740, 160});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_vSplit);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { m_details->showIndex(current); });
    connect(m_details, &DetailsPane::nodeActivated, this, &ImageView::selectIndex);
    connect(m_findings, &FindingsPanel::findingActivated, this, &ImageView::selectFinding);
    connect(m_tree, &QTreeView::customContextMenuRequested, this, &ImageView::showTreeMenu);
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
    if (m_comparison)
        m_comparison->hide();
    m_session = std::move(session);
    if (!m_session)
        return;
    const Image& img = m_session->image();
    m_treeModel->setDocument(m_session->document());
    m_details->setImage(&img);
    m_batMap->setImage(&img);
    m_findings->setFindings(m_session->findings(), &img.metadata());
    connect(m_session.get(), &ImageSession::scanProgress, this, &ImageView::scanProgress);
    connect(m_session.get(), &ImageSession::scanFinished, this, &ImageView::onScanFinished);
    const int current = img.headers().current;
    selectStructure(current ? ref::header(current) : ref::file());
    m_findings->setNote(img.batReader() ? tr("BAT scan running: findings of the structures so far.")
                                        : QString());
    // Started from the event loop, after the window and tree had their first paint: on a
    // busy 2-core machine the scan thread would otherwise compete with that paint.
    QMetaObject::invokeMethod(m_session.get(), &ImageSession::startScan, Qt::QueuedConnection);
}

void ImageView::onScanFinished(bool completed) {
    // Rebuild with the scan's results, keeping what the user had open and selected.
    QStringList expanded;
    std::function<void(const QModelIndex&)> collect = [&](const QModelIndex& parent) {
        for (int r = 0; r < m_treeModel->rowCount(parent); ++r) {
            const QModelIndex i = m_treeModel->index(r, 0, parent);
            if (m_tree->isExpanded(i)) {
                expanded << m_treeModel->pathOf(i);
                collect(i);
            }
        }
    };
    collect({});
    const QString currentPath = m_treeModel->pathOf(m_tree->currentIndex());
    m_treeModel->setDocument(m_session->document());
    for (const QString& p : expanded)
        m_tree->expand(m_treeModel->indexForPath(p));
    if (!currentPath.isEmpty())
        selectIndex(m_treeModel->indexForPath(currentPath));
    m_findings->setFindings(m_session->findings(), &m_session->image().metadata());
    if (!completed && m_session->image().batReader())
        m_findings->setNote(tr("BAT scan incomplete: BAT findings may be missing."));
    else if (m_session->findings().empty())
        m_findings->setNote(tr("No findings: every structure is valid."));
    else
        m_findings->setNote({});
    const auto& scan = m_session->image().batScan();
    m_batMap->setCounts(scan && scan->completed ? &scan->counts : nullptr);
    emit scanFinished(completed);
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
        return;
    }
    const QModelIndex i = m_treeModel->indexForFinding(f);
    if (i.isValid()) {
        selectIndex(i);
        m_tabs->setCurrentWidget(m_details);
    }
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

QByteArray ImageView::saveLayout() const {
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    s << quint32(1) << m_hSplit->saveState() << m_vSplit->saveState()
      << m_details->splitter()->saveState() << m_tree->header()->saveState();
    return out;
}

void ImageView::restoreLayout(const QByteArray& state) {
    QDataStream s(state);
    quint32 version = 0;
    QByteArray h, v, d, header;
    s >> version >> h >> v >> d >> header;
    if (version != 1 || s.status() != QDataStream::Ok)
        return;
    m_hSplit->restoreState(h);
    m_vSplit->restoreState(v);
    m_details->splitter()->restoreState(d);
    m_tree->header()->restoreState(header);
}

} // namespace vhdx::ui
