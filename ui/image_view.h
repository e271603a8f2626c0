#pragma once
// Everything shown for one image: structure tree | details and BAT map, above the findings.
// Owns the ImageSession and keeps the models in step with its scan.
#include <QWidget>

#include <memory>

class QSplitter;
class QTabWidget;
class QTreeView;

#include "vhdx/findings.h"

namespace vhdx {
class Image;
}

namespace vhdx::ui {

class BatMapWidget;
class DetailsPane;
class FindingsPanel;
class HeaderComparisonDialog;
class ImageSession;
class StructureTreeModel;

class ImageView : public QWidget {
    Q_OBJECT
  public:
    explicit ImageView(QWidget* parent = nullptr);
    ~ImageView() override;

    // Shows the session's image at once and starts its BAT scan; null clears.
    void setSession(std::unique_ptr<ImageSession> session);
    [[nodiscard]] ImageSession* session() const { return m_session.get(); }
    [[nodiscard]] const Image* image() const;

    // Selects the tree node of a structure; a BAT entry also shows it in the BAT map.
    void selectStructure(const StructureRef& r);
    // Selects the node a finding is shown on.
    void selectFinding(const Finding& f);
    void selectIndex(const QModelIndex& index);
    void showHeaderComparison();
    void copySelectedRows();

    [[nodiscard]] QByteArray saveLayout() const;
    void restoreLayout(const QByteArray& state);

    [[nodiscard]] StructureTreeModel* treeModel() const { return m_treeModel; }
    [[nodiscard]] QTreeView* tree() const { return m_tree; }
    [[nodiscard]] DetailsPane* details() const { return m_details; }
    [[nodiscard]] FindingsPanel* findingsPanel() const { return m_findings; }
    [[nodiscard]] BatMapWidget* batMap() const { return m_batMap; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }
    [[nodiscard]] HeaderComparisonDialog* headerComparison() const { return m_comparison; }

  signals:
    void scanProgress(quint64 done, quint64 total);
    void scanFinished(bool completed);

  private:
    void onScanFinished(bool completed);
    void showTreeMenu(const QPoint& pos);

    std::unique_ptr<ImageSession> m_session;
    StructureTreeModel* m_treeModel;
    QTreeView* m_tree;
    DetailsPane* m_details;
    BatMapWidget* m_batMap;
    FindingsPanel* m_findings;
    QTabWidget* m_tabs;
    QSplitter* m_hSplit;
    QSplitter* m_vSplit;
    HeaderComparisonDialog* m_comparison = nullptr;
};

} // namespace vhdx::ui
