#include "chain_folder_window.h"

#include <QDir>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSplitter>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

#include "chain_forest_model.h"
#include "chain_reconnect.h"
#include "display_format.h"
#include "status_style.h"

namespace vhdx::ui {

ChainFolderWindow::ChainFolderWindow(const QString& folder, QWidget* parent)
    : QWidget(parent, Qt::Window), m_folder(QDir(folder).absolutePath()),
      m_model(new ChainForestModel(this)), m_title(new QLabel(this)), m_summary(new QLabel(this)),
      m_progressRow(new QWidget(this)), m_progress(new QProgressBar(m_progressRow)),
      m_splitter(new QSplitter(Qt::Vertical, this)), m_tree(new QTreeView(m_splitter)),
      m_findingsTitle(new QLabel(this)), m_findings(new QTreeWidget(this)),
      m_verdictIcon(new QLabel(this)), m_verdict(new QLabel(this)),
      m_open(new QPushButton(tr("&Open"), this)) {
    setObjectName(QStringLiteral("chainFolderWindow"));
    setWindowTitle(tr("Chains of %1 — VHDX Inspector").arg(QDir(m_folder).dirName()));
    m_title->setTextFormat(Qt::PlainText); // paths come from the file system
    m_title->setText(tr("Differencing chains of %1").arg(QDir::toNativeSeparators(m_folder)));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_summary->setText(tr("Reading the headers and metadata of every .vhdx and .avhdx below it "
                          "(no BAT scan)..."));

    m_progress->setObjectName(QStringLiteral("chainProgress"));
    m_progress->setRange(0, 0); // mapChains tells no progress: a busy bar
    m_progress->setTextVisible(false);
    auto* cancel = new QPushButton(tr("Cancel"), m_progressRow);
    cancel->setObjectName(QStringLiteral("chainCancel"));
    connect(cancel, &QPushButton::clicked, this, &QWidget::close);
    auto* progressLayout = new QHBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    progressLayout->addWidget(m_progress, 1);
    progressLayout->addWidget(cancel);

    m_tree->setObjectName(QStringLiteral("chainTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setTextElideMode(Qt::ElideMiddle);
    connect(m_tree, &QTreeView::activated, this, &ChainFolderWindow::openNode);

    auto* findingsBox = new QWidget(m_splitter);
    auto* findingsLayout = new QVBoxLayout(findingsBox);
    findingsLayout->setContentsMargins(0, 0, 0, 0);
    findingsLayout->addWidget(m_findingsTitle);
    findingsLayout->addWidget(m_findings, 1);
    m_findingsTitle->setText(tr("Findings"));
    m_findings->setObjectName(QStringLiteral("chainFindings"));
    m_findings->setRootIsDecorated(false);
    m_findings->setUniformRowHeights(true);
    m_findings->setAlternatingRowColors(true);
    m_findings->setAllColumnsShowFocus(true);
    m_findings->setHeaderLabels({tr("Severity"), tr("Code"), tr("Path"), tr("Message")});
    connect(m_findings, &QTreeWidget::itemActivated, this, &ChainFolderWindow::selectFindingNode);
    m_splitter->addWidget(m_tree);
    m_splitter->addWidget(findingsBox);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setEnabled(false);

    m_open->setObjectName(QStringLiteral("chainOpen"));
    m_open->setEnabled(false);
    m_open->setToolTip(tr("Open the selected disk in a viewer window (or double-click it)"));
    connect(m_open, &QPushButton::clicked, this, [this] { openNode(m_tree->currentIndex()); });
    auto* close = new QPushButton(tr("Close"), this);
    connect(close, &QPushButton::clicked, this, &QWidget::close);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_verdictIcon);
    bottom->addWidget(m_verdict, 1);
    bottom->addWidget(m_open);
    bottom->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_progressRow);
    layout->addWidget(m_splitter, 1);
    layout->addLayout(bottom);
    // Room for the six columns and the findings' messages; smaller screens keep a margin.
    const QSize avail = screen() ? screen()->availableSize() : QSize(1600, 1000);
    resize(std::min(1400, avail.width() * 9 / 10), std::min(760, avail.height() * 9 / 10));

    connect(&m_watcher, &QFutureWatcher<Result>::finished, this, &ChainFolderWindow::onMapped);
    // Reconnect...: for a disk whose parent is elsewhere in the folder.
    m_reconnect = new ChainReconnect(this);
    bottom->insertWidget(2, m_reconnect->button());
    startMapping();
}

void ChainFolderWindow::startMapping() {
    m_done = false;
    m_error.clear();
    m_progressRow->show();
    m_splitter->setEnabled(false);
    const std::string path = QFile::encodeName(m_folder).toStdString();
    m_watcher.setFuture(QtConcurrent::run([path] {
        Result r;
        if (auto forest = mapChains(path, r.error))
            r.forest = std::make_shared<const ChainForest>(std::move(*forest));
        return r;
    }));
}

ChainFolderWindow::~ChainFolderWindow() {
    m_watcher.disconnect(this); // the reading may still run: its result goes nowhere
}

const ChainForest* ChainFolderWindow::forest() const {
    return m_model->forest();
}

void ChainFolderWindow::onMapped() {
    const Result r = m_watcher.result();
    m_done = true;
    m_progressRow->hide();
    if (!r.forest) {
        m_error = qs(r.error);
        m_summary->setText(tr("The folder cannot be read: %1").arg(m_error));
        m_verdictIcon->setPixmap(statusIcon(NodeStatus::Error).pixmap(16, 16));
        m_verdict->setText(tr("Not mapped"));
        emit mapped();
        return;
    }
    const ChainForest& f = *r.forest;
    size_t skipped = 0, opened = 0, outside = 0;
    for (const ChainNode& n : f.nodes) {
        skipped += n.status == ChainNodeStatus::Skipped;
        (n.inFolder ? opened : outside) += 1 + (n.inFolder ? n.aliases.size() : 0);
    }
    m_summary->setText(
        tr("%1 below it (%2 opened), %3 outside it, %4 not mapped. Double-click a "
           "disk to open it.")
            .arg(f.imagesInFolder == 1 ? tr("1 image") : tr("%1 images").arg(f.imagesInFolder))
            .arg(opened)
            .arg(outside)
            .arg(skipped));
    m_model->setForest(r.forest);
    m_tree->expandAll();
    m_tree->header()->resizeSections(QHeaderView::ResizeToContents);
    m_tree->header()->resizeSection(ChainForestModel::NameColumn,
                                    std::min(m_tree->header()->sectionSize(0) + 24, 420));
    m_tree->header()->resizeSection(
        ChainForestModel::StatusColumn,
        std::min(m_tree->header()->sectionSize(ChainForestModel::StatusColumn), 420));
    if (m_model->rowCount() > 0)
        m_tree->setCurrentIndex(m_model->index(0, 0));
    showFindings(f);
    const bool errors = f.hasErrors();
    const NodeStatus verdict = errors ? NodeStatus::Error : NodeStatus::Ok;
    m_verdictIcon->setPixmap(statusIcon(verdict).pixmap(16, 16));
    QPalette pal = m_verdict->palette();
    pal.setColor(QPalette::WindowText, statusColor(verdict, pal));
    m_verdict->setPalette(pal);
    m_verdict->setText(errors ? tr("Verdict: ERRORS FOUND") : tr("Verdict: no chain problems"));
    m_splitter->setEnabled(true);
    m_open->setEnabled(m_model->rowCount() > 0);
    m_tree->setFocus();
    emit mapped();
}

void ChainFolderWindow::showFindings(const ChainForest& f) {
    const ChainFindings& fs = f.findings;
    m_findingsTitle->setText(tr("Findings (%1 errors, %2 warnings, %3 notes)")
                                 .arg(fs.count(Severity::Error))
                                 .arg(fs.count(Severity::Warning))
                                 .arg(fs.count(Severity::Info)));
    m_findings->clear();
    for (const ChainFinding& x : fs.sorted()) {
        auto* item =
            new QTreeWidgetItem(m_findings, {qs(severityName(x.severity)), qs(codeName(x.code)),
                                             qs(x.path), qs(x.message)});
        const NodeStatus status = statusOf(x.severity);
        item->setIcon(SeverityColumn, statusIcon(status));
        item->setForeground(SeverityColumn, statusColor(status));
        const QString advice = qs(codeAdvice(x.code));
        const QString tip = qs(x.message) +
                            (x.spec.empty() ? QString() : tr("\nMS-VHDX §%1").arg(qs(x.spec))) +
                            QStringLiteral("\n\n") + advice;
        for (int c = 0; c <= MessageColumn; ++c)
            item->setToolTip(c, tip);
        item->setData(SeverityColumn, AdviceRole, advice);
        item->setData(SeverityColumn, CodeRole, int(x.code));
        item->setData(SeverityColumn, SeverityRole, int(x.severity));
    }
    for (int c = SeverityColumn; c < MessageColumn; ++c)
        m_findings->resizeColumnToContents(c);
}

// A finding names its file: activating it selects that disk in the tree.
void ChainFolderWindow::selectFindingNode(QTreeWidgetItem* item) {
    const ChainForest* f = forest();
    if (!f || !item)
        return;
    const std::string path = item->text(PathColumn).toStdString();
    for (size_t i = 0; i < f->nodes.size(); ++i)
        if (f->nodes[i].displayPath == path) {
            const QModelIndex at = m_model->indexOfNode(int(i));
            if (at.isValid()) {
                m_tree->setCurrentIndex(at);
                m_tree->scrollTo(at);
            }
            return;
        }
}

bool ChainFolderWindow::openNode(const QModelIndex& index) {
    if (!index.isValid() || index.model() != m_model)
        return false;
    const QString path = index.data(ChainForestModel::PathRole).toString();
    if (path.isEmpty())
        return false;
    emit openRequested(path);
    return true;
}

QString ChainFolderWindow::verdictText() const {
    return m_verdict->text();
}

} // namespace vhdx::ui
