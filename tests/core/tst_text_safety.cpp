// Text from the file made safe (case 8) and the small arithmetic every check
// relies on: terminal escaping, JSON escaping, UTF-16 decoding at its edges, exact range
// overlap near 2^64, CRC-32C combination.
#include <QTest>

#include <random>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/json_writer.h"
#include "vhdx/printable.h"

using namespace vhdx;
using namespace vhdx::test;

class TestTextSafety : public QObject {
    Q_OBJECT
  private slots:
    void terminalSafeEscapes_data() {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("out");
        QTest::newRow("plain") << QByteArray("Microsoft Windows 6.2")
                               << QByteArray("Microsoft Windows 6.2");
        QTest::newRow("ESC title")
            << QByteArray("\x1b]0;pwned\x07") << QByteArray("\\x1b]0;pwned\\x07");
        QTest::newRow("newline forges a line")
            << QByteArray("x\nfindings: none") << QByteArray("x\\x0afindings: none");
        QTest::newRow("U+001F") << QByteArray("a\x1f"
                                              "b")
                                << QByteArray("a\\x1fb");
        QTest::newRow("space stays") << QByteArray("a b") << QByteArray("a b");
        QTest::newRow("DEL") << QByteArray("\x7f") << QByteArray("\\x7f");
        QTest::newRow("C1 CSI") << QByteArray("\xc2\x9b"
                                              "31m")
                                << QByteArray("\\u{009b}31m");
        QTest::newRow("U+00A0 stays") << QByteArray("\xc2\xa0") << QByteArray("\xc2\xa0");
        QTest::newRow("bidi override") << QByteArray("\xe2\x80\xae"
                                                     "abc")
                                       << QByteArray("\\u{202e}abc");
        QTest::newRow("invalid byte") << QByteArray("a\xff"
                                                    "b")
                                      << QByteArray("a\\xffb");
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << QByteArray("\\xc0\\xaf");
        QTest::newRow("surrogate in UTF-8")
            << QByteArray("\xed\xa0\x80") << QByteArray("\\xed\\xa0\\x80");
        QTest::newRow("truncated sequence") << QByteArray("\xe2\x82") << QByteArray("\\xe2\\x82");
        QTest::newRow("emoji stays")
            << QByteArray("\xf0\x9f\x92\xbe") << QByteArray("\xf0\x9f\x92\xbe");
    }
    void terminalSafeEscapes() {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, out);
        QCOMPARE(QByteArray::fromStdString(terminalSafe(in.toStdString())), out);
    }

    void jsonEscapeKeepsJsonValid_data() {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("out");
        QTest::newRow("U+001F") << QByteArray("\x1f") << QByteArray("\\u001f");
        QTest::newRow("U+0020") << QByteArray(" ") << QByteArray(" ");
        QTest::newRow("ESC") << QByteArray("\x1b") << QByteArray("\\u001b");
        QTest::newRow("DEL") << QByteArray("\x7f") << QByteArray("\\u007f");
        QTest::newRow("C1 NEL") << QByteArray("\xc2\x85") << QByteArray("\\u0085");
        QTest::newRow("U+00A0") << QByteArray("\xc2\xa0") << QByteArray("\xc2\xa0");
        QTest::newRow("quote backslash") << QByteArray("\"\\") << QByteArray("\\\"\\\\");
        QTest::newRow("not UTF-8")
            << QByteArray("/tmp/\xff\xfe.vhdx") << QByteArray("/tmp/\xef\xbf\xbd\xef\xbf\xbd.vhdx");
        QTest::newRow("4-byte") << QByteArray("\xf0\x9f\x92\xbe") << QByteArray("\xf0\x9f\x92\xbe");
    }
    void jsonEscapeKeepsJsonValid() {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, out);
        QCOMPARE(QByteArray::fromStdString(jsonEscape(in.toStdString())), out);
    }

    void decodeUtf8Boundaries() {
        QCOMPARE(decodeUtf8("\x7f", 0).length, size_t(1));
        QCOMPARE(decodeUtf8("\xc2\x80", 0).codePoint, char32_t(0x80));
        QCOMPARE(decodeUtf8("\xc1\xbf", 0).length, size_t(0)); // overlong U+007F
        QCOMPARE(decodeUtf8("\xf4\x8f\xbf\xbf", 0).codePoint, char32_t(0x10FFFF));
        QCOMPARE(decodeUtf8("\xf4\x90\x80\x80", 0).length, size_t(0)); // beyond U+10FFFF
        QCOMPARE(decodeUtf8("\xee\x80\x80", 0).codePoint, char32_t(0xE000));
    }

    // A high surrogate as the last unit must become U+FFFD without reading past the end (the
    // buffer is exactly 4 bytes: ASan sees any read beyond it).
    void utf16HighSurrogateLast() {
        auto* p = new uint8_t[4]{'A', 0, 0x00, 0xD8};
        QCOMPARE(QByteArray::fromStdString(utf16leToUtf8(p, 4, false)),
                 QByteArray("A\xef\xbf\xbd"));
        delete[] p;
        auto* q = new uint8_t[4]{0x3D, 0xD8, 0xBE, 0xDC}; // a pair: U+1F4BE
        QCOMPARE(QByteArray::fromStdString(utf16leToUtf8(q, 4, false)),
                 QByteArray("\xf0\x9f\x92\xbe"));
        delete[] q;
        const uint8_t lone[2] = {0x00, 0xDC}; // a low surrogate alone
        QCOMPARE(QByteArray::fromStdString(utf16leToUtf8(lone, 2, false)),
                 QByteArray("\xef\xbf\xbd"));
    }

    void rangesOverlapNear2to64() {
        const uint64_t top = UINT64_MAX;
        QVERIFY(rangesOverlap(top - 10, 100, top - 5, 1)); // the first wraps past 2^64
        QVERIFY(rangesOverlap(top - 5, 1, top - 10, 100));
        QVERIFY(rangesOverlap(0, top, top - 1, 1));
        QVERIFY(!rangesOverlap(0, top, top, 1)); // [0, 2^64-1) ends before 2^64-1
        QVERIFY(!rangesOverlap(10, 10, 20, 10)); // touching
        QVERIFY(rangesOverlap(10, 11, 20, 10));
        QVERIFY(!rangesOverlap(10, 0, 10, 10)); // empty
    }

    // crc32c(A || B) from crc32c(A), crc32c(B) and |B|, for random splits and lengths.
    void crcCombine() {
        std::mt19937_64 rng(7);
        std::vector<uint8_t> buf(3 * 4096 + 123);
        for (auto& b : buf)
            b = uint8_t(rng());
        for (size_t split : {size_t(0), size_t(1), size_t(4096), size_t(5000), buf.size()}) {
            const uint32_t a = crc32c(buf.data(), split);
            const uint32_t b = crc32c(buf.data() + split, buf.size() - split);
            QCOMPARE(crc32cCombine(a, b, buf.size() - split), crc32c(buf.data(), buf.size()));
        }
        QCOMPARE(crc32cShift(0x12345678, 0), 0x12345678u);
        const Crc32cShifter sector(4096);
        const uint32_t x = crc32c(buf.data(), 100);
        QCOMPARE(sector(x), crc32cShift(x, 4096));
    }
};

VHDX_TEST_MAIN(TestTextSafety)
#include "tst_text_safety.moc"
