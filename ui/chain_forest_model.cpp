#include "chain_forest_model.h"

#include <QFile>
#include <QStringList>

#include "display_format.h"
#include "status_style.h"

namespace vhdx::ui {

NodeStatus viewStatusOf(ChainNodeStatus status) {
    switch (status) {
    case ChainNodeStatus::Ok:
        return NodeStatus::Ok;
    case ChainNodeStatus::ParentElsewhere:
    case ChainNodeStatus::Orphan:
    case ChainNodeStatus::Loop:
        return NodeStatus::Error;
    case ChainNodeStatus::Skipped:
        return NodeStatus::Warning;
    }
    return NodeStatus::None;
}

QString chainStatusText(const ChainNode& n) {
    switch (n.status) {
    case ChainNodeStatus::Ok:
        return !n.hasParent ? ChainForestModel::tr("base")
               : n.followed ? ChainForestModel::tr("ok, via %1").arg(qs(n.located.locatorKey))
                            : ChainForestModel::tr("differencing");
    case ChainNodeStatus::ParentElsewhere:
        return n.locatedNode < 0
                   ? ChainForestModel::tr("PARENT ELSEWHERE: the locator finds no file")
                   : ChainForestModel::tr("PARENT ELSEWHERE: the locator leads to another file");
    case ChainNodeStatus::Orphan:
        return ChainForestModel::tr("ORPHAN: no parent with the DataWriteGuid it expects");
    case ChainNodeStatus::Loop:
        return ChainForestModel::tr("LOOP");
    case ChainNodeStatus::Skipped:
        return ChainForestModel::tr("not mapped");
    }
    return {};
}

ChainForestModel::ChainForestModel(QObject* parent) : QAbstractItemModel(parent) {}

ChainForestModel::~ChainForestModel() = default;

void ChainForestModel::setForest(std::shared_ptr<const ChainForest> forest) {
    beginResetModel();
    m_forest = std::move(forest);
    build();
    endResetModel();
}

// Depth first with an explicit stack (a chain may be 100,000 disks deep); a node met again
// (a loop) is shown once more, marked, without its children.
void ChainForestModel::build() {
    m_items.clear();
    m_top.clear();
    m_firstItem.assign(m_forest ? m_forest->nodes.size() : 0, -1);
    if (!m_forest)
        return;
    const auto add = [this](int node, int parentItem) {
        std::vector<int>& siblings = parentItem < 0 ? m_top : m_items[size_t(parentItem)].children;
        Item item;
        item.node = node;
        item.parentItem = parentItem;
        item.row = int(siblings.size());
        item.repeat = m_firstItem[size_t(node)] >= 0;
        const int id = int(m_items.size());
        siblings.push_back(id);
        m_items.push_back(std::move(item));
        if (!m_items.back().repeat)
            m_firstItem[size_t(node)] = id;
        return id;
    };
    const auto draw = [&](int root) {
        std::vector<std::pair<int, int>> stack{{root, -1}}; // node, parent item
        while (!stack.empty()) {
            const auto [node, parentItem] = stack.back();
            stack.pop_back();
            const int id = add(node, parentItem);
            if (m_items[size_t(id)].repeat)
                continue;
            const std::vector<int>& children = m_forest->nodes[size_t(node)].children;
            for (size_t k = children.size(); k-- > 0;)
                stack.push_back({children[k], id});
        }
    };
    for (int root : m_forest->roots())
        draw(root);
    // The files not mapped, as the report lists them after the tree; then anything the
    // roots did not reach, so that no file of the folder is left out.
    for (size_t i = 0; i < m_forest->nodes.size(); ++i)
        if (m_firstItem[i] < 0 && m_forest->nodes[i].status == ChainNodeStatus::Skipped)
            add(int(i), -1);
    for (size_t i = 0; i < m_forest->nodes.size(); ++i)
        if (m_firstItem[i] < 0)
            draw(int(i));
}

QModelIndex ChainForestModel::indexOfNode(int node) const {
    if (node < 0 || size_t(node) >= m_firstItem.size() || m_firstItem[size_t(node)] < 0)
        return {};
    const int id = m_firstItem[size_t(node)];
    return createIndex(m_items[size_t(id)].row, 0, quintptr(id));
}

QModelIndex ChainForestModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const std::vector<int>& rows =
        parent.isValid() ? m_items[size_t(parent.internalId())].children : m_top;
    if (size_t(row) >= rows.size())
        return {};
    return createIndex(row, column, quintptr(rows[size_t(row)]));
}

QModelIndex ChainForestModel::parent(const QModelIndex& child) const {
    if (!child.isValid())
        return {};
    const int p = m_items[size_t(child.internalId())].parentItem;
    return p < 0 ? QModelIndex() : createIndex(m_items[size_t(p)].row, 0, quintptr(p));
}

int ChainForestModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid())
        return int(m_top.size());
    return parent.column() == 0 ? int(m_items[size_t(parent.internalId())].children.size()) : 0;
}

int ChainForestModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QString ChainForestModel::notes(const Item& item) const {
    const ChainNode& n = m_forest->nodes[size_t(item.node)];
    QStringList out;
    if (item.repeat)
        out << tr("drawn above: the chain loops");
    if (!n.vhdx && !n.problem.empty())
        out << qs(n.problem);
    if (!n.inFolder)
        out << tr("outside the folder");
    if (!n.followed)
        out << tr("its parent was not looked for: too far outside the folder");
    if (n.logReplay == LogReplayState::Needed)
        out << tr("log replay needed: the locator may change when it is replayed");
    else if (n.logReplay == LogReplayState::Unknown)
        out << tr("log not checked to its end");
    if (n.errorFindings)
        out << (n.errorFindings == 1
                    ? tr("1 error finding: open it to see it")
                    : tr("%1 error findings: open it to see them").arg(n.errorFindings));
    for (const std::string& alias : n.aliases)
        out << tr("also named %1").arg(qs(alias));
    return out.join(QStringLiteral("; "));
}

QVariant ChainForestModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Item& item = m_items[size_t(index.internalId())];
    const ChainNode& n = m_forest->nodes[size_t(item.node)];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return qs(n.displayPath);
        case StatusColumn:
            return chainStatusText(n);
        case TypeColumn:
            return !n.vhdx ? QString() : n.hasParent ? tr("differencing") : tr("base");
        case SizeColumn:
            return !n.vhdx             ? QString()
                   : n.virtualDiskSize ? formatSize(*n.virtualDiskSize)
                                       : tr("unknown");
        case GuidColumn:
            return n.vhdx ? qs(n.dataWriteGuid.toString()) : QString();
        case NotesColumn:
            return notes(item);
        }
        return {};
    case Qt::ToolTipRole: {
        QString tip = QFile::decodeName(n.path.c_str()) + QLatin1Char('\n') + chainStatusText(n);
        if (const QString more = notes(item); !more.isEmpty())
            tip += QStringLiteral("\n") + more;
        if (n.hasLocator && !n.linkageText.empty())
            tip += tr("\nparent_linkage %1").arg(qs(n.linkageText));
        return tip;
    }
    case Qt::DecorationRole:
        return index.column() == StatusColumn ? QVariant(statusIcon(viewStatusOf(n.status)))
                                              : QVariant();
    case Qt::ForegroundRole:
        return index.column() == StatusColumn ? QVariant(statusColor(viewStatusOf(n.status)))
                                              : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == SizeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                            : QVariant();
    case NodeRole:
        return item.node;
    case PathRole:
        return QFile::decodeName(n.path.c_str());
    case ChainStatusRole:
        return int(n.status);
    case RepeatRole:
        return item.repeat;
    }
    return {};
}

QVariant ChainForestModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case StatusColumn:
        return tr("Status");
    case TypeColumn:
        return tr("Type");
    case SizeColumn:
        return tr("Virtual size");
    case GuidColumn:
        return tr("DataWriteGuid");
    case NotesColumn:
        return tr("Notes");
    }
    return {};
}

} // namespace vhdx::ui
