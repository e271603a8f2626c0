#pragma once
// One opened image and its BAT scan. The parse happens in open() (fast: the BAT is not
// read); the full BAT scan runs on a worker thread with progress and cancel. While it runs
// the image's findings and batScan() belong to the worker: the GUI reads only the snapshot
// taken at open, and takes the merged findings once scanFinished() arrives.
#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

#include "vhdx/document/document.h"
#include "vhdx/findings.h"
#include "vhdx/image.h"
#include "vhdx/verdict.h"
#include "vhdx/virtual_disk_report.h"

namespace vhdx::ui {

class ImageSession : public QObject {
    Q_OBJECT
  public:
    // Null with error set when the file cannot be opened or read at all.
    // view: the disk as after its pending log replay (default), or the bytes as stored.
    [[nodiscard]] static std::unique_ptr<ImageSession> open(const QString& path, QString& error,
                                                            ReadView view = ReadView::Replayed);
    ~ImageSession() override;

    [[nodiscard]] const Image& image() const { return *m_image; }
    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] bool isVhdx() const;

    // Runs once; a cancelScan() before it makes the scan stop at its first check.
    void startScan();
    void cancelScan();
    // Starts the scan if needed and blocks until it has ended (tests, screenshots).
    void waitForScan();
    // Not yet started counts as neither scanning nor done.
    [[nodiscard]] bool scanning() const { return m_scanning; }
    [[nodiscard]] bool scanDone() const { return m_scanDone; }
    // The parse findings until the scan finished, then all of them.
    [[nodiscard]] const std::vector<Finding>& findings() const { return m_findings; }
    // The findings in the verdict's order: group by group, each cause before its symptoms.
    [[nodiscard]] std::vector<Finding> orderedFindings() const;
    // The decoded document of what is known now (rebuilt when the scan finishes).
    [[nodiscard]] std::shared_ptr<const Document> document() const { return m_document; }
    // Core's verdict on what is known now (renewed when the scan finishes).
    [[nodiscard]] const Verdict& verdict() const { return m_verdict; }

  signals:
    void scanProgress(quint64 done, quint64 total);
    void scanFinished(bool completed);

  private:
    ImageSession(std::unique_ptr<Image> image, QString path);
    void onScanEnded();
    void rebuild(bool scanDone);

    std::unique_ptr<Image> m_image;
    QString m_path;
    std::vector<Finding> m_findings;
    std::shared_ptr<const Document> m_document;
    // The disk behind the image and the guest's partitions: read once at open, before the
    // scan thread uses the image (the reader shares its BAT cache).
    std::shared_ptr<const VirtualDiskSummary> m_virtualDisk;
    Verdict m_verdict;
    QFutureWatcher<bool> m_watcher;
    std::atomic<bool> m_cancel{false};
    std::atomic<int> m_lastPermille{-1};
    bool m_scanning = false;
    bool m_scanDone = false;
};

} // namespace vhdx::ui
