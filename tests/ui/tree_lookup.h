#pragma once
// Finding structure-tree nodes by name in the UI tests.
#include <QAbstractItemModel>
#include <QString>

#include "structure_tree_model.h"

namespace vhdx::ui {

// The child of parent whose name column reads name; invalid when there is none.
inline QModelIndex child(const QAbstractItemModel& m, const QModelIndex& parent,
                         const QString& name) {
    for (int r = 0; r < m.rowCount(parent); ++r)
        if (m.index(r, 0, parent).data().toString() == name)
            return m.index(r, 0, parent);
    return {};
}

// The value column of the node's row.
inline QString value(const QModelIndex& i) {
    return i.siblingAtColumn(StructureTreeModel::ValueColumn).data().toString();
}

} // namespace vhdx::ui
