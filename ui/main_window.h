#pragma once
// A top-level window for one image: menus, toolbar, status bar (sizes, disk type, verdict,
// scan progress), drag-and-drop, recent files and remembered geometry. It watches the open
// file: a change on disk shows a banner with Reload, and the picture is marked as stale
// until then; Reload keeps what the user was looking at.
#include <QMainWindow>
#include <QPointer>

#include "vhdx/image.h" // ReadView

class QLabel;
class QMessageBox;
class QStackedWidget;

namespace vhdx::ui {

class ChainFolderWindow;
class FileChangeWatcher;
class ImageView;
class StatusSummary;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens path in this window. A file that cannot be read or is not a VHDX leaves the
    // current image in place and shows a message (lastError()); returns false then.
    bool openFile(const QString& path);
    // Opens the first file here and each further one in a window of its own.
    void openFiles(const QStringList& paths);
    // Opens path in a new window; null (and a message here) when it cannot be opened.
    MainWindow* openInNewWindow(const QString& path);
    // Re-reads the current file from disk (after an external change or a header update),
    // keeping the selection, the expanded nodes, the tab and the BAT map's position. A file
    // that can no longer be read is closed, with a message: no stale picture stays.
    void reload();
    // File > Open Folder: the differencing chains below dir, in a window of their own; a disk
    // activated there opens here when this window shows none, else in a new window.
    ChainFolderWindow* openFolder(const QString& dir);
    void closeImage();
    bool exportReport(const QString& path, bool json);

    // The Tools menu, created on first use and placed before Help, for tools added from outside.
    [[nodiscard]] QMenu* toolsMenu();
    [[nodiscard]] const Image* image() const;
    [[nodiscard]] QString currentPath() const { return m_path; }
    [[nodiscard]] ImageView* imageView() const { return m_view; }
    [[nodiscard]] QString lastError() const { return m_lastError; }
    // What the window shows of a dirty image: the disk as after its log replay (the default)
    // or the bytes as stored. Changing it reads the file again, keeping the selection.
    [[nodiscard]] ReadView readView() const { return m_readView; }
    void setReadView(ReadView view);
    [[nodiscard]] static QStringList recentFiles();
    // The banner saying the file changed on disk (hidden while it has not).
    [[nodiscard]] QWidget* changeBanner() const { return m_banner; }
    [[nodiscard]] QString changeText() const;
    [[nodiscard]] QMenu* recentMenu() const { return m_recentMenu; }
    [[nodiscard]] QLabel* placeholder() const { return m_placeholder; }

  signals:
    // A new image is shown (open, reload, close).
    void imageChanged();
    void scanFinished(bool completed);

  protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

  private:
    void createActions();
    void showError(const QString& text);
    void rememberRecent(const QString& path);
    void fillRecentMenu();
    void updateStatus();
    void updateActions();
    void openChainNode(const QString& path);
    void onScanProgress(quint64 done, quint64 total);
    void onScanFinished(bool completed);
    void exportInteractive();
    void showAbout();
    void saveSettings() const;
    void onChangedOnDisk(const QString& what);
    void updateVerdictActions();
    bool openFileKeeping(const QString& path, bool keepView);

    ImageView* m_view;
    QStackedWidget* m_stack;
    QLabel* m_placeholder;
    QWidget* m_banner;
    QLabel* m_bannerText;
    FileChangeWatcher* m_watcher;
    QString m_path;
    QString m_lastError;
    ReadView m_readView = ReadView::Replayed;
    QPointer<QMessageBox> m_message;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QMenu* m_toolsMenu = nullptr;
    QAction* m_reloadAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_closeAction = nullptr;
    QAction* m_compareAction = nullptr;
    QAction* m_showReplayedAction = nullptr; // View > Show > As After Log Replay
    QAction* m_showStoredAction = nullptr;   // View > Show > As Stored
    StatusSummary* m_summary;
};

} // namespace vhdx::ui
