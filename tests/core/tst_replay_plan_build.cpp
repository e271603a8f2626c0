// ReplayPlan::build and its overlays (MS-VHDX 2.3: descriptors applied in sequence order, a later
// one replacing what an earlier one wrote): a later zero write that starts before an earlier
// one and ends inside it splits it; a zero-length zero write owns nothing; one whose range passes
// 2^64 makes no plan; overlayAt past the last overlay and in a gap finds none; a Log with no
// active entry, or with active ones but an unreadable or empty log area, or whose entry's
// descriptors cannot all be read, gives no writes (the latter with its problem).
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/log.h"
#include "vhdx/replay_plan.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
LogEntrySpec zeros(uint64_t seq, uint64_t at, uint64_t len) {
    LogEntrySpec e;
    e.sequenceNumber = seq;
    e.zeros = {{at, len}};
    return e;
}

// A log whose one entry is active and claims `descriptors` descriptors at log offset 0.
Log claimedLog(const BuiltImage& b, uint32_t descriptors) {
    Log log;
    log.present = log.readable = true;
    log.offset = b.logOffset;
    log.length = MiB;
    LogEntry e;
    e.active = e.valid = true;
    e.sequenceNumber = 9;
    e.descriptorCount = descriptors;
    e.length = 4096;
    log.entries = {e};
    log.activeSequence = {9};
    return log;
}
} // namespace

class TestReplayPlanBuild : public QObject {
    Q_OBJECT

  private slots:
    // Entry 1 zeros [X+8K, X+16K); entry 2 zeros [X+4K, X+12K): entry 2 owns [X+4K, X+12K),
    // entry 1 keeps [X+12K, X+16K).
    void laterWriteEndsInsideAnEarlierOne() {
        ImageSpec s;
        s.logGuid = Guid::random();
        const BuiltImage plain = buildImage(s);
        const uint64_t x = plain.metadataOffset + 512 * KiB;
        LogEntrySpec e2 = zeros(2, x + 4 * KiB, 8 * KiB);
        e2.tailEntry = 0;
        s.logEntries = {zeros(1, x + 8 * KiB, 8 * KiB), e2};
        const auto image = parseAndScan(buildImage(s));
        QVERIFY(image->replay());
        const ReplayPlan& plan = *image->replay()->plan;
        QVERIFY2(plan.buildable(), plan.problem().c_str());
        QCOMPARE(plan.writes().size(), size_t(2));
        QCOMPARE(plan.writes()[0].sequenceNumber, uint64_t(1));
        QCOMPARE(plan.writes()[1].sequenceNumber, uint64_t(2));
        const auto& o = plan.overlays();
        QCOMPARE(o.size(), size_t(2));
        QCOMPARE(o[0].offset, x + 4 * KiB);
        QCOMPARE(o[0].length, 8 * KiB);
        QCOMPARE(o[0].write, size_t(1));
        QCOMPARE(o[1].offset, x + 12 * KiB);
        QCOMPARE(o[1].length, 4 * KiB);
        QCOMPARE(o[1].write, size_t(0));
        QCOMPARE(plan.bytesWritten(), 16 * KiB);

        QCOMPARE(plan.overlayAt(x + 4 * KiB), &o[0]);
        QCOMPARE(plan.overlayAt(x + 16 * KiB - 1), &o[1]);
        QVERIFY(plan.overlayAt(x + 4 * KiB - 1) == nullptr); // before the first
        QVERIFY(plan.overlayAt(x + 16 * KiB) == nullptr);    // past the last
        QCOMPARE(plan.firstOverlayEndingAfter(x + 16 * KiB), size_t(2));
    }

    // A zero descriptor of ZeroLength 0 (a multiple of 4 KiB, so valid, MS-VHDX 2.3) is a write
    // of nothing: listed, but it owns no range.
    void zeroLengthWriteOwnsNothing() {
        ImageSpec s;
        s.logGuid = Guid::random();
        const uint64_t x = buildImage(s).metadataOffset + 512 * KiB;
        s.logEntries = {zeros(1, x, 0)};
        const auto image = parseAndScan(buildImage(s));
        QVERIFY(image->replay());
        const ReplayPlan& plan = *image->replay()->plan;
        QVERIFY2(plan.buildable(), plan.problem().c_str());
        QCOMPARE(plan.writes().size(), size_t(1));
        QCOMPARE(plan.writes()[0].length, uint64_t(0));
        QVERIFY(plan.overlays().empty());
        QCOMPARE(plan.bytesWritten(), uint64_t(0));
        QVERIFY(plan.overlayAt(x) == nullptr);
    }

    void noLogToRead_data() {
        QTest::addColumn<bool>("readable");
        QTest::addColumn<quint64>("length");
        QTest::addColumn<bool>("active");
        QTest::newRow("log area unreadable") << false << quint64(MiB) << true;
        QTest::newRow("log length zero") << true << quint64(0) << true;
        QTest::newRow("no active entry") << true << quint64(MiB) << false;
    }
    void noLogToRead() {
        QFETCH(bool, readable);
        QFETCH(quint64, length);
        QFETCH(bool, active);
        const BuiltImage b = buildImage({});
        Log log = claimedLog(b, 1);
        log.readable = readable;
        log.length = length;
        log.entries[0].active = active;
        if (!active)
            log.activeSequence.clear();
        const auto plan = ReplayPlan::build(*b.source(), log);
        QVERIFY(plan->buildable());
        QVERIFY(plan->writes().empty());
        QVERIFY(plan->overlays().empty());
        QCOMPARE(plan->replayedSize(), uint64_t(b.bytes.size()));
    }

    // A zero descriptor whose FileOffset + ZeroLength passes 2^64: no plan can hold it.
    void descriptorRangeOverflows() {
        ImageSpec s;
        s.logGuid = Guid::random();
        LogEntrySpec e = zeros(4, ~uint64_t(0) - 4095, 8 * KiB); // 4 KiB-aligned, 8 KiB long
        s.logEntries = {e};
        const auto image = parseAndScan(buildImage(s));
        QVERIFY(image->log().replayNeeded);
        QVERIFY(image->replay());
        const ReplayPlan& plan = *image->replay()->plan;
        QVERIFY(!plan.buildable());
        QCOMPARE(plan.problem(), std::string("descriptor 0 of log entry 4 reaches past 2^64"));
    }

    // The entry claims 127 descriptors in one 4 KiB sector, which holds 126 after the entry
    // header (MS-VHDX 2.3.1.2: 32-byte descriptors, the 64-byte header first): the plan says
    // the descriptors could not be read instead of replaying part of them.
    void descriptorsUnreadable() {
        const BuiltImage b = buildImage({});
        const auto plan = ReplayPlan::build(*b.source(), claimedLog(b, 127));
        QVERIFY(!plan->buildable());
        QCOMPARE(plan->problem(), std::string("the descriptors of log entry 9 could not be read"));
        QVERIFY(plan->writes().empty());
    }
};

VHDX_TEST_MAIN(TestReplayPlanBuild)
#include "tst_replay_plan_build.moc"
