// Every finding code the core declares is produced by some image, with its default
// severity; the codes of cli-contract.md exist with the contract's severities.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <map>
#include <set>

#include "core_test_helpers.h"
#include "test_files.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
using Scenario = std::function<std::unique_ptr<Image>(const QString& dir)>;

class FailingSource final : public ByteSource {
  public:
    explicit FailingSource(std::vector<uint8_t> b) : m_mem(std::move(b)) {}
    uint64_t size() const override { return m_mem.size(); }
    ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        return offset >= 2 * MiB && offset < 3 * MiB ? ReadStatus::IoError
                                                     : m_mem.read(offset, buf, len);
    }

  private:
    MemorySource m_mem;
};

std::unique_ptr<Image> scan(BuiltImage b) {
    return parseAndScan(std::move(b.bytes));
}
template <class Edit> std::unique_ptr<Image> edited(ImageSpec spec, Edit edit) {
    BuiltImage b = buildImage(spec);
    edit(b);
    return scan(std::move(b));
}
ImageSpec differencing(const std::string& linkage = "{" + Guid().toString() + "}") {
    ImageSpec s;
    s.hasParent = true;
    s.parentLocator = {{"parent_linkage", linkage}, {"relative_path", "parent.vhdx"}};
    return s;
}
std::unique_ptr<Image> openScan(const QString& path) {
    std::string error;
    return Image::openAndScan(path.toStdString(), error);
}
LogEntrySpec logEntry(uint64_t seq) {
    LogEntrySpec e;
    e.sequenceNumber = seq;
    return e;
}

const std::map<std::string, Scenario>& scenarios() {
    static const std::map<std::string, Scenario> all = {
        {"NOT_VHDX", [](auto&) { return parseAndScan(std::vector<uint8_t>{}); }},
        {"FILE_TRUNCATED",
         [](auto&) {
             BuiltImage b = buildImage({});
             b.bytes.resize(100 * KiB);
             return scan(b);
         }},
        {"IDENTIFIER_CREATOR_INVALID",
         [](auto&) { return edited({}, [](BuiltImage& b) { putU16(b, 8, 0xDC00); }); }},
        {"HEADER_SIGNATURE_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.headerOffset[0]] = 'x';
                 resealHeader(b, 1);
             });
         }},
        {"HEADER_CHECKSUM_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { b.bytes[b.headerOffset[1] + 9] ^= 1; });
         }},
        {"HEADER_VERSION_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU16(b, b.headerOffset[0] + field::headerVersion, 0);
                 resealHeader(b, 1);
             });
         }},
        {"HEADER_LOG_FIELDS_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU64(b, b.headerOffset[1] + field::headerLogOffset, MiB + 512);
                 resealHeader(b, 2);
             });
         }},
        {"NO_VALID_HEADER",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.headerOffset[0] + 9] ^= 1;
                 b.bytes[b.headerOffset[1] + 9] ^= 1;
             });
         }},
        {"HEADER_SEQUENCE_TIE",
         [](auto&) {
             ImageSpec s;
             s.sequenceNumber[0] = s.sequenceNumber[1] = 3;
             return edited(s, [](BuiltImage& b) {
                 putGuid(b, b.headerOffset[1] + field::headerDataWriteGuid, Guid::random());
                 resealHeader(b, 2);
             });
         }},
        {"REGION_TABLE_SIGNATURE_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.regionTableOffset[0]] = 'R';
                 resealRegionTable(b, 1);
             });
         }},
        {"REGION_TABLE_CHECKSUM_BAD",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { b.bytes[b.regionTableOffset[1] + 9999] = 1; });
         }},
        {"REGION_TABLE_ENTRY_COUNT_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU32(b, b.regionTableOffset[0] + field::regionEntryCount, 2048);
                 resealRegionTable(b, 1);
             });
         }},
        {"REGION_TABLES_DIFFER",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 b.bytes[b.regionTableOffset[1] + 60000] = 1;
                 resealRegionTable(b, 2);
             });
         }},
        {"REGION_MISSING",
         [](auto&) {
             ImageSpec s;
             s.writeBatRegion = false;
             return scan(buildImage(s));
         }},
        {"REGION_DUPLICATE",
         [](auto&) {
             ImageSpec s;
             s.extraRegions.push_back({guids::metadataRegion, 3 * MiB, uint32_t(MiB), 1});
             return scan(buildImage(s));
         }},
        {"REGION_UNKNOWN_REQUIRED",
         [](auto&) {
             ImageSpec s;
             s.extraRegions.push_back({Guid::random(), 3 * MiB, uint32_t(MiB), 1});
             return scan(buildImage(s));
         }},
        {"REGION_OVERLAP",
         [](auto&) {
             ImageSpec s;
             s.batLength = 2 * MiB; // runs into the metadata region
             return edited(s, [](BuiltImage& b) {
                 for (int t = 1; t <= 2; ++t) {
                     putU64(b, b.regionTableOffset[t - 1] + 64, 3 * MiB); // Metadata offset
                     resealRegionTable(b, t);
                 }
             });
         }},
        {"REGION_OUT_OF_BOUNDS",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { b.bytes.resize(b.metadataOffset + 64 * KiB); });
         }},
        {"REGION_MISALIGNED",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 for (int t = 1; t <= 2; ++t) {
                     putU32(b, b.regionTableOffset[t - 1] + 16 + 24, uint32_t(MiB / 2));
                     resealRegionTable(b, t);
                 }
             });
         }},
        {"METADATA_SIGNATURE_BAD",
         [](auto&) { return edited({}, [](BuiltImage& b) { b.bytes[b.metadataOffset] = 'M'; }); }},
        {"METADATA_ENTRY_COUNT_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) { putU16(b, b.metadataOffset + 10, 2048); });
         }},
        {"METADATA_ITEM_MISSING",
         [](auto&) {
             ImageSpec s;
             s.omitItems = {guids::page83Data};
             return scan(buildImage(s));
         }},
        {"METADATA_ITEM_DUPLICATE",
         [](auto&) {
             ImageSpec s;
             s.extraItems.push_back({guids::page83Data, std::vector<uint8_t>(16, 1), 6});
             return scan(buildImage(s));
         }},
        {"METADATA_ITEM_OUT_OF_BOUNDS",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU32(b, b.item(guids::page83Data)->entryOffset + 16, 0xFFFFFFF0u);
             });
         }},
        {"METADATA_ITEM_OVERLAP",
         [](auto&) {
             ImageSpec s;
             s.extraItems.push_back({Guid::random(), std::vector<uint8_t>(8, 1), 0});
             return edited(s, [](BuiltImage& b) {
                 putU32(b, b.items.back().entryOffset + 16, uint32_t(64 * KiB));
             });
         }},
        {"METADATA_UNKNOWN_REQUIRED",
         [](auto&) {
             ImageSpec s;
             s.extraItems.push_back({Guid::random(), {}, 4});
             return scan(buildImage(s));
         }},
        {"BLOCK_SIZE_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU32(b, b.item(guids::fileParameters)->dataOffset, 3 * MiB);
             });
         }},
        {"SECTOR_SIZE_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU32(b, b.item(guids::physicalSectorSize)->dataOffset, 1024);
             });
         }},
        {"VIRTUAL_DISK_SIZE_INVALID",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU64(b, b.item(guids::virtualDiskSize)->dataOffset, 0);
             });
         }},
        {"PARENT_LOCATOR_MISSING",
         [](auto&) {
             ImageSpec s = differencing();
             s.writeParentLocator = false;
             return scan(buildImage(s));
         }},
        {"PARENT_LOCATOR_INVALID", [](auto&) { return scan(buildImage(differencing("nope"))); }},
        {"PARENT_LOCATOR_UNEXPECTED",
         [](auto&) {
             ImageSpec s = differencing();
             s.hasParent = false;
             return scan(buildImage(s));
         }},
        {"PARENT_NOT_FOUND",
         [](const QString& dir) {
             return openScan(writeImageFile(dir, "orphan.vhdx", buildImage(differencing()).bytes));
         }},
        {"PARENT_LINKAGE_MISMATCH",
         [](const QString& dir) {
             if (writeImageFile(dir, "parent.vhdx", buildImage({}).bytes).isEmpty())
                 return std::unique_ptr<Image>();
             return openScan(writeImageFile(dir, "child.vhdx", buildImage(differencing()).bytes));
         }},
        {"BAT_TOO_SMALL",
         [](auto&) {
             return edited({}, [](BuiltImage& b) {
                 putU64(b, b.item(guids::virtualDiskSize)->dataOffset, 64 * TiB);
             });
         }},
        {"BAT_ENTRY_STATE_INVALID",
         [](auto&) {
             ImageSpec s;
             s.rawBatEntries[0] = 4;
             return scan(buildImage(s));
         }},
        {"BAT_ENTRY_RESERVED_BITS",
         [](auto&) {
             ImageSpec s;
             s.rawBatEntries[0] = 1u << 10;
             return scan(buildImage(s));
         }},
        {"BAT_ENTRY_BEYOND_EOF",
         [](auto&) {
             ImageSpec s;
             s.rawBatEntries[0] = bat::entry(bat::FullyPresent, 100 * MiB);
             return scan(buildImage(s));
         }},
        {"BAT_ENTRY_OVERLAP",
         [](auto&) {
             ImageSpec s;
             s.blocks[1] = bat::FullyPresent; // the file is long enough for block 0's claim
             s.rawBatEntries[0] = bat::entry(bat::FullyPresent, 0);
             return scan(buildImage(s));
         }},
        {"BAT_SECTOR_BITMAP_MISSING",
         [](auto&) {
             ImageSpec s = differencing();
             s.blocks[0] = bat::PartiallyPresent;
             return scan(buildImage(s));
         }},
        {"LOG_REPLAY_NEEDED",
         [](auto&) {
             ImageSpec s;
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             return scan(buildImage(s));
         }},
        {"LOG_ENTRY_INVALID",
         [](auto&) {
             ImageSpec s;
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             s.logEntries[0].logGuid = Guid::random();
             return scan(buildImage(s));
         }},
        {"LOG_INVALID",
         [](auto&) {
             ImageSpec s;
             s.logGuid = Guid::random();
             s.logEntries = {logEntry(1)};
             s.logEntries[0].flushedFileOffset = 1024 * GiB;
             return scan(buildImage(s));
         }},
        {"LOG_ENTRIES_LIMITED",
         [](auto&) {
             ImageSpec s;
             s.logGuid = Guid::random();
             for (uint64_t i = 1; i <= 150; ++i) {
                 s.logEntries.push_back(logEntry(i));
                 s.logEntries.back().logGuid = Guid::random();
             }
             return scan(buildImage(s));
         }},
        {"SCAN_CANCELLED",
         [](auto&) {
             auto img = Image::parse(buildImage({}).source());
             std::atomic<bool> cancel{true};
             BatScanOptions o;
             o.cancel = &cancel;
             img->scanBat(o);
             return img;
         }},
        {"IO_ERROR",
         [](auto&) {
             auto img = Image::parse(std::make_shared<FailingSource>(buildImage({}).bytes));
             img->scanBat();
             return img;
         }},
    };
    return all;
}
} // namespace

class TestFindingCodes : public QObject {
    Q_OBJECT
  private slots:
    void codesAreWellFormed() {
        std::set<std::string_view> names;
        std::set<int> codes;
        const QRegularExpression form("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$");
        for (const FindingCodeInfo& c : allFindingCodes()) {
            QVERIFY2(form.match(qs(c.name)).hasMatch(), c.name.data());
            QVERIFY2(names.insert(c.name).second, c.name.data());
            QVERIFY(codes.insert(int(c.code)).second);
            QCOMPARE(codeName(c.code), c.name);
            QVERIFY(!c.when.empty());
        }
    }
    void sortedMostSevereFirst() {
        Findings f;
        f.add(Severity::Info, FindingCode::LogEntryInvalid, "log[0]", 10, "a", "2.3");
        f.add(Severity::Error, FindingCode::BatTooSmall, "bat", 300, "b", "2.5");
        f.add(Severity::Warning, FindingCode::HeaderChecksumBad, "header1", 65536, "c", "2.2");
        f.add(Severity::Error, FindingCode::NoValidHeader, "header1", 65536, "d", "2.2");
        f.add(Severity::Error, FindingCode::RegionMissing, "region_table1", 300, "e", "2.2");
        const std::vector<Finding> s = f.sorted();
        QCOMPARE(s.size(), size_t(5));
        VHDX_COMPARE_STR(s[0].message, "b"); // errors by offset, stable among equal offsets
        VHDX_COMPARE_STR(s[1].message, "e");
        VHDX_COMPARE_STR(s[2].message, "d");
        VHDX_COMPARE_STR(s[3].message, "c");
        VHDX_COMPARE_STR(s[4].message, "a");
        QCOMPARE(f.count(Severity::Error), size_t(3));
        QVERIFY(f.hasErrors());
        QVERIFY(f.has(FindingCode::BatTooSmall));
        QVERIFY(!f.has(FindingCode::NotVhdx));
        VHDX_COMPARE_STR(severityName(Severity::Warning), "warning");
    }
    void contractCodesExist_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("severity");
        const std::pair<const char*, Severity> contract[] = {
            {"NOT_VHDX", Severity::Error},
            {"FILE_TRUNCATED", Severity::Error},
            {"HEADER_SIGNATURE_BAD", Severity::Warning},
            {"HEADER_CHECKSUM_BAD", Severity::Warning},
            {"HEADER_VERSION_BAD", Severity::Warning},
            {"NO_VALID_HEADER", Severity::Error},
            {"HEADER_SEQUENCE_TIE", Severity::Error},
            {"REGION_TABLE_SIGNATURE_BAD", Severity::Warning},
            {"REGION_TABLE_CHECKSUM_BAD", Severity::Warning},
            {"REGION_TABLES_DIFFER", Severity::Warning},
            {"REGION_MISSING", Severity::Error},
            {"REGION_UNKNOWN_REQUIRED", Severity::Error},
            {"REGION_OVERLAP", Severity::Error},
            {"REGION_OUT_OF_BOUNDS", Severity::Error},
            {"REGION_MISALIGNED", Severity::Error},
            {"METADATA_SIGNATURE_BAD", Severity::Error},
            {"METADATA_ITEM_MISSING", Severity::Error},
            {"METADATA_ITEM_DUPLICATE", Severity::Error},
            {"METADATA_ITEM_OUT_OF_BOUNDS", Severity::Error},
            {"METADATA_UNKNOWN_REQUIRED", Severity::Error},
            {"BLOCK_SIZE_INVALID", Severity::Error},
            {"SECTOR_SIZE_INVALID", Severity::Error},
            {"VIRTUAL_DISK_SIZE_INVALID", Severity::Error},
            {"PARENT_LOCATOR_MISSING", Severity::Error},
            {"BAT_TOO_SMALL", Severity::Error},
            {"BAT_ENTRY_STATE_INVALID", Severity::Error},
            {"BAT_ENTRY_RESERVED_BITS", Severity::Warning},
            {"BAT_ENTRY_BEYOND_EOF", Severity::Error},
            {"BAT_ENTRY_OVERLAP", Severity::Error},
            {"LOG_REPLAY_NEEDED", Severity::Warning},
            {"LOG_ENTRY_INVALID", Severity::Info},
        };
        for (const auto& [name, sev] : contract)
            QTest::newRow(name) << QString::fromLatin1(name) << int(sev);
    }
    void contractCodesExist() {
        QFETCH(QString, name);
        QFETCH(int, severity);
        for (const FindingCodeInfo& c : allFindingCodes())
            if (qs(c.name) == name) {
                QCOMPARE(int(c.defaultSeverity), severity);
                return;
            }
        QFAIL(qPrintable(name + " is missing"));
    }
    void everyCodeIsProduced_data() {
        QTest::addColumn<QString>("name");
        for (const FindingCodeInfo& c : allFindingCodes())
            QTest::newRow(std::string(c.name).c_str()) << qs(c.name);
    }
    void everyCodeIsProduced() {
        QFETCH(QString, name);
        const auto it = scenarios().find(name.toStdString());
        QVERIFY2(it != scenarios().end(), qPrintable("no scenario produces " + name));
        QTemporaryDir dir;
        const auto img = it->second(dir.path());
        QVERIFY(img);
        const FindingCodeInfo* info = nullptr;
        for (const FindingCodeInfo& c : allFindingCodes())
            if (qs(c.name) == name)
                info = &c;
        const auto found = findingsWith(*img, info->code);
        QVERIFY2(!found.empty(), qPrintable("expected " + name + ", got:" + describe(*img)));
        QCOMPARE(found.front().severity, info->defaultSeverity);
        QVERIFY(!found.front().message.empty());
        QVERIFY(!found.front().structure.empty());
        QVERIFY(!found.front().spec.empty());
    }
};

QTEST_GUILESS_MAIN(TestFindingCodes)
#include "tst_finding_codes.moc"
