#include "file_change_watcher.h"

#include <QFileInfo>

#include "display_format.h"

namespace vhdx::ui {

FileChangeWatcher::FileChangeWatcher(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &FileChangeWatcher::check);
    // A file replaced by rename loses its watch: its directory tells that something happened.
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &FileChangeWatcher::check);
}

FileChangeWatcher::Stamp FileChangeWatcher::stampOf(const QString& path) {
    QFileInfo info(path);
    info.setCaching(false);
    Stamp s;
    s.exists = info.exists();
    if (s.exists) {
        s.size = info.size();
        s.modified = info.lastModified();
        s.changed = info.metadataChangeTime();
    }
    return s;
}

void FileChangeWatcher::watch(const QString& path) {
    if (!m_watcher.files().isEmpty())
        m_watcher.removePaths(m_watcher.files());
    if (!m_watcher.directories().isEmpty())
        m_watcher.removePaths(m_watcher.directories());
    m_path = path;
    m_change.clear();
    if (path.isEmpty())
        return;
    m_read = stampOf(path);
    m_watcher.addPath(path);
    m_watcher.addPath(QFileInfo(path).absolutePath());
}

void FileChangeWatcher::check() {
    if (m_path.isEmpty() || !m_change.isEmpty())
        return;
    const Stamp now = stampOf(m_path);
    QString what;
    if (!now.exists)
        what = tr("it was deleted or moved away");
    else if (now.size < m_read.size)
        what = tr("it was truncated from %1 to %2")
                   .arg(formatSize(uint64_t(m_read.size)), formatSize(uint64_t(now.size)));
    else if (now.size != m_read.size || now.modified != m_read.modified ||
             now.changed != m_read.changed)
        what = tr("it was modified");
    if (what.isEmpty())
        return;
    if (now.exists && !m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path); // replaced by a new file: watch that one
    m_change = what;
    emit changedOnDisk(what);
}

} // namespace vhdx::ui
