// The log writer's entry (MS-VHDX 2.3): what encodeLogEntry makes is
// what the core's log reader accepts as a valid, active entry, and its data sectors rebuild
// the sectors logged, exactly; the descriptor sectors at the limit of one sector (126 data
// descriptors) and one past it. writeSectorsInPlace stops at the first failed write.
#include <QTest>

#include <cerrno>

#include "core_test_helpers.h"
#include "log_inspection.h"
#include "test_registry.h"
#include "vhdx/layout.h"
#include "vhdx/log_writer.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

std::vector<SectorWrite> patternSectors(size_t n, uint64_t firstOffset) {
    std::vector<SectorWrite> out;
    for (size_t i = 0; i < n; ++i) {
        SectorWrite s{firstOffset + 4096 * i, std::vector<uint8_t>(4096)};
        for (size_t k = 0; k < 4096; ++k)
            s.bytes[k] = uint8_t(k * 31 + i * 7 + 1);
        out.push_back(std::move(s));
    }
    return out;
}

// A builder image whose headers carry logGuid, with `entry` written at the log's start.
std::unique_ptr<Image> withEntry(const Guid& logGuid, const std::vector<uint8_t>& entry,
                                 uint32_t logLength = uint32_t(MiB)) {
    ImageSpec spec;
    spec.logGuid = logGuid;
    spec.logLength = logLength;
    BuiltImage b = buildImage(spec);
    std::copy(entry.begin(), entry.end(), b.bytes.begin() + long(b.logOffset));
    return Image::parse(b.source());
}

class CountingWriter final : public FileWriter {
  public:
    explicit CountingWriter(int failAt) : m_failAt(failAt) {}
    long long pwrite(const void*, size_t len, uint64_t) override {
        if (++m_writes == m_failAt) {
            errno = EIO;
            return -1;
        }
        return static_cast<long long>(len);
    }
    bool flush() override { return true; }
    bool pread(void*, size_t, uint64_t) override { return false; }
    bool stat(FileStat&) override { return false; }
    bool lock(std::string&) override { return true; }
    int m_writes = 0;

  private:
    int m_failAt;
};

} // namespace

class TestLogWriter : public QObject {
    Q_OBJECT
  private slots:
    void entryReadsBackAsActive_data() {
        QTest::addColumn<int>("sectors");
        QTest::addColumn<int>("descriptorSectors");
        QTest::newRow("one sector") << 1 << 1;
        QTest::newRow("126: one descriptor sector") << 126 << 1;
        QTest::newRow("127: two descriptor sectors") << 127 << 2;
    }
    void entryReadsBackAsActive() {
        QFETCH(int, sectors);
        QFETCH(int, descriptorSectors);
        const Guid logGuid = Guid::random();
        LogEntryFields fields;
        fields.logGuid = logGuid;
        fields.sequenceNumber = 0x100000001ull; // SequenceHigh and SequenceLow both non-zero
        const BuiltImage plain = buildImage({});
        fields.flushedFileOffset = fields.lastFileOffset = plain.bytes.size();
        const auto logged = patternSectors(size_t(sectors), plain.metadataOffset);
        const std::vector<uint8_t> entry = encodeLogEntry(fields, logged);
        QCOMPARE(entry.size(), size_t(descriptorSectors + sectors) * 4096);
        QCOMPARE(logEntryLength(size_t(sectors)), uint64_t(entry.size()));

        const auto img = withEntry(logGuid, entry);
        const Log& log = img->log();
        QVERIFY2(log.replayNeeded, qPrintable(describe(*img)));
        QCOMPARE(log.activeSequence, std::vector<uint64_t>{fields.sequenceNumber});
        QCOMPARE(log.entries.front().dataDescriptors, uint32_t(sectors));
        QVERIFY(log.entries.front().valid);
        std::string why;
        const auto replayed = activeLogSectors(*img, &why);
        QVERIFY2(replayed.size() == logged.size(), why.c_str());
        for (size_t i = 0; i < logged.size(); ++i) {
            QCOMPARE(replayed[i].fileOffset, logged[i].fileOffset);
            QVERIFY(replayed[i].bytes == logged[i].bytes);
        }
    }

    // Under another LogGuid the entry is stale, and a damaged byte breaks its checksum.
    void staleOrDamagedEntryIsNotActive() {
        LogEntryFields fields;
        fields.logGuid = Guid::random();
        std::vector<uint8_t> entry = encodeLogEntry(fields, patternSectors(2, 3 * MiB));
        QVERIFY(!withEntry(Guid::random(), entry)->log().replayNeeded);
        entry[4096 + 100] ^= 1;
        QVERIFY(!withEntry(fields.logGuid, entry)->log().replayNeeded);
    }

    void writeSectorsInPlaceStopsAtTheFirstFailure() {
        const auto sectors = patternSectors(3, 3 * MiB);
        for (int failAt = 1; failAt <= 3; ++failAt) {
            CountingWriter w(failAt);
            std::string error;
            QVERIFY(!writeSectorsInPlace(w, sectors, error));
            QCOMPARE(w.m_writes, failAt);
            QVERIFY2(qs(error).contains(QString::number(3 * MiB + 4096 * uint64_t(failAt - 1))),
                     error.c_str());
        }
        CountingWriter ok(0);
        std::string error;
        QVERIFY(writeSectorsInPlace(ok, sectors, error));
        QCOMPARE(ok.m_writes, 3);
    }
};

VHDX_TEST_MAIN(TestLogWriter)
#include "tst_log_writer.moc"
