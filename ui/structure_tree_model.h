#pragma once
// The structure tree: a read-only QAbstractItemModel over the node tree built from a parsed
// image (simpletreemodel shape: internal pointers, rowCount 0 for columns > 0).
#include <QAbstractItemModel>

class QTreeView;

#include <memory>
#include <vector>

#include "structure_node.h"
#include "vhdx/findings.h"

namespace vhdx {
class Image;
}

namespace vhdx::ui {

class StructureTreeModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    enum Columns { NameColumn, ValueColumn, OffsetColumn, SizeColumn, StatusColumn, ColumnCount };
    // Column widths for a view of this model: Value takes what is left (elided), so the
    // Status column stays in sight however narrow the pane is.
    static void fitColumns(QTreeView* view, int nameWidth);
    enum Roles {
        OffsetRole = Qt::UserRole, // qulonglong, invalid when the node has no file position
        SizeRole,                  // qulonglong
        StatusRole,                // int(NodeStatus)
        StatusReasonRole,          // QString
        StructureKeyRole,          // QString, the findings' structure name
        NodeKindRole,              // int(NodeKind)
        HeaderIndexRole,           // int, 1 or 2 for header nodes
    };

    explicit StructureTreeModel(QObject* parent = nullptr);
    ~StructureTreeModel() override;

    // Rebuilds from the image (null clears). The image must outlive the model's use of it;
    // batScan() is read only when scanDone.
    void setImage(const Image* image, bool scanDone, const std::vector<Finding>& findings);

    [[nodiscard]] QModelIndex index(int row, int column,
                                    const QModelIndex& parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex& child) const override;
    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    [[nodiscard]] const StructureNode* node(const QModelIndex& index) const;
    [[nodiscard]] QModelIndex indexOf(const StructureNode* node, int column = 0) const;
    // The node a finding's structure key names (see findNodeForKey).
    [[nodiscard]] QModelIndex indexForKey(const QString& key) const;
    [[nodiscard]] QModelIndex indexForPath(const QString& path) const;
    // Tab-separated text of the rows (all columns), for the clipboard.
    [[nodiscard]] QString rowsAsText(const QModelIndexList& rows) const;

  private:
    std::unique_ptr<StructureNode> m_root;
};

} // namespace vhdx::ui
