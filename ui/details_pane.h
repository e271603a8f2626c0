#pragma once
// The details of the selected structure: its fields (the tree model rooted at the structure)
// above a hex view of its bytes, the selected field highlighted. A click on a byte or a field
// asks for that field to become the selection.
#include <QPersistentModelIndex>
#include <QWidget>

class QLabel;
class QSplitter;
class QTreeView;

namespace vhdx {
class Image;
}

namespace vhdx::ui {

class HexView;
class StructureTreeModel;

class DetailsPane : public QWidget {
    Q_OBJECT
  public:
    // At most this many bytes of a structure are read and shown.
    static constexpr uint64_t maxShownBytes = 64 * 1024;

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
    void loadBytes();
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
