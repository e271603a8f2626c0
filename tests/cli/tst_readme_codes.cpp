// The README's finding-code table is what scripts read: every code the core can produce
// must be there with its default severity, and the table must name no code the core lacks.
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include "test_registry.h"
#include "vhdx/findings.h"

class TestReadmeCodes : public QObject {
    Q_OBJECT

  private slots:
    void tableMatchesCore() {
        QFile f(QStringLiteral(VHDX_SOURCE_DIR "/README.md"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        QHash<QString, QString> table; // code -> severity
        const QRegularExpression row(QStringLiteral("^\\| `([A-Z_0-9]+)` \\| (\\w+) \\|"),
                                     QRegularExpression::MultilineOption);
        for (auto it = row.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            table.insert(m.captured(1), m.captured(2));
        }
        QSet<QString> core;
        for (const auto& c : vhdx::allFindingCodes()) {
            const QString name = QString::fromLatin1(c.name.data(), qsizetype(c.name.size()));
            core.insert(name);
            QVERIFY2(table.contains(name), qPrintable(name + " is missing from README.md"));
            QCOMPARE(table.value(name),
                     QString::fromLatin1(vhdx::severityName(c.defaultSeverity).data()));
        }
        for (auto it = table.cbegin(); it != table.cend(); ++it)
            QVERIFY2(core.contains(it.key()), qPrintable(it.key() + " is not a core code"));
        // The contract's codes (README) must all exist.
        for (const char* c : {"NOT_VHDX",
                              "FILE_TRUNCATED",
                              "HEADER_SIGNATURE_BAD",
                              "HEADER_CHECKSUM_BAD",
                              "HEADER_VERSION_BAD",
                              "NO_VALID_HEADER",
                              "HEADER_SEQUENCE_TIE",
                              "REGION_TABLE_SIGNATURE_BAD",
                              "REGION_TABLE_CHECKSUM_BAD",
                              "REGION_TABLES_DIFFER",
                              "REGION_MISSING",
                              "REGION_UNKNOWN_REQUIRED",
                              "REGION_OVERLAP",
                              "REGION_OUT_OF_BOUNDS",
                              "REGION_MISALIGNED",
                              "METADATA_SIGNATURE_BAD",
                              "METADATA_ITEM_MISSING",
                              "METADATA_ITEM_DUPLICATE",
                              "METADATA_ITEM_OUT_OF_BOUNDS",
                              "METADATA_UNKNOWN_REQUIRED",
                              "BLOCK_SIZE_INVALID",
                              "SECTOR_SIZE_INVALID",
                              "VIRTUAL_DISK_SIZE_INVALID",
                              "PARENT_LOCATOR_MISSING",
                              "BAT_TOO_SMALL",
                              "BAT_ENTRY_STATE_INVALID",
                              "BAT_ENTRY_RESERVED_BITS",
                              "BAT_ENTRY_BEYOND_EOF",
                              "BAT_ENTRY_OVERLAP",
                              "LOG_REPLAY_NEEDED",
                              "LOG_ENTRY_INVALID"})
            QVERIFY2(core.contains(c), c);
    }
};

VHDX_TEST_MAIN(TestReadmeCodes)
#include "tst_readme_codes.moc"
