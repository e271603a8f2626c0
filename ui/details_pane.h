#pragma once
// The details of the selected structure: its fields (the tree model rooted at the structure)
// above a hex view of the file, the selected field's bytes (or the structure's) highlighted
// wherever they lie. A click on a byte or a field asks for its owner to become the
// selection: core's document says which node owns a byte.
#include <QPersistentModelIndex>
#include <QWidget>

class QLabel;
class QSplitter;
class QTreeView;

namespace vhdx {
class Image;
}

namespace vhdx {
struct DocNode;
}

namespace vhdx::ui {

class HexView;

// Column widths for a tree over the structure model (the tree and the fields pane).
void fitStructureColumns(QTreeView* view, int nameWidth);
class StructureTreeModel;

class DetailsPane : public QWidget {
    Q_OBJECT
  public:
    explicit DetailsPane(QWidget* parent = nullptr);
    void setModel(StructureTreeModel* model);
    void setImage(const Image* image);
    // Shows the structure of index (itself when it has fields, else its parent).
    void showIndex(const QModelIndex& index);

    [[nodiscard]] HexView* hexView() const { return m_hex; }
    [[nodiscard]] QTreeView* fieldsView() const { return m_fields; }
    [[nodiscard]] QSplitter* splitter() const { return m_splitter; }
    [[nodiscard]] QModelIndex structureIndex() const { return m_root; }

  signals:
    // The user picked a node here (a field row or a byte): select it everywhere.
    void nodeActivated(const QModelIndex& index);

  private:
    void showBytes(const DocNode& node);
    void onByteClicked(quint64 fileOffset);

    StructureTreeModel* m_model = nullptr;
    const Image* m_image = nullptr;
    QPersistentModelIndex m_root;
    QLabel* m_title;
    QLabel* m_reason;
    QTreeView* m_fields;
    QLabel* m_bytesInfo;
    HexView* m_hex;
    QSplitter* m_splitter;
};

} // namespace vhdx::ui
