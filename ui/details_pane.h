#pragma once
// The details of the selected structure: its fields (the tree model rooted at the structure)
// above a hex view of the whole file, the selected field's bytes marked wherever they lie,
// and a data inspector for the hex view's own selection. A click on a byte or a field asks
// for its owner to become the selection: core's document says which node owns a byte, and in
// the BAT which entry.
#include <QPersistentModelIndex>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSplitter;
class QTreeView;

namespace vhdx {
class Image;
struct DocNode;
} // namespace vhdx

namespace vhdx::ui {

class DataInspector;
class HexView;
class StructureTreeModel;

// Column widths for a tree over the structure model (the tree and the fields pane): Offset,
// Size and Status sized for their contents, Value taking what is left, so Status stays in
// sight however narrow the view. resetWidths false keeps the Name width (a restored layout).
void fitStructureColumns(QTreeView* view, bool resetWidths = true);
// The width at which every column of such a tree is in sight (Value at its minimum).
[[nodiscard]] int structureColumnsWidth(const QTreeView* view);

class DetailsPane : public QWidget {
    Q_OBJECT
  public:
    explicit DetailsPane(QWidget* parent = nullptr);
    void setModel(StructureTreeModel* model);
    void setImage(const Image* image);
    // Shows the structure of index (itself when it has fields, else its parent).
    void showIndex(const QModelIndex& index);
    // Marks the bytes of one BAT entry while the BAT is shown.
    void showBatEntry(quint64 index);
    // Parses the go-to field ("0x20000", "131072", "1M") and moves the hex view there;
    // false (and says why) when it is not an offset in the file.
    bool goToTypedOffset();

    [[nodiscard]] HexView* hexView() const { return m_hex; }
    [[nodiscard]] QTreeView* fieldsView() const { return m_fields; }
    [[nodiscard]] QSplitter* splitter() const { return m_splitter; }
    [[nodiscard]] DataInspector* inspector() const { return m_inspector; }
    [[nodiscard]] QLineEdit* goToEdit() const { return m_goTo; }
    [[nodiscard]] QLabel* bytesInfo() const { return m_bytesInfo; }
    [[nodiscard]] QModelIndex structureIndex() const { return m_root; }

  signals:
    // The user picked a node here (a field row or a byte): select it everywhere.
    void nodeActivated(const QModelIndex& index);
    // The user picked a byte of a BAT entry: show that entry in the BAT map.
    void batEntryActivated(quint64 index);

  protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    void showBytes(const DocNode& node);
    void onByteClicked(quint64 fileOffset);
    void onSelectionChanged(quint64 start, quint64 length);
    void updateReasonColour();

    StructureTreeModel* m_model = nullptr;
    const Image* m_image = nullptr;
    QPersistentModelIndex m_root;
    QLabel* m_title;
    QLabel* m_reason;
    QTreeView* m_fields;
    QLabel* m_bytesInfo;
    QLineEdit* m_goTo;
    QLabel* m_selectionInfo;
    HexView* m_hex;
    DataInspector* m_inspector;
    QSplitter* m_hexSplit;
    QSplitter* m_splitter;
};

} // namespace vhdx::ui
