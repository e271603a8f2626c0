#include "findings_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "findings_model.h"
#include "status_style.h"

namespace vhdx::ui {

FindingsPanel::FindingsPanel(QWidget* parent)
    : QWidget(parent), m_model(new FindingsModel(this)), m_filter(new FindingsFilterModel(this)),
      m_view(new QTableView(this)), m_note(new QLabel(this)), m_hidden(new QLabel(this)) {
    m_filter->setSourceModel(m_model);
    m_view->setModel(m_filter);
    m_view->setObjectName(QStringLiteral("findingsView"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // keep the model's order until asked
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    QHeaderView* h = m_view->horizontalHeader();
    h->setStretchLastSection(true);
    m_view->setColumnWidth(FindingsModel::SeverityColumn, 90);
    m_view->setColumnWidth(FindingsModel::CodeColumn, 210);
    m_view->setColumnWidth(FindingsModel::StructureColumn, 150);
    m_view->setColumnWidth(FindingsModel::OffsetColumn, 90);

    // At least four rows in sight, whatever the splitter does.
    m_view->setMinimumHeight(m_view->horizontalHeader()->sizeHint().height() +
                             4 * m_view->verticalHeader()->defaultSectionSize() +
                             2 * m_view->frameWidth() + 4);
    m_hidden->setObjectName(QStringLiteral("findingsHidden"));
    m_hidden->setWordWrap(true);
    m_hidden->setForegroundRole(QPalette::PlaceholderText);
    m_hidden->hide();

    auto* bar = new QHBoxLayout;
    auto* title = new QLabel(tr("<b>Findings</b>"), this);
    bar->addWidget(title);
    bar->addSpacing(12);
    const Severity order[3] = {Severity::Error, Severity::Warning, Severity::Info};
    for (Severity s : order) {
        auto* b = new QToolButton(this);
        b->setCheckable(true);
        b->setChecked(true);
        b->setIcon(statusIcon(statusOf(s)));
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        b->setAutoRaise(true);
        b->setToolTip(
            tr("Show or hide %1 findings").arg(QString::fromUtf8(severityName(s).data())));
        connect(b, &QToolButton::toggled, this, [this, s](bool on) {
            m_filter->setSeverityShown(s, on);
            updateHiddenNote();
        });
        m_buttons[int(s)] = b;
        bar->addWidget(b);
    }
    bar->addSpacing(12);
    bar->addWidget(m_note, 1);
    m_note->setStyleSheet(QStringLiteral("color: palette(placeholder-text)"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_hidden);
    layout->addWidget(m_view, 1);

    auto activate = [this](const QModelIndex& i) {
        if (i.isValid())
            emit findingActivated(m_model->finding(m_filter->mapToSource(i).row()));
    };
    connect(m_view, &QTableView::clicked, this, activate);
    connect(m_view, &QTableView::activated, this, activate);
    updateButtons();
}

void FindingsPanel::setFindings(std::vector<Finding> findings, const Metadata* metadata) {
    m_model->setFindings(std::move(findings), metadata);
    updateButtons();
    updateHiddenNote();
}

void FindingsPanel::selectRow(int row) {
    const QModelIndex i = m_filter->index(row, 0);
    if (!i.isValid())
        return;
    m_view->setCurrentIndex(i);
    m_view->scrollTo(i);
}

QString FindingsPanel::hiddenText() const {
    const int all = m_model->rowCount();
    if (all == 0 || m_filter->rowCount() > 0)
        return {};
    return tr("All %n finding(s) are hidden by the severity filter: turn a button on to show "
              "them.",
              nullptr, all);
}

void FindingsPanel::updateHiddenNote() {
    const QString text = hiddenText();
    m_hidden->setText(text);
    m_hidden->setVisible(!text.isEmpty());
}

void FindingsPanel::setNote(const QString& note) {
    m_note->setText(note);
}

void FindingsPanel::updateButtons() {
    const char* singular[3] = {"info", "warning", "error"};
    const char* plural[3] = {"info", "warnings", "errors"};
    for (int s = 0; s < 3; ++s) {
        const size_t n = m_model->count(Severity(s));
        m_buttons[s]->setText(
            QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? singular[s] : plural[s])));
    }
}

} // namespace vhdx::ui
