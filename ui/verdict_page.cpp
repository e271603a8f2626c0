#include "verdict_page.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include "display_format.h"
#include "status_style.h"

namespace vhdx::ui {

namespace {

QLabel* plainLabel(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setTextFormat(Qt::PlainText); // paths and names come from the file
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

NodeStatus statusOfVerdict(const Verdict& v) {
    switch (v.usable) {
    case Usability::Yes:
        return v.clean ? NodeStatus::Ok : NodeStatus::Warning;
    case Usability::AfterReplay:
    case Usability::Unknown:
        return NodeStatus::Warning;
    case Usability::Damaged:
    case Usability::No:
        return NodeStatus::Error;
    }
    return NodeStatus::Error;
}

QString headlineText(const Verdict& v) {
    switch (v.usable) {
    case Usability::Yes:
        return v.clean ? VerdictPage::tr("Usable — clean")
                       : VerdictPage::tr("Usable, with warnings");
    case Usability::AfterReplay:
        return VerdictPage::tr("Usable after a log replay");
    case Usability::Unknown:
        return VerdictPage::tr("Not fully checked");
    case Usability::Damaged:
        return VerdictPage::tr("Damaged");
    case Usability::No:
        return VerdictPage::tr("Not usable as it is");
    }
    return {};
}

// The actions the viewer does itself, with their button text.
QString buttonText(StepAction a) {
    switch (a) {
    case StepAction::UpdateHeaders:
        return VerdictPage::tr("Update Headers...");
    case StepAction::CompareHeaders:
        return VerdictPage::tr("Compare Headers");
    case StepAction::ShowBatProblems:
        return VerdictPage::tr("Show in BAT Map");
    case StepAction::Reload:
        return VerdictPage::tr("Reload");
    case StepAction::ReplayLog:
        return VerdictPage::tr("Replay Log...");
    case StepAction::None:
    case StepAction::SetParent: // command line only, for now
        break;
    }
    return {};
}

} // namespace

VerdictPage::VerdictPage(QWidget* parent)
    : QScrollArea(parent), m_content(new QWidget(this)), m_layout(new QVBoxLayout(m_content)),
      m_headline(new QLabel(m_content)), m_summary(plainLabel({}, m_content)),
      m_scanNote(
          plainLabel(tr("The BAT scan is still running: BAT problems may be added."), m_content)) {
    setObjectName(QStringLiteral("verdictPage"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_headline->setObjectName(QStringLiteral("verdictHeadline"));
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setWordWrap(true);
    QFont big = m_headline->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.45);
    m_headline->setFont(big);
    m_summary->setObjectName(QStringLiteral("verdictSummary"));
    m_scanNote->setForegroundRole(QPalette::PlaceholderText);
    m_layout->setContentsMargins(10, 10, 10, 10);
    m_layout->setSpacing(8);
    setWidget(m_content);
    rebuild();
}

void VerdictPage::setVerdict(const Verdict* verdict, bool scanRunning) {
    m_haveVerdict = verdict != nullptr;
    m_verdict = verdict ? *verdict : Verdict{};
    m_scanRunning = scanRunning;
    m_stale.clear();
    rebuild();
}

void VerdictPage::setStale(const QString& why) {
    m_stale = why;
    rebuild();
}

void VerdictPage::setActionAvailable(StepAction action, bool available, const QString& why) {
    m_available[action] = {available, why};
    updateButtons();
}

std::vector<QPushButton*> VerdictPage::actionButtons(StepAction action) const {
    std::vector<QPushButton*> out;
    for (const auto& [a, b] : m_buttons)
        if (a == action)
            out.push_back(b);
    return out;
}

void VerdictPage::changeEvent(QEvent* event) {
    QScrollArea::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        rebuild(); // the status colours follow the palette
}

void VerdictPage::rebuild() {
    for (QWidget* w : m_groupWidgets)
        delete w;
    m_groupWidgets.clear();
    m_groupTitles.clear();
    m_buttons.clear();
    while (m_layout->count())
        delete m_layout->takeAt(0); // items only: the widgets are deleted above or kept
    auto* head = new QHBoxLayout;
    auto* icon = new QLabel(m_content);
    m_groupWidgets.push_back(icon);
    head->addWidget(icon, 0, Qt::AlignTop);
    head->addWidget(m_headline, 1);
    m_layout->addLayout(head);
    m_layout->addWidget(m_summary);
    m_layout->addWidget(m_scanNote);
    if (!m_haveVerdict) {
        m_headline->setText(tr("No image"));
        m_summary->setText(tr("Open a VHDX file to see whether the disk is usable."));
        m_scanNote->hide();
        m_layout->addStretch(1);
        return;
    }
    if (!m_stale.isEmpty()) {
        const int iconSize = m_headline->fontMetrics().height();
        icon->setPixmap(statusIcon(NodeStatus::Warning).pixmap(iconSize, iconSize));
        m_headline->setText(tr("Changed on disk — reload to check it again"));
        QPalette pal = m_headline->palette();
        pal.setColor(QPalette::WindowText, statusColor(NodeStatus::Warning, palette()));
        m_headline->setPalette(pal);
        m_summary->setText(tr("The file changed since it was read (%1), so no verdict on it "
                              "stands. Reload (F5) reads and checks it again.")
                               .arg(m_stale));
        m_scanNote->hide();
        m_layout->addStretch(1);
        return;
    }
    const NodeStatus status = statusOfVerdict(m_verdict);
    const int iconSize = m_headline->fontMetrics().height();
    icon->setPixmap(statusIcon(status).pixmap(iconSize, iconSize));
    m_headline->setText(headlineText(m_verdict));
    QPalette pal = m_headline->palette();
    pal.setColor(QPalette::WindowText, statusColor(status, palette()));
    m_headline->setPalette(pal);
    m_summary->setText(qs(m_verdict.summary));
    m_scanNote->setVisible(m_scanRunning);
    for (const ProblemGroup& g : m_verdict.groups) {
        QWidget* w = groupWidget(g);
        m_groupWidgets.push_back(w);
        m_layout->addWidget(w);
    }
    m_layout->addStretch(1);
    updateButtons();
}

QWidget* VerdictPage::groupWidget(const ProblemGroup& g) {
    auto* frame = new QFrame(m_content);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setObjectName(QStringLiteral("verdictGroup"));
    auto* v = new QVBoxLayout(frame);
    v->setContentsMargins(8, 6, 8, 8);
    v->setSpacing(4);

    auto* top = new QHBoxLayout;
    const NodeStatus status = statusOf(g.severity);
    auto* icon = new QLabel(frame);
    const int iconSize = fontMetrics().height();
    icon->setPixmap(statusIcon(status).pixmap(iconSize, iconSize));
    top->addWidget(icon, 0, Qt::AlignTop);
    QLabel* title = plainLabel(qs(g.title), frame);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    m_groupTitles.push_back(title);
    top->addWidget(title, 1);
    auto* show = new QToolButton(frame);
    show->setText(tr("Show"));
    show->setToolTip(tr("Select where this problem lies in the structure tree"));
    connect(show, &QToolButton::clicked, this,
            [this, where = g.where, cause = g.cause] { emit structureRequested(where, cause); });
    top->addWidget(show, 0, Qt::AlignTop);
    v->addLayout(top);

    v->addWidget(plainLabel(qs(g.meaning), frame));
    QStringList codes;
    for (FindingCode c : g.codes)
        codes << qs(codeName(c));
    QLabel* codeLabel =
        plainLabel((g.findings.size() == 1 ? tr("1 finding: %1")
                                           : tr("%2 findings: %1").arg(g.findings.size()))
                       .arg(codes.join(QStringLiteral(", "))),
                   frame);
    codeLabel->setForegroundRole(QPalette::PlaceholderText);
    v->addWidget(codeLabel);
    for (const NextStep& s : g.steps)
        v->addWidget(stepWidget(s));
    return frame;
}

QWidget* VerdictPage::stepWidget(const NextStep& s) {
    auto* w = new QWidget(m_content);
    auto* v = new QVBoxLayout(w);
    v->setContentsMargins(0, 2, 0, 0);
    v->setSpacing(3);
    auto* textRow = new QHBoxLayout;
    textRow->addWidget(plainLabel(QStringLiteral("→ ") + qs(s.text), w), 1);
    if (const QString text = buttonText(s.action); !text.isEmpty()) {
        auto* b = new QPushButton(text, w);
        b->setObjectName(QStringLiteral("verdictAction"));
        connect(b, &QPushButton::clicked, this, [this, a = s.action] { emit actionRequested(a); });
        m_buttons.emplace_back(s.action, b);
        textRow->addWidget(b, 0, Qt::AlignTop);
    }
    v->addLayout(textRow);
    if (!s.command.empty()) {
        auto* row = new QHBoxLayout;
        row->setContentsMargins(16, 0, 0, 0);
        QLabel* command = plainLabel(qs(s.command), w);
        command->setObjectName(QStringLiteral("verdictCommand"));
        command->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        command->setAutoFillBackground(true);
        command->setBackgroundRole(QPalette::AlternateBase);
        command->setMargin(4);
        row->addWidget(command, 1);
        auto* copy = new QToolButton(w);
        copy->setText(tr("Copy"));
        copy->setToolTip(tr("Copy the command"));
        connect(copy, &QToolButton::clicked, this,
                [cmd = qs(s.command)] { QApplication::clipboard()->setText(cmd); });
        row->addWidget(copy, 0, Qt::AlignTop);
        v->addLayout(row);
    }
    return w;
}

void VerdictPage::updateButtons() {
    for (const auto& [action, button] : m_buttons) {
        const auto it = m_available.find(action);
        const bool on = it != m_available.end() && it->second.available;
        button->setEnabled(on);
        button->setToolTip(it == m_available.end() ? tr("Not available for this image")
                                                   : it->second.why);
    }
}

} // namespace vhdx::ui
