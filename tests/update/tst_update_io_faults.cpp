// The header update's I/O failures through a scripted writer seam (scripted_writer.h), each
// with its exact text: the re-check before the first write cannot stat or read the file, or
// sees its size move, or another device/inode (refused, the file byte-identical); the lock
// fails for a reason other than another holder; a write fails without errno; the verifying
// re-read fails, or reads back another valid header; and plans whose promised sequence is not
// their block's, or whose second block is not the newer one, are caught by the verification
// (the file stays valid).
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>

#include "scripted_writer.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
enum class Recheck {
    StatFails,
    SecondStatFails,
    HeadReadFails,
    SizeMoves,
    OtherDevice,
    OtherInode
};
}

class TestUpdateIoFaults : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString freshImage() { return freshQemuImage(m_dir.path(), "f", m_n); }
    static std::unique_ptr<ScriptedWriter> seam(const QString& path) {
        std::string error;
        auto real = PosixFileWriter::open(path.toStdString(), error);
        return real ? std::make_unique<ScriptedWriter>(std::move(real)) : nullptr;
    }

  private slots:
    void recheckFails_data() {
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("error");
        const QString recheck = "cannot re-check the file before writing: ";
        const QString changed = "the file changed on disk since it was read: ";
        QTest::newRow("fstat fails") << int(Recheck::StatFails) << recheck + "cannot stat the file";
        QTest::newRow("second fstat fails") << int(Recheck::SecondStatFails)
                                            << recheck + "the file changed while it was being read";
        QTest::newRow("first MiB unreadable")
            << int(Recheck::HeadReadFails) << recheck + "cannot read the first 1048576 bytes";
        QTest::newRow("size moves between the two fstats")
            << int(Recheck::SizeMoves) << recheck + "the file changed while it was being read";
        const QString other = changed +
                              "the path now names a different file (device/inode changed); "
                              "plan the update again";
        QTest::newRow("other device") << int(Recheck::OtherDevice) << other;
        QTest::newRow("other inode") << int(Recheck::OtherInode) << other;
    }
    void recheckFails() {
        QFETCH(int, fault);
        QFETCH(QString, error);
        const QString path = freshImage();
        QVERIFY(!path.isEmpty());
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        QCOMPARE(plan.fingerprint.head.size(), size_t(1024 * 1024));
        const QByteArray before = digestWhole(path);
        auto w = seam(path);
        QVERIFY(w);
        w->onStat = [&](int call, FileStat& st) {
            switch (Recheck(fault)) {
            case Recheck::StatFails:
                errno = EIO;
                return false;
            case Recheck::SecondStatFails:
                errno = EIO;
                return call != 2;
            case Recheck::SizeMoves:
                if (call == 2)
                    st.size += 4096;
                return true;
            case Recheck::OtherDevice:
                st.device += 1;
                return true;
            case Recheck::OtherInode:
                st.inode += 1;
                return true;
            default:
                return true;
            }
        };
        w->onPread = [&](int, void*, size_t, uint64_t) {
            if (Recheck(fault) != Recheck::HeadReadFails)
                return true;
            errno = EIO;
            return false;
        };
        const HeaderUpdateResult r = applyHeaderUpdate(plan, {}, w.get());
        QVERIFY(!r.ok);
        QVERIFY(r.refused);
        QCOMPARE(r.blocksWritten, 0);
        QCOMPARE(w->writes, 0);
        QCOMPARE(QString::fromStdString(r.error), error);
        w.reset();
        QCOMPARE(digestWhole(path), before);
    }

    // A read-only descriptor cannot take a write lock: EBADF, not "locked by another process".
    void lockFailsForAnotherReason() {
        const QString path = freshImage();
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const QByteArray before = digestWhole(path);
        std::string error;
        auto readOnly = PosixFileWriter::openReadOnly(path.toStdString(), error);
        QVERIFY2(readOnly, error.c_str());
        const HeaderUpdateResult r = applyHeaderUpdate(plan, {}, readOnly.get());
        QVERIFY(r.refused);
        QCOMPARE(r.blocksWritten, 0);
        QCOMPARE(QString::fromStdString(r.error),
                 QString("cannot lock the file: ") + std::strerror(EBADF));
        QCOMPARE(digestWhole(path), before);
    }

    // A failed write that leaves errno 0: the message ends at "failed", no ": Success".
    void writeFailsWithoutErrno() {
        const QString path = freshImage();
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const QByteArray before = digestWhole(path);
        auto w = seam(path);
        w->onPwrite = [](int, const void*, size_t, uint64_t) -> long long {
            errno = 0;
            return -1;
        };
        const HeaderUpdateResult r = applyHeaderUpdate(plan, {}, w.get());
        QVERIFY(!r.ok && !r.refused);
        QCOMPARE(r.blocksWritten, 1);
        QCOMPARE(QString::fromStdString(r.error), QString("writing header %1 at offset %2 failed")
                                                      .arg(plan.steps[0].slot)
                                                      .arg(plan.steps[0].offset));
        w.reset();
        QCOMPARE(digestWhole(path), before); // nothing reached the file
    }

    // Both writes landed; the verifying re-read of the first slot fails, or returns the other
    // (valid) new header. The update reports failure, and the file holds both new headers.
    void verifyingReread_data() {
        QTest::addColumn<bool>("readFails");
        QTest::newRow("re-read fails") << true;
        QTest::newRow("re-read gives the other header") << false;
    }
    void verifyingReread() {
        QFETCH(bool, readFails);
        const QString path = freshImage();
        const uint64_t oldSeq = readHeaderPair(path).currentHeader()->sequenceNumber;
        const QByteArray outside = digestOutsideHeaders(path);
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        auto w = seam(path);
        w->onPread = [&](int, void* buf, size_t len, uint64_t offset) {
            if (w->flushes < 2 || len != 4096 || offset != plan.steps[0].offset)
                return true;
            if (readFails) {
                errno = EIO;
                return false;
            }
            std::memcpy(buf, plan.steps[1].newBlock.data(), len);
            return true;
        };
        const HeaderUpdateResult r = applyHeaderUpdate(plan, {}, w.get());
        QVERIFY(!r.ok && !r.refused);
        QCOMPARE(r.blocksWritten, 2);
        const QString slot = QString::number(plan.steps[0].slot);
        QCOMPARE(QString::fromStdString(r.error),
                 readFails
                     ? "re-reading header " + slot + " failed: " + std::strerror(EIO)
                     : "verification failed: header " + slot + " does not read back as written");
        w.reset();
        const HeaderPair after = readHeaderPair(path);
        QVERIFY(after.headers[0].valid() && after.headers[1].valid());
        QCOMPARE(after.currentHeader()->sequenceNumber, oldSeq + 2);
        QCOMPARE(checkStillConsistent(path, outside), QString());
        QCOMPARE(qemuImgCheck(path), QString());
    }

    // A plan whose first slot's sequence number does not match its block: the block reads back
    // as written and valid, but not with the sequence the plan promised.
    void sequenceOtherThanPlanned() {
        const QString path = freshImage();
        HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        plan.steps[0].newSequence += 10;
        const HeaderUpdateResult r = applyHeaderUpdate(plan, {});
        QVERIFY(!r.ok && !r.refused);
        QCOMPARE(r.blocksWritten, 2);
        QCOMPARE(QString::fromStdString(r.error),
                 QString("verification failed: header %1 does not read back as written")
                     .arg(plan.steps[0].slot));
        QCOMPARE(qemuImgCheck(path), QString());
    }

    // A plan (a public struct) whose blocks are swapped: the non-current slot gets sequence +2,
    // the current one +1. Both read back as written, but the one written last is not current.
    void lastWrittenIsNotCurrent() {
        const QString path = freshImage();
        const uint64_t oldSeq = readHeaderPair(path).currentHeader()->sequenceNumber;
        const QByteArray outside = digestOutsideHeaders(path);
        HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        std::swap(plan.steps[0].newBlock, plan.steps[1].newBlock);
        std::swap(plan.steps[0].newSequence, plan.steps[1].newSequence);
        const HeaderUpdateResult r = applyHeaderUpdate(plan, {});
        QVERIFY(!r.ok && !r.refused);
        QCOMPARE(r.blocksWritten, 2);
        QCOMPARE(QString::fromStdString(r.error),
                 QString("verification failed: the last written header is not the current one"));
        const HeaderPair after = readHeaderPair(path);
        QCOMPARE(after.current, plan.steps[0].slot);
        QCOMPARE(after.currentHeader()->sequenceNumber, oldSeq + 2);
        QCOMPARE(checkStillConsistent(path, outside), QString());
        QCOMPARE(qemuImgCheck(path), QString());
    }
};

VHDX_TEST_MAIN(TestUpdateIoFaults)
#include "tst_update_io_faults.moc"
