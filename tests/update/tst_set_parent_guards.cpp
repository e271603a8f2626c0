// The set-parent's guards: it refuses, writing nothing, when PARENT is not the disk
// CHILD was made from (no override), when CHILD is not a differencing disk, is damaged, needs
// a log replay, has no log, when PARENT differs in size, is CHILD or descends from it, when
// the sequence number would overflow (at the limit it goes ahead), when the file is locked,
// and when the bytes it planned from changed (the metadata sectors too, seen through a seam
// whose fstat hides the change).
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fcntl.h>
#include <limits>
#include <unistd.h>

#include "set_parent_fixture.h"
#include "test_files.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
// The real file, except that one byte at `offset` reads flipped after the plan: a change of a
// metadata sector the first MiB and fstat do not show.
class AlteredRead final : public FileWriter {
  public:
    AlteredRead(std::unique_ptr<PosixFileWriter> real, uint64_t offset)
        : m_real(std::move(real)), m_offset(offset) {}
    long long pwrite(const void* b, size_t n, uint64_t o) override {
        ++m_writes;
        return m_real->pwrite(b, n, o);
    }
    bool flush() override { return m_real->flush(); }
    bool pread(void* buf, size_t len, uint64_t offset) override {
        if (!m_real->pread(buf, len, offset))
            return false;
        if (m_offset >= offset && m_offset < offset + len)
            static_cast<uint8_t*>(buf)[m_offset - offset] ^= 1;
        return true;
    }
    bool stat(FileStat& out) override { return m_real->stat(out); }
    bool lock(std::string& error) override { return m_real->lock(error); }
    int m_writes = 0;

  private:
    std::unique_ptr<PosixFileWriter> m_real;
    uint64_t m_offset;
};
} // namespace

class TestSetParentGuards : public QObject {
    Q_OBJECT
    CaseFolders m_folders;
    QString fresh() { return m_folders.next(); }

    // planSetParent refuses with `reason`; applying the refused plan writes nothing.
    static void expectRefusal(const QString& child, const QString& parent, const char* reason,
                              const SetParentOptions& options = {}) {
        const QByteArray before = digestWhole(child);
        const SetParentPlan plan =
            planSetParent(child.toStdString(), parent.toStdString(), options);
        QVERIFY(!plan.allowed);
        QVERIFY2(QString::fromStdString(plan.refusal).contains(reason), plan.refusal.c_str());
        const SetParentResult r = applySetParent(plan, {});
        QVERIFY(!r.ok && r.refused);
        QVERIFY(!r.write.anyWriteIssued);
        QCOMPARE(digestWhole(child), before);
    }

  private slots:
    // The decisive guard: PARENT's DataWriteGuid is not the one CHILD expects.
    void parentIsNotTheDiskTheChildWasMadeFrom() {
        const QString dir = fresh();
        const QString other = writeSpec(dir, "other.vhdx", baseImage(chainGuid(9)));
        const ReconnectCase c = makeReconnectCase(dir);
        expectRefusal(c.child, other, "PARENT is not the disk CHILD was made from");
        const SetParentPlan plan = planSetParent(c.child.toStdString(), other.toStdString(), {});
        // It says what that means, with both GUIDs.
        for (const QString& part : {QString::fromStdString(chainGuid(1).toString()),
                                    QString::fromStdString(chainGuid(9).toString()),
                                    QString("written to after"), QString("mix of two")})
            QVERIFY2(QString::fromStdString(plan.refusal).contains(part), plan.refusal.c_str());
    }

    void childIsNotDifferencing() {
        const QString dir = fresh();
        const QString base = writeSpec(dir, "base.vhdx", baseImage(chainGuid(1)));
        const QString plain = writeSpec(dir, "plain.vhdx", baseImage(chainGuid(2)));
        expectRefusal(plain, base, "not a differencing disk");
    }

    void childIsDamaged() {
        const ReconnectCase c =
            makeReconnectCase(fresh(), [](ImageSpec& s) { s.omitItems = {guids::page83Data}; });
        expectRefusal(c.child, c.parent, "METADATA_ITEM_MISSING");
    }

    void childNeedsALogReplay() {
        const ReconnectCase c = makeReconnectCase(fresh(), [](ImageSpec& s) {
            s.logGuid = chainGuid(50);
            s.logEntries.push_back({});
        });
        expectRefusal(c.child, c.parent, "replay it first");
    }

    // A log that cannot be checked to its end (the open's budget runs out) may hide a pending
    // replay: refused as if one were known, "replay first".
    void childLogReplayUnknown() {
        const QString dir = fresh();
        ImageSpec spec = childImage(chainGuid(2), chainGuid(1), ".\\old\\base.vhdx");
        spec.logGuid = chainGuid(51);
        BuiltImage b = buildImage(spec);
        for (uint64_t at = b.logOffset; at < b.logOffset + b.logLength; at += 4096)
            std::memcpy(b.bytes.data() + at, "loge", 4); // real bytes to read, no valid entry
        const QString parent = writeSpec(dir, "vms/base.vhdx", baseImage(chainGuid(1)));
        const QString child = writeImageFile(dir, "child.avhdx", b.bytes);
        SetParentOptions options;
        options.budget = std::make_shared<WorkBudget>(64 * 1024);
        expectRefusal(child, parent, "replay the log first", options);
        // With the whole log read, nothing is pending: allowed.
        QVERIFY(planSetParent(child.toStdString(), parent.toStdString(), {}).allowed);
    }

    void childHasNoLog() {
        const ReconnectCase c = makeReconnectCase(fresh(), [](ImageSpec& s) { s.logLength = 0; });
        expectRefusal(c.child, c.parent, "no log area");
    }

    void parentOfAnotherSize() {
        const QString dir = fresh();
        const ReconnectCase c = makeReconnectCase(dir);
        ImageSpec bigger = baseImage(chainGuid(1));
        bigger.virtualSize *= 2;
        QVERIFY(writeWholeFile(c.parent, buildImage(bigger).bytes));
        expectRefusal(c.child, c.parent, "virtual size or logical sector size differs");
    }

    void parentIsTheChildOrDescendsFromIt() {
        const QString dir = fresh();
        const QString self =
            writeSpec(dir, "self.avhdx", childImage(chainGuid(3), chainGuid(3), ".\\x.vhdx"));
        expectRefusal(self, self, "the same file");
        // p is c's parent by GUID, and c is p's parent by its locator and GUID: a loop.
        const QString p =
            writeSpec(dir, "p.avhdx", childImage(chainGuid(4), chainGuid(5), ".\\c.avhdx"));
        const QString c =
            writeSpec(dir, "c.avhdx", childImage(chainGuid(5), chainGuid(4), ".\\gone.vhdx"));
        expectRefusal(c, p, "the chain would loop");
    }

    // Four header writes: at max - 4 it goes ahead, one past it it refuses.
    void sequenceNumberLimit_data() {
        QTest::addColumn<quint64>("sequence");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("at the limit") << quint64(std::numeric_limits<uint64_t>::max() - 4) << true;
        QTest::newRow("one past it") << quint64(std::numeric_limits<uint64_t>::max() - 3) << false;
    }
    void sequenceNumberLimit() {
        QFETCH(quint64, sequence);
        QFETCH(bool, allowed);
        const ReconnectCase c = makeReconnectCase(fresh());
        QVERIFY(patchHeader(c.child, 2, [&](Header& h) { h.sequenceNumber = sequence; }));
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QCOMPARE(plan.allowed, allowed);
        if (allowed) {
            const SetParentResult r = applySetParent(plan, {});
            QVERIFY2(r.ok, r.error.c_str());
            QCOMPARE(readHeaderPair(c.child).currentHeader()->sequenceNumber,
                     std::numeric_limits<uint64_t>::max());
        } else {
            QVERIFY2(QString::fromStdString(plan.refusal).contains("would overflow"),
                     plan.refusal.c_str());
        }
    }

    // The log entry must fit the log (1 MiB here = 256 sectors: 2 descriptor sectors and 254
    // data sectors). A locator of about 1 MiB of other keys, grown 2 KiB at a time: the last
    // plan allowed has an entry of exactly the log's size, the next one is refused.
    void logEntryLimit() {
        const QString dir = fresh();
        const QString parent = writeSpec(dir, "vms/base.vhdx", baseImage(chainGuid(1)));
        std::string noise(32000, 'a');
        for (size_t i = 0; i < noise.size(); ++i)
            noise[i] = char('a' + (i * 7919 + i / 13) % 26); // no period a shift would hide
        uint64_t lastAllowed = 0;
        std::string refusal;
        for (size_t tail = 0; tail <= 32000 && refusal.empty(); tail += 1024) {
            ImageSpec spec = childImage(chainGuid(2), chainGuid(1), ".\\old\\base.vhdx");
            for (int k = 0; k < 16; ++k)
                spec.parentLocator.push_back({"vendor_" + std::to_string(k), noise});
            spec.parentLocator.push_back({"vendor_tail", noise.substr(0, tail)});
            const QString child = writeSpec(dir, "child.avhdx", spec);
            const SetParentPlan plan = planSetParent(child.toStdString(), parent.toStdString(), {});
            if (plan.allowed)
                lastAllowed = plan.log.entry.size();
            else
                refusal = plan.refusal;
        }
        QVERIFY2(lastAllowed == 1024 * 1024,
                 qPrintable(QString::number(lastAllowed) + ": " + QString::fromStdString(refusal)));
        QVERIFY2(QString::fromStdString(refusal).contains("is larger than the log (1048576"),
                 refusal.c_str());
    }

    void lockedByAnotherProcess() {
        const ReconnectCase c = makeReconnectCase(fresh());
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY(plan.allowed);
        const int fd = ::open(QFile::encodeName(c.child).constData(), O_RDONLY | O_CLOEXEC);
        struct flock fl {};
        fl.l_type = F_RDLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = 100;
        fl.l_len = 1;
        QVERIFY(fd >= 0 && ::fcntl(fd, F_OFD_SETLK, &fl) == 0);
        const QByteArray before = digestWhole(c.child);
        const SetParentResult r = applySetParent(plan, {});
        ::close(fd);
        QVERIFY(r.refused);
        QVERIFY2(QString::fromStdString(r.error).contains("locked"), r.error.c_str());
        QCOMPARE(digestWhole(c.child), before);
    }

    // Changed since the plan: a metadata table byte (beyond the first MiB, fstat unchanged
    // through the seam), and a header byte with the file's times moved.
    void changedSincePlan() {
        const ReconnectCase c = makeReconnectCase(fresh());
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY(plan.allowed);
        {
            std::string error;
            const uint64_t tableByte = plan.header.fingerprint.ranges.front().offset + 300;
            AlteredRead seam(PosixFileWriter::open(c.child.toStdString(), error), tableByte);
            const SetParentResult r = applySetParent(plan, {}, &seam);
            QVERIFY(r.refused);
            QCOMPARE(seam.m_writes, 0);
            QVERIFY2(QString::fromStdString(r.error).contains("changed on disk since it was read"),
                     r.error.c_str());
            QVERIFY2(QString::fromStdString(r.error).contains(
                         QString::number(plan.header.fingerprint.ranges.front().offset)),
                     r.error.c_str());
        } // the seam's descriptor, and its lock, closed
        QVERIFY(damageHeader(c.child, 1));
        const SetParentResult r2 = applySetParent(plan, {});
        QVERIFY(r2.refused);
        QVERIFY2(QString::fromStdString(r2.error).contains("changed on disk"), r2.error.c_str());
    }

    // A null LogGuid would leave the entry ignored by every reader: never planned.
    void nullLogGuidIsRefused() {
        const ReconnectCase c = makeReconnectCase(fresh());
        SetParentOptions options;
        options.logGuid = Guid();
        expectRefusal(c.child, c.parent, "non-zero LogGuid", options);
    }

    void unopenable() {
        const ReconnectCase c = makeReconnectCase(fresh());
        const SetParentPlan noChild =
            planSetParent((c.dir + "/nope.avhdx").toStdString(), c.parent.toStdString(), {});
        QVERIFY(noChild.openFailed);
        const SetParentPlan noParent =
            planSetParent(c.child.toStdString(), (c.dir + "/nope.vhdx").toStdString(), {});
        QVERIFY(noParent.openFailed);
        QVERIFY2(QString::fromStdString(noParent.refusal).contains("No such file"),
                 noParent.refusal.c_str());
    }
};

VHDX_TEST_MAIN(TestSetParentGuards)
#include "tst_set_parent_guards.moc"
