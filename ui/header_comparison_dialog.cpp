#include "header_comparison_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "header_comparison_model.h"

namespace vhdx::ui {

HeaderComparisonDialog::HeaderComparisonDialog(QWidget* parent)
    : QDialog(parent), m_model(new HeaderComparisonModel(this)), m_view(new QTableView(this)),
      m_summary(new QLabel(this)) {
    setObjectName(QStringLiteral("headerComparison"));
    m_view->setModel(m_model);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setWordWrap(false);
    m_summary->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
}

void HeaderComparisonDialog::setHeaders(const HeaderPair& headers, const QString& fileName) {
    m_model->setHeaders(headers);
    setWindowTitle(tr("Header comparison — %1").arg(fileName));
    int differing = 0;
    for (int r = 0; r < m_model->rowCount(); ++r)
        differing += m_model->index(r, 0).data(HeaderComparisonModel::DiffersRole).toBool();
    const QString current = headers.current ? tr("Header %1 is current.").arg(headers.current)
                                            : tr("Neither header is valid.");
    m_summary->setText(tr("%1 %2 of %3 fields differ (highlighted).")
                           .arg(current)
                           .arg(differing)
                           .arg(m_model->rowCount()));
    m_view->resizeColumnToContents(HeaderComparisonModel::FieldColumn);
    m_view->setColumnWidth(HeaderComparisonModel::Header1Column, 330);
    m_view->resizeRowsToContents();
    // Tall enough for every row, no taller: the table is the whole point of the window.
    int h = m_view->horizontalHeader()->height() + 2 * m_view->frameWidth() + 2;
    for (int r = 0; r < m_model->rowCount(); ++r)
        h += m_view->rowHeight(r);
    m_view->setMinimumHeight(h);
    m_view->setCurrentIndex({});
    resize(std::max(width(), 900), sizeHint().height());
}

} // namespace vhdx::ui
