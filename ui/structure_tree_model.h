#pragma once
// The structure tree: a thin, read-only QAbstractItemModel over core's decoded document (cf.
// Wireshark's ProtoTreeModel over its proto_tree). It knows nothing of the format: labels,
// values, byte ranges, statuses and reasons all come from the document's nodes.
#include <QAbstractItemModel>

#include <memory>

#include "vhdx/document/document.h"

namespace vhdx::ui {

class StructureTreeModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    enum Columns { NameColumn, ValueColumn, OffsetColumn, SizeColumn, StatusColumn, ColumnCount };
    enum Roles {
        OffsetRole = Qt::UserRole, // qulonglong, invalid when the node has no file position
        SizeRole,                  // qulonglong
        StatusRole,                // int(NodeStatus)
        StatusReasonRole,          // QString
        NodeKindRole,              // int(NodeKind)
        NodeIdRole,                // quint32, the document node
    };

    explicit StructureTreeModel(QObject* parent = nullptr);
    ~StructureTreeModel() override;

    // Shows a document (null clears).
    void setDocument(std::shared_ptr<const Document> document);
    [[nodiscard]] const Document* document() const { return m_doc.get(); }

    [[nodiscard]] QModelIndex index(int row, int column,
                                    const QModelIndex& parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex& child) const override;
    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    // The node of an index (the root for an invalid one); noNode without a document.
    [[nodiscard]] NodeId nodeId(const QModelIndex& index) const;
    [[nodiscard]] const DocNode* node(const QModelIndex& index) const;
    [[nodiscard]] QModelIndex indexOf(NodeId id, int column = 0) const;
    // The node standing for a structure (a finding's), or the nearest enclosing one.
    [[nodiscard]] QModelIndex indexFor(const StructureRef& r) const;
    [[nodiscard]] QModelIndex indexForFinding(const Finding& f) const;
    // Paths of nodes (document labels), for keeping selection and expansion over a reload.
    [[nodiscard]] QString pathOf(const QModelIndex& index) const;
    [[nodiscard]] QModelIndex indexForPath(const QString& path) const;
    // Tab-separated text of the rows (all columns), for the clipboard.
    [[nodiscard]] QString rowsAsText(const QModelIndexList& rows) const;

  private:
    std::shared_ptr<const Document> m_doc;
};

} // namespace vhdx::ui
