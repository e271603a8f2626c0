// The set-parent through the writer seam: every write and every flush of the transaction
// fails in turn, and every write is cut short in turn. After each: the update reports the
// failure; the file holds the old locator, or a log whose replay gives the new one (the core
// reader finds the active entry and its sectors are exactly the planned ones; replayed in
// memory, and by `qemu-img check -r all` on a copy, the locator is the new one), or the new
// locator - exactly the state the failing step leaves; nothing outside the header blocks, the
// log and the metadata region changed; and what follows (a retry, "replay first", "nothing to
// change") is what that state calls for.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

#include "set_parent_fixture.h"
#include "test_registry.h"
#include "update_test_util.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
enum class Kind { FailWrite, ShortWrite, FailFlush };

class FaultyWriter final : public FileWriter {
  public:
    FaultyWriter(std::unique_ptr<PosixFileWriter> real, Kind kind, int at)
        : m_real(std::move(real)), m_kind(kind), m_at(at) {}
    long long pwrite(const void* buf, size_t len, uint64_t offset) override {
        ++m_writes;
        if (m_kind == Kind::FailWrite && m_writes == m_at) {
            errno = EIO;
            return -1;
        }
        if (m_kind == Kind::ShortWrite && m_writes == m_at)
            return m_real->pwrite(buf, 20, offset); // really writes the first 20 bytes
        return m_real->pwrite(buf, len, offset);
    }
    bool flush() override {
        if (m_kind == Kind::FailFlush && ++m_flushes == m_at) {
            errno = EIO;
            return false;
        }
        return m_real->flush();
    }
    bool pread(void* b, size_t n, uint64_t o) override { return m_real->pread(b, n, o); }
    bool stat(FileStat& out) override { return m_real->stat(out); }
    bool lock(std::string& error) override { return m_real->lock(error); }

  private:
    std::unique_ptr<PosixFileWriter> m_real;
    Kind m_kind;
    int m_at;
    int m_writes = 0, m_flushes = 0;
};

// The planned writes, in order: open A, open B, entry, the sectors, close A, close B. What a
// failure at write k leaves (a failed write writes nothing; a short one tears its block, which
// its checksum then rejects): up to the entry the old locator (no valid entry); from a sector
// to close A the pending log (B, with the LogGuid, stays current); at close B the new one.
LocatorState afterWrite(int k, int sectors) {
    const int entry = 3, closeA = 4 + sectors, closeB = closeA + 1;
    if (k <= entry)
        return LocatorState::Old;
    if (k <= closeA)
        return LocatorState::LogPending;
    return k == closeB ? LocatorState::New : LocatorState::Broken;
}

// Flushes: open A, open B, entry, sectors, close A, close B. A failed flush leaves the write
// before it in the file (the page cache holds it), so the state is the one after that write.
LocatorState afterFlush(int k) {
    const LocatorState states[] = {LocatorState::Old,        LocatorState::Old,
                                   LocatorState::LogPending, LocatorState::LogPending,
                                   LocatorState::New,        LocatorState::New};
    return k >= 1 && k <= 6 ? states[k - 1] : LocatorState::Broken;
}
} // namespace

class TestSetParentSeam : public QObject {
    Q_OBJECT
    QTemporaryDir m_root;
    int m_cases = 0;

    void runFault(Kind kind, int at, LocatorState expected) {
        const QString dir = m_root.filePath(QString::number(++m_cases));
        QVERIFY(QDir().mkpath(dir));
        const ReconnectCase c = makeReconnectCase(dir);
        const QByteArray outside = digestOutsideWrites(c.child);
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        SetParentResult r;
        {
            std::string error;
            FaultyWriter w(PosixFileWriter::open(c.child.toStdString(), error), kind, at);
            r = applySetParent(plan, {}, &w);
        }
        QVERIFY(!r.ok);
        QVERIFY(!r.refused);
        QVERIFY(!r.error.empty());
        QCOMPARE(digestOutsideWrites(c.child), outside);
        QString why;
        const LocatorState state = locatorState(c.child, c.oldLocator, plan, &why);
        QVERIFY2(state != LocatorState::Broken, qPrintable(why));
        QCOMPARE(QString(locatorStateName(state)), QString(locatorStateName(expected)));

        if (state == LocatorState::LogPending) {
            // QEMU replays the log on a read-write open, then refuses the differencing disk.
            const QString copy = c.child + ".qemu";
            QVERIFY(copyFile(c.child, copy));
            const ToolResult q = runTool("qemu-img", {"check", "-r", "all", "-f", "vhdx", copy});
            QVERIFY2(q.err.contains("Operation not supported"), qPrintable(q.out + q.err));
            QCOMPARE(QString(locatorStateName(locatorState(copy, c.oldLocator, plan, &why))),
                     QString(locatorStateName(LocatorState::New)));
            const SetParentPlan again =
                planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
            QVERIFY2(QString::fromStdString(again.refusal).contains("replay it first"),
                     again.refusal.c_str());
        } else if (state == LocatorState::Old) {
            const SetParentResult retry =
                setParentLocator(c.child.toStdString(), c.parent.toStdString(), {});
            QVERIFY2(retry.ok, retry.error.c_str());
        } else {
            QVERIFY(planSetParent(c.child.toStdString(), c.parent.toStdString(), {}).nothingToDo);
        }
    }

  private slots:
    void writesFailInTurn_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("at");
        const int sectors = 2; // the table sector and the item's (checked in the test)
        for (int kind : {int(Kind::FailWrite), int(Kind::ShortWrite)})
            for (int at = 1; at <= 6 + sectors - 1; ++at)
                QTest::newRow(qPrintable(QString("%1 write %2")
                                             .arg(kind == int(Kind::FailWrite) ? "failed" : "short")
                                             .arg(at)))
                    << kind << at;
    }
    void writesFailInTurn() {
        QFETCH(int, kind);
        QFETCH(int, at);
        {
            const QString dir = m_root.filePath("count");
            QDir().mkpath(dir);
            const ReconnectCase c = makeReconnectCase(dir);
            const SetParentPlan plan =
                planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
            QCOMPARE(plan.log.sectors.size(), size_t(2)); // 2 + 1 + 2 + 2 = 7 writes
            QDir(dir).removeRecursively();
        }
        runFault(Kind(kind), at, afterWrite(at, 2));
    }

    void flushesFailInTurn_data() {
        QTest::addColumn<int>("at");
        for (int at = 1; at <= 6; ++at)
            QTest::newRow(qPrintable(QString("flush %1").arg(at))) << at;
    }
    void flushesFailInTurn() {
        QFETCH(int, at);
        runFault(Kind::FailFlush, at, afterFlush(at));
    }
};

VHDX_TEST_MAIN(TestSetParentSeam)
#include "tst_set_parent_seam.moc"
