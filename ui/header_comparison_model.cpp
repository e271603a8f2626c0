#include "header_comparison_model.h"

#include <QFont>

#include <functional>

#include "display_format.h"
#include "vhdx/bytes.h"
#include "vhdx/checksummed_block.h"
#include "vhdx/document/field_text.h"
#include "vhdx/schema/structures.h"

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
    namespace hs = schema::header;
    beginResetModel();
    m_rows.clear();
    m_current = pair.current;
    struct Cell {
        QString value;
        NodeStatus status = NodeStatus::None;
        QString tip;
    };
    auto addRow = [&](const QString& name, const std::function<Cell(const Header&)>& cell) {
        Row row;
        row.name = name;
        for (int i = 0; i < 2; ++i) {
            const Header& h = pair.headers[size_t(i)];
            if (!h.readable) {
                row.value[i] = tr("(unreadable)");
                row.status[i] = NodeStatus::Error;
                row.tip[i] = qs(h.problem());
                continue;
            }
            const Cell c = cell(h);
            row.value[i] = c.value;
            row.status[i] = c.status;
            row.tip[i] = c.tip;
        }
        row.differs = row.value[0] != row.value[1];
        m_rows.push_back(std::move(row));
    };
    addRow(tr("Valid"), [](const Header& h) {
        return Cell{yes(h.valid()), okIf(h.valid()), h.valid() ? QString() : qs(h.problem())};
    });
    // One row per field of the schema; the checksum as stored, as computed, and whether they
    // agree.
    for (const schema::Field* f : hs::fields) {
        if (f->type == schema::FieldType::Reserved)
            continue;
        const QString label = qs(f->label);
        if (f == &hs::checksum) {
            addRow(tr("%1 (stored)").arg(label), [f](const Header& h) {
                return Cell{qs(headerFieldText(h, *f)), okIf(h.checksumValid),
                            qs(checksumText(h.checksum, h.checksumComputed))};
            });
            addRow(tr("%1 (computed)").arg(label), [](const Header& h) {
                return Cell{qs(hex32(h.checksumComputed)), {}, {}};
            });
            addRow(tr("%1 valid").arg(label), [](const Header& h) {
                return Cell{yes(h.checksumValid), okIf(h.checksumValid), {}};
            });
            continue;
        }
        addRow(label, [f](const Header& h) {
            Cell c{qs(headerFieldText(h, *f)), NodeStatus::None, {}};
            if (f == &hs::signature)
                c.status = okIf(h.signatureValid);
            if (f == &hs::version || f == &hs::logVersion)
                c.status = okIf(h.versionValid);
            return c;
        });
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
        return row.differs ? QVariant(markedRowBackground()) : QVariant();
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
