// Hostile logs (cases 2 and 4): a crafted log must not hide a pending replay, and
// the work of reading logs is bounded per open, shared by a whole parent chain. When the log
// cannot be checked to its end, the replay state is Unknown: an error, never "not needed".
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

// A bare "loge" sector at log offset rel: the header's LogGuid, the given EntryLength, a
// checksum that does not hold.
void bareEntry(BuiltImage& b, uint64_t rel, uint32_t length, uint64_t seq) {
    const uint64_t at = b.logOffset + rel;
    std::memcpy(b.bytes.data() + at, "loge", 4);
    putU32(b, at + 4, 0xDEADBEEF);
    putU32(b, at + field::logEntryLength, length);
    putU32(b, at + field::logTail, 0);
    putU64(b, at + field::logSequence, seq);
    putGuid(b, at + field::logGuid, kLog);
}

std::unique_ptr<Image> parseWithBudget(const BuiltImage& b, uint64_t budgetBytes,
                                       std::shared_ptr<WorkBudget>* out = nullptr) {
    ParseOptions o;
    o.budget = std::make_shared<WorkBudget>(budgetBytes);
    if (out)
        *out = o.budget;
    return Image::parse(b.source(), o);
}

} // namespace

class TestLogHostile : public QObject {
    Q_OBJECT
  private slots:
    // Five sectors claiming EntryLength = LogLength in front of the real entry: their
    // checksums come from the scan's prefix CRCs, so the log is read once, not five times.
    void longClaimsDoNotHideTheReplay() {
        LogEntrySpec real = entry(7);
        real.offset = 5 * 4096;
        ImageSpec spec = withLog({real});
        spec.logLength = 4 * MiB;
        BuiltImage b = buildImage(spec);
        for (uint64_t k = 0; k < 5; ++k)
            bareEntry(b, k * 4096, uint32_t(b.logLength), 100 + k);
        std::shared_ptr<WorkBudget> budget;
        // Room for reading the log once and a little: not five times.
        const auto img = parseWithBudget(b, b.logLength + 64 * KiB, &budget);
        QCOMPARE(int(img->log().replayState), int(LogReplayState::Needed));
        QCOMPARE(img->log().activeSequence, std::vector<uint64_t>{7});
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::LogReplayUnknown);
        QCOMPARE(findingsWith(*img, FindingCode::LogEntryInvalid).size(), size_t(5));
        for (size_t k = 0; k < 5; ++k)
            QVERIFY2(img->log().entries[k].problem.find("stored CRC 0xdeadbeef") == 0,
                     img->log().entries[k].problem.c_str());
        // The log once, then the real entry's descriptor sector and data sector header.
        QCOMPARE(budget->logBytesLeft(), 64 * KiB - 4096 - 12);
    }

    // 16384 bare "loge" sectors (the listing cap) before the real entry: candidates past the
    // cap are still checked, and a valid one among them is listed and replayed.
    void entryCapDoesNotHideTheReplay() {
        LogEntrySpec real = entry(9);
        real.offset = maxLogEntries * 4096;
        ImageSpec spec = withLog({real});
        spec.logLength = uint32_t(maxLogEntries * 4096 + MiB);
        BuiltImage b = buildImage(spec);
        for (uint64_t k = 0; k < maxLogEntries; ++k)
            bareEntry(b, k * 4096, 0, 1000 + k);
        const auto img = parseAndScan(b);
        QCOMPARE(int(img->log().replayState), int(LogReplayState::Needed));
        QCOMPARE(img->log().activeSequence, std::vector<uint64_t>{9});
        QVERIFY(img->log().entriesLimited);
        QCOMPARE(img->log().candidateCount, uint64_t(maxLogEntries + 1));
        QCOMPARE(img->log().entries.size(), maxLogEntries + 1);
        QVERIFY(img->log().entries.back().active);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogEntriesLimited, limited);
        QCOMPARE(limited.severity, Severity::Info);
    }

    // The cap exactly: 16384 candidates are all listed and nothing is "limited"; one more is.
    void entryCapBoundary() {
        for (uint64_t count : {uint64_t(maxLogEntries), uint64_t(maxLogEntries + 1)}) {
            ImageSpec spec = withLog({});
            spec.logLength = uint32_t(maxLogEntries * 4096 + MiB);
            BuiltImage b = buildImage(spec);
            for (uint64_t k = 0; k < count; ++k)
                bareEntry(b, k * 4096, 4096, 1 + k);
            const auto img = parseAndScan(b);
            QCOMPARE(img->log().entriesLimited, count > maxLogEntries);
            QCOMPARE(img->log().entries.size(), size_t(maxLogEntries));
            QCOMPARE(int(img->log().replayState), int(LogReplayState::None));
        }
    }

    // The open's budget runs out before the log is read: the replay state is Unknown, an
    // error, and JSON says null rather than false.
    void budgetExhaustedIsUnknown() {
        ImageSpec spec = withLog({entry(3)});
        spec.logLength = 2 * MiB;
        const BuiltImage b = buildImage(spec);
        const auto img = parseWithBudget(b, MiB);
        QCOMPARE(int(img->log().replayState), int(LogReplayState::Unknown));
        QVERIFY(!img->log().replayNeeded);
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogReplayUnknown, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY2(f.message.find("budget") != std::string::npos, f.message.c_str());
        // One byte more than the log (and the entry's descriptor sector) and all is known.
        const auto enough = parseWithBudget(b, 2 * MiB + 4096 + 12);
        QCOMPARE(int(enough->log().replayState), int(LogReplayState::Needed));
        const auto justShort = parseWithBudget(b, 2 * MiB + 4096 + 11);
        QCOMPARE(int(justShort->log().replayState), int(LogReplayState::Unknown));
    }

    void readErrorIsUnknown() {
        const BuiltImage b = buildImage(withLog({entry(3)}));
        const auto img = Image::parse(
            std::make_shared<FailingSource>(b.bytes, b.logOffset + MiB - 4096, b.logOffset + MiB));
        QCOMPARE(int(img->log().replayState), int(LogReplayState::Unknown));
        VHDX_REQUIRE_FINDING(*img, FindingCode::IoError, io);
        QCOMPARE(key(*img, io), std::string("log"));
        VHDX_REQUIRE_FINDING(*img, FindingCode::LogReplayUnknown, unknown);
        QCOMPARE(unknown.severity, Severity::Error);
    }

    // A child and its two ancestors, each with a 2 MiB log of non-zero bytes: one budget is
    // drawn by all three (6 MiB), and with 5 MiB the last ancestor's log is not read.
    void chainSharesOneBudget() {
        QTemporaryDir dir;
        auto write = [&](const QString& name, const ImageSpec& spec) {
            BuiltImage b = buildImage(spec);
            for (uint64_t i = 0; i < b.logLength; ++i) // not a hole, not an entry
                b.bytes[b.logOffset + i] = uint8_t(1 + i % 251);
            return writeImageFile(dir.path(), name, b.bytes);
        };
        ImageSpec base = withLog({});
        base.logLength = 2 * MiB;
        base.dataWriteGuid = *Guid::parse("00000000-0000-0000-0000-0000000000aa");
        QVERIFY(!write("base.vhdx", base).isEmpty());
        ImageSpec mid = base;
        mid.hasParent = true;
        mid.dataWriteGuid = *Guid::parse("00000000-0000-0000-0000-0000000000bb");
        mid.parentLocator = {{"parent_linkage", "{00000000-0000-0000-0000-0000000000aa}"},
                             {"relative_path", "base.vhdx"}};
        QVERIFY(!write("mid.vhdx", mid).isEmpty());
        ImageSpec child = mid;
        child.parentLocator = {{"parent_linkage", "{00000000-0000-0000-0000-0000000000bb}"},
                               {"relative_path", "mid.vhdx"}};
        const QString path = write("child.vhdx", child);

        std::string error;
        ParseOptions o;
        o.budget = std::make_shared<WorkBudget>(64 * MiB);
        auto img = Image::open(path.toStdString(), error, o);
        QVERIFY(img);
        QCOMPARE(img->parentChain().size(), size_t(2));
        QCOMPARE(o.budget->logBytesLeft(), 64 * MiB - 3 * 2 * MiB);

        o.budget = std::make_shared<WorkBudget>(5 * MiB);
        img = Image::open(path.toStdString(), error, o);
        QVERIFY(img);
        QCOMPARE(int(img->log().replayState), int(LogReplayState::None)); // its own: read
        QCOMPARE(o.budget->logBytesLeft(), uint64_t(0)); // the base's was cut short
    }

    // Holes of a sparse log are not read: a log of zeros costs nothing from the budget. An
    // entry whose padding runs past the first 1 MiB chunk into a hole: the hole's sectors
    // get their CRCs without a read, and the entry's checksum, which covers them, holds.
    void holesAreFree_data() {
        QTest::addColumn<uint32_t>("padding");
        QTest::newRow("entry in the first chunk") << 0u;
        QTest::newRow("padding into a hole") << 300u; // 302 sectors: 46 past the first chunk
    }
    void holesAreFree() {
        QFETCH(uint32_t, padding);
        QTemporaryDir dir;
        LogEntrySpec e = entry(4);
        e.paddingSectors = padding;
        ImageSpec spec = withLog({e});
        spec.logLength = 64 * MiB;
        const BuiltImage b = buildImage(spec);
        const QString path = writeImageFile(dir.path(), "sparse.vhdx", b.bytes);
        std::string error;
        ParseOptions o;
        o.budget = std::make_shared<WorkBudget>(8 * MiB);
        const auto img = Image::open(path.toStdString(), error, o);
        QVERIFY(img);
        QCOMPARE(int(img->log().replayState), int(LogReplayState::Needed));
        QCOMPARE(img->log().activeSequence, std::vector<uint64_t>{4});
        QCOMPARE(img->log().entries.at(0).length, (2 + padding) * 4096);
        QVERIFY(img->log().entries.at(0).checksumValid);
        // Only the 1 MiB chunk that holds the entry's start is read, then its descriptors.
        QCOMPARE(o.budget->logBytesLeft(), 8 * MiB - MiB - 4096 - 12);
    }
};

VHDX_TEST_MAIN(TestLogHostile)
#include "tst_log_hostile.moc"
