#pragma once
// Notices when the open file changes on disk (QFileSystemWatcher): written, truncated,
// replaced or deleted by another program. What was read is remembered as size and times when
// the image is opened; a notification that leaves them as they were (our own reload, a
// touch of the access time) is not a change.
#include <QDateTime>
#include <QFileSystemWatcher>
#include <QObject>
#include <QString>

namespace vhdx::ui {

class FileChangeWatcher : public QObject {
    Q_OBJECT
  public:
    explicit FileChangeWatcher(QObject* parent = nullptr);

    // Watches path from now on, as it is now (empty: stops watching).
    void watch(const QString& path);
    [[nodiscard]] QString path() const { return m_path; }
    // Why the file is no longer what was read ("" while it is): "it was deleted", "it was
    // truncated from 100 MiB to 64 KiB", "it was modified".
    [[nodiscard]] QString change() const { return m_change; }
    // Compares the file with what was read now (the watcher calls it on every notification).
    void check();

  signals:
    // The file changed since it was read; emitted once per change.
    void changedOnDisk(const QString& what);

  private:
    struct Stamp {
        bool exists = false;
        qint64 size = 0;
        QDateTime modified;
        QDateTime changed; // metadata change (a rename over it, a truncate)
    };
    [[nodiscard]] static Stamp stampOf(const QString& path);

    QFileSystemWatcher m_watcher;
    QString m_path;
    Stamp m_read;
    QString m_change;
};

} // namespace vhdx::ui
