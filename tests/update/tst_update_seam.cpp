// The writer seam: a FileWriter around the real file that fails the 1st or 2nd write, the
// 1st or 2nd flush, cuts a write short, makes no progress, or returns altered bytes on the
// verifying re-read. After each: the update reports failure, the file still opens with a
// valid current header (the old one, or the first new one), nothing outside the two header
// blocks changed, and a later update on the same file succeeds.
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
enum class Fault { Write1, Write2, Short1, Short2, NoProgress1, Flush1, Flush2, BadReadBack };

class FaultyWriter final : public FileWriter {
  public:
    FaultyWriter(std::unique_ptr<PosixFileWriter> real, Fault fault)
        : m_real(std::move(real)), m_fault(fault) {}

    long long pwrite(const void* buf, size_t len, uint64_t offset) override {
        ++m_writes;
        if ((m_fault == Fault::Write1 && m_writes == 1) ||
            (m_fault == Fault::Write2 && m_writes == 2)) {
            errno = EIO;
            return -1;
        }
        if ((m_fault == Fault::Short1 && m_writes == 1) ||
            (m_fault == Fault::Short2 && m_writes == 2))
            return m_real->pwrite(buf, 20, offset); // really writes the first 20 bytes
        if (m_fault == Fault::NoProgress1 && m_writes == 1)
            return 0;
        return m_real->pwrite(buf, len, offset);
    }
    bool flush() override {
        ++m_flushes;
        if ((m_fault == Fault::Flush1 && m_flushes == 1) ||
            (m_fault == Fault::Flush2 && m_flushes == 2)) {
            errno = EIO;
            return false;
        }
        return m_real->flush();
    }
    bool pread(void* buf, size_t len, uint64_t offset) override {
        if (!m_real->pread(buf, len, offset))
            return false;
        if (m_fault == Fault::BadReadBack && m_flushes == 2 && len == 4096)
            static_cast<uint8_t*>(buf)[123] ^= 1;
        return true;
    }
    bool stat(FileStat& out) override { return m_real->stat(out); }
    bool lock(std::string& error) override { return m_real->lock(error); }

    int writes() const { return m_writes; }
    int flushes() const { return m_flushes; }

  private:
    std::unique_ptr<PosixFileWriter> m_real;
    Fault m_fault;
    int m_writes = 0, m_flushes = 0;
};
} // namespace

class TestUpdateSeam : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void faults_data() {
        QTest::addColumn<int>("fault");
        QTest::addColumn<int>("expectedWrites");  // pwrite calls made before stopping
        QTest::addColumn<int>("expectedFlushes"); // flush calls made before stopping
        QTest::addColumn<int>("currentAdvance");  // current sequence after - before
        QTest::addColumn<QString>("message");
        QTest::newRow("1st write fails") << int(Fault::Write1) << 1 << 0 << 0 << "Input/output";
        QTest::newRow("2nd write fails") << int(Fault::Write2) << 2 << 1 << 1 << "Input/output";
        QTest::newRow("1st write short") << int(Fault::Short1) << 1 << 0 << 0 << "short write";
        QTest::newRow("2nd write short") << int(Fault::Short2) << 2 << 1 << 1 << "short write";
        QTest::newRow("1st write no progress")
            << int(Fault::NoProgress1) << 1 << 0 << 0 << "short write (0 of 4096";
        QTest::newRow("1st flush fails") << int(Fault::Flush1) << 1 << 1 << 1 << "flushing";
        QTest::newRow("2nd flush fails") << int(Fault::Flush2) << 2 << 2 << 2 << "flushing";
        QTest::newRow("re-read differs")
            << int(Fault::BadReadBack) << 2 << 2 << 2 << "verification failed";
    }
    void faults() {
        QFETCH(int, fault);
        QFETCH(int, expectedWrites);
        QFETCH(int, expectedFlushes);
        QFETCH(int, currentAdvance);
        QFETCH(QString, message);
        QString error;
        const QString path = makeQemuImage(m_dir.path(), "s.vhdx", "1G", "32M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const uint64_t oldSeq = readHeaderPair(path).currentHeader()->sequenceNumber;
        const QByteArray outside = digestOutsideHeaders(path);

        std::string openError;
        auto real = PosixFileWriter::open(path.toStdString(), openError);
        QVERIFY2(real, openError.c_str());
        auto writer = std::make_unique<FaultyWriter>(std::move(real), Fault(fault));
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), {}, writer.get());
        QVERIFY(!r.ok);
        QVERIFY(!r.refused);
        QCOMPARE(writer->writes(), expectedWrites);
        QCOMPARE(writer->flushes(), expectedFlushes);
        writer.reset(); // closes the file and releases the update's lock
        QCOMPARE(r.blocksWritten, expectedWrites);
        QVERIFY2(QString::fromStdString(r.error).contains(message), r.error.c_str());

        QCOMPARE(checkStillConsistent(path, outside), QString());
        const HeaderPair after = readHeaderPair(path);
        QCOMPARE(after.currentHeader()->sequenceNumber, oldSeq + uint64_t(currentAdvance));
        // A damaged (short-written) slot is never the current one, and is repaired next time.
        QCOMPARE(qemuImgCheck(path), QString());

        const HeaderUpdateResult retry = updateHeaders(path.toStdString(), {});
        QVERIFY2(retry.ok, retry.error.c_str());
        const HeaderPair fixed = readHeaderPair(path);
        QVERIFY(fixed.headers[0].valid() && fixed.headers[1].valid());
        QCOMPARE(checkStillConsistent(path, outside), QString());
        QCOMPARE(qemuImgCheck(path), QString());
        QCOMPARE(vhdiinfoCheck(path), QString());
        QFile::remove(path);
    }

    void damagedSlotAfterShortWriteIsNotCurrent() {
        QString error;
        const QString path = makeQemuImage(m_dir.path(), "short.vhdx", "1G", "32M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const HeaderPair before = readHeaderPair(path);
        std::string openError;
        FaultyWriter writer(PosixFileWriter::open(path.toStdString(), openError), Fault::Short1);
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), {}, &writer);
        QVERIFY(!r.ok);
        const HeaderPair after = readHeaderPair(path);
        QVERIFY(!after.headers[r.plan.steps[0].slot - 1].valid()); // torn: checksum catches it
        QCOMPARE(after.current, before.current);
        QCOMPARE(after.currentHeader()->raw, before.currentHeader()->raw);
    }
};

VHDX_TEST_MAIN(TestUpdateSeam)
#include "tst_update_seam.moc"
