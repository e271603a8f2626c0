#include "data_inspector.h"

#include <QHeaderView>

#include "display_format.h"
#include "vhdx/bytes.h"
#include "vhdx/guid.h"
#include "vhdx/printable.h"

namespace vhdx::ui {

namespace {
QString integer(uint64_t v, int hexDigits) {
    return QStringLiteral("0x%1 (%2)").arg(v, hexDigits, 16, QLatin1Char('0')).arg(formatCount(v));
}
} // namespace

DataInspector::DataInspector(QWidget* parent) : QTreeWidget(parent) {
    setObjectName(QStringLiteral("dataInspector"));
    setColumnCount(2);
    setHeaderLabels({tr("Read as"), tr("Value")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    header()->setStretchLastSection(true);
    const QString labels[RowCount] = {tr("Offset"), tr("u8"),   tr("u16 LE"),       tr("u32 LE"),
                                      tr("u64 LE"), tr("GUID"), tr("UTF-16LE text")};
    for (const QString& l : labels)
        addTopLevelItem(new QTreeWidgetItem({l, QString()}));
    resizeColumnToContents(0);
    setColumnWidth(0, columnWidth(0) + fontMetrics().horizontalAdvance(QStringLiteral("MM")));
    setBytes(0, 0, {});
}

QSize DataInspector::sizeHint() const {
    int row = rowHeight(model()->index(0, 0));
    if (row <= 0)
        row = fontMetrics().height() + 6;
    return {QTreeWidget::sizeHint().width(),
            RowCount * row + 2 * frameWidth() + header()->sizeHint().height() + 4};
}

QString DataInspector::valueText(Row row) const {
    return topLevelItem(row)->text(1);
}

void DataInspector::setBytes(uint64_t offset, uint64_t selectionLength, const QByteArray& bytes) {
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.constData());
    const qsizetype n = bytes.size();
    const QString none = tr("—");
    auto set = [&](Row row, const QString& text) {
        topLevelItem(row)->setText(1, text);
        topLevelItem(row)->setToolTip(1, text);
    };
    if (n == 0) {
        for (int r = 0; r < RowCount; ++r)
            set(Row(r), r == OffsetRow ? tr("nothing selected") : none);
        return;
    }
    set(OffsetRow,
        selectionLength > 1
            ? QStringLiteral("%1, %2").arg(formatOffset(offset)).arg(formatBytes(selectionLength))
            : formatOffset(offset));
    set(U8Row, integer(p[0], 2));
    set(U16Row, n >= 2 ? integer(le16(p), 4) : none);
    set(U32Row, n >= 4 ? integer(le32(p), 8) : none);
    set(U64Row, n >= 8 ? integer(le64(p), 16) : none);
    set(GuidRow, n >= 16 ? qs(Guid::fromDisk(p).toString()) : none);
    // The selection (or 32 bytes at the caret), up to the first NUL, escaped like the reports.
    const qsizetype textBytes =
        std::min<qsizetype>(n, selectionLength > 1 ? qsizetype(selectionLength) : 32) & ~1;
    set(Utf16Row, textBytes ? qs(terminalSafe(utf16leToUtf8(p, size_t(textBytes), true))) : none);
}

} // namespace vhdx::ui
