// The schema against MS-VHDX: every structure's fields tile it exactly (sizes add up, no gap,
// no overlap), keys are unique, tables have the spec's strides and limits, and the fields
// the format names sit where MS-VHDX puts them (the numbers below are copied from the
// specification's tables, not from the schema).
#include <QTest>

#include <set>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/layout.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/schema/structures.h"

using namespace vhdx;
using namespace vhdx::schema;

class TestSchema : public QObject {
    Q_OBJECT
  private slots:
    void fieldsTileEachStructure() {
        for (const Layout* l : allLayouts) {
            uint64_t at = 0;
            std::set<std::string_view> keys;
            for (const Field* f : l->fields) {
                QVERIFY2(f->offset == at, qPrintable(QStringLiteral("%1.%2 at %3, expected %4")
                                                         .arg(test::qs(l->name), test::qs(f->key))
                                                         .arg(f->offset)
                                                         .arg(at)));
                QVERIFY(f->size > 0);
                QVERIFY2(keys.insert(f->key).second, f->key.data());
                QVERIFY(!f->label.empty());
                QVERIFY(!f->spec.empty());
                QCOMPARE(f->type == FieldType::Signature, !f->magic.empty());
                if (f->type == FieldType::Signature)
                    QCOMPARE(size_t(f->size), f->magic.size());
                at += f->size;
            }
            QVERIFY2(at == l->size, qPrintable(QStringLiteral("%1 fields end at %2, size %3")
                                                   .arg(test::qs(l->name))
                                                   .arg(at)
                                                   .arg(l->size)));
        }
    }

    // MS-VHDX 2.2.2 (header), 2.2.3 (region table), 2.6.1 (metadata table), 2.3.1 (log).
    void positionsFromTheSpecification_data() {
        QTest::addColumn<const Field*>("field");
        QTest::addColumn<uint>("offset");
        QTest::addColumn<uint>("size");
        auto row = [](const char* name, const Field& f, uint off, uint size) {
            QTest::newRow(name) << &f << off << size;
        };
        row("header Checksum", header::checksum, 4, 4);
        row("header SequenceNumber", header::sequenceNumber, 8, 8);
        row("header FileWriteGuid", header::fileWriteGuid, 16, 16);
        row("header DataWriteGuid", header::dataWriteGuid, 32, 16);
        row("header LogGuid", header::logGuid, 48, 16);
        row("header LogVersion", header::logVersion, 64, 2);
        row("header Version", header::version, 66, 2);
        row("header LogLength", header::logLength, 68, 4);
        row("header LogOffset", header::logOffset, 72, 8);
        row("region EntryCount", region_table::entryCount, 8, 4);
        row("region entry FileOffset", region_entry::fileOffset, 16, 8);
        row("region entry Length", region_entry::length, 24, 4);
        row("region entry Required", region_entry::required, 28, 4);
        row("metadata EntryCount", metadata_table::entryCount, 10, 2);
        row("metadata entry Offset", metadata_entry::offset, 16, 4);
        row("metadata entry Length", metadata_entry::length, 20, 4);
        row("metadata entry flags", metadata_entry::flags, 24, 4);
        row("locator KeyValueCount", parent_locator::keyValueCount, 18, 2);
        row("locator entry ValueLength", parent_locator_entry::valueLength, 10, 2);
        row("log EntryLength", log_entry::entryLength, 8, 4);
        row("log Tail", log_entry::tail, 12, 4);
        row("log SequenceNumber", log_entry::sequenceNumber, 16, 8);
        row("log DescriptorCount", log_entry::descriptorCount, 24, 4);
        row("log LogGuid", log_entry::logGuid, 32, 16);
        row("log FlushedFileOffset", log_entry::flushedFileOffset, 48, 8);
        row("log LastFileOffset", log_entry::lastFileOffset, 56, 8);
        row("desc TrailingBytes", data_descriptor::trailingBytes, 4, 4);
        row("desc LeadingBytes", data_descriptor::leadingBytes, 8, 8);
        row("desc FileOffset", data_descriptor::fileOffset, 16, 8);
        row("zero ZeroLength", zero_descriptor::zeroLength, 8, 8);
        row("data SequenceLow", data_sector::sequenceLow, 4092, 4);
    }
    void positionsFromTheSpecification() {
        QFETCH(const Field*, field);
        QFETCH(uint, offset);
        QFETCH(uint, size);
        QCOMPARE(uint(field->offset), offset);
        QCOMPARE(uint(field->size), size);
    }

    void tablesAndSizes() {
        QCOMPARE(region_entry::table.first, 16u);
        QCOMPARE(region_entry::table.stride, 32u);
        QCOMPARE(region_entry::table.maxEntries, 2047u);
        QCOMPARE(metadata_entry::table.first, 32u);
        QCOMPARE(metadata_entry::table.stride, 32u);
        QCOMPARE(metadata_entry::table.maxEntries, 2047u);
        QCOMPARE(parent_locator_entry::table.first, 20u);
        QCOMPARE(parent_locator_entry::table.stride, 12u);
        // Every table's entries fit its structure at the limit.
        QVERIFY(region_entry::table.offsetOf(2047) <= region_table::size);
        QVERIFY(metadata_entry::table.offsetOf(2047) <= metadata_table::size);
        QCOMPARE(uint64_t(header::layout.size), 4096u);
        QCOMPARE(uint64_t(region_table::size), 65536u);
        QCOMPARE(layout::headerSize, uint64_t(header::layout.size));
        // Descriptors: 126 in the first sector after the 64-byte header, 128 in the next.
        QCOMPARE(descriptor_area::offsetOf(0), uint64_t(64));
        QCOMPARE(descriptor_area::offsetOf(126), uint64_t(4096));
        QCOMPARE(descriptor_area::sectorsFor(126), uint64_t(1));
        QCOMPARE(descriptor_area::sectorsFor(127), uint64_t(2));
        QCOMPARE(descriptor_area::sectorsFor(254), uint64_t(2));
        QCOMPARE(descriptor_area::sectorsFor(255), uint64_t(3));
    }

    // MS-VHDX 2.5: state bits 0-2, reserved 3-19, FileOffsetMB 20-63, together 64 bits.
    void batEntryBits() {
        QCOMPARE(bat_entry::state.shift, 0u);
        QCOMPARE(bat_entry::state.width, 3u);
        QCOMPARE(bat_entry::reserved.shift, 3u);
        QCOMPARE(bat_entry::reserved.width, 17u);
        QCOMPARE(bat_entry::fileOffsetMB.shift, 20u);
        QCOMPARE(bat_entry::state.width + bat_entry::reserved.width + bat_entry::fileOffsetMB.width,
                 64u);
    }

    // MS-VHDX 2.5.1: the defined raw states of each slot kind.
    void batStateTable() {
        std::set<std::pair<int, int>> defined;
        for (const BatStateInfo& s : batStates()) {
            QVERIFY(defined.insert({int(s.kind), s.raw}).second);
            QCOMPARE(batClassInfo(s.cls).kind, s.kind);
            QCOMPARE(batClassHasBlock(s.cls), s.hasBlock);
        }
        const std::set<std::pair<int, int>> spec = {{0, 0}, {0, 1}, {0, 2}, {0, 3},
                                                    {0, 6}, {0, 7}, {1, 0}, {1, 6}};
        QVERIFY(defined == spec);
    }
};

VHDX_TEST_MAIN(TestSchema)
#include "tst_schema.moc"
