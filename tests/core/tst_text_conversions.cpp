// Edge cases of the text conversions every report goes through: the GUID text form (format
// §2: 8-4-4-4-12 hex digits, optional braces, Data1..Data3 little-endian on disk), UTF-16LE
// <-> UTF-8 (locator values, MS-VHDX 2.6.2.6.2: UTF-16 with surrogate pairs for code points
// past U+FFFF), JSON string escapes (RFC 8259 §7) and the size texts of text_format.h.
#include <QTest>

#include <vector>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/bytes.h"
#include "vhdx/guid.h"
#include "vhdx/json_writer.h"
#include "vhdx/text_format.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
const char* const kBat = "2DC27766-F623-4200-9D64-115E9BFD4A08";
} // namespace

class TestTextConversions : public QObject {
    Q_OBJECT
  private slots:
    // Each position the parser checks, broken alone, in an otherwise canonical GUID.
    void guidParseRejectsEachDefect_data() {
        QTest::addColumn<QString>("text");
        const QString good = kBat;
        // 38 characters that are not the braced form.
        QTest::newRow("38 chars, no opening brace") << "(" + good + "}";
        QTest::newRow("38 chars, no closing brace") << "{" + good + ")";
        for (int pos : {8, 13, 18, 23}) {
            QString t = good;
            t[pos] = 'A';
            QTest::newRow(qPrintable(QString("no dash at %1").arg(pos))) << t;
        }
        // A character below '0' and one between 'F' and 'a' in a high and in a low nibble.
        QString below = good, upperG = good, lowNibble = good;
        below[0] = '!';
        upperG[2] = 'G';
        lowNibble[35] = '/';
        QTest::newRow("below '0' (high nibble)") << below;
        QTest::newRow("'G' (high nibble)") << upperG;
        QTest::newRow("below '0' (low nibble)") << lowNibble;
        QString colon = good;
        colon[1] = ':'; // just past '9'
        QTest::newRow("':' (low nibble)") << colon;
    }
    void guidParseRejectsEachDefect() {
        QFETCH(QString, text);
        QVERIFY(!Guid::parse(text.toStdString()).has_value());
    }
    void guidParseAcceptsEveryHexDigit() {
        // Digits 0-9, a-f and A-F in every group; Data1..Data3 are stored little-endian.
        const auto g = Guid::parse("{01234567-89AB-CDEF-abcd-ef0123456789}");
        QVERIFY(g.has_value());
        const std::vector<uint8_t> disk(g->bytes.begin(), g->bytes.end());
        const std::vector<uint8_t> expected = {0x67, 0x45, 0x23, 0x01, 0xAB, 0x89, 0xEF, 0xCD,
                                               0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89};
        QCOMPARE(disk, expected);
        VHDX_COMPARE_STR(g->toString(), "01234567-89ab-cdef-abcd-ef0123456789");
    }

    void utf16KeepsNulWhenNotStopping() {
        const uint8_t text[] = {'a', 0, 0, 0, 'b', 0};
        QVERIFY(utf16leToUtf8(text, sizeof text, false) == std::string("a\0b", 3));
        VHDX_COMPARE_STR(utf16leToUtf8(text, sizeof text, true), "a");
    }
    void utf16HighSurrogateFollowedByNonLow() {
        // D800 then 'A': the high surrogate alone becomes U+FFFD, 'A' is kept.
        const uint8_t text[] = {0x00, 0xD8, 'A', 0};
        VHDX_COMPARE_STR(utf16leToUtf8(text, sizeof text, false), "\xEF\xBF\xBD"
                                                                  "A");
        // A lone low surrogate, and a high surrogate as the last unit.
        const uint8_t low[] = {0x00, 0xDC, 0x00, 0xD8};
        VHDX_COMPARE_STR(utf16leToUtf8(low, sizeof low, false), "\xEF\xBF\xBD\xEF\xBF\xBD");
        // An odd byte count: the trailing byte is not half a unit to decode.
        const uint8_t odd[] = {'x', 0, 'y'};
        VHDX_COMPARE_STR(utf16leToUtf8(odd, sizeof odd, false), "x");
    }
    void utf8ToUtf16SurrogatePairs() {
        // U+1F600 = D83D DE00; U+10FFFF = DBFF DFFF; U+10000 = D800 DC00 (the first pair).
        const auto emoji = utf8ToUtf16le("\xF0\x9F\x98\x80");
        QVERIFY(emoji.has_value());
        QCOMPARE(*emoji, (std::vector<uint8_t>{0x3D, 0xD8, 0x00, 0xDE}));
        const auto last = utf8ToUtf16le("\xF4\x8F\xBF\xBF");
        QVERIFY(last.has_value());
        QCOMPARE(*last, (std::vector<uint8_t>{0xFF, 0xDB, 0xFF, 0xDF}));
        const auto first = utf8ToUtf16le("a\xF0\x90\x80\x80");
        QVERIFY(first.has_value());
        QCOMPARE(*first, (std::vector<uint8_t>{'a', 0, 0x00, 0xD8, 0x00, 0xDC}));
        // And back.
        VHDX_COMPARE_STR(utf16leToUtf8(first->data(), first->size(), false), "a\xF0\x90\x80\x80");
    }
    void utf8ToUtf16RejectsInvalidUtf8_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("lone continuation") << QByteArray("a\x80");
        QTest::newRow("truncated 3-byte") << QByteArray("\xE2\x82");
        QTest::newRow("overlong '/'") << QByteArray("\xC0\xAF");
        QTest::newRow("encoded surrogate") << QByteArray("\xED\xA0\x80");
        QTest::newRow("past U+10FFFF") << QByteArray("\xF4\x90\x80\x80");
        QTest::newRow("0xFF byte") << QByteArray("ok\xFF");
    }
    void utf8ToUtf16RejectsInvalidUtf8() {
        QFETCH(QByteArray, text);
        QVERIFY(!utf8ToUtf16le(std::string_view(text.constData(), size_t(text.size()))));
    }
    void utf8ToUtf16EmptyIsEmpty() {
        const auto none = utf8ToUtf16le("");
        QVERIFY(none.has_value());
        QVERIFY(none->empty());
    }

    void jsonEscapesEveryShortForm() {
        // RFC 8259 §7: the two-character escapes for " \ LF CR TAB, \u00XX for other controls.
        VHDX_COMPARE_STR(jsonEscape("a\"b\\c\nd\re\tf\x01g\x7F"),
                         "a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007f");
    }
    void jsonEmptyObjectAndArray() {
        JsonWriter w;
        w.beginObject().key("o").beginObject().endObject().key("a").beginArray().endArray();
        w.endObject();
        VHDX_COMPARE_STR(w.str(), "{\n  \"o\": {},\n  \"a\": []\n}\n");
    }

    void formatSizeUnits() {
        VHDX_COMPARE_STR(formatSize(0), "0 B");
        VHDX_COMPARE_STR(formatSize(1023), "1023 B");
        VHDX_COMPARE_STR(formatSize(1024), "1 KiB");
        VHDX_COMPARE_STR(formatSize(1536), "1.5 KiB");
        VHDX_COMPARE_STR(formatSize(64 * TiB), "64 TiB");
        // The largest size is 16 EiB less a byte: still in EiB, rounded.
        VHDX_COMPARE_STR(formatSize(UINT64_MAX), "16 EiB");
    }
    void formatBytesUnits() {
        VHDX_COMPARE_STR(formatBytes(0), "0 bytes");
        VHDX_COMPARE_STR(formatBytes(1), "1 byte");
        VHDX_COMPARE_STR(formatBytes(1025), "1,025 bytes");
        VHDX_COMPARE_STR(formatBytes(3 * MiB), "3 MiB");
        VHDX_COMPARE_STR(formatBytes(uint64_t(1) << 60), "1 EiB");
        VHDX_COMPARE_STR(formatBytes(uint64_t(5) << 60), "5 EiB");
    }
};

VHDX_TEST_MAIN(TestTextConversions)
#include "tst_text_conversions.moc"
