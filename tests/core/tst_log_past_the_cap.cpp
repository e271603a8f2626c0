// Log entry candidates past the listing cap (maxLogEntries): each gets only
// a cheap look first: a length that is zero, not a 4 KiB multiple or longer than the log,
// or a checksum that does not hold, drops it without reading its header; one whose checksum
// holds is read and checked, and dropped unless valid (here: another LogGuid, MS-VHDX 2.3). A
// header that cannot be read then leaves the replay state unknown, never "not needed"; the
// header of a candidate the cheap look dropped is never read.
#include <QTest>

#include <cstring>

#include "core_test_helpers.h"
#include "log_test_helpers.h"
#include "test_registry.h"
#include "vhdx/crc32c.h"
#include "vhdx/log.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

const Guid kOtherLog = *Guid::parse("01020304-0506-0708-090a-0b0c0d0e0f10");

// A "loge" sector at log offset rel with this LogGuid, EntryLength and a checksum that does
// not hold (sealed: that holds over its one sector).
void bareEntry(BuiltImage& b, uint64_t rel, uint32_t length, uint64_t seq, const Guid& guid,
               bool sealed = false) {
    const uint64_t at = b.logOffset + rel;
    std::memcpy(b.bytes.data() + at, "loge", 4);
    putU32(b, at + 4, 0xDEADBEEF);
    putU32(b, at + field::logEntryLength, length);
    putU32(b, at + field::logTail, uint32_t(rel));
    putU64(b, at + field::logSequence, seq);
    putU32(b, at + field::logDescriptorCount, 0);
    putGuid(b, at + field::logGuid, guid);
    if (sealed)
        fixChecksum(b.bytes, at, 4096);
}

} // namespace

class TestLogPastTheCap : public QObject {
    Q_OBJECT
  private slots:
    void candidatesPastTheCap() {
        ImageSpec spec = withLog({});
        spec.logLength = uint32_t(maxLogEntries * 4096 + MiB);
        BuiltImage b = buildImage(spec);
        for (uint64_t k = 0; k < maxLogEntries; ++k)
            bareEntry(b, k * 4096, 4096, 1 + k, kLog);
        const uint64_t past = maxLogEntries * 4096;
        bareEntry(b, past + 0 * 4096, 0, 50000, kLog);                            // length zero
        bareEntry(b, past + 1 * 4096, 4097, 50001, kLog);                         // not 4 KiB
        bareEntry(b, past + 2 * 4096, uint32_t(b.logLength + 4096), 50002, kLog); // too long
        bareEntry(b, past + 3 * 4096, 4096, 50003, kLog);            // checksum does not hold
        bareEntry(b, past + 4 * 4096, 4096, 50004, kOtherLog, true); // holds; another LogGuid
        const uint64_t sealedAt = b.logOffset + past + 4 * 4096;

        const auto img = Image::parse(b.source());
        const Log& log = img->log();
        QCOMPARE(log.candidateCount, uint64_t(maxLogEntries + 5));
        QVERIFY(log.entriesLimited);
        QCOMPARE(log.entries.size(), size_t(maxLogEntries)); // none of the five is kept
        QCOMPARE(int(log.replayState), int(LogReplayState::None));
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::LogReplayUnknown);

        // The four dropped by the cheap look are never read again: their headers failing to
        // read changes nothing (a surviving mutant: dropping only when both checks fail).
        for (uint64_t k = 0; k < 4; ++k) {
            const uint64_t at = b.logOffset + past + k * 4096;
            const auto unread = Image::parse(
                std::make_shared<FailingSource>(b.bytes, at, at + 4096, ReadStatus::IoError, 64));
            QCOMPARE(int(unread->log().replayState), int(LogReplayState::None));
            VHDX_REQUIRE_NO_FINDING(*unread, FindingCode::LogReplayUnknown);
        }

        // The sealed candidate's header cannot be read: whether it matters is unknown.
        const auto flaky = Image::parse(std::make_shared<FailingSource>(
            b.bytes, sealedAt, sealedAt + 4096, ReadStatus::IoError, 64));
        QCOMPARE(int(flaky->log().replayState), int(LogReplayState::Unknown));
        VHDX_COMPARE_STR(flaky->log().replayUnknownReason, "a log entry header could not be read");
        VHDX_REQUIRE_FINDING(*flaky, FindingCode::LogReplayUnknown, f);
        QCOMPARE(f.severity, Severity::Error);
    }
};

VHDX_TEST_MAIN(TestLogPastTheCap)
#include "tst_log_past_the_cap.moc"
