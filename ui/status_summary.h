#pragma once
// The status bar's summary of the shown image: virtual size, block size, disk type, the BAT
// scan's progress with Cancel, and the verdict (clean / N errors / M warnings).
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace vhdx::ui {

class ImageSession;

class StatusSummary : public QWidget {
    Q_OBJECT
  public:
    explicit StatusSummary(QWidget* parent = nullptr);
    // Refreshes everything from the session (null: an empty window).
    void showSession(const ImageSession* session);
    void setProgress(quint64 done, quint64 total);
    // The file changed on disk since it was read: the verdict no longer stands.
    void setStale(const QString& why);

  protected:
    void changeEvent(QEvent* event) override;

  signals:
    void cancelRequested();

  private:
    QLabel* m_sizeLabel;
    QLabel* m_blockLabel;
    QLabel* m_typeLabel;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    QLabel* m_verdictLabel;
    const ImageSession* m_session = nullptr;
    QString m_stale;
};

} // namespace vhdx::ui
