// Damaged and hostile logs (MS-VHDX 2.3): invalid entries, LOG_INVALID, the limits.
#include <QTest>

#include <cstring>

#include "core_test_helpers.h"
#include "log_test_helpers.h"
#include "test_registry.h"
#include "vhdx/log.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {} // namespace

class TestLogDamage : public QObject {
    Q_OBJECT
  private slots:
    void damagedEntry_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("checksum") << 0;
        QTest::newRow("sequence zero") << 1;
        QTest::newRow("descriptor sequence") << 2;
        QTest::newRow("descriptor signature") << 3;
        QTest::newRow("descriptor misaligned") << 4;
        QTest::newRow("data sector signature") << 5;
        QTest::newRow("data sector sequence") << 6;
        QTest::newRow("length not 4K") << 7;
        QTest::newRow("length past log") << 8;
        QTest::newRow("too many descriptors") << 9;
        QTest::newRow("zero length misaligned") << 10;
        QTest::newRow("descriptor count 2^32-1") << 11;
    }
    void damagedEntry() {
        QFETCH(int, kind);
        LogEntrySpec e = entry(5);
        e.zeros.push_back({6 * MiB, 4096});
        BuiltImage b = buildImage(withLog({e}));
        const uint64_t at = b.logEntryOffsets[0];
        const uint64_t desc0 = at + 64, desc1 = at + 96, data0 = at + 4096;
        switch (kind) {
        case 0:
            b.bytes[at + 3000] ^= 1;
            break;
        case 1:
            putU64(b, at + field::logSequence, 0);
            putU64(b, desc0 + 24, 0);
            putU64(b, desc1 + 24, 0);
            putU32(b, data0 + 4092, 0);
            break;
        case 2:
            putU64(b, desc0 + 24, 6);
            break;
        case 3:
            b.bytes[desc1] = 'Z';
            break;
        case 4:
            putU64(b, desc0 + 16, 4 * MiB + 512);
            break;
        case 5:
            b.bytes[data0] = 'D';
            break;
        case 6:
            putU32(b, data0 + 4092, 99);
            break;
        case 7:
            putU32(b, at + field::logEntryLength, 8192 + 512);
            break;
        case 8:
            putU32(b, at + field::logEntryLength, uint32_t(2 * MiB));
            break;
        case 9:
            putU32(b, at + field::logDescriptorCount, 300);
            break;
        case 10:
            putU64(b, desc1 + 8, 100);
            break;
        case 11:
            putU32(b, at + field::logDescriptorCount, 0xFFFFFFFFu);
            break;
        }
        if (kind != 0)
            resealLogEntry(b, 0); // over the original length: the damage is not the CRC
        const auto img = parseAndScan(b);
        QCOMPARE(img->log().entries.size(), size_t(1));
        const LogEntry& le = img->log().entries[0];
        QVERIFY(!le.valid);
        QVERIFY(!le.active);
        QVERIFY(!le.problem.empty());
        if (kind == 0)
            QVERIFY(!le.checksumValid);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogEntryInvalid, f);
        QCOMPARE(f.severity, Severity::Info);
        VHDX_COMPARE_STR(key(*img, f), "log[0]");
        QCOMPARE(f.offset, MiB);
        QVERIFY(!img->log().replayNeeded);
    }
    void flushedOffsetBeyondEof() {
        LogEntrySpec e = entry(3);
        e.flushedFileOffset = 1024 * MiB;
        const auto img = parseAndScan(buildImage(withLog({e})));
        QVERIFY(img->log().replayNeeded);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "log");
    }
    void logAreaBeyondEof() {
        BuiltImage b = buildImage(withLog({entry(1)}));
        for (int slot = 1; slot <= 2; ++slot) {
            putU64(b, b.headerOffset[slot - 1] + field::headerLogOffset, 100 * MiB);
            resealHeader(b, slot);
        }
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(!img->log().readable);
        QVERIFY(!img->log().replayNeeded);
    }
    void logGuidWithoutLogArea() {
        // A LogGuid says there is a log to replay, but LogLength is 0: nothing can be replayed
        // and the BAT/metadata cannot be trusted. That must not pass silently.
        BuiltImage b = buildImage(withLog({entry(1)}));
        for (int slot = 1; slot <= 2; ++slot) {
            putU32(b, b.headerOffset[slot - 1] + field::headerLogLength, 0);
            resealHeader(b, slot);
        }
        const auto img = parseAndScan(b);
        const bool reported = img->findings().has(FindingCode::LogInvalid) ||
                              img->findings().has(FindingCode::HeaderLogFieldsInvalid);
        QVERIFY2(reported, qPrintable(describe(*img)));
        QVERIFY(img->findings().hasErrors());
    }
    void manyInvalidEntriesAreLimited() {
        // 200 stale candidates: at most 100 are listed as findings, and that is said.
        std::vector<LogEntrySpec> entries;
        for (uint64_t s = 1; s <= 200; ++s) {
            LogEntrySpec e; // no descriptors: 4 KiB each, 800 KiB in all
            e.sequenceNumber = s;
            e.logGuid = Guid::random();
            entries.push_back(e);
        }
        const auto img = parseAndScan(buildImage(withLog(entries)));
        QCOMPARE(img->log().entries.size(), size_t(200));
        QCOMPARE(findingsWith(*img, FindingCode::LogEntryInvalid).size(), size_t(100));
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogEntriesLimited, f);
        QCOMPARE(f.severity, Severity::Info);
    }
    void entryCountIsCapped() {
        // maxLogEntries + 1 entry candidates (one per 4 KiB sector) in a log just big enough:
        // the list stops at maxLogEntries.
        ImageSpec spec;
        spec.logGuid = kLog;
        spec.logLength = uint32_t(((maxLogEntries + 1) * 4096 + MiB - 1) / MiB * MiB);
        BuiltImage b = buildImage(spec);
        for (uint64_t s = 0; s <= maxLogEntries; ++s)
            std::memcpy(b.bytes.data() + b.logOffset + s * 4096, "loge", 4);
        const auto img = parseAndScan(std::move(b.bytes));
        QCOMPARE(img->log().entries.size(), maxLogEntries);
        QVERIFY(img->log().entriesLimited);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogEntriesLimited, f);
        QCOMPARE(f.severity, Severity::Info);
        QVERIFY(!img->log().replayNeeded);
    }
};

VHDX_TEST_MAIN(TestLogDamage)
#include "tst_log_damage.moc"
