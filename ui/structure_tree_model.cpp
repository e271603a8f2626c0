#include "structure_tree_model.h"

#include <QFont>
#include <QHeaderView>
#include <QTreeView>

#include "display_format.h"
#include "structure_tree_builder.h"

namespace vhdx::ui {

StructureTreeModel::StructureTreeModel(QObject* parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<StructureNode>()) {}

StructureTreeModel::~StructureTreeModel() = default;

void StructureTreeModel::setImage(const Image* image, bool scanDone,
                                  const std::vector<Finding>& findings) {
    beginResetModel();
    if (image)
        m_root = buildStructureTree({image, scanDone, &findings});
    else
        m_root = std::make_unique<StructureNode>();
    endResetModel();
}

const StructureNode* StructureTreeModel::node(const QModelIndex& index) const {
    if (!index.isValid())
        return m_root.get();
    return static_cast<const StructureNode*>(index.internalPointer());
}

QModelIndex StructureTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent))
        return {};
    const StructureNode* p = node(parent);
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex StructureTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid())
        return {};
    const StructureNode* p = node(child)->parent;
    if (!p || p == m_root.get())
        return {};
    return createIndex(p->row(), 0, const_cast<StructureNode*>(p));
}

int StructureTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0)
        return 0;
    return int(node(parent)->children.size());
}

int StructureTreeModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant StructureTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const StructureNode* n = node(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return n->name;
        case ValueColumn:
            return n->value;
        case OffsetColumn:
            return n->offset ? formatOffset(*n->offset) : QString();
        case SizeColumn:
            return n->offset && n->size ? QString::number(n->size) : QString();
        case StatusColumn:
            return statusText(n->status);
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == StatusColumn ? QVariant(statusIcon(n->status)) : QVariant();
    case Qt::ForegroundRole:
        // Problems colour the whole row; "ok" only its status cell.
        if (index.column() == StatusColumn || n->status >= NodeStatus::Warning) {
            const QColor c = statusColor(n->status);
            return c.isValid() ? QVariant(c) : QVariant();
        }
        return {};
    case Qt::ToolTipRole:
        if (n->reason.isEmpty())
            return index.column() == ValueColumn ? QVariant(n->value) : QVariant();
        return statusText(n->status) + QStringLiteral(": ") + n->reason;
    case Qt::FontRole:
        if (n->emphasized) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == OffsetColumn || index.column() == SizeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case OffsetRole:
        return n->offset ? QVariant(qulonglong(*n->offset)) : QVariant();
    case SizeRole:
        return qulonglong(n->size);
    case StatusRole:
        return int(n->status);
    case StatusReasonRole:
        return n->reason;
    case StructureKeyRole:
        return n->key;
    case NodeKindRole:
        return int(n->kind);
    case HeaderIndexRole:
        return n->headerIndex;
    }
    return {};
}

QVariant StructureTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Structure");
    case ValueColumn:
        return tr("Value");
    case OffsetColumn:
        return tr("Offset");
    case SizeColumn:
        return tr("Size");
    case StatusColumn:
        return tr("Status");
    }
    return {};
}

QModelIndex StructureTreeModel::indexOf(const StructureNode* n, int column) const {
    if (!n || n == m_root.get())
        return {};
    return createIndex(n->row(), column, const_cast<StructureNode*>(n));
}

QModelIndex StructureTreeModel::indexForKey(const QString& key) const {
    return indexOf(findNodeForKey(m_root.get(), key));
}

QModelIndex StructureTreeModel::indexForPath(const QString& path) const {
    const StructureNode* n = m_root.get();
    for (const QString& part : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        const StructureNode* next = nullptr;
        for (const auto& c : n->children)
            if (c->name == part) {
                next = c.get();
                break;
            }
        if (!next)
            break;
        n = next;
    }
    return indexOf(n);
}

QString StructureTreeModel::rowsAsText(const QModelIndexList& rows) const {
    QStringList lines;
    for (const QModelIndex& r : rows) {
        QStringList cells;
        for (int c = 0; c < ColumnCount; ++c)
            cells << data(r.siblingAtColumn(c), Qt::DisplayRole).toString();
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace vhdx::ui

namespace vhdx::ui {

void StructureTreeModel::fitColumns(QTreeView* view, int nameWidth) {
    QHeaderView* h = view->header();
    h->setStretchLastSection(false);
    h->setMinimumSectionSize(40);
    h->setSectionResizeMode(QHeaderView::Interactive);
    h->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    view->setColumnWidth(NameColumn, nameWidth);
    view->setColumnWidth(OffsetColumn, 90);
    view->setColumnWidth(SizeColumn, 80);
    view->setColumnWidth(StatusColumn, 80);
}

} // namespace vhdx::ui
