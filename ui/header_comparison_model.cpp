#include "header_comparison_model.h"

#include <QFont>

#include <functional>

#include "display_format.h"
#include "vhdx/bytes.h"

namespace vhdx::ui {

namespace {

QString yes(bool b) {
    return b ? QStringLiteral("yes") : QStringLiteral("no");
}
NodeStatus okIf(bool b, NodeStatus otherwise = NodeStatus::Warning) {
    return b ? NodeStatus::Ok : otherwise;
}

} // namespace

HeaderComparisonModel::HeaderComparisonModel(QObject* parent) : QAbstractTableModel(parent) {}

void HeaderComparisonModel::clear() {
    beginResetModel();
    m_rows.clear();
    m_current = 0;
    endResetModel();
}

void HeaderComparisonModel::setHeaders(const HeaderPair& pair) {
    beginResetModel();
    m_rows.clear();
    m_current = pair.current;
    struct Field {
        QString name;
        std::function<QString(const Header&)> value;
        std::function<NodeStatus(const Header&)> status;
        std::function<QString(const Header&)> tip;
    };
    const std::vector<Field> fields = {
        {tr("Valid"), [](const Header& h) { return yes(h.valid()); },
         [](const Header& h) { return okIf(h.valid()); },
         [](const Header& h) { return h.valid() ? QString() : qs(h.problem()); }},
        {tr("Signature"),
         [](const Header& h) {
             return h.signatureValid ? QStringLiteral("head") : QStringLiteral("bad");
         },
         [](const Header& h) { return okIf(h.signatureValid); },
         {}},
        {tr("Checksum (stored)"), [](const Header& h) { return qs(hex32(h.checksum)); },
         [](const Header& h) { return okIf(h.checksumValid); },
         [](const Header& h) {
             return QStringLiteral("stored CRC %1, computed %2")
                 .arg(qs(hex32(h.checksum)), qs(hex32(h.checksumComputed)));
         }},
        {tr("Checksum (computed)"),
         [](const Header& h) { return qs(hex32(h.checksumComputed)); },
         {},
         {}},
        {tr("Checksum valid"),
         [](const Header& h) { return yes(h.checksumValid); },
         [](const Header& h) { return okIf(h.checksumValid); },
         {}},
        {tr("Sequence number"),
         [](const Header& h) { return QString::number(h.sequenceNumber); },
         {},
         {}},
        {tr("File write GUID"),
         [](const Header& h) { return qs(h.fileWriteGuid.toString()); },
         {},
         {}},
        {tr("Data write GUID"),
         [](const Header& h) { return qs(h.dataWriteGuid.toString()); },
         {},
         {}},
        {tr("Log GUID"), [](const Header& h) { return qs(h.logGuid.toString()); }, {}, {}},
        {tr("Log version"),
         [](const Header& h) { return QString::number(h.logVersion); },
         [](const Header& h) { return okIf(h.versionValid); },
         {}},
        {tr("Version"),
         [](const Header& h) { return QString::number(h.version); },
         [](const Header& h) { return okIf(h.versionValid); },
         {}},
        {tr("Log length"),
         [](const Header& h) {
             return QStringLiteral("%1 (%2)").arg(h.logLength).arg(formatSize(h.logLength));
         },
         {},
         {}},
        {tr("Log offset"), [](const Header& h) { return formatOffset(h.logOffset); }, {}, {}},
    };
    for (const Field& f : fields) {
        Row row;
        row.name = f.name;
        for (int i = 0; i < 2; ++i) {
            const Header& h = pair.headers[size_t(i)];
            if (!h.readable) {
                row.value[i] = tr("(unreadable)");
                row.status[i] = NodeStatus::Error;
                row.tip[i] = tr("the header lies beyond the end of the file");
                continue;
            }
            row.value[i] = f.value(h);
            row.status[i] = f.status ? f.status(h) : NodeStatus::None;
            row.tip[i] = f.tip ? f.tip(h) : QString();
        }
        row.differs = row.value[0] != row.value[1];
        m_rows.push_back(std::move(row));
    }
    endResetModel();
}

int HeaderComparisonModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HeaderComparisonModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HeaderComparisonModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows[size_t(index.row())];
    const int h = index.column() - Header1Column; // 0 or 1 for header cells
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == FieldColumn ? row.name : row.value[h];
    case Qt::DecorationRole:
        if (h >= 0 && row.status[h] > NodeStatus::Ok)
            return statusIcon(row.status[h]);
        return {};
    case Qt::ForegroundRole:
        if (h >= 0 && row.status[h] > NodeStatus::Ok)
            return statusColor(row.status[h]);
        return {};
    case Qt::BackgroundRole:
        return row.differs ? QVariant(QColor(0xff, 0xf0, 0xb3)) : QVariant();
    case Qt::FontRole:
        if (row.differs) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        if (h >= 0 && !row.tip[h].isEmpty())
            return row.tip[h];
        return row.differs ? tr("The two headers differ here") : QVariant();
    case DiffersRole:
        return row.differs;
    case StatusRole:
        return h >= 0 ? int(row.status[h]) : int(NodeStatus::None);
    }
    return {};
}

QVariant HeaderComparisonModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    const int h = section - Header1Column + 1;
    if (role == Qt::DisplayRole) {
        if (section == FieldColumn)
            return tr("Field");
        return h == m_current ? tr("Header %1 (current)").arg(h) : tr("Header %1").arg(h);
    }
    if (role == Qt::FontRole && h == m_current) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::DecorationRole && section != FieldColumn && h == m_current)
        return statusIcon(NodeStatus::Ok);
    return {};
}

} // namespace vhdx::ui
