// What a replay changes: where descriptors land, BAT entries before -> after with
// the listing bound, changed metadata items, and the report's descriptor bound, each bound at
// the limit and one past it.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/report.h"
#include "vhdx/report_replay.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
// 1 GiB of 1 MiB blocks: 1024 BAT entries, the first 512 in the first BAT sector.
ImageSpec oneMiBBlocks() {
    ImageSpec s;
    s.blockSize = 1 << 20;
    s.logGuid = Guid::random();
    return s;
}

// A log entry writing the first BAT sector with entries [0, n) in state ZERO.
LogEntrySpec zeroStates(const BuiltImage& b, uint64_t n) {
    std::vector<uint8_t> sector(4096, 0);
    for (uint64_t i = 0; i < n; ++i)
        putLe64(sector.data() + 8 * b.batIndexOfBlock(i), bat::entry(bat::Zero, 0));
    LogEntrySpec e;
    e.sequenceNumber = 1;
    e.data = {{b.batOffset, sector}};
    return e;
}
} // namespace

class TestReplayEffects : public QObject {
    Q_OBJECT

  private slots:
    void batChanges_data() {
        QTest::addColumn<int>("changed");
        QTest::newRow("at the listing limit") << int(maxListedBatChanges);
        QTest::newRow("one past") << int(maxListedBatChanges + 1);
        QTest::newRow("a whole sector") << 512;
    }
    void batChanges() {
        QFETCH(int, changed);
        ImageSpec s = oneMiBBlocks();
        s.logEntries = {zeroStates(buildImage(s), uint64_t(changed))};
        const BuiltImage b = buildImage(s);
        const auto image = parseAndScan(b);
        const ReplayEffects* fx = image->replay();
        QVERIFY(fx && fx->applied && fx->batCompared);
        QCOMPARE(fx->batChangeCount, uint64_t(changed));
        QCOMPARE(fx->batChanges.size(), std::min(size_t(changed), maxListedBatChanges));
        for (size_t i = 0; i < fx->batChanges.size(); ++i) {
            QCOMPARE(fx->batChanges[i].index, uint64_t(i));
            QCOMPARE(fx->batChanges[i].before, uint64_t(0));
            QCOMPARE(fx->batChanges[i].after, uint64_t(bat::Zero));
        }
        // The replayed view's scan counts them; the stored view's does not.
        QCOMPARE(image->batScan()->counts.of(BatClass::PayloadZero), uint64_t(changed));
        ParseOptions stored;
        stored.view = ReadView::Stored;
        auto plain = Image::parse(b.source(), stored);
        plain->scanBat();
        QCOMPARE(plain->batScan()->counts.of(BatClass::PayloadZero), uint64_t(0));
        // The descriptor lands in BAT entries 0..511 (one 4 KiB sector of the table).
        QCOMPARE(fx->targets.size(), size_t(1));
        QCOMPARE(fx->targets[0][0].kind, ReplayTargetKind::Bat);
        QCOMPARE(fx->targets[0][0].first, uint64_t(0));
        QCOMPARE(fx->targets[0][0].last, uint64_t(511));
    }

    void landsInItemsAndBlocks() {
        ImageSpec s = oneMiBBlocks();
        s.blocks[3] = bat::FullyPresent;
        const BuiltImage plain = buildImage(s);
        const uint64_t item = plain.item(guids::page83Data)->dataOffset;
        LogEntrySpec e;
        e.sequenceNumber = 1;
        // The item's bytes as stored except the GUID's first byte; block 3's second sector;
        // 4 KiB past the end of the file.
        std::vector<uint8_t> sector(plain.bytes.begin() + long(item / 4096 * 4096),
                                    plain.bytes.begin() + long(item / 4096 * 4096 + 4096));
        sector[item % 4096] ^= 0xff;
        e.data = {{item / 4096 * 4096, sector},
                  {plain.blockOffsets.at(3) + 4096, {}},
                  {plain.bytes.size() + MiB, {}}};
        e.lastFileOffset = plain.bytes.size() + 2 * MiB;
        s.logEntries = {e};
        const auto image = parseAndScan(buildImage(s));
        const ReplayEffects* fx = image->replay();
        QVERIFY(fx);
        QCOMPARE(fx->targets.size(), size_t(3));
        bool itemSeen = false;
        for (const ReplayTarget& t : fx->targets[0])
            itemSeen |= t.kind == ReplayTargetKind::MetadataItem && t.name == "Virtual Disk ID";
        QVERIFY(itemSeen);
        QCOMPARE(fx->targets[1][0].kind, ReplayTargetKind::PayloadBlock);
        QCOMPARE(fx->targets[1][0].first, uint64_t(3));
        QCOMPARE(fx->targets[2][0].kind, ReplayTargetKind::BeyondEndOfFile);
        QCOMPARE(fx->changedStructures.size(), size_t(1));
        QCOMPARE(qs(fx->changedStructures[0].name), QString("Virtual Disk ID"));
        QVERIFY(!image->findings().has(FindingCode::LogReplayBeyondLastFileOffset));
        QCOMPARE(fx->sizeAfter, plain.bytes.size() + 2 * MiB);
    }

    // Writes into the first MiB: a region table by name, the rest of the header section as
    // "header section", and a write covering both is listed under both (a surviving mutant,
    // docs/ROBUSTNESS.md).
    void headerSectionTargets_data() {
        QTest::addColumn<qulonglong>("offset");
        QTest::addColumn<qulonglong>("length");
        QTest::addColumn<QString>("targets");
        QTest::newRow("identifier") << 0ull << 4096ull << "header section";
        QTest::newRow("last sector before region table 1")
            << qulonglong(188 * KiB) << 4096ull << "header section";
        QTest::newRow("region table 1") << qulonglong(192 * KiB) << 4096ull << "region_table1";
        QTest::newRow("region table 2") << qulonglong(256 * KiB) << 4096ull << "region_table2";
        QTest::newRow("end of region table 2 and past it")
            << qulonglong(316 * KiB) << 8192ull << "region_table2,header section";
        QTest::newRow("first sector after region table 2")
            << qulonglong(320 * KiB) << 4096ull << "header section";
        QTest::newRow("last sector of the header section")
            << qulonglong(MiB - 4096) << 4096ull << "header section";
    }
    void headerSectionTargets() {
        QFETCH(qulonglong, offset);
        QFETCH(qulonglong, length);
        QFETCH(QString, targets);
        ImageSpec s = oneMiBBlocks();
        const BuiltImage plain = buildImage(s);
        LogEntrySpec e;
        e.sequenceNumber = 1;
        // One descriptor rewriting the bytes as stored (the replayed image stays valid): a
        // data sector, or a zero descriptor over bytes that are zero.
        if (length == 4096) {
            e.data = {{offset, std::vector<uint8_t>(plain.bytes.begin() + long(offset),
                                                    plain.bytes.begin() + long(offset + 4096))}};
        } else {
            QVERIFY(std::all_of(plain.bytes.begin() + long(offset),
                                plain.bytes.begin() + long(offset + length),
                                [](uint8_t b) { return b == 0; }));
            e.zeros = {{offset, length}};
        }
        s.logEntries = {e};
        const auto image = parseAndScan(buildImage(s));
        const ReplayEffects* fx = image->replay();
        QVERIFY(fx && fx->applied);
        QCOMPARE(fx->targets.size(), size_t(1));
        QStringList names;
        for (const ReplayTarget& t : fx->targets[0])
            names << qs(t.name);
        QCOMPARE(names.join(','), targets);
        QCOMPARE(fx->writesIntoHeaderSection, uint64_t(1));
    }

    void reportListsDescriptorsUpToTheLimit_data() {
        QTest::addColumn<int>("count");
        QTest::newRow("at the limit") << int(maxListedReplayDescriptors);
        QTest::newRow("one past") << int(maxListedReplayDescriptors + 1);
    }
    void reportListsDescriptorsUpToTheLimit() {
        QFETCH(int, count);
        ImageSpec s = oneMiBBlocks();
        LogEntrySpec e;
        e.sequenceNumber = 1;
        e.zeros.assign(size_t(count), LogZeroWrite{3 * MiB, 4096});
        s.logEntries = {e};
        const auto image = parseAndScan(buildImage(s));
        const QJsonObject replay =
            QJsonDocument::fromJson(QByteArray::fromStdString(reportJson(*image)))
                .object()["log"]
                .toObject()["replay"]
                .toObject();
        QCOMPARE(replay["descriptor_count"].toInt(), count);
        const int listed = std::min(count, int(maxListedReplayDescriptors));
        QCOMPARE(replay["descriptors_listed"].toInt(), listed);
        QCOMPARE(replay["descriptors"].toArray().size(), listed);
    }
};

VHDX_TEST_MAIN(TestReplayEffects)
#include "tst_replay_effects.moc"
