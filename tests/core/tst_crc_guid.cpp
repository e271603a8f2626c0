// CRC-32C (MS-VHDX 2.2.2), GUID text form (MS-DTYP 2.3.4.2), little-endian and range helpers.
#include <QTest>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/guid.h"

using namespace vhdx;
using namespace vhdx::test;

class TestCrcGuid : public QObject {
    Q_OBJECT
  private slots:
    void crcCheckValue() {
        const char* text = "123456789";
        QCOMPARE(crc32c(text, 9), 0xE3069283u);
        QCOMPARE(crc32c(text, 0), 0x00000000u);
    }
    void crcKnownVectors() {
        // RFC 3720 B.4: 32 bytes of zeros and of 0xFF.
        std::vector<uint8_t> zeros(32, 0), ones(32, 0xFF);
        QCOMPARE(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
        QCOMPARE(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
    }
    void crcIncrementalEqualsWhole() {
        std::vector<uint8_t> data(100000);
        for (size_t i = 0; i < data.size(); ++i)
            data[i] = uint8_t(i * 31 + 7);
        uint32_t s = crc32cInit();
        s = crc32cUpdate(s, data.data(), 1);
        s = crc32cUpdate(s, data.data() + 1, 4095);
        s = crc32cUpdate(s, data.data() + 4096, data.size() - 4096);
        QCOMPARE(crc32cFinal(s), crc32c(data.data(), data.size()));
    }
    void structureChecksumTreatsFieldAsZero() {
        std::vector<uint8_t> block(4096);
        for (size_t i = 0; i < block.size(); ++i)
            block[i] = uint8_t(i);
        std::vector<uint8_t> zeroed = block;
        std::memset(zeroed.data() + 4, 0, 4);
        const uint32_t expected = crc32c(zeroed.data(), zeroed.size());
        QCOMPARE(structureChecksum(block.data(), block.size()), expected);
        putLe32(block.data() + 4, 0xDEADBEEF); // the stored value never matters
        QCOMPARE(structureChecksum(block.data(), block.size()), expected);
        // Another checksum position.
        std::vector<uint8_t> other = block;
        std::memset(other.data() + 16, 0, 4);
        QCOMPARE(structureChecksum(block.data(), block.size(), 16),
                 crc32c(other.data(), other.size()));
        // The field as the last 4 bytes (at the limit) is still zeroed; a field that does not
        // fit (one past) leaves the block's plain CRC.
        std::vector<uint8_t> last = block;
        std::memset(last.data() + last.size() - 4, 0, 4);
        QCOMPARE(structureChecksum(block.data(), block.size(), block.size() - 4),
                 crc32c(last.data(), last.size()));
        QCOMPARE(structureChecksum(block.data(), block.size(), block.size() - 3),
                 crc32c(block.data(), block.size()));
    }
    void fixChecksumSeals() {
        std::vector<uint8_t> block(4096, 0x5A);
        fixChecksum(block, 0, block.size());
        QCOMPARE(le32(block.data() + 4), structureChecksum(block.data(), block.size()));
    }

    void knownGuidsText() {
        VHDX_COMPARE_STR(guids::batRegion.toString(), "2dc27766-f623-4200-9d64-115e9bfd4a08");
        VHDX_COMPARE_STR(guids::metadataRegion.toString(), "8b7ca206-4790-4b9a-b8fe-575f050f886e");
        VHDX_COMPARE_STR(guids::fileParameters.toString(), "caa16737-fa36-4d43-b3b6-33f0aa44e76b");
        VHDX_COMPARE_STR(guids::virtualDiskSize.toString(), "2fa54224-cd1b-4876-b211-5dbed83bf4b8");
        VHDX_COMPARE_STR(guids::page83Data.toString(), "beca12ab-b2e6-4523-93ef-c309e000c746");
        VHDX_COMPARE_STR(guids::logicalSectorSize.toString(),
                         "8141bf1d-a96f-4709-ba47-f233a8faab5f");
        VHDX_COMPARE_STR(guids::physicalSectorSize.toString(),
                         "cda348c7-445d-4471-9cc9-e9885251c556");
        VHDX_COMPARE_STR(guids::parentLocator.toString(), "a8d35f2d-b30b-454d-abf7-d3d84834ab0c");
        VHDX_COMPARE_STR(guids::parentLocatorTypeVhdx.toString(),
                         "b04aefb7-d19e-4a81-b789-25b8e9445913");
    }
    void guidDiskLayoutIsMicrosoft() {
        // Data1..Data3 little-endian on disk, Data4 as-is.
        const uint8_t disk[16] = {0x66, 0x77, 0xC2, 0x2D, 0x23, 0xF6, 0x00, 0x42,
                                  0x9D, 0x64, 0x11, 0x5E, 0x9B, 0xFD, 0x4A, 0x08};
        const Guid g = Guid::fromDisk(disk);
        QVERIFY(g == guids::batRegion);
        uint8_t back[16] = {};
        g.toDisk(back);
        QCOMPARE(std::memcmp(back, disk, 16), 0);
    }
    void guidParseForms() {
        const auto plain = Guid::parse("2DC27766-F623-4200-9D64-115E9BFD4A08");
        const auto braces = Guid::parse("{2dc27766-f623-4200-9d64-115e9bfd4a08}");
        const auto mixed = Guid::parse("{2Dc27766-F623-4200-9d64-115E9bfd4A08}");
        QVERIFY(plain && braces && mixed);
        QVERIFY(*plain == guids::batRegion);
        QVERIFY(*braces == guids::batRegion);
        QVERIFY(*mixed == guids::batRegion);
    }
    void guidParseRejects_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("short") << "2dc27766-f623-4200-9d64-115e9bfd4a0";
        QTest::newRow("long") << "2dc27766-f623-4200-9d64-115e9bfd4a088";
        QTest::newRow("no dashes") << "2dc27766f62342009d64115e9bfd4a08";
        QTest::newRow("dash moved") << "2dc2776-6f623-4200-9d64-115e9bfd4a08";
        QTest::newRow("non-hex") << "2dc27766-f623-4200-9d64-115e9bfd4a0g";
        QTest::newRow("one brace") << "{2dc27766-f623-4200-9d64-115e9bfd4a08";
        QTest::newRow("inner space") << "2dc27766-f623-4200-9d64 115e9bfd4a08";
    }
    void guidParseRejects() {
        QFETCH(QString, text);
        QVERIFY(!Guid::parse(text.toStdString()).has_value());
    }
    void guidRoundTrip() {
        for (int i = 0; i < 50; ++i) {
            const Guid g = Guid::random();
            QVERIFY(!g.isNull());
            const auto back = Guid::parse(g.toString());
            QVERIFY(back.has_value());
            QVERIFY(*back == g);
            QVERIFY(Guid::parse("{" + g.toString() + "}") == g);
        }
        const Guid a = Guid::random(), b = Guid::random();
        QVERIFY(a != b);
    }
    void guidRandomIsVersion4() {
        // libuuid random GUIDs: version nibble 4 in Data3, variant 10xx in Data4[0]. One GUID
        // from a wrong byte order still passes the variant test one time in four: take 64.
        for (int i = 0; i < 64; ++i) {
            const std::string s = Guid::random().toString();
            QCOMPARE(s[14], '4');
            QVERIFY2(std::string("89ab").find(s[19]) != std::string::npos, s.c_str());
        }
    }
    // Each of the 16 bytes comes from its own byte of libuuid's GUID: no two positions are
    // equal in all of 64 random GUIDs (122 random bits each).
    void guidRandomUsesEveryByte() {
        std::vector<Guid> gs;
        for (int i = 0; i < 64; ++i)
            gs.push_back(Guid::random());
        for (size_t a = 0; a < 16; ++a)
            for (size_t b = a + 1; b < 16; ++b) {
                const bool alwaysEqual = std::all_of(
                    gs.begin(), gs.end(), [&](const Guid& g) { return g.bytes[a] == g.bytes[b]; });
                QVERIFY2(!alwaysEqual, qPrintable(QString("bytes %1 and %2").arg(a).arg(b)));
            }
    }
    void guidNull() {
        Guid g;
        QVERIFY(g.isNull());
        VHDX_COMPARE_STR(g.toString(), "00000000-0000-0000-0000-000000000000");
        g.bytes[15] = 1;
        QVERIFY(!g.isNull());
    }

    void littleEndian() {
        uint8_t b[8];
        putLe64(b, 0x0102030405060708ull);
        QCOMPARE(b[0], uint8_t(0x08));
        QCOMPARE(b[7], uint8_t(0x01));
        QCOMPARE(le64(b), 0x0102030405060708ull);
        QCOMPARE(le32(b), 0x05060708u);
        QCOMPARE(le16(b), uint16_t(0x0708));
        putLe16(b, 0xFFEE);
        QCOMPARE(le16(b), uint16_t(0xFFEE));
    }
    void overflowSafeRanges() {
        uint64_t sum = 0;
        QVERIFY(!addOverflows(1, 2, sum));
        QCOMPARE(sum, uint64_t(3));
        QVERIFY(addOverflows(UINT64_MAX, 1, sum));
        QVERIFY(addOverflows(0xFFFFFFFFFFF00000ull, 2 * MiB, sum));
        QVERIFY(rangesOverlap(0, 10, 9, 10));
        QVERIFY(!rangesOverlap(0, 10, 10, 10));
        QVERIFY(!rangesOverlap(0, 0, 0, 10));
        QVERIFY(rangesOverlap(5, 1, 0, 100));
    }
    void utf16Text() {
        const std::string text = "Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"; // é € 😀
        const std::vector<uint8_t> u16 = utf16le(text);
        QCOMPARE(u16.size(), size_t(2 * 9)); // the emoji is a surrogate pair
        QCOMPARE(qs(utf16leToUtf8(u16.data(), u16.size(), false)), qs(text));
        // Stops at NUL when asked to.
        std::vector<uint8_t> withNul = utf16le("ab");
        withNul.insert(withNul.end(), {0, 0, 'c', 0});
        VHDX_COMPARE_STR(utf16leToUtf8(withNul.data(), withNul.size(), true), "ab");
        // A lone surrogate becomes U+FFFD.
        const uint8_t lone[] = {0x00, 0xD8, 'A', 0};
        VHDX_COMPARE_STR(utf16leToUtf8(lone, sizeof lone, false), "\xEF\xBF\xBD"
                                                                  "A");
    }
    void hexText() {
        VHDX_COMPARE_STR(hex32(0xE3069283u), "0xe3069283");
        VHDX_COMPARE_STR(hex32(1), "0x00000001");
        VHDX_COMPARE_STR(hex64(0x100000), "0x100000");
    }
};

VHDX_TEST_MAIN(TestCrcGuid)
#include "tst_crc_guid.moc"
