#pragma once
// The findings as a table (severity, code, structure, offset, message), in the order given
// (the viewer gives the verdict's: most severe problem first, each root cause before its
// symptoms), and a proxy that filters them by severity.
#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <vector>

#include "vhdx/findings.h"
#include "vhdx/metadata.h"

namespace vhdx::ui {

class FindingsModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Columns {
        SeverityColumn,
        CodeColumn,
        StructureColumn,
        OffsetColumn,
        MessageColumn,
        ColumnCount
    };
    enum Roles {
        SeverityRole = Qt::UserRole, // int(vhdx::Severity)
        OffsetRole,                  // qulonglong
        SpecRole,                    // QString, MS-VHDX section
        SortRole,                    // numeric for severity and offset
        AdviceRole,                  // QString: what the code means and what to do
    };

    explicit FindingsModel(QObject* parent = nullptr);
    // The findings, and the image's metadata that names their structures (null: none).
    void setFindings(std::vector<Finding> findings, const Metadata* metadata = nullptr);
    [[nodiscard]] const Finding& finding(int row) const { return m_findings[size_t(row)]; }
    [[nodiscard]] size_t count(Severity s) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

  private:
    std::vector<Finding> m_findings;
    std::vector<QString> m_titles; // per finding: its structure's name for people
};

class FindingsFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
  public:
    explicit FindingsFilterModel(QObject* parent = nullptr);
    void setSeverityShown(Severity s, bool shown);
    [[nodiscard]] bool severityShown(Severity s) const { return m_shown[int(s)]; }

  protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex& sourceParent) const override;

  private:
    bool m_shown[3] = {true, true, true};
};

} // namespace vhdx::ui
