// The before/after table of HeaderUpdateDialog: per write step a title row, then validity,
// SequenceNumber, FileWriteGuid and DataWriteGuid, old value | new value.
#include <QColor>
#include <QFont>
#include <QHeaderView>
#include <QTableWidget>

#include "display_format.h"
#include "header_update_dialog.h"
#include "status_style.h"
#include "vhdx/schema/structures.h"

namespace vhdx::ui {

namespace {
QTableWidgetItem* item(const QString& text, const QString& tip = {}) {
    auto* i = new QTableWidgetItem(text);
    i->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    i->setToolTip(tip.isEmpty() ? text : tip);
    return i;
}

void setBold(QTableWidgetItem* i) {
    QFont f = i->font();
    f.setBold(true);
    i->setFont(f);
}

QString guidText(const Guid& g) {
    return qs(g.toString());
}
} // namespace

void HeaderUpdateDialog::buildTable() {
    m_table->setObjectName(QStringLiteral("planTable"));
    m_table->setColumnCount(3);
    m_table->setRowCount(2 * RowsPerStep);
    m_table->setHorizontalHeaderLabels({tr("Field"), tr("Before"), tr("After")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->horizontalHeader()->setSectionResizeMode(FieldColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(BeforeColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(AfterColumn, QHeaderView::Stretch);
    for (int step = 0; step < 2; ++step)
        m_table->setSpan(step * RowsPerStep + TitleRow, 0, 1, 3);
}

void HeaderUpdateDialog::fillTable() {
    m_table->setEnabled(m_plan.allowed);
    for (int step = 0; step < 2; ++step)
        fillStep(step);
    m_table->resizeRowsToContents();
    // Every row visible without scrolling the table: the table is what the user confirms
    // (the dialog's scroll area scrolls it with the rest).
    int h = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth();
    for (int r = 0; r < m_table->rowCount(); ++r)
        h += m_table->rowHeight(r);
    m_table->setMinimumHeight(h);
    m_table->setMaximumHeight(h);
}

void HeaderUpdateDialog::fillStep(int step) {
    const int base = step * RowsPerStep;
    const HeaderSlotPlan& s = m_plan.steps[step];
    const bool known = m_plan.allowed;
    namespace hs = schema::header;
    // The schema's labels, as in the structure tree and the header comparison.
    const QString names[RowsPerStep] = {{},
                                        tr("Validity"),
                                        qs(hs::sequenceNumber.label),
                                        qs(hs::fileWriteGuid.label),
                                        qs(hs::dataWriteGuid.label)};
    for (int row = ValidityRow; row < RowsPerStep; ++row) {
        m_table->setItem(base + row, FieldColumn, item(names[row]));
        m_table->setItem(base + row, BeforeColumn, item(known ? QString() : tr("—")));
        m_table->setItem(base + row, AfterColumn, item(known ? QString() : tr("—")));
    }
    QTableWidgetItem* title =
        item(!known      ? tr("Step %1: not planned").arg(step + 1)
             : step == 0 ? tr("Step %1: Header %2 at %3 — not current, written first")
                               .arg(step + 1)
                               .arg(s.slot)
                               .arg(formatOffset(s.offset))
                         : tr("Step %1: Header %2 at %3 — current now, written second")
                               .arg(step + 1)
                               .arg(s.slot)
                               .arg(formatOffset(s.offset)));
    setBold(title);
    QColor tint = palette().highlight().color();
    tint.setAlpha(40);
    title->setBackground(tint);
    m_table->setItem(base + TitleRow, 0, title);
    if (!known)
        return;

    // Before and after of one field: a changed value is bold, an unchanged one says so.
    const auto pair = [&](int row, const QString& before, const QString& after) {
        m_table->item(base + row, BeforeColumn)->setText(before);
        m_table->item(base + row, BeforeColumn)->setToolTip(before);
        QTableWidgetItem* a = m_table->item(base + row, AfterColumn);
        a->setToolTip(after);
        if (after == before) {
            a->setText(tr("unchanged"));
            a->setForeground(palette().placeholderText());
            QFont f = a->font();
            f.setItalic(true);
            a->setFont(f);
        } else {
            a->setText(after);
            setBold(a);
        }
    };
    pair(SequenceRow, QString::number(s.oldSequence), QString::number(s.newSequence));
    pair(FileWriteGuidRow, guidText(s.oldFileWriteGuid), guidText(s.newFileWriteGuid));
    pair(DataWriteGuidRow, guidText(s.oldDataWriteGuid), guidText(s.newDataWriteGuid));

    QTableWidgetItem* before = m_table->item(base + ValidityRow, BeforeColumn);
    if (s.oldValid) {
        before->setText(tr("valid"));
    } else {
        before->setText(tr("damaged: %1, will be repaired").arg(qs(s.oldProblem)));
        before->setForeground(statusColor(NodeStatus::Error));
        setBold(before);
    }
    before->setToolTip(before->text());
    QTableWidgetItem* after = m_table->item(base + ValidityRow, AfterColumn);
    after->setText(step == 0 ? tr("valid, current after this step")
                             : tr("valid, current (both slots valid)"));
    after->setToolTip(after->text());
}

} // namespace vhdx::ui
