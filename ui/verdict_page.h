#pragma once
// The page that answers the user's question first: core's verdict (is the disk usable, in
// one sentence), then each problem grouped by root cause with what it means and the next
// steps: the exact command (selectable, with Copy) and a button where this viewer can do the
// step itself (Update Headers, Compare Headers, the BAT map's problem entries, Reload).
// Scrolls at any size; every text from the file (paths in commands) is plain text.
#include <QScrollArea>

#include <map>
#include <vector>

#include "vhdx/verdict.h"

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace vhdx::ui {

class VerdictPage : public QScrollArea {
    Q_OBJECT
  public:
    explicit VerdictPage(QWidget* parent = nullptr);

    // Shows a verdict (null: none, an empty page). scanRunning adds that BAT problems may
    // still be found.
    void setVerdict(const Verdict* verdict, bool scanRunning = false);
    // The file changed on disk since the verdict was made (why; empty: it did not): the page
    // then says so instead of a verdict about contents that are gone.
    void setStale(const QString& why);
    // Whether the viewer can do a step's action now, and why not: its buttons follow.
    void setActionAvailable(StepAction action, bool available, const QString& why = {});

    [[nodiscard]] QLabel* headline() const { return m_headline; }
    [[nodiscard]] QLabel* summary() const { return m_summary; }
    [[nodiscard]] int groupCount() const { return int(m_groupTitles.size()); }
    [[nodiscard]] QLabel* groupTitle(int group) const { return m_groupTitles[size_t(group)]; }
    // The buttons of one action, in page order.
    [[nodiscard]] std::vector<QPushButton*> actionButtons(StepAction action) const;

  signals:
    // "Show": select the structure of a problem's root cause.
    void structureRequested(const vhdx::StructureRef& where, vhdx::FindingCode cause);
    void actionRequested(vhdx::StepAction action);

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void rebuild();
    QWidget* groupWidget(const ProblemGroup& g);
    QWidget* stepWidget(const NextStep& s);
    void updateButtons();

    Verdict m_verdict;
    bool m_haveVerdict = false;
    bool m_scanRunning = false;
    QString m_stale;
    QWidget* m_content;
    QVBoxLayout* m_layout;
    QLabel* m_headline;
    QLabel* m_summary;
    QLabel* m_scanNote;
    std::vector<QLabel*> m_groupTitles;
    std::vector<QWidget*> m_groupWidgets;
    std::vector<std::pair<StepAction, QPushButton*>> m_buttons;
    struct Availability {
        bool available = false;
        QString why;
    };
    std::map<StepAction, Availability> m_available;
};

} // namespace vhdx::ui
