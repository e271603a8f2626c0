// The replay layer: ReplayedSource against an independent replay done here by
// writing every descriptor into a copy of the bytes, in order; its size; reads of random
// ranges; holes; and the plan's limits, each at the limit and one past it.
#include <QRandomGenerator>
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/replayed_source.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

std::vector<uint8_t> pattern(uint8_t seed) {
    std::vector<uint8_t> s(4096);
    for (size_t i = 0; i < s.size(); ++i)
        s[i] = uint8_t(seed * 17 + i * 13 + (i >> 8));
    return s;
}

// The replay as MS-VHDX 2.3.3 describes it, on bytes: descriptors in order, then the size.
std::vector<uint8_t> replayByHand(std::vector<uint8_t> bytes, const ImageSpec& spec,
                                  uint64_t lastFileOffset) {
    for (const LogEntrySpec& e : spec.logEntries) {
        for (const LogDataWrite& w : e.data) {
            if (bytes.size() < w.fileOffset + 4096)
                bytes.resize(w.fileOffset + 4096, 0);
            std::copy(w.sector.begin(), w.sector.end(), bytes.begin() + long(w.fileOffset));
        }
        for (const LogZeroWrite& z : e.zeros) {
            if (bytes.size() < z.fileOffset + z.length)
                bytes.resize(z.fileOffset + z.length, 0);
            std::fill_n(bytes.begin() + long(z.fileOffset), z.length, 0);
        }
    }
    if (bytes.size() < lastFileOffset)
        bytes.resize(lastFileOffset, 0);
    return bytes;
}

// Three entries: data over data, zeros across both, data in the middle again, data at the
// start of a longer zero range (over header 1: stored bytes that are not zero), data past the
// end of the file, and LastFileOffset beyond that.
ImageSpec layeredSpec(uint64_t fileSize, uint64_t lastFileOffset) {
    ImageSpec s;
    s.logGuid = Guid::random();
    LogEntrySpec e1;
    e1.sequenceNumber = 1;
    e1.tailEntry = 0;
    e1.data = {{3 * MiB, pattern(1)}, {3 * MiB + 4096, pattern(2)}, {3 * MiB, pattern(3)}};
    LogEntrySpec e2 = e1;
    e2.sequenceNumber = 2;
    e2.data = {{fileSize + 8192, pattern(4)}};
    e2.zeros = {{3 * MiB + 4096, 8192}, {2 * MiB, 4096}, {56 * KiB, 16 * KiB}};
    LogEntrySpec e3 = e1;
    e3.sequenceNumber = 3;
    e3.data = {{3 * MiB + 8192, pattern(5)}, {60 * KiB, pattern(6)}};
    e3.lastFileOffset = lastFileOffset;
    s.logEntries = {e1, e2, e3};
    return s;
}

} // namespace

class TestReplayedSource : public QObject {
    Q_OBJECT

  private slots:
    void matchesAReplayByHand() {
        const uint64_t fileSize = buildImage({}).bytes.size();
        const uint64_t lastFileOffset = fileSize + 5 * MiB + 123;
        const ImageSpec spec = layeredSpec(fileSize, lastFileOffset);
        const BuiltImage b = buildImage(spec);
        QCOMPARE(b.bytes.size(), fileSize);
        const auto image = Image::parse(b.source());
        QCOMPARE(image->viewKind(), ReadView::Replayed);
        const std::vector<uint8_t> expected = replayByHand(b.bytes, spec, lastFileOffset);
        const ByteSource& view = image->view();
        QCOMPARE(view.size(), uint64_t(expected.size()));
        QCOMPARE(image->fileSize(), fileSize); // the file itself is as stored

        std::vector<uint8_t> all(expected.size());
        QCOMPARE(view.read(0, all.data(), all.size()), ReadStatus::Ok);
        // The header section and the log are as stored: the replay writes neither here.
        QVERIFY(all == expected);
        QRandomGenerator rng(4242);
        for (int i = 0; i < 2000; ++i) {
            const uint64_t len = rng.bounded(20000u) + 1;
            const uint64_t at = 3 * MiB - 10000 + rng.bounded(40000u);
            std::vector<uint8_t> got(len);
            QCOMPARE(view.read(at, got.data(), len), ReadStatus::Ok);
            QVERIFY(std::equal(got.begin(), got.end(), expected.begin() + long(at)));
        }
        std::vector<uint8_t> one(1);
        QCOMPARE(view.read(expected.size() - 1, one.data(), 1), ReadStatus::Ok);
        QCOMPARE(view.read(expected.size(), one.data(), 1), ReadStatus::PastEnd);

        // Which descriptor owns a byte: the last to write it.
        const ReplayPlan& plan = *image->replay()->plan;
        const ReplayOverlay* o = plan.overlayAt(3 * MiB + 10);
        QVERIFY(o);
        QCOMPARE(plan.writes()[o->write].sequenceNumber, uint64_t(1));
        QCOMPARE(plan.writes()[o->write].descriptorIndex, uint32_t(2));
        o = plan.overlayAt(3 * MiB + 4096);
        QVERIFY(o && !plan.writes()[o->write].isData);
        o = plan.overlayAt(3 * MiB + 8192 + 100);
        QCOMPARE(plan.writes()[o->write].sequenceNumber, uint64_t(3));
        QVERIFY(!plan.overlayAt(3 * MiB - 1));
        QCOMPARE(image->replay()->sizeAfter, lastFileOffset);
    }

    // An entry with a second descriptor sector (130 data descriptors): its data sectors start
    // after both (QEMU 7.2 cannot read such an entry, see tests/replay/dirty_images.cpp).
    void twoDescriptorSectors() {
        ImageSpec s;
        s.logGuid = Guid::random();
        LogEntrySpec e;
        e.sequenceNumber = 1;
        for (uint8_t k = 0; k < 130; ++k)
            e.data.push_back({3 * MiB + 4096 * uint64_t(k % 200), pattern(k)});
        s.logEntries = {e};
        const BuiltImage b = buildImage(s);
        const auto image = Image::parse(b.source());
        QCOMPARE(image->viewKind(), ReadView::Replayed);
        const std::vector<uint8_t> expected = replayByHand(b.bytes, s, 0);
        std::vector<uint8_t> all(expected.size());
        QCOMPARE(image->view().read(0, all.data(), all.size()), ReadStatus::Ok);
        QVERIFY(all == expected);
    }

    void storedViewIsTheFile() {
        const uint64_t fileSize = buildImage({}).bytes.size();
        const BuiltImage b = buildImage(layeredSpec(fileSize, fileSize));
        ParseOptions o;
        o.view = ReadView::Stored;
        const auto image = Image::parse(b.source(), o);
        QCOMPARE(image->viewKind(), ReadView::Stored);
        QCOMPARE(image->view().size(), fileSize);
        QVERIFY(image->replay() && image->replay()->replayable && !image->replay()->applied);
    }

    void holesAreDataWhereOverlaid() {
        const uint64_t fileSize = buildImage({}).bytes.size();
        const BuiltImage b = buildImage(layeredSpec(fileSize, fileSize + MiB));
        const auto image = Image::parse(b.source());
        const ByteSource& view = image->view();
        // Past the stored end nothing is data but the overlay at fileSize + 8 KiB.
        QCOMPARE(view.nextData(fileSize), fileSize + 8192);
        QCOMPARE(view.nextData(fileSize + 8192 + 4096), view.size());
    }

    void notReplayableWhenFlushedBeyondEnd() {
        ImageSpec s = layeredSpec(buildImage({}).bytes.size(), 0);
        s.logEntries[2].flushedFileOffset = 1 * GiB;
        const auto image = parseAndScan(buildImage(s));
        QCOMPARE(image->viewKind(), ReadView::Stored);
        QVERIFY(image->findings().has(FindingCode::LogInvalid));
        QVERIFY(!image->replay()->replayable);
    }

    void descriptorLimit_data() {
        QTest::addColumn<int>("count");
        QTest::addColumn<bool>("applied");
        QTest::newRow("at the limit") << int(maxReplayWrites) << true;
        QTest::newRow("one past") << int(maxReplayWrites + 1) << false;
    }
    void descriptorLimit() {
        QFETCH(int, count);
        QFETCH(bool, applied);
        ImageSpec s;
        s.logGuid = Guid::random();
        s.logLength = 16 * MiB;
        LogEntrySpec e;
        e.sequenceNumber = 1;
        e.zeros.assign(size_t(count), LogZeroWrite{3 * MiB, 4096});
        s.logEntries = {e};
        const auto image = Image::parse(buildImage(s).source());
        QVERIFY(image->log().replayNeeded);
        QCOMPARE(image->viewKind() == ReadView::Replayed, applied);
        QCOMPARE(image->findings().has(FindingCode::LogReplayNotApplied), !applied);
        if (applied)
            QCOMPARE(image->replay()->plan->writes().size(), size_t(count));
    }

    void replayedSizeLimit_data() {
        QTest::addColumn<quint64>("lastFileOffset");
        QTest::addColumn<bool>("applied");
        QTest::newRow("at the limit") << quint64(maxReplayedSize) << true;
        QTest::newRow("one past") << quint64(maxReplayedSize + 1) << false;
    }
    void replayedSizeLimit() {
        QFETCH(quint64, lastFileOffset);
        QFETCH(bool, applied);
        ImageSpec s;
        s.logGuid = Guid::random();
        LogEntrySpec e;
        e.sequenceNumber = 1;
        e.lastFileOffset = lastFileOffset;
        s.logEntries = {e};
        const auto image = parseAndScan(buildImage(s));
        QCOMPARE(image->viewKind() == ReadView::Replayed, applied);
        QCOMPARE(image->findings().has(FindingCode::LogReplayNotApplied), !applied);
        if (applied)
            QCOMPARE(image->view().size(), uint64_t(lastFileOffset));
    }
};

VHDX_TEST_MAIN(TestReplayedSource)
#include "tst_replayed_source.moc"
