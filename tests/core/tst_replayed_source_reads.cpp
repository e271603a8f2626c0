// The replay layer's reads of parts of one data descriptor (MS-VHDX 2.3.1.3: bytes 0-7 come
// from the descriptor's LeadingBytes, 8-4091 from the data sector, 4092-4095 from its
// TrailingBytes) and its failures: a failed read of the stored file or of the data sector in
// the log is passed on, a data sector past the end of the file is an I/O error (the log is
// inside the file), never "past end" of the replayed view.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/replayed_source.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

std::vector<uint8_t> sectorPattern() {
    std::vector<uint8_t> s(4096);
    for (size_t i = 0; i < s.size(); ++i)
        s[i] = uint8_t(i * 7 + (i >> 8) + 1);
    return s;
}

// Inside the stored file: the unused tail of the metadata region (items end near 64 KiB).
constexpr uint64_t kTarget = 3 * MiB + 512 * KiB;

struct Fixture {
    BuiltImage built;
    std::shared_ptr<const ReplayPlan> plan;
    uint64_t dataSector = 0; // file offset of the descriptor's data sector
};

Fixture oneDataWrite() {
    ImageSpec s;
    s.logGuid = Guid::random();
    LogEntrySpec e;
    e.sequenceNumber = 1;
    e.data = {{kTarget, sectorPattern()}};
    s.logEntries = {e};
    Fixture f{buildImage(s), nullptr, 0};
    const auto img = Image::parse(f.built.source());
    if (!img->replay() || !img->replay()->replayable)
        qFatal("the builder's log entry is not replayable");
    f.plan = img->replay()->plan;
    f.dataSector = f.plan->logOffset() + f.plan->writes().at(0).dataLogOffset;
    return f;
}

std::vector<uint8_t> readOf(const ByteSource& src, uint64_t offset, size_t len,
                            ReadStatus* status = nullptr) {
    std::vector<uint8_t> out(len, 0xEE);
    const ReadStatus s = src.read(offset, out.data(), len);
    if (status)
        *status = s;
    return out;
}

std::vector<uint8_t> slice(const std::vector<uint8_t>& v, size_t from, size_t len) {
    return {v.begin() + long(from), v.begin() + long(from + len)};
}

} // namespace

class TestReplayedSourceReads : public QObject {
    Q_OBJECT
  private slots:
    void partsOfOneDescriptor_data() {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("length");
        QTest::newRow("leading bytes only") << 2 << 4;
        QTest::newRow("all leading bytes") << 0 << 8;
        QTest::newRow("leading into data") << 6 << 10;
        QTest::newRow("data only") << 100 << 200;
        QTest::newRow("data into trailing") << 4090 << 4;
        QTest::newRow("trailing bytes only") << 4093 << 3;
        QTest::newRow("whole sector") << 0 << 4096;
    }
    void partsOfOneDescriptor() {
        QFETCH(int, from);
        QFETCH(int, length);
        const Fixture f = oneDataWrite();
        const ReplayedSource view(f.built.source(), f.plan);
        ReadStatus s{};
        const auto got = readOf(view, kTarget + uint64_t(from), size_t(length), &s);
        QCOMPARE(int(s), int(ReadStatus::Ok));
        QCOMPARE(got, slice(sectorPattern(), size_t(from), size_t(length)));
    }

    void failedDataSectorReadIsPassedOn_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("expected");
        QTest::newRow("I/O error") << int(ReadStatus::IoError) << int(ReadStatus::IoError);
        QTest::newRow("past end becomes I/O error")
            << int(ReadStatus::PastEnd) << int(ReadStatus::IoError);
    }
    void failedDataSectorReadIsPassedOn() {
        QFETCH(int, status);
        QFETCH(int, expected);
        const Fixture f = oneDataWrite();
        auto file = std::make_shared<FailingSource>(f.built.bytes, f.dataSector + 8,
                                                    f.dataSector + 4092, ReadStatus(status));
        const ReplayedSource view(file, f.plan);
        ReadStatus s{};
        (void)readOf(view, kTarget, 4096, &s);
        QCOMPARE(int(s), expected);
        // Only the edges: no data sector byte is read, so the read succeeds.
        const auto edge = readOf(view, kTarget, 8, &s);
        QCOMPARE(int(s), int(ReadStatus::Ok));
        QCOMPARE(edge, slice(sectorPattern(), 0, 8));
    }

    void failedStoredReadIsPassedOn() {
        const Fixture f = oneDataWrite();
        auto file = std::make_shared<FailingSource>(f.built.bytes, kTarget - 4096, kTarget,
                                                    ReadStatus::IoError);
        const ReplayedSource view(file, f.plan);
        ReadStatus s{};
        (void)readOf(view, kTarget - 4096, 8192, &s);
        QCOMPARE(int(s), int(ReadStatus::IoError));
        // The overlaid sector alone reads from the log.
        QCOMPARE(readOf(view, kTarget, 4096, &s), sectorPattern());
        QCOMPARE(int(s), int(ReadStatus::Ok));
    }

    // Inside the stored file the file says where data is (a memory source: everywhere).
    void nextDataInsideTheFile() {
        const Fixture f = oneDataWrite();
        const ReplayedSource view(f.built.source(), f.plan);
        QCOMPARE(view.nextData(0), uint64_t(0));
        QCOMPARE(view.nextData(kTarget + 1), kTarget + 1);
        QCOMPARE(view.nextData(view.size()), view.size());
    }

    void readsPastTheReplayedEnd() {
        const Fixture f = oneDataWrite();
        const ReplayedSource view(f.built.source(), f.plan);
        QCOMPARE(view.size(), f.built.bytes.size()); // nothing written past the stored end
        ReadStatus s{};
        (void)readOf(view, view.size() - 4, 8, &s);
        QCOMPARE(int(s), int(ReadStatus::PastEnd));
    }
};

VHDX_TEST_MAIN(TestReplayedSourceReads)
#include "tst_replayed_source_reads.moc"
