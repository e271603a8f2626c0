#include "details_pane.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QStyle>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

#include "data_inspector.h"
#include "display_format.h"
#include "hex_view.h"
#include "scrolling_page.h"
#include "status_style.h"
#include "structure_tree_model.h"
#include "vhdx/image.h"
#include "vhdx/replay_effects.h"

namespace vhdx::ui {

namespace {

QString rangesText(const std::vector<ByteRange>& ranges) {
    QStringList parts;
    uint64_t total = 0;
    for (const ByteRange& r : ranges) {
        parts << formatRange(r.offset, r.length);
        total += r.length;
    }
    if (parts.size() == 1)
        return QObject::tr("Bytes %1").arg(parts.front());
    return QObject::tr("Bytes %1, %2 in all")
        .arg(parts.join(QObject::tr(" and ")), formatBytes(total));
}

QLabel* wrapped(QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

} // namespace

void fitStructureColumns(QTreeView* view, bool resetWidths) {
    QHeaderView* h = view->header();
    const QFontMetrics fm(view->font());
    const int pad = fm.horizontalAdvance(QStringLiteral("MMM"));
    h->setStretchLastSection(false);
    h->setMinimumSectionSize(40);
    h->setSectionResizeMode(QHeaderView::Interactive);
    h->setSectionResizeMode(StructureTreeModel::ValueColumn, QHeaderView::Stretch);
    // The status right after the name: the column people scan stays in sight first.
    if (h->visualIndex(StructureTreeModel::StatusColumn) != 1)
        h->moveSection(h->visualIndex(StructureTreeModel::StatusColumn), 1);
    if (resetWidths)
        view->setColumnWidth(StructureTreeModel::NameColumn,
                             fm.horizontalAdvance(QStringLiteral("Region table 1")) +
                                 view->indentation() + pad);
    view->setColumnWidth(StructureTreeModel::OffsetColumn,
                         fm.horizontalAdvance(QStringLiteral("0x100000000")) + pad / 2);
    view->setColumnWidth(StructureTreeModel::SizeColumn,
                         fm.horizontalAdvance(QStringLiteral("1,023 bytes")) + pad / 2);
    view->setColumnWidth(StructureTreeModel::StatusColumn,
                         std::max(fm.horizontalAdvance(QStringLiteral("warning")),
                                  fm.horizontalAdvance(QStringLiteral("ok (log)"))) +
                             fm.height() + pad / 2);
    view->setMinimumWidth(view->columnWidth(StructureTreeModel::NameColumn) +
                          view->columnWidth(StructureTreeModel::StatusColumn) +
                          h->minimumSectionSize() + 2 * view->frameWidth());
}

int structureColumnsWidth(const QTreeView* view) {
    int w = view->header()->minimumSectionSize() + 2 * view->frameWidth() +
            view->style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    for (int c = 0; c < StructureTreeModel::ColumnCount; ++c)
        if (c != StructureTreeModel::ValueColumn)
            w += view->columnWidth(c);
    return w;
}

DetailsPane::DetailsPane(QWidget* parent)
    : QWidget(parent), m_title(wrapped(this)), m_reason(wrapped(this)),
      m_fields(new QTreeView(this)), m_bytesInfo(wrapped(this)), m_goTo(new QLineEdit(this)),
      m_selectionInfo(wrapped(this)), m_hex(new HexView(this)),
      m_inspector(new DataInspector(this)), m_hexSplit(new QSplitter(Qt::Horizontal, this)),
      m_splitter(new QSplitter(Qt::Vertical, this)) {
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_fields->setUniformRowHeights(true);
    m_fields->setAlternatingRowColors(true);
    m_fields->setRootIsDecorated(true);
    m_fields->setObjectName(QStringLiteral("detailsFields"));
    m_hex->setObjectName(QStringLiteral("detailsHex"));
    m_goTo->setObjectName(QStringLiteral("hexGoTo"));
    m_goTo->setPlaceholderText(tr("Go to offset (Ctrl+G), e.g. 0x20000"));
    m_goTo->setClearButtonEnabled(true);
    m_goTo->setMaximumWidth(m_goTo->fontMetrics().horizontalAdvance(m_goTo->placeholderText()) +
                            40);

    auto* bytesBox = new QWidget(this);
    auto* bytesLayout = new QVBoxLayout(bytesBox);
    bytesLayout->setContentsMargins(0, 0, 0, 0);
    bytesLayout->setSpacing(2);
    bytesLayout->addWidget(m_bytesInfo);
    auto* row = new QHBoxLayout;
    row->addWidget(m_goTo, 1);
    row->addWidget(m_selectionInfo, 1);
    bytesLayout->addLayout(row);
    // The inspector beside the bytes when there is room for both, else under them
    // (resizeEvent): the hex view needs its width more than the pane's height.
    m_hexSplit->setObjectName(QStringLiteral("hexSplitter"));
    m_hexSplit->addWidget(m_hex);
    m_hexSplit->addWidget(m_inspector);
    m_hexSplit->setStretchFactor(0, 3);
    m_hexSplit->setStretchFactor(1, 1);
    m_hexSplit->setChildrenCollapsible(false);
    bytesLayout->addWidget(m_hexSplit, 1);
    m_splitter->addWidget(m_fields);
    m_splitter->addWidget(bytesBox);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setObjectName(QStringLiteral("detailsSplitter"));

    auto* layout = new QVBoxLayout(scrollingPage(this));
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_reason);
    layout->addWidget(m_splitter, 1);

    connect(m_fields, &QTreeView::clicked, this,
            [this](const QModelIndex& i) { emit nodeActivated(i.siblingAtColumn(0)); });
    connect(m_hex, &HexView::byteClicked, this, &DetailsPane::onByteClicked);
    connect(m_hex, &HexView::selectionChanged, this, &DetailsPane::onSelectionChanged);
    connect(m_hex, &HexView::goToRequested, this, [this] {
        m_goTo->setFocus();
        m_goTo->selectAll();
    });
    connect(m_goTo, &QLineEdit::returnPressed, this, &DetailsPane::goToTypedOffset);
    showIndex({});
}

void DetailsPane::setModel(StructureTreeModel* model) {
    m_model = model;
    m_fields->setModel(model);
    fitStructureColumns(m_fields);
    m_fields->setMinimumWidth(0);
    connect(model, &QAbstractItemModel::modelReset, this, [this] { showIndex({}); });
}

void DetailsPane::setImage(const Image* image) {
    m_image = image;
    // The bytes the tree decodes: as after the pending log replay unless the window shows the
    // stored file (View > Show); the bytes the replay writes are underlined.
    m_hex->setSource(image ? &image->view() : nullptr);
    std::vector<ByteRange> logWrites;
    if (image && image->viewKind() == ReadView::Replayed && image->replay() &&
        image->replay()->plan)
        for (const ReplayWrite& w : image->replay()->plan->writes())
            logWrites.push_back({w.fileOffset, w.length});
    m_hex->setLogWrites(std::move(logWrites));
    m_goTo->clear(); // an offset typed for the previous image means nothing here
    onSelectionChanged(0, 0);
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
        // The names in full: "Flushed file offset", "Logical sector size" (never elided).
        m_fields->resizeColumnToContents(StructureTreeModel::NameColumn);
        m_title->setText(root.isValid()
                             ? qs(rootNode->label) + QStringLiteral(" — ") + qs(rootNode->value)
                             : tr("Image"));
        const QString why = qs(rootNode->reason);
        QString text =
            why.isEmpty() ? QString() : statusText(rootNode->status) + QStringLiteral(": ") + why;
        if (rootNode->changedByLog)
            text += (text.isEmpty() ? QString() : QStringLiteral("\n")) +
                    tr("Changed by the log: %1 writes into it; shown as after the replay "
                       "(the underlined bytes).")
                        .arg(qs(rootNode->changedBy));
        m_reason->setText(text);
        m_reason->setVisible(!text.isEmpty());
        updateReasonColour();
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

void DetailsPane::updateReasonColour() {
    const DocNode* n = m_model && m_root.isValid() ? m_model->node(m_root) : nullptr;
    QPalette pal = palette();
    if (n && n->status != NodeStatus::None)
        pal.setColor(QPalette::WindowText, statusColor(n->status, palette()));
    m_reason->setPalette(pal);
}

void DetailsPane::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    const int besides = m_hex->sizeHint().width() + 400; // room for the inspector's values
    const Qt::Orientation o = width() >= besides ? Qt::Horizontal : Qt::Vertical;
    if (m_hexSplit->orientation() == o)
        return;
    m_hexSplit->setOrientation(o);
    // Under the bytes, the inspector is as tall as its rows and the bytes get the rest.
    m_inspector->setMinimumHeight(o == Qt::Vertical ? m_inspector->sizeHint().height() : 0);
    m_inspector->setMaximumHeight(o == Qt::Vertical ? m_inspector->sizeHint().height()
                                                    : QWIDGETSIZE_MAX);
}

void DetailsPane::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateReasonColour();
}

void DetailsPane::showBytes(const DocNode& node) {
    m_hex->setHighlight(node.ranges);
    if (node.ranges.empty()) {
        m_bytesInfo->setText(tr("This item has no bytes of its own in the file."));
        return;
    }
    // Until the user selects bytes of their own, the inspector reads the field's.
    const ByteRange& r = node.ranges.front();
    m_inspector->setBytes(r.offset, r.length,
                          m_hex->bytesAt(r.offset, std::max<uint64_t>(r.length, 16)));
    const uint64_t fileSize = m_image ? m_image->fileSize() : 0;
    QString info = rangesText(node.ranges);
    if (node.ranges.front().offset >= fileSize)
        info += tr(", beyond the end of the file (%1)").arg(formatBytes(fileSize));
    m_bytesInfo->setText(info + tr(". Click a byte to select what it belongs to."));
}

void DetailsPane::showBatEntry(quint64 index) {
    const DocNode* n = m_model && m_root.isValid() ? m_model->node(m_root) : nullptr;
    const BatReader* reader = m_image ? m_image->batReader() : nullptr;
    if (!n || n->kind != NodeKind::Bat || !reader || index >= reader->geometry().totalEntries)
        return;
    const uint64_t at = reader->fileOffsetOfIndex(index);
    m_hex->setHighlight({{at, schema::bat_entry::size}});
    QString state = tr("unreadable");
    if (const auto e = reader->entry(index))
        state = qs(batClassInfo(reader->geometry().classify(index, *e)).label);
    m_bytesInfo->setText(
        tr("BAT entry %1 (%2): bytes %3.")
            .arg(formatCount(index), state, formatRange(at, schema::bat_entry::size)));
}

bool DetailsPane::goToTypedOffset() {
    const auto offset = parseSize(m_goTo->text());
    if (!offset || *offset >= m_hex->size()) {
        m_selectionInfo->setText(offset
                                     ? tr("%1 lies beyond the end of the file (%2).")
                                           .arg(formatOffset(*offset), formatBytes(m_hex->size()))
                                     : tr("Not an offset: use hex (0x...), bytes or a size "
                                          "like 64K."));
        return false;
    }
    m_hex->goToOffset(*offset);
    m_hex->setFocus();
    return true;
}

void DetailsPane::onSelectionChanged(quint64 start, quint64 length) {
    if (length == 0 || m_hex->size() == 0) {
        m_selectionInfo->setText(tr("Select bytes to read them as numbers, GUID or text."));
        m_inspector->setBytes(0, 0, {});
        return;
    }
    m_selectionInfo->setText(length == 1 ? tr("Caret at %1").arg(formatOffset(start))
                                         : tr("Selected %1").arg(formatRange(start, length)));
    m_inspector->setBytes(start, length, m_hex->bytesAt(start, std::max<quint64>(length, 16)));
}

void DetailsPane::onByteClicked(quint64 fileOffset) {
    const Document* doc = m_model ? m_model->document() : nullptr;
    if (!doc)
        return;
    // The owner inside the structure shown; when that is the structure itself (the File, or
    // a table without fields of its own), the deepest owner anywhere in the file.
    const NodeId root = m_root.isValid() ? m_model->nodeId(m_root) : noNode;
    NodeId owner = root != noNode ? doc->nodeAt(fileOffset, root) : noNode;
    if (owner == noNode || owner == root)
        if (const NodeId deeper = doc->nodeAt(fileOffset); deeper != noNode)
            owner = deeper;
    if (owner == noNode)
        return;
    emit nodeActivated(m_model->indexOf(owner));
    // A byte of the BAT: its entry, in the BAT map and here.
    if (doc->node(owner).kind == NodeKind::Bat && m_image && m_image->batReader())
        if (const auto index = m_image->batReader()->indexAtFileOffset(fileOffset)) {
            emit batEntryActivated(*index);
            showBatEntry(*index);
        }
}

} // namespace vhdx::ui
