#include "structure_tree_model.h"

#include <QFont>

#include "display_format.h"
#include "status_style.h"

namespace vhdx::ui {

StructureTreeModel::StructureTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

StructureTreeModel::~StructureTreeModel() = default;

void StructureTreeModel::setDocument(std::shared_ptr<const Document> document) {
    beginResetModel();
    m_doc = std::move(document);
    endResetModel();
}

NodeId StructureTreeModel::nodeId(const QModelIndex& index) const {
    if (!m_doc)
        return noNode;
    return index.isValid() ? NodeId(index.internalId()) : m_doc->root();
}

const DocNode* StructureTreeModel::node(const QModelIndex& index) const {
    const NodeId id = nodeId(index);
    return id == noNode ? nullptr : &m_doc->node(id);
}

QModelIndex StructureTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, quintptr(node(parent)->children[size_t(row)]));
}

QModelIndex StructureTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || !m_doc)
        return {};
    return indexOf(m_doc->node(nodeId(child)).parent);
}

int StructureTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0 || !m_doc)
        return 0;
    return int(node(parent)->children.size());
}

int StructureTreeModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant StructureTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_doc)
        return {};
    const DocNode& n = *node(index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return qs(n.label);
        case ValueColumn:
            return qs(n.value);
        case OffsetColumn:
            return n.offset() ? formatOffset(*n.offset()) : QString();
        case SizeColumn:
            return n.offset() && n.size() ? formatBytes(n.size()) : QString();
        case StatusColumn:
            // Short, for a narrow column; the tool tip says which descriptor writes it.
            return n.changedByLog ? tr("%1 (log)").arg(statusText(n.status)) : statusText(n.status);
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == StatusColumn ? QVariant(statusIcon(n.status)) : QVariant();
    case Qt::ForegroundRole:
        // Problems colour the whole row; "ok" only its status cell.
        if (index.column() == StatusColumn || n.status >= NodeStatus::Warning) {
            const QColor c = statusColor(n.status);
            return c.isValid() ? QVariant(c) : QVariant();
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == SizeColumn && n.size())
            return tr("%1 bytes").arg(formatCount(n.size()));
        {
            QString tip;
            if (!n.reason.empty())
                tip = statusText(n.status) + QStringLiteral(": ") + qs(n.reason);
            else if (index.column() == ValueColumn)
                tip = qs(n.value);
            if (n.changedByLog)
                tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) +
                       tr("Changed by the pending log replay: %1. Shown as after the replay unless "
                          "View > Show > As Stored.")
                           .arg(qs(n.changedBy));
            return tip.isEmpty() ? QVariant() : QVariant(tip);
        }
    case Qt::FontRole:
        if (n.emphasized || n.changedByLog) {
            QFont f;
            f.setBold(n.emphasized);
            f.setItalic(n.changedByLog); // the bytes shown are not the stored ones
            return f;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == OffsetColumn || index.column() == SizeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case OffsetRole:
        return n.offset() ? QVariant(qulonglong(*n.offset())) : QVariant();
    case SizeRole:
        return qulonglong(n.size());
    case StatusRole:
        return int(n.status);
    case StatusReasonRole:
        return qs(n.reason);
    case NodeKindRole:
        return int(n.kind);
    case NodeIdRole:
        return quint32(nodeId(index));
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

QModelIndex StructureTreeModel::indexOf(NodeId id, int column) const {
    if (!m_doc || id == noNode || id == m_doc->root())
        return {};
    return createIndex(int(m_doc->node(id).row), column, quintptr(id));
}

QModelIndex StructureTreeModel::indexFor(const StructureRef& r) const {
    return m_doc ? indexOf(m_doc->nodeFor(r)) : QModelIndex();
}

QModelIndex StructureTreeModel::indexForFinding(const Finding& f) const {
    return m_doc ? indexOf(m_doc->nodeForFinding(f)) : QModelIndex();
}

QString StructureTreeModel::pathOf(const QModelIndex& index) const {
    return m_doc && index.isValid() ? qs(m_doc->path(nodeId(index))) : QString();
}

QModelIndex StructureTreeModel::indexForPath(const QString& path) const {
    return m_doc ? indexOf(m_doc->nodeForPath(path.toStdString())) : QModelIndex();
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
