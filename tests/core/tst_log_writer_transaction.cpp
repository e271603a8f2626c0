// The log writer's transaction (MS-VHDX 2.3, log_writer.h) run on an
// in-memory file behind the writer seam, with a plan built here from a builder image: the
// uninterrupted run passes the twelve documented steps in order and leaves the sectors in place
// under a closed log; a failing flush (with and without errno), a short entry write, a sector
// write failing without errno or cut short, and a re-read of the sectors that fails or
// differs each stop it with their message at the step the header says. Every step has its
// name for the CLI's trace, and an unknown value reads "?".
#include <QTest>

#include <cerrno>
#include <cstring>
#include <functional>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"
#include "vhdx/log_writer.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
// A file in memory; each call can be intercepted (a hook returning nullopt passes through).
class MemoryFile final : public FileWriter {
  public:
    explicit MemoryFile(std::vector<uint8_t> bytes) : data(std::move(bytes)) {}
    long long pwrite(const void* buf, size_t len, uint64_t offset) override {
        ++writes;
        if (onPwrite)
            len = onPwrite(len);
        if (len == size_t(-1))
            return -1;
        if (offset + len > data.size())
            data.resize(offset + len);
        std::memcpy(data.data() + offset, buf, len);
        return static_cast<long long>(len);
    }
    bool flush() override {
        ++flushes;
        return !onFlush || onFlush();
    }
    bool pread(void* buf, size_t len, uint64_t offset) override {
        if (offset + len > data.size())
            return false;
        std::memcpy(buf, data.data() + offset, len);
        return !onPread || onPread(buf, len, offset);
    }
    bool stat(FileStat& out) override {
        out.size = data.size();
        return true;
    }
    bool lock(std::string&) override { return true; }

    std::vector<uint8_t> data;
    std::function<size_t(size_t)> onPwrite; // the length to write, or size_t(-1) to fail
    std::function<bool()> onFlush;
    std::function<bool(void*, size_t, uint64_t)> onPread; // after the read
    int writes = 0, flushes = 0;
};

const Guid kFileWrite = *Guid::parse("0badc0de-0000-4000-8000-00000000f11e");
const Guid kLog = *Guid::parse("10610610-0000-4000-8000-000000000001");

std::vector<SectorWrite> sectors(uint64_t at) {
    std::vector<SectorWrite> out;
    for (uint64_t i = 0; i < 2; ++i)
        out.push_back({at + 4096 * i, std::vector<uint8_t>(4096, uint8_t(0xa0 + i))});
    return out;
}

// The transaction's plan for a builder image (header 2 current): open the log in slot 1 then
// 2, the entry at the log's start, two sectors in the metadata region, close in 1 then 2.
LogWritePlan planFor(const BuiltImage& b) {
    const uint64_t h1 = layout::headerOffset[0], h2 = layout::headerOffset[1];
    LogWritePlan p;
    const auto open = buildHeaderBlocks(b.bytes.data() + h2, kFileWrite, std::nullopt, kLog);
    p.open[0] = headerSlotPlan(decodeHeader(b.bytes.data() + h1, 1, h1), open[0]);
    p.open[1] = headerSlotPlan(decodeHeader(b.bytes.data() + h2, 2, h2), open[1]);
    const auto close = buildHeaderBlocks(open[1].data(), kFileWrite, std::nullopt, Guid());
    p.close[0] = headerSlotPlan(decodeHeader(open[0].data(), 1, h1), close[0]);
    p.close[1] = headerSlotPlan(decodeHeader(open[1].data(), 2, h2), close[1]);
    p.sectors = sectors(b.metadataOffset);
    LogEntryFields f;
    f.logGuid = kLog;
    f.flushedFileOffset = f.lastFileOffset = b.bytes.size();
    p.entry = encodeLogEntry(f, p.sectors);
    p.entryFileOffset = b.logOffset;
    return p;
}
} // namespace

class TestLogWriterTransaction : public QObject {
    Q_OBJECT
    const BuiltImage m_image = buildImage({});

  private slots:
    void stepNames() {
        const char* names[] = {"log opened: first header written",
                               "log opened: first header flushed",
                               "log opened: second header written",
                               "log opened: second header flushed",
                               "log entry written",
                               "log entry flushed",
                               "sectors written in place",
                               "sectors flushed",
                               "log closed: first header written",
                               "log closed: first header flushed",
                               "log closed: second header written",
                               "log closed: second header flushed"};
        for (int i = 0; i < 12; ++i)
            QCOMPARE(logWriteStepName(LogWriteStep(i)), names[i]);
        QCOMPARE(logWriteStepName(LogWriteStep(12)), "?");
    }

    void uninterruptedRunPassesEveryStep() {
        MemoryFile f(m_image.bytes);
        const LogWritePlan plan = planFor(m_image);
        std::vector<int> steps;
        const LogWriteResult r =
            writeThroughLog(f, plan, [&](LogWriteStep s) { steps.push_back(int(s)); });
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(steps.size(), size_t(12));
        for (int i = 0; i < 12; ++i)
            QCOMPARE(steps[size_t(i)], i);
        QCOMPARE(f.writes, 4 + 1 + 2); // four header slots, the entry, two sectors
        QCOMPARE(f.flushes, 6);
        for (const SectorWrite& s : plan.sectors)
            QVERIFY(
                std::equal(s.bytes.begin(), s.bytes.end(), f.data.begin() + long(s.fileOffset)));
        QVERIFY(std::equal(plan.entry.begin(), plan.entry.end(),
                           f.data.begin() + long(m_image.logOffset)));
        // Closed: slot 2 is current with sequence 6 and a null LogGuid.
        const Header cur =
            decodeHeader(f.data.data() + layout::headerOffset[1], 2, layout::headerOffset[1]);
        QVERIFY(cur.valid());
        QCOMPARE(cur.sequenceNumber, uint64_t(6));
        QVERIFY(cur.logGuid.isNull());
    }

    // Flushes: open 1, open 2, the entry, the sectors, close 1, close 2.
    void failingFlush_data() {
        QTest::addColumn<int>("flush");
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("reached");
        QTest::newRow("entry, EIO") << 3 << EIO
                                    << "flushing the log entry to stable storage failed: "
                                       "Input/output error"
                                    << int(LogWriteStep::EntryWritten);
        QTest::newRow("entry, no errno")
            << 3 << 0 << "flushing the log entry to stable storage failed"
            << int(LogWriteStep::EntryWritten);
        QTest::newRow("sectors, no errno")
            << 4 << 0 << "flushing the sectors written in place to stable storage failed"
            << int(LogWriteStep::SectorsWritten);
    }
    void failingFlush() {
        QFETCH(int, flush);
        QFETCH(int, error);
        QFETCH(QString, message);
        QFETCH(int, reached);
        MemoryFile f(m_image.bytes);
        f.onFlush = [&] {
            if (f.flushes != flush)
                return true;
            errno = error;
            return false;
        };
        const LogWriteResult r = writeThroughLog(f, planFor(m_image), {});
        QVERIFY(!r.ok);
        QVERIFY(r.anyWriteIssued);
        QCOMPARE(int(r.reached), reached);
        QCOMPARE(qs(r.error), message);
    }

    void shortEntryWrite() {
        MemoryFile f(m_image.bytes);
        f.onPwrite = [&](size_t n) { return f.writes == 3 ? n - 1 : n; };
        const LogWriteResult r = writeThroughLog(f, planFor(m_image), {});
        QVERIFY(!r.ok);
        QCOMPARE(int(r.reached), int(LogWriteStep::OpenSecondFlushed));
        QCOMPARE(qs(r.error), QString("writing the log entry at offset %1 failed: short write")
                                  .arg(m_image.logOffset));
    }

    // The sectors in place (writes 4 and 5): failing without errno reads as EIO; a short
    // write says how short; either way the log holds them.
    void failingSectorWrite_data() {
        QTest::addColumn<int>("length"); // -1: fail
        QTest::addColumn<QString>("how");
        QTest::newRow("fails, no errno") << -1 << ": Input/output error";
        QTest::newRow("short") << 100 << ": short write (100 of 4096 bytes)";
    }
    void failingSectorWrite() {
        QFETCH(int, length);
        QFETCH(QString, how);
        MemoryFile f(m_image.bytes);
        f.onPwrite = [&](size_t n) {
            if (f.writes != 5)
                return n;
            errno = 0;
            return length < 0 ? size_t(-1) : size_t(length);
        };
        const LogWriteResult r = writeThroughLog(f, planFor(m_image), {});
        QVERIFY(!r.ok);
        QCOMPARE(int(r.reached), int(LogWriteStep::EntryFlushed));
        QCOMPARE(qs(r.error), QString("writing the sector at offset %1 failed%2 (the log holds "
                                      "them: a replay completes the change)")
                                  .arg(m_image.metadataOffset + 4096)
                                  .arg(how));
    }

    // After the log is closed, each sector is read back: unreadable, or other bytes.
    void sectorsDoNotReadBack_data() {
        QTest::addColumn<bool>("unreadable");
        QTest::newRow("unreadable") << true;
        QTest::newRow("other bytes") << false;
    }
    void sectorsDoNotReadBack() {
        QFETCH(bool, unreadable);
        MemoryFile f(m_image.bytes);
        const LogWritePlan plan = planFor(m_image);
        const uint64_t second = plan.sectors[1].fileOffset;
        bool closed = false;
        f.onPread = [&](void* b, size_t n, uint64_t off) {
            if (!closed || off != second)
                return true;
            static_cast<uint8_t*>(b)[n / 2] ^= 1;
            return !unreadable;
        };
        const LogWriteResult r = writeThroughLog(
            f, plan, [&](LogWriteStep s) { closed = s == LogWriteStep::CloseSecondFlushed; });
        QVERIFY(!r.ok);
        QCOMPARE(int(r.reached), int(LogWriteStep::CloseSecondFlushed));
        QCOMPARE(qs(r.error), QString("verification failed: the sector at offset %1 does not "
                                      "read back as written")
                                  .arg(second));
    }
};

VHDX_TEST_MAIN(TestLogWriterTransaction)
#include "tst_log_writer_transaction.moc"
