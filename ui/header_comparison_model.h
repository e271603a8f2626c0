#pragma once
// Header 1 and Header 2 side by side, one row per field; rows whose values differ are marked
// (DiffersRole, background) and the current header's column says so.
#include <QAbstractTableModel>

#include <vector>

#include "status_style.h"
#include "vhdx/header.h"

namespace vhdx::ui {

class HeaderComparisonModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Columns { FieldColumn, Header1Column, Header2Column, ColumnCount };
    enum Roles {
        DiffersRole = Qt::UserRole, // bool, on every column of a row
        StatusRole,                 // int(NodeStatus) of a header cell
    };

    explicit HeaderComparisonModel(QObject* parent = nullptr);
    void setHeaders(const HeaderPair& headers);
    void clear();
    [[nodiscard]] int currentHeader() const { return m_current; }
    [[nodiscard]] QString fieldName(int row) const { return m_rows[size_t(row)].name; }

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

  private:
    struct Row {
        QString name;
        QString value[2];
        NodeStatus status[2] = {NodeStatus::None, NodeStatus::None};
        QString tip[2];
        bool differs = false;
    };
    std::vector<Row> m_rows;
    int m_current = 0;
};

} // namespace vhdx::ui
