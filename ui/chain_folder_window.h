#pragma once
// File > Open Folder: the differencing chains of every .vhdx/.avhdx below a folder,
// read in the background (headers and metadata only, no BAT scan) while a busy bar runs, then
// drawn as a tree with the statuses of `vhdx-inspector --chains`, and the chain findings below
// it. Activating a disk (double-click, Enter, Open) asks for it to be opened.
#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <string>

#include "vhdx/chain_forest.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTreeView;
class QTreeWidget;
class QTreeWidgetItem;

namespace vhdx::ui {

class ChainForestModel;
class ChainReconnect;

class ChainFolderWindow : public QWidget {
    Q_OBJECT
  public:
    enum FindingColumns { SeverityColumn, CodeColumn, PathColumn, MessageColumn };
    enum FindingRoles { AdviceRole = Qt::UserRole, CodeRole, SeverityRole };

    // Starts mapping folder at once. mapChains cannot be interrupted: Cancel closes the
    // window and the reading in the background ends on its own, its result unused.
    explicit ChainFolderWindow(const QString& folder, QWidget* parent = nullptr);
    ~ChainFolderWindow() override;

    [[nodiscard]] QString folder() const { return m_folder; }
    [[nodiscard]] bool isMapped() const { return m_done; }
    // Why the folder could not be read ("" when it could, or while it is being read).
    [[nodiscard]] QString errorText() const { return m_error; }
    [[nodiscard]] const ChainForest* forest() const;
    [[nodiscard]] ChainForestModel* model() const { return m_model; }
    [[nodiscard]] QTreeView* treeView() const { return m_tree; }
    [[nodiscard]] QTreeWidget* findingsList() const { return m_findings; }
    [[nodiscard]] QProgressBar* progressBar() const { return m_progress; }
    [[nodiscard]] QString verdictText() const;

    // Asks for the disk of the tree row to be opened (openRequested); false for no disk.
    bool openNode(const QModelIndex& index);
    // Reads the folder again (after a reconnect); mapped() follows.
    void startMapping();
    [[nodiscard]] ChainReconnect* reconnect() const { return m_reconnect; }

  signals:
    void mapped();
    void openRequested(const QString& path);

  private:
    struct Result {
        std::shared_ptr<const ChainForest> forest;
        std::string error;
    };
    void onMapped();
    void showFindings(const ChainForest& forest);
    void selectFindingNode(QTreeWidgetItem* item);

    QString m_folder;
    QString m_error;
    bool m_done = false;
    QFutureWatcher<Result> m_watcher;
    ChainForestModel* m_model;
    QLabel* m_title;
    QLabel* m_summary;
    QWidget* m_progressRow;
    QProgressBar* m_progress;
    QSplitter* m_splitter;
    QTreeView* m_tree;
    QLabel* m_findingsTitle;
    QTreeWidget* m_findings;
    QLabel* m_verdictIcon;
    QLabel* m_verdict;
    QPushButton* m_open;
    ChainReconnect* m_reconnect = nullptr;
};

} // namespace vhdx::ui
