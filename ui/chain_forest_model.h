#pragma once
// The differencing chains of a folder as a tree: each disk under the parent its
// DataWriteGuid and locator lead to, roots and orphans at the top, the files that could not be
// mapped after them. The statuses and notes are the ones `vhdx-inspector --chains` prints.
#include <QAbstractItemModel>

#include <memory>
#include <vector>

#include "vhdx/chain_forest.h"
#include "vhdx/document/node.h" // NodeStatus

namespace vhdx::ui {

// The viewer's status scale for a chain status: orphans, loops and parents elsewhere are
// errors, files not mapped are warnings (as their findings are).
[[nodiscard]] NodeStatus viewStatusOf(ChainNodeStatus status);
// The status as the text report says it: "base", "ok, via relative_path", "ORPHAN: ...".
[[nodiscard]] QString chainStatusText(const ChainNode& node);

class ChainForestModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    enum Columns {
        NameColumn,
        StatusColumn,
        TypeColumn,
        SizeColumn,
        GuidColumn,
        NotesColumn,
        ColumnCount
    };
    enum Roles {
        NodeRole = Qt::UserRole, // int: the node's index in the forest
        PathRole,                // QString: the file's path, to open it
        ChainStatusRole,         // int(vhdx::ChainNodeStatus)
        RepeatRole,              // bool: drawn above already (the chain loops)
    };

    explicit ChainForestModel(QObject* parent = nullptr);
    ~ChainForestModel() override;

    void setForest(std::shared_ptr<const ChainForest> forest);
    [[nodiscard]] const ChainForest* forest() const { return m_forest.get(); }
    // The first row showing the node (the one not marked as drawn above); invalid if none.
    [[nodiscard]] QModelIndex indexOfNode(int node) const;

    [[nodiscard]] QModelIndex index(int row, int column,
                                    const QModelIndex& parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex& child) const override;
    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

  private:
    struct Item {
        int node = -1;
        int parentItem = -1;
        int row = 0;
        bool repeat = false;
        std::vector<int> children;
    };
    void build();
    [[nodiscard]] QString notes(const Item& item) const;

    std::shared_ptr<const ChainForest> m_forest;
    std::vector<Item> m_items;
    std::vector<int> m_top;
    std::vector<int> m_firstItem; // node -> its first item, -1 when not drawn
};

} // namespace vhdx::ui
