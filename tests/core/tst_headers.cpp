// Headers (MS-VHDX 2.2.2): decoding, choosing the current one, HEADER_* findings.
#include <QTest>

#include <cstring>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/crc32c.h"
#include "vhdx/header.h"
#include "vhdx/layout.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
BuiltImage withSequences(uint64_t s1, uint64_t s2) {
    ImageSpec spec;
    spec.sequenceNumber[0] = s1;
    spec.sequenceNumber[1] = s2;
    return buildImage(spec);
}
constexpr uint64_t kH1 = 64 * KiB, kH2 = 128 * KiB;
} // namespace

class TestHeaders : public QObject {
    Q_OBJECT
  private slots:
    void decodesFields() {
        ImageSpec spec;
        spec.logGuid = *Guid::parse("c82755bc-427f-1245-b72c-da70aaabe031");
        spec.sequenceNumber[0] = 14;
        spec.sequenceNumber[1] = 15;
        const BuiltImage b = buildImage(spec);
        const Header h = decodeHeader(b.bytes.data() + kH2, 2, kH2);
        QVERIFY(h.valid());
        QVERIFY(h.problem().empty());
        QCOMPARE(h.index, 2);
        QCOMPARE(h.offset, kH2);
        QCOMPARE(h.sequenceNumber, 15ull);
        QVERIFY(h.fileWriteGuid == spec.fileWriteGuid);
        QVERIFY(h.dataWriteGuid == spec.dataWriteGuid);
        QVERIFY(h.logGuid == spec.logGuid);
        QCOMPARE(h.version, uint16_t(1));
        QCOMPARE(h.logVersion, uint16_t(0));
        QCOMPARE(h.logLength, uint32_t(MiB));
        QCOMPARE(h.logOffset, MiB);
        QCOMPARE(h.checksum, h.checksumComputed);
        QCOMPARE(h.raw.size(), size_t(4096));
    }
    void encodeKeepsReservedBytes() {
        BuiltImage b = buildImage({});
        std::vector<uint8_t> block(b.bytes.begin() + kH1, b.bytes.begin() + kH1 + 4096);
        for (size_t i = 80; i < block.size(); ++i)
            block[i] = uint8_t(i); // reserved bytes are covered by the checksum, never zero
        Header h = decodeHeader(block.data(), 1, kH1);
        h.sequenceNumber = 99;
        encodeHeader(h, block.data());
        QCOMPARE(block[80], uint8_t(80));
        QCOMPARE(block[4095], uint8_t(4095 & 0xFF));
        const Header back = decodeHeader(block.data(), 1, kH1);
        QVERIFY(back.valid());
        QCOMPARE(back.sequenceNumber, 99ull);
        QCOMPARE(back.checksum, structureChecksum(block.data(), 4096));
    }
    void higherSequenceIsCurrent_data() {
        QTest::addColumn<uint64_t>("s1");
        QTest::addColumn<uint64_t>("s2");
        QTest::addColumn<int>("current");
        QTest::newRow("2 newer") << uint64_t(1) << uint64_t(2) << 2;
        QTest::newRow("1 newer") << uint64_t(15) << uint64_t(14) << 1;
        QTest::newRow("far apart") << uint64_t(932638741) << uint64_t(3) << 1;
        QTest::newRow("near max") << UINT64_MAX - 1 << UINT64_MAX << 2;
    }
    void higherSequenceIsCurrent() {
        QFETCH(uint64_t, s1);
        QFETCH(uint64_t, s2);
        QFETCH(int, current);
        const auto img = parseAndScan(withSequences(s1, s2));
        QCOMPARE(img->headers().current, current);
        QCOMPARE(img->headers().currentHeader()->index, current);
        VHDX_REQUIRE_NO_ERRORS(*img);
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::HeaderSequenceTie);
    }
    void identicalHeadersWithEqualSequenceAreAccepted() {
        // Disk2VHD writes two byte-identical headers with equal numbers.
        const auto img = parseAndScan(withSequences(7, 7));
        QVERIFY(img->headers().current == 1 || img->headers().current == 2);
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::HeaderSequenceTie);
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void equalSequenceDifferentContentsIsTie() {
        BuiltImage b = withSequences(7, 7);
        putGuid(b, kH2 + field::headerFileWriteGuid, Guid::random());
        resealHeader(b, 2);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::HeaderSequenceTie, f);
        QCOMPARE(f.severity, Severity::Error);
        QVERIFY(key(*img, f) == "header1" || key(*img, f) == "header2");
        QVERIFY(f.offset == kH1 || f.offset == kH2);
        // Pure choice: still one of them, with the tie flagged.
        bool tie = false;
        const int cur =
            chooseCurrentHeader(img->headers().headers[0], img->headers().headers[1], &tie);
        QVERIFY(tie);
        QVERIFY(cur == 1 || cur == 2);
    }
    void damagedHeader_data() {
        QTest::addColumn<int>("slot");
        QTest::addColumn<int>("damage"); // 0 signature, 1 checksum, 2 version, 3 log version
        QTest::addColumn<int>("code");
        QTest::newRow("h1 signature") << 1 << 0 << int(FindingCode::HeaderSignatureBad);
        QTest::newRow("h2 signature") << 2 << 0 << int(FindingCode::HeaderSignatureBad);
        QTest::newRow("h1 checksum") << 1 << 1 << int(FindingCode::HeaderChecksumBad);
        QTest::newRow("h2 checksum") << 2 << 1 << int(FindingCode::HeaderChecksumBad);
        QTest::newRow("h1 version") << 1 << 2 << int(FindingCode::HeaderVersionBad);
        QTest::newRow("h2 log version") << 2 << 3 << int(FindingCode::HeaderVersionBad);
    }
    void damagedHeader() {
        QFETCH(int, slot);
        QFETCH(int, damage);
        QFETCH(int, code);
        BuiltImage b = withSequences(1, 2);
        const uint64_t at = b.headerOffset[slot - 1];
        switch (damage) {
        case 0:
            b.bytes[at] = 'H';
            resealHeader(b, slot);
            break;
        case 1:
            b.bytes[at + 2000] ^= 0x01; // a reserved byte: still covered by the checksum
            break;
        case 2:
            putU16(b, at + field::headerVersion, 2);
            resealHeader(b, slot);
            break;
        case 3:
            putU16(b, at + field::headerLogVersion, 1);
            resealHeader(b, slot);
            break;
        }
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode(code), f);
        QCOMPARE(f.severity, Severity::Warning); // the other header is still valid
        VHDX_COMPARE_STR(key(*img, f), slot == 1 ? "header1" : "header2");
        QCOMPARE(f.offset, at);
        QCOMPARE(img->headers().current, 3 - slot);
        QVERIFY(!img->headers().headers[slot - 1].valid());
        QVERIFY(!img->headers().headers[slot - 1].problem().empty());
        VHDX_REQUIRE_NO_ERRORS(*img);
    }
    void checksumCoversOnlyTheFirst4KiB() {
        // The 64 KiB slot holds a 4 KiB header: bytes after it are not covered.
        BuiltImage b = withSequences(1, 2);
        b.bytes[kH1 + 4096] = 0xAA;
        b.bytes[kH2 + 64 * KiB - 1] = 0xBB;
        const auto img = parseAndScan(b);
        QVERIFY(img->headers().headers[0].valid());
        QVERIFY(img->headers().headers[1].valid());
        QVERIFY(img->findings().empty());
        b.bytes[kH1 + 4095] = 0xCC; // the last covered byte
        const auto damaged = parseAndScan(b);
        QVERIFY(!damaged->headers().headers[0].checksumValid);
    }
    void checksumValuesAreReported() {
        BuiltImage b = withSequences(1, 2);
        putU32(b, kH1 + 4, 0x12345678);
        const auto img = parseAndScan(b);
        const Header& h = img->headers().headers[0];
        QVERIFY(!h.checksumValid);
        QCOMPARE(h.checksum, 0x12345678u);
        QCOMPARE(h.checksumComputed, structureChecksum(b.bytes.data() + kH1, 4096));
    }
    void noValidHeader() {
        BuiltImage b = withSequences(1, 2);
        b.bytes[kH1 + 100] ^= 0xFF;
        b.bytes[kH2] = 'x';
        const auto img = parseAndScan(b);
        QCOMPARE(img->headers().current, 0);
        QVERIFY(img->headers().currentHeader() == nullptr);
        VHDX_REQUIRE_FINDING(*img, FindingCode::NoValidHeader, f);
        QCOMPARE(f.severity, Severity::Error);
        // With no valid header left, the per-header findings are errors too.
        VHDX_REQUIRE_FINDING(*img, FindingCode::HeaderChecksumBad, c);
        QCOMPARE(c.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, c), "header1");
        VHDX_REQUIRE_FINDING(*img, FindingCode::HeaderSignatureBad, s);
        QCOMPARE(s.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, s), "header2");
        // The parse goes on past the damage: the region tables are still read.
        QVERIFY(img->regions().tables[0].valid());
    }
    void logFieldsInvalid_data() {
        QTest::addColumn<uint64_t>("logOffset");
        QTest::addColumn<quint32>("logLength");
        QTest::newRow("offset not MiB") << MiB + 4 * KiB << quint32(MiB);
        QTest::newRow("length not MiB") << MiB << quint32(MiB + 4096);
        QTest::newRow("inside header section") << uint64_t(0) << quint32(MiB);
        QTest::newRow("overflowing end") << uint64_t(0xFFFFFFFFFFF00000) << quint32(2 * MiB);
    }
    void logFieldsInvalid() {
        QFETCH(uint64_t, logOffset);
        QFETCH(quint32, logLength);
        BuiltImage b = withSequences(1, 2);
        putU64(b, kH2 + field::headerLogOffset, logOffset);
        putU32(b, kH2 + field::headerLogLength, logLength);
        resealHeader(b, 2);
        const auto img = parseAndScan(b);
        VHDX_REQUIRE_FINDING(*img, FindingCode::HeaderLogFieldsInvalid, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "header2");
        QVERIFY(f.offset >= kH2 && f.offset < kH2 + 4096);
    }
    void logBeyondEndOfFile() {
        BuiltImage b = withSequences(1, 2);
        putU64(b, kH2 + field::headerLogOffset, 1024 * MiB);
        resealHeader(b, 2);
        const auto img = parseAndScan(b);
        const bool reported = img->findings().has(FindingCode::HeaderLogFieldsInvalid) ||
                              img->findings().has(FindingCode::FileTruncated) ||
                              img->findings().has(FindingCode::LogInvalid);
        QVERIFY2(reported, qPrintable(describe(*img)));
        QVERIFY(img->findings().hasErrors());
    }
    void truncatedSecondHeader() {
        BuiltImage b = withSequences(5, 6);
        b.bytes.resize(kH2 + 1000);
        const auto img = Image::parse(b.source());
        VHDX_REQUIRE_FINDING(*img, FindingCode::FileTruncated, f);
        QCOMPARE(f.severity, Severity::Error);
        VHDX_COMPARE_STR(key(*img, f), "header2");
        QCOMPARE(f.offset, kH2);
        QCOMPARE(img->headers().current, 1);
        QVERIFY(!img->headers().headers[1].readable);
    }
    void pureChoice() {
        BuiltImage b = withSequences(5, 9);
        Header h1 = decodeHeader(b.bytes.data() + kH1, 1, kH1);
        Header h2 = decodeHeader(b.bytes.data() + kH2, 2, kH2);
        QCOMPARE(chooseCurrentHeader(h1, h2), 2);
        h2.checksumValid = false;
        QCOMPARE(chooseCurrentHeader(h1, h2), 1);
        h1.signatureValid = false;
        QCOMPARE(chooseCurrentHeader(h1, h2), 0);
    }
};

VHDX_TEST_MAIN(TestHeaders)
#include "tst_headers.moc"
