// Log entries malformed in each field (MS-VHDX 2.3.1): the exact problem each
// entry is given, which the report prints as "invalid: <problem>" and the finding as
// "... is not valid: <problem>". Also the cases the scan's happy path never meets: more data
// descriptors than the entry has sectors, a descriptor or data sector whose re-read fails
// after the scan read it, and an entry that crosses the end of what the read budget let the
// scan see (not checked, so the replay state is unknown).
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include "core_test_helpers.h"
#include "log_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/log.h"
#include "vhdx/work_budget.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

// One entry with one data and one zero descriptor: header+descriptors sector, data sector.
BuiltImage oneEntry() {
    LogEntrySpec e = entry(5);
    e.zeros.push_back({6 * MiB, 4096});
    return buildImage(withLog({e}));
}

} // namespace

class TestLogEntryProblems : public QObject {
    Q_OBJECT
  private slots:
    void problemOfEachField_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("problem");
        QTest::newRow("EntryLength not 4 KiB") << 0
                                               << "Entry length 8,704 bytes is not a "
                                                  "multiple of 4 KiB within the log";
        QTest::newRow("EntryLength past the log")
            << 1 << "Entry length 2 MiB is not a multiple of 4 KiB within the log";
        QTest::newRow("EntryLength zero")
            << 2 << "Entry length 0 bytes is not a multiple of 4 KiB within the log";
        QTest::newRow("descriptor 0 signature") << 3 << "descriptor 0 has no signature";
        QTest::newRow("descriptor 1 sequence")
            << 4 << "descriptor 1 carries another sequence number";
        QTest::newRow("descriptor 0 FileOffset") << 5 << "descriptor 0 is not 4 KiB aligned";
        QTest::newRow("zero descriptor length") << 6 << "descriptor 1 is not 4 KiB aligned";
        QTest::newRow("DescriptorCount 300") << 7 << "300 descriptors do not fit the entry";
        QTest::newRow("data sector signature")
            << 8 << "data sector 0 has a bad signature or sequence number";
        QTest::newRow("data sector SequenceHigh")
            << 9 << "data sector 0 has a bad signature or sequence number";
        QTest::newRow("data sector SequenceLow")
            << 10 << "data sector 0 has a bad signature or sequence number";
        // Two data descriptors (the zero one renamed "desc"): 1 + 2 sectors, the entry has 2.
        QTest::newRow("more data sectors than the entry")
            << 11 << "2 data sectors do not fit the entry";
    }
    void problemOfEachField() {
        QFETCH(int, kind);
        QFETCH(QString, problem);
        BuiltImage b = oneEntry();
        const uint64_t at = b.logEntryOffsets[0];
        const uint64_t desc0 = at + 64, desc1 = at + 96, data0 = at + 4096;
        switch (kind) {
        case 0:
            putU32(b, at + field::logEntryLength, 8192 + 512);
            break;
        case 1:
            putU32(b, at + field::logEntryLength, uint32_t(2 * MiB));
            break;
        case 2:
            putU32(b, at + field::logEntryLength, 0);
            break;
        case 3:
            b.bytes[desc0] = 'X';
            break;
        case 4:
            putU64(b, desc1 + 24, 6);
            break;
        case 5:
            putU64(b, desc0 + 16, 4 * MiB + 512);
            break;
        case 6:
            putU64(b, desc1 + 8, 100); // ZeroLength
            break;
        case 7:
            putU32(b, at + field::logDescriptorCount, 300);
            break;
        case 8:
            b.bytes[data0] = 'D';
            break;
        case 9:
            putU32(b, data0 + 4, 1); // SequenceHigh
            break;
        case 10:
            putU32(b, data0 + 4092, 99); // SequenceLow
            break;
        case 11:
            std::memcpy(b.bytes.data() + desc1, "desc", 4);
            break;
        }
        resealLogEntry(b, 0); // over the original 8 KiB: the checksum holds
        const auto img = parseAndScan(b);
        QCOMPARE(img->log().entries.size(), size_t(1));
        const LogEntry& le = img->log().entries[0];
        QVERIFY(!le.valid);
        QCOMPARE(qs(le.problem), problem);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogEntryInvalid, f);
        VHDX_COMPARE_STR(f.message, "Log entry +0x0 (sequence 5) is not valid: " + le.problem);
        QVERIFY(!img->log().replayNeeded);
    }

    // Re-reads of the descriptor sector, of a data sector's head and of its trailing
    // SequenceLow fail after the scan read the log in 1 MiB runs. A failed read says nothing
    // about the entry (it may be the newest transaction): the replay state is Unknown, with
    // IO_ERROR naming the read, never "nothing to replay" or an older sequence.
    void failedReReads_data() {
        QTest::addColumn<qulonglong>("from");
        QTest::addColumn<qulonglong>("length");
        QTest::addColumn<QString>("problem");
        QTest::newRow("descriptor sector")
            << qulonglong(0) << qulonglong(4096)
            << "its descriptor sector at log offset +0x0 could not be read";
        QTest::newRow("data sector head") << qulonglong(4096) << qulonglong(16)
                                          << "its data sector 0 at log offset +0x1000 could not "
                                             "be read";
        QTest::newRow("data sector SequenceLow")
            << qulonglong(8188) << qulonglong(4)
            << "its data sector 0 at log offset +0x1000 could not be read";
    }
    void failedReReads() {
        QFETCH(qulonglong, from);
        QFETCH(qulonglong, length);
        QFETCH(QString, problem);
        const BuiltImage b = oneEntry();
        const uint64_t at = b.logEntryOffsets[0];
        auto src = std::make_shared<FailingSource>(b.bytes, at + from, at + from + length,
                                                   ReadStatus::IoError, 4096);
        const auto img = Image::parse(src);
        const Log& log = img->log();
        QCOMPARE(log.entries.size(), size_t(1));
        QCOMPARE(qs(log.entries[0].problem), problem);
        QVERIFY(!log.entries[0].valid);
        QVERIFY(!log.replayNeeded);
        QVERIFY(log.replayState == LogReplayState::Unknown);
        QCOMPARE(qs(log.replayUnknownReason), "reading log entry +0x0 failed (" + problem + ")");
        VHDX_REQUIRE_FINDING(*img, FindingCode::IoError, io);
        QCOMPARE(qs(io.message), "Reading log entry +0x0 failed: " + problem);
        QVERIFY(findingsWith(*img, FindingCode::LogReplayUnknown).size() == 1);
        QVERIFY(findingsWith(*img, FindingCode::LogEntryInvalid).empty());
    }

    // One EIO at each read, in turn, of a real dirty image (QEMU's, two valid entries): the
    // log is either read as without the fault (the same active sequence) or its state is
    // Unknown, never "no replay needed" nor another sequence. Every read of the parse is
    // failed once, the scan's large ones and the entries' re-reads alike.
    void everyReadOfARealDirtyImage() {
        QTemporaryDir dir;
        QString error;
        const QString path =
            decompressTestImage("iotest-dirtylog-10G-4M.vhdx.bz2", dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        std::string why;
        auto file = FileSource::open(path.toStdString(), why);
        QVERIFY2(file, why.c_str());
        const std::shared_ptr<const ByteSource> real = std::move(file);
        const auto clean = Image::parse(real);
        const Log& want = clean->log();
        QVERIFY(want.replayState == LogReplayState::Needed);
        QVERIFY(!want.activeSequence.empty());

        // Counts the reads of one parse, failing the n-th (0: none).
        class NthReadFails final : public ByteSource {
          public:
            NthReadFails(std::shared_ptr<const ByteSource> src, int n)
                : m_src(std::move(src)), m_n(n) {}
            uint64_t size() const override { return m_src->size(); }
            ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
                if (++m_reads == m_n)
                    return ReadStatus::IoError;
                return m_src->read(offset, buf, len);
            }
            uint64_t nextData(uint64_t offset) const override { return m_src->nextData(offset); }
            int reads() const { return m_reads; }

          private:
            std::shared_ptr<const ByteSource> m_src;
            int m_n;
            mutable int m_reads = 0;
        };
        ParseOptions stored;
        stored.view = ReadView::Stored; // the log is what is checked; the rest is not read
        auto counting = std::make_shared<NthReadFails>(real, 0);
        (void)Image::parse(counting, stored);
        const int reads = counting->reads();
        QVERIFY2(reads > 10, qPrintable(QString::number(reads)));
        int unknown = 0;
        for (int n = 1; n <= reads; ++n) {
            const auto img = Image::parse(std::make_shared<NthReadFails>(real, n), stored);
            const Log& log = img->log();
            const QString at = QString("read %1 of %2").arg(n).arg(reads);
            if (log.replayState == LogReplayState::Unknown) {
                ++unknown;
                continue;
            }
            if (!log.present) // the headers' read failed: no log is believed, and it says so
                QVERIFY2(img->findings().has(FindingCode::IoError) ||
                             img->headers().currentHeader() == nullptr,
                         qPrintable(at));
            else {
                QVERIFY2(log.replayState == LogReplayState::Needed, qPrintable(at));
                QVERIFY2(log.activeSequence == want.activeSequence, qPrintable(at));
            }
        }
        QVERIFY2(unknown > 0, qPrintable(QString::number(unknown)));
    }

    // The descriptors of one entry, decoded on demand (for the viewer and the replay plan):
    // both kinds, the limit, and nothing for a log or entry that cannot hold them or a
    // descriptor sector that cannot be read.
    void descriptorsOnDemand() {
        const BuiltImage b = oneEntry();
        const auto img = parseAndScan(b);
        const Log& log = img->log();
        QCOMPARE(log.entries.size(), size_t(1));
        const LogEntry& e = log.entries[0];
        const auto src = b.source();
        const std::vector<LogDescriptor> all = readLogDescriptors(*src, log, e, 100);
        QCOMPARE(all.size(), size_t(2));
        QVERIFY(all[0].isData && all[0].signatureValid);
        QCOMPARE(all[0].targetOffset, 4 * MiB);
        QCOMPARE(all[0].sequenceNumber, uint64_t(5));
        QVERIFY(!all[1].isData && all[1].signatureValid);
        QCOMPARE(all[1].targetOffset, 6 * MiB);
        QCOMPARE(all[1].zeroLength, uint64_t(4096));
        QCOMPARE(readLogDescriptors(*src, log, e, 1).size(), size_t(1));
        LogEntry odd = e;
        odd.length = 8192 + 512;
        QVERIFY(readLogDescriptors(*src, log, odd, 100).empty());
        Log unreadable = log;
        unreadable.readable = false;
        QVERIFY(readLogDescriptors(*src, unreadable, e, 100).empty());
        Log noLength = log;
        noLength.length = 0;
        QVERIFY(readLogDescriptors(*src, noLength, e, 100).empty());
        const FailingSource failing(b.bytes, b.logEntryOffsets[0], b.logEntryOffsets[0] + 4096);
        QVERIFY(readLogDescriptors(failing, log, e, 100).empty());
    }

    // The budget covers the log's first MiB; the entry's header is its last sector, its data
    // sector the first one the scan did not read: the entry cannot be checked.
    void entryPastTheBudgetIsNotChecked() {
        LogEntrySpec e = entry(4);
        e.offset = MiB - 4096;
        ImageSpec spec = withLog({e});
        spec.logLength = 2 * MiB;
        BuiltImage b = buildImage(spec);
        // And a sector at log offset 40 KiB claiming the whole log: it wraps past the log's
        // end, beyond what was read.
        const uint64_t at = b.logOffset + 40 * KiB;
        std::memcpy(b.bytes.data() + at, "loge", 4);
        putU32(b, at + field::logEntryLength, uint32_t(2 * MiB));
        putU64(b, at + field::logSequence, 9);
        putGuid(b, at + field::logGuid, kLog);
        ParseOptions o;
        o.budget = std::make_shared<WorkBudget>(MiB);
        const auto img = Image::parse(b.source(), o);
        const Log& log = img->log();
        QCOMPARE(int(log.replayState), int(LogReplayState::Unknown));
        VHDX_COMPARE_STR(log.replayUnknownReason, "the log was not read to its end: the open's "
                                                  "read budget for logs ran out after 1 MiB of "
                                                  "this log");
        QCOMPARE(log.entries.size(), size_t(2));
        for (const LogEntry& e : log.entries) {
            VHDX_COMPARE_STR(e.problem, "not checked: the open's read budget for logs ran out "
                                        "after 1 MiB of this log");
            QVERIFY(!e.valid);
        }
        QCOMPARE(log.entries[0].sequenceNumber, uint64_t(9));
        QCOMPARE(log.entries[1].sequenceNumber, uint64_t(4));
    }
};

VHDX_TEST_MAIN(TestLogEntryProblems)
#include "tst_log_entry_problems.moc"
