#include "findings_model.h"

#include <algorithm>

#include "display_format.h"
#include "status_style.h"

namespace vhdx::ui {

FindingsModel::FindingsModel(QObject* parent) : QAbstractTableModel(parent) {}

void FindingsModel::setFindings(std::vector<Finding> findings, const Metadata* metadata) {
    beginResetModel();
    m_findings = std::move(findings);
    static const Metadata none;
    m_titles.clear();
    for (const Finding& f : m_findings)
        m_titles.push_back(qs(structureTitle(f.where, metadata ? *metadata : none)));
    endResetModel();
}

size_t FindingsModel::count(Severity s) const {
    return size_t(std::count_if(m_findings.begin(), m_findings.end(),
                                [s](const Finding& f) { return f.severity == s; }));
}

int FindingsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_findings.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Finding& f = m_findings[size_t(index.row())];
    const NodeStatus status = statusOf(f.severity);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn:
            return qs(severityName(f.severity));
        case CodeColumn:
            return qs(codeName(f.code));
        case StructureColumn:
            return m_titles[size_t(index.row())];
        case OffsetColumn:
            return formatOffset(f.offset);
        case MessageColumn:
            return qs(f.message);
        }
        return {};
    case Qt::DecorationRole:
        return index.column() == SeverityColumn ? QVariant(statusIcon(status)) : QVariant();
    case Qt::ForegroundRole:
        return index.column() == SeverityColumn ? QVariant(statusColor(status)) : QVariant();
    case Qt::ToolTipRole:
        return qs(f.message) +
               (f.spec.empty() ? QString() : QStringLiteral("\nMS-VHDX §") + qs(f.spec)) +
               QStringLiteral("\n\n") + qs(codeAdvice(f.code));
    case AdviceRole:
        return qs(codeAdvice(f.code));
    case Qt::TextAlignmentRole:
        return index.column() == OffsetColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                              : QVariant();
    case SeverityRole:
        return int(f.severity);
    case OffsetRole:
        return qulonglong(f.offset);
    case SpecRole:
        return qs(f.spec);
    case SortRole:
        if (index.column() == SeverityColumn)
            return int(f.severity);
        if (index.column() == OffsetColumn)
            return qulonglong(f.offset);
        return data(index, Qt::DisplayRole);
    }
    return {};
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case CodeColumn:
        return tr("Code");
    case StructureColumn:
        return tr("Structure");
    case OffsetColumn:
        return tr("Offset");
    case MessageColumn:
        return tr("Message");
    }
    return {};
}

FindingsFilterModel::FindingsFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(FindingsModel::SortRole);
}

void FindingsFilterModel::setSeverityShown(Severity s, bool shown) {
    if (m_shown[int(s)] == shown)
        return;
    m_shown[int(s)] = shown;
    invalidateFilter();
}

bool FindingsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    const int s = i.data(FindingsModel::SeverityRole).toInt();
    return s >= 0 && s < 3 && m_shown[s];
}

} // namespace vhdx::ui
