// The log (MS-VHDX 2.3): entries, descriptors and the active sequence.
#include <QTest>

#include <cstring>

#include "core_test_helpers.h"
#include "log_test_helpers.h"
#include "test_registry.h"
#include "vhdx/log.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
std::vector<uint64_t> active(const Image& img) {
    return img.log().activeSequence;
}
using Seq = std::vector<uint64_t>;
} // namespace

class TestLog : public QObject {
    Q_OBJECT
  private slots:
    void noLog() {
        const auto img = parseAndScan(buildImage({}));
        QVERIFY(!img->log().present);
        QVERIFY(!img->log().replayNeeded);
        QVERIFY(img->log().activeSequence.empty());
        QVERIFY(img->findings().empty());
    }
    void replayedLogLeavesNothingToDo() {
        // After a replay the header's LogGuid is zero; the old entries stay in the log area.
        ImageSpec spec = withLog({entry(1), entry(2, 0), entry(3, 0)}, Guid());
        for (auto& e : spec.logEntries)
            e.logGuid = kLog;
        const auto img = parseAndScan(buildImage(spec));
        QVERIFY(!img->log().present);
        QVERIFY(!img->log().replayNeeded);
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::LogReplayNeeded);
        QCOMPARE(img->findings().count(Severity::Error), size_t(0));
        QCOMPARE(img->findings().count(Severity::Warning), size_t(0));
    }
    void singleActiveEntry() {
        LogEntrySpec e = entry(5);
        std::vector<uint8_t> sector(4096);
        for (size_t i = 0; i < sector.size(); ++i)
            sector[i] = uint8_t(255 - i % 251);
        e.data = {{4 * MiB, sector}, {5 * MiB, {}}};
        e.zeros = {{6 * MiB, 64 * KiB}};
        const BuiltImage b = buildImage(withLog({e}));
        const auto img = parseAndScan(b);
        const Log& log = img->log();
        QVERIFY(log.present && log.readable);
        QCOMPARE(log.offset, MiB);
        QCOMPARE(log.length, MiB);
        QVERIFY(log.logGuid == kLog);
        QCOMPARE(log.entries.size(), size_t(1));
        const LogEntry& le = log.entries[0];
        QVERIFY2(le.valid, le.problem.c_str());
        QVERIFY(le.checksumValid && le.guidMatches && le.active);
        QCOMPARE(le.offset, 0ull);
        QCOMPARE(le.fileOffset, MiB);
        QCOMPARE(le.length, 3u * 4096); // descriptor sector + 2 data sectors
        QCOMPARE(le.sequenceNumber, 5ull);
        QCOMPARE(le.descriptorCount, 3u);
        QCOMPARE(le.dataDescriptors, 2u);
        QCOMPARE(le.zeroDescriptors, 1u);
        QCOMPARE(le.tail, 0u);
        QCOMPARE(le.flushedFileOffset, uint64_t(b.bytes.size()));
        QCOMPARE(active(*img), Seq{5});
        QVERIFY(log.replayNeeded);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogReplayNeeded, f);
        QCOMPARE(f.severity, Severity::Warning);
        VHDX_COMPARE_STR(key(*img, f), "log");
        QCOMPARE(f.offset, MiB);
        VHDX_REQUIRE_NO_ERRORS(*img);

        const std::vector<LogDescriptor> d = readLogDescriptors(img->source(), log, le);
        QCOMPARE(d.size(), size_t(3));
        QVERIFY(d[0].isData && d[0].signatureValid);
        QCOMPARE(d[0].targetOffset, 4 * MiB);
        QCOMPARE(d[0].sequenceNumber, 5ull);
        QCOMPARE(d[0].leadingBytes, le64(sector.data()));
        QCOMPARE(d[0].trailingBytes, le32(sector.data() + 4092));
        QVERIFY(!d[2].isData && d[2].signatureValid);
        QCOMPARE(d[2].zeroLength, 64 * KiB);
        QCOMPARE(d[2].targetOffset, 6 * MiB);
        QCOMPARE(readLogDescriptors(img->source(), log, le, 1).size(), size_t(1));
    }
    void descriptorSectorBoundaries_data() {
        QTest::addColumn<int>("zeros");
        QTest::addColumn<quint32>("length");
        QTest::newRow("126 fit one sector") << 126 << 4096u;
        QTest::newRow("127 need two") << 127 << 8192u;
        QTest::newRow("254 fit two") << 254 << 8192u;
        QTest::newRow("255 need three") << 255 << 12288u;
    }
    void descriptorSectorBoundaries() {
        QFETCH(int, zeros);
        QFETCH(quint32, length);
        LogEntrySpec e;
        e.sequenceNumber = 9;
        for (int i = 0; i < zeros; ++i)
            e.zeros.push_back({8 * MiB + uint64_t(i) * 4096, 4096});
        const auto img = parseAndScan(buildImage(withLog({e})));
        QCOMPARE(img->log().entries.size(), size_t(1));
        const LogEntry& le = img->log().entries[0];
        QCOMPARE(le.length, length);
        QVERIFY2(le.valid, le.problem.c_str());
        QCOMPARE(le.zeroDescriptors, uint32_t(zeros));
        QCOMPARE(readLogDescriptors(img->source(), img->log(), le).size(), size_t(zeros));
    }
    void sequenceFromTail() {
        // Three entries, every Tail at the first: the whole run is replayed.
        const auto img = parseAndScan(buildImage(withLog({entry(10), entry(11, 0), entry(12, 0)})));
        QCOMPARE(active(*img), (Seq{10, 11, 12}));
        for (const LogEntry& e : img->log().entries)
            QVERIFY(e.active);
    }
    void tailAtHeadOnly() {
        // Older entries were flushed: only the head (whose Tail is itself) is replayed.
        const auto img =
            parseAndScan(buildImage(withLog({entry(1), entry(2, 1), entry(3, 2)}))); // tails 0,1,2
        QCOMPARE(active(*img), (Seq{3}));
        QVERIFY(!img->log().entries[0].active);
        QVERIFY(img->log().entries[2].active);
    }
    void tailInTheMiddle() {
        const auto img = parseAndScan(
            buildImage(withLog({entry(20), entry(21, 0), entry(22, 1), entry(23, 1)})));
        QCOMPARE(active(*img), (Seq{21, 22, 23}));
    }
    void highestHeadWins() {
        LogEntrySpec newer1 = entry(40), newer2 = entry(41, 2);
        newer1.offset = 64 * KiB;
        const auto img = parseAndScan(
            buildImage(withLog({entry(30), entry(31, 0), newer1, newer2}))); // newer2 follows
        QCOMPARE(active(*img), (Seq{40, 41}));
    }
    void sequenceGapBreaksRun() {
        const auto img = parseAndScan(buildImage(withLog({entry(1), entry(3, 0)})));
        // Entry 3's Tail is at entry 1, but 1 -> 3 is not a run: no valid active sequence
        // with head 3; entry 1 alone (Tail itself) is the active one.
        QCOMPARE(active(*img), (Seq{1}));
    }
    void tailOutsideAnyRun() {
        LogEntrySpec e = entry(7);
        const BuiltImage built = buildImage(withLog({e}));
        BuiltImage b = built;
        putU32(b, b.logEntryOffsets[0] + field::logTail, 512 * KiB); // no entry there
        resealLogEntry(b, 0);
        const auto img = parseAndScan(b);
        QVERIFY(!img->log().replayNeeded);
        QVERIFY(active(*img).empty());
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::LogReplayNeeded);
    }
    void wrapsAroundTheLogEnd() {
        LogEntrySpec last = entry(20), first = entry(21, 0);
        last.offset = MiB - 8 * KiB;
        first.offset = 0;
        const auto img = parseAndScan(buildImage(withLog({last, first})));
        QCOMPARE(active(*img), (Seq{20, 21}));
    }
    void entryItselfWraps() {
        LogEntrySpec e = entry(30);
        e.offset = MiB - 4 * KiB; // descriptor sector at the end, data sector at the start
        const auto img = parseAndScan(buildImage(withLog({e})));
        QCOMPARE(img->log().entries.size(), size_t(1));
        QVERIFY2(img->log().entries[0].valid, img->log().entries[0].problem.c_str());
        QCOMPARE(active(*img), (Seq{30}));
    }
    void staleEntriesAreInfo() {
        // Like the dirty-log sample: six stale entries of another session, one active.
        std::vector<LogEntrySpec> entries;
        const Guid stale = Guid::random();
        for (uint64_t s = 1; s <= 6; ++s) {
            entries.push_back(entry(s, s == 1 ? -1 : 0));
            entries.back().logGuid = stale;
        }
        entries.push_back(entry(7));
        const auto img = parseAndScan(buildImage(withLog(entries)));
        QCOMPARE(img->log().entries.size(), size_t(7));
        const auto invalid = findingsWith(*img, FindingCode::LogEntryInvalid);
        QCOMPARE(invalid.size(), size_t(6));
        for (const Finding& f : invalid)
            QCOMPARE(f.severity, Severity::Info);
        VHDX_COMPARE_STR(key(*img, invalid[1]), "log[8192]");
        QCOMPARE(invalid[1].offset, MiB + 8192);
        QCOMPARE(active(*img), (Seq{7}));
        QVERIFY(!img->log().entries[0].guidMatches);
        QVERIFY(img->log().entries[0].checksumValid);
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
};

VHDX_TEST_MAIN(TestLog)
#include "tst_log.moc"
