#include "details_pane.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

#include "display_format.h"
#include "hex_view.h"
#include "status_style.h"
#include "structure_tree_model.h"
#include "vhdx/image.h"

namespace vhdx::ui {

namespace {
// Columns of a tree over the structure model: Value takes what is left (elided), so the
// Status column stays in sight however narrow the pane is.
void fitColumns(QTreeView* view, int nameWidth) {
    QHeaderView* h = view->header();
    h->setStretchLastSection(false);
    h->setMinimumSectionSize(40);
    h->setSectionResizeMode(QHeaderView::Interactive);
    h->setSectionResizeMode(StructureTreeModel::ValueColumn, QHeaderView::Stretch);
    view->setColumnWidth(StructureTreeModel::NameColumn, nameWidth);
    view->setColumnWidth(StructureTreeModel::OffsetColumn, 90);
    view->setColumnWidth(StructureTreeModel::SizeColumn, 80);
    view->setColumnWidth(StructureTreeModel::StatusColumn, 80);
}

QString rangesText(const std::vector<ByteRange>& ranges) {
    QStringList parts;
    uint64_t total = 0;
    for (const ByteRange& r : ranges) {
        parts << QStringLiteral("%1–%2").arg(formatOffset(r.offset),
                                             formatOffset(r.offset + r.length - 1));
        total += r.length;
    }
    return QObject::tr("Bytes %1 (%2)").arg(parts.join(QObject::tr(" and ")), formatSize(total));
}
} // namespace

void fitStructureColumns(QTreeView* view, int nameWidth) {
    fitColumns(view, nameWidth);
}

DetailsPane::DetailsPane(QWidget* parent)
    : QWidget(parent), m_title(new QLabel(this)), m_reason(new QLabel(this)),
      m_fields(new QTreeView(this)), m_bytesInfo(new QLabel(this)), m_hex(new HexView(this)),
      m_splitter(new QSplitter(Qt::Vertical, this)) {
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setTextFormat(Qt::PlainText);
    m_reason->setWordWrap(true);
    m_reason->setTextFormat(Qt::PlainText);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fields->setUniformRowHeights(true);
    m_fields->setAlternatingRowColors(true);
    m_fields->setRootIsDecorated(true);
    m_fields->setObjectName(QStringLiteral("detailsFields"));
    m_hex->setObjectName(QStringLiteral("detailsHex"));

    auto* bytesBox = new QWidget(this);
    auto* bytesLayout = new QVBoxLayout(bytesBox);
    bytesLayout->setContentsMargins(0, 0, 0, 0);
    bytesLayout->addWidget(m_bytesInfo);
    bytesLayout->addWidget(m_hex);
    m_splitter->addWidget(m_fields);
    m_splitter->addWidget(bytesBox);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setObjectName(QStringLiteral("detailsSplitter"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_reason);
    layout->addWidget(m_splitter, 1);

    connect(m_fields, &QTreeView::clicked, this,
            [this](const QModelIndex& i) { emit nodeActivated(i.siblingAtColumn(0)); });
    connect(m_hex, &HexView::byteClicked, this, &DetailsPane::onByteClicked);
    showIndex({});
}

void DetailsPane::setModel(StructureTreeModel* model) {
    m_model = model;
    m_fields->setModel(model);
    fitColumns(m_fields, 170);
    connect(model, &QAbstractItemModel::modelReset, this, [this] { showIndex({}); });
}

void DetailsPane::setImage(const Image* image) {
    m_image = image;
    m_hex->setSource(image ? &image->source() : nullptr);
    showIndex({});
}

void DetailsPane::showIndex(const QModelIndex& index) {
    QModelIndex idx = index.siblingAtColumn(0);
    QModelIndex root = idx;
    if (idx.isValid() && m_model && m_model->rowCount(idx) == 0)
        root = idx.parent();
    const bool newRoot = root != m_root || !root.isValid();
    m_root = root;
    if (!m_model || !m_model->document() || (!root.isValid() && !idx.isValid())) {
        m_title->setText(tr("Select a structure"));
        m_reason->clear();
        m_reason->setVisible(false);
        m_fields->setVisible(false);
        m_hex->setHighlight({});
        m_bytesInfo->setText(tr("No bytes selected."));
        return;
    }
    m_fields->setVisible(true);
    const DocNode* rootNode = m_model->node(root);
    if (newRoot) {
        m_fields->setRootIndex(root);
        m_title->setText(root.isValid()
                             ? qs(rootNode->label) + QStringLiteral(" — ") + qs(rootNode->value)
                             : tr("Image"));
        const QString why = qs(rootNode->reason);
        m_reason->setText(
            why.isEmpty() ? QString() : statusText(rootNode->status) + QStringLiteral(": ") + why);
        m_reason->setStyleSheet(
            QStringLiteral("color: %1").arg(statusColor(rootNode->status).name()));
        m_reason->setVisible(!why.isEmpty());
    }
    if (idx != root) {
        m_fields->setCurrentIndex(idx);
        m_fields->scrollTo(idx);
        showBytes(*m_model->node(idx));
    } else {
        m_fields->clearSelection();
        showBytes(*rootNode);
    }
}

void DetailsPane::showBytes(const DocNode& node) {
    m_hex->setHighlight(node.ranges);
    if (node.ranges.empty()) {
        m_bytesInfo->setText(tr("This item has no bytes of its own in the file."));
        return;
    }
    const uint64_t fileSize = m_image ? m_image->fileSize() : 0;
    QString info = rangesText(node.ranges);
    if (node.ranges.front().offset >= fileSize)
        info += tr(", beyond the end of the file (%1)").arg(formatSize(fileSize));
    m_bytesInfo->setText(info + tr(". Click a byte to select its field."));
}

void DetailsPane::onByteClicked(quint64 fileOffset) {
    const Document* doc = m_model ? m_model->document() : nullptr;
    if (!doc)
        return;
    // The owner inside the structure shown, else anywhere in the file.
    NodeId owner = m_root.isValid() ? doc->nodeAt(fileOffset, m_model->nodeId(m_root)) : noNode;
    if (owner == noNode)
        owner = doc->nodeAt(fileOffset);
    if (owner != noNode)
        emit nodeActivated(m_model->indexOf(owner));
}

} // namespace vhdx::ui
