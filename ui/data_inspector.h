#pragma once
// The data inspector under the hex view: the bytes at the selection read as little-endian
// integers (u8 to u64), a GUID (Microsoft layout, as the format stores them) and UTF-16LE
// text, decoded by core. Text from the file is shown escaped, as plain text.
#include <QByteArray>
#include <QTreeWidget>

#include <cstdint>

namespace vhdx::ui {

class DataInspector : public QTreeWidget {
    Q_OBJECT
  public:
    enum Row { OffsetRow, U8Row, U16Row, U32Row, U64Row, GuidRow, Utf16Row, RowCount };

    explicit DataInspector(QWidget* parent = nullptr);
    // The bytes from the selection's start (at least 16 when the file has them) and the
    // selection's length (0: the caret only). Empty bytes: nothing to show.
    void setBytes(uint64_t offset, uint64_t selectionLength, const QByteArray& bytes);
    [[nodiscard]] QString valueText(Row row) const;
    [[nodiscard]] QSize sizeHint() const override;
};

} // namespace vhdx::ui
