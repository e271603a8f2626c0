#pragma once
// Everything shown for one image: structure tree | verdict, details and BAT map, above the
// findings. Owns the ImageSession and keeps the models in step with its scan. Opens on the
// verdict, with the first problem selected.
#include <QWidget>

#include <memory>
#include <optional>

class QSplitter;
class QTabWidget;
class QTreeView;

#include "vhdx/findings.h"
#include "vhdx/verdict.h"

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
class VerdictPage;

// What the user was looking at, kept across a reload (F5).
struct ViewState {
    QStringList expanded;    // tree paths
    QString current;         // tree path of the current node
    int tab = -1;            // the right-hand tab
    qint64 batFirstRow = -1; // the BAT map's scroll position and selected cell
    std::optional<uint64_t> batCurrent;
    int batCellSize = 0;
    quint64 hexTopRow = 0;
};

class ImageView : public QWidget {
    Q_OBJECT
  public:
    explicit ImageView(QWidget* parent = nullptr);
    ~ImageView() override;

    // Shows the session's image at once (the verdict page, the first problem selected) and
    // starts its BAT scan; null clears.
    void setSession(std::unique_ptr<ImageSession> session);
    [[nodiscard]] ImageSession* session() const { return m_session.get(); }
    [[nodiscard]] const Image* image() const;

    // Selects the tree node of a structure; a BAT entry also shows it in the BAT map.
    void selectStructure(const StructureRef& r);
    // Selects the node a finding is shown on.
    void selectFinding(const Finding& f);
    void selectIndex(const QModelIndex& index);
    void showHeaderComparison();
    // The BAT map, at its first problem entry (of the kind a finding code names, if given).
    void showBatProblems(std::optional<FindingCode> code = std::nullopt);
    void copySelectedRows();

    [[nodiscard]] ViewState saveViewState() const;
    void restoreViewState(const ViewState& state);

    [[nodiscard]] QByteArray saveLayout() const;
    void restoreLayout(const QByteArray& state);

    [[nodiscard]] StructureTreeModel* treeModel() const { return m_treeModel; }
    [[nodiscard]] QTreeView* tree() const { return m_tree; }
    [[nodiscard]] DetailsPane* details() const { return m_details; }
    [[nodiscard]] FindingsPanel* findingsPanel() const { return m_findings; }
    [[nodiscard]] BatMapWidget* batMap() const { return m_batMap; }
    [[nodiscard]] VerdictPage* verdictPage() const { return m_verdict; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }
    [[nodiscard]] QSplitter* horizontalSplitter() const { return m_hSplit; }
    [[nodiscard]] HeaderComparisonDialog* headerComparison() const { return m_comparison; }

  signals:
    void scanProgress(quint64 done, quint64 total);
    void scanFinished(bool completed);
    // A verdict step the window carries out (Update Headers, Reload).
    void actionRequested(vhdx::StepAction action);

  protected:
    void showEvent(QShowEvent* event) override;

  private:
    void onScanFinished(bool completed);
    void onVerdictAction(StepAction action);
    void selectFirstProblem();
    void showTreeMenu(const QPoint& pos);
    void fitSplitters();
    void updateVerdict();

    std::unique_ptr<ImageSession> m_session;
    StructureTreeModel* m_treeModel;
    QTreeView* m_tree;
    VerdictPage* m_verdict;
    DetailsPane* m_details;
    BatMapWidget* m_batMap;
    FindingsPanel* m_findings;
    QTabWidget* m_tabs;
    QSplitter* m_hSplit;
    QSplitter* m_vSplit;
    HeaderComparisonDialog* m_comparison = nullptr;
    QString m_autoPath; // the node selected for the user at open, while they keep it
    bool m_layoutRestored = false;
    bool m_splittersFitted = false;
};

} // namespace vhdx::ui
