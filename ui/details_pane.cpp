#include "details_pane.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

#include "display_format.h"
#include "hex_view.h"
#include "structure_tree_model.h"
#include "vhdx/image.h"

namespace vhdx::ui {

DetailsPane::DetailsPane(QWidget* parent)
    : QWidget(parent), m_title(new QLabel(this)), m_reason(new QLabel(this)),
      m_fields(new QTreeView(this)), m_bytesInfo(new QLabel(this)), m_hex(new HexView(this)),
      m_splitter(new QSplitter(Qt::Vertical, this)) {
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_reason->setWordWrap(true);
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
    StructureTreeModel::fitColumns(m_fields, 170);
    connect(model, &QAbstractItemModel::modelReset, this, [this] { showIndex({}); });
}

void DetailsPane::setImage(const Image* image) {
    m_image = image;
    showIndex({});
}

void DetailsPane::showIndex(const QModelIndex& index) {
    QModelIndex idx = index.siblingAtColumn(0);
    QModelIndex root = idx;
    if (idx.isValid() && m_model && m_model->rowCount(idx) == 0)
        root = idx.parent();
    const bool newRoot = root != m_root || !root.isValid();
    m_root = root;
    if (!m_model || (!root.isValid() && !idx.isValid())) {
        m_title->setText(tr("Select a structure"));
        m_reason->clear();
        m_fields->setVisible(false);
        m_hex->setBytes({}, 0);
        m_bytesInfo->setText(tr("No bytes selected."));
        return;
    }
    m_fields->setVisible(true);
    const StructureNode* rootNode = m_model->node(root);
    if (newRoot) {
        m_fields->setRootIndex(root);
        m_title->setText(root.isValid() ? rootNode->name + QStringLiteral(" — ") + rootNode->value
                                        : tr("Image"));
        const QString why = rootNode->reason;
        m_reason->setText(
            why.isEmpty() ? QString() : statusText(rootNode->status) + QStringLiteral(": ") + why);
        m_reason->setStyleSheet(
            QStringLiteral("color: %1").arg(statusColor(rootNode->status).name()));
        m_reason->setVisible(!why.isEmpty());
        loadBytes();
    }
    const StructureNode* sel = m_model->node(idx);
    if (idx != root) {
        m_fields->setCurrentIndex(idx);
        m_fields->scrollTo(idx);
        m_hex->setHighlight(sel->offset.value_or(0), sel->offset ? sel->size : 0);
    } else {
        m_fields->clearSelection();
        m_hex->setHighlight(0, 0);
    }
}

void DetailsPane::loadBytes() {
    const StructureNode* n = m_model->node(m_root);
    if (!m_image || !m_root.isValid() || !n->offset || n->size == 0) {
        m_hex->setBytes({}, 0);
        m_bytesInfo->setText(tr("This item has no bytes of its own in the file."));
        return;
    }
    const uint64_t fileSize = m_image->fileSize();
    const uint64_t start = *n->offset;
    if (start >= fileSize) {
        m_hex->setBytes({}, start);
        m_bytesInfo->setText(tr("Offset %1 lies beyond the end of the file (%2).")
                                 .arg(formatOffset(start), formatSize(fileSize)));
        return;
    }
    const uint64_t len = std::min({n->size, maxShownBytes, fileSize - start});
    QByteArray bytes(qsizetype(len), Qt::Uninitialized);
    if (m_image->source().read(start, bytes.data(), size_t(len)) != ReadStatus::Ok) {
        m_hex->setBytes({}, start);
        m_bytesInfo->setText(
            tr("Reading %1 bytes at %2 failed.").arg(len).arg(formatOffset(start)));
        return;
    }
    m_hex->setBytes(bytes, start);
    QString info =
        tr("Bytes %1–%2 (%3)")
            .arg(formatOffset(start), formatOffset(start + n->size - 1), formatSize(n->size));
    if (len < n->size)
        info += tr(", showing the first %1").arg(formatSize(len));
    m_bytesInfo->setText(info + tr(". Click a byte to select its field."));
}

void DetailsPane::onByteClicked(quint64 fileOffset) {
    if (!m_model || !m_root.isValid())
        return;
    const StructureNode* owner = m_model->node(m_root)->ownerOf(fileOffset);
    if (owner)
        emit nodeActivated(m_model->indexOf(owner));
}

} // namespace vhdx::ui
