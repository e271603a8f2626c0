// The parent locator item codec (MS-VHDX 2.6.2.6): the exact bytes the encoder
// lays out, each input it refuses (too many pairs, text that is not UTF-8, a string or an item
// too long for its length field), and the decoder's verdict on locators that name a parent by
// only one of the three path keys, by none, or that are malformed in several ways at once.
#include <QTest>

#include "core_test_helpers.h"
#include "test_registry.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/metadata.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
using Pairs = std::vector<std::pair<std::string, std::string>>;
const std::string kLinkage = "{0a0b0c0d-1111-2222-3333-444455556666}";

std::vector<uint8_t> encodeOk(const Pairs& kv, const Guid& type = guids::parentLocatorTypeVhdx) {
    std::string why;
    const auto item = encodeParentLocator(type, kv, why);
    if (!item)
        qFatal("encodeParentLocator refused: %s", why.c_str());
    return *item;
}

std::string refusal(const Pairs& kv) {
    std::string why;
    const auto item = encodeParentLocator(guids::parentLocatorTypeVhdx, kv, why);
    return item ? std::string("(accepted)") : why;
}
} // namespace

class TestParentLocatorCodec : public QObject {
    Q_OBJECT
  private slots:
    void encodeLayoutIsTheSpecs() {
        // 20-byte header (type, reserved, count), one 12-byte entry, then key and value.
        const std::vector<uint8_t> item = encodeOk({{"ab", "c"}});
        QCOMPARE(item.size(), size_t(20 + 12 + 4 + 2));
        QVERIFY(Guid::fromDisk(item.data()) == guids::parentLocatorTypeVhdx);
        QCOMPARE(le16(item.data() + 16), uint16_t(0)); // reserved
        QCOMPARE(le16(item.data() + 18), uint16_t(1)); // KeyValueCount
        QCOMPARE(le32(item.data() + 20), 32u);         // KeyOffset
        QCOMPARE(le32(item.data() + 24), 36u);         // ValueOffset
        QCOMPARE(le16(item.data() + 28), uint16_t(4)); // KeyLength (bytes, no NUL)
        QCOMPARE(le16(item.data() + 30), uint16_t(2)); // ValueLength
        const std::vector<uint8_t> text(item.begin() + 32, item.end());
        QCOMPARE(text, (std::vector<uint8_t>{'a', 0, 'b', 0, 'c', 0}));
    }
    void encodeRefusesMorePairsThanTheCountHolds() {
        Pairs kv(0x10000, {"k", "v"});
        VHDX_COMPARE_STR(refusal(kv), "more key/value pairs than a locator can count");
    }
    void encodeRefusesTextThatIsNotUtf8() {
        VHDX_COMPARE_STR(refusal({{"relative_path", "a\xFF"}}),
                         "the relative_path value is not valid UTF-8 text");
        // A bad key is named as given (the report makes it terminal-safe later).
        VHDX_COMPARE_STR(refusal({{"parent_linkage", kLinkage}, {"k\xC0", "x"}}),
                         "the k\xC0 value is not valid UTF-8 text");
    }
    void encodeRefusesStringsPastALengthField() {
        // A length field is 16 bits: 32767 UTF-16 units (65534 bytes) fit, 32768 do not.
        QCOMPARE(qs(refusal({{"relative_path", std::string(32767, 'a')}})), QString("(accepted)"));
        VHDX_COMPARE_STR(refusal({{"relative_path", std::string(32768, 'a')}}),
                         "the relative_path value is longer than a locator entry can hold");
        VHDX_COMPARE_STR(refusal({{std::string(32768, 'k'), "v"}}),
                         "the " + std::string(32768, 'k') +
                             " value is longer than a locator entry can hold");
    }
    void encodeRefusesAnItemOverOneMiB() {
        // Each pair adds 12 + 2 + 65534 bytes: 15 pairs make 983,240 bytes, 16 make 1,048,788,
        // past the 1 MiB a metadata item may hold (MS-VHDX 2.6).
        Pairs kv;
        for (int i = 0; i < 15; ++i)
            kv.push_back({std::string(1, char('a' + i)), std::string(32767, 'x')});
        std::string why;
        const auto fifteen = encodeParentLocator(guids::parentLocatorTypeVhdx, kv, why);
        QVERIFY(fifteen.has_value());
        QCOMPARE(fifteen->size(), size_t(983240));
        QVERIFY(fifteen->size() <= layout::maxMetadataItemSize);
        kv.push_back({"p", std::string(32767, 'x')});
        VHDX_COMPARE_STR(refusal(kv),
                         "the locator would be larger than a metadata item may be (1 MiB)");
    }

    // A VHDX locator needs parent_linkage and at least one of the three path keys.
    void decodeAcceptsAnyOnePathKey_data() {
        QTest::addColumn<QString>("pathKey");
        QTest::newRow("relative_path") << "relative_path";
        QTest::newRow("volume_path") << "volume_path";
        QTest::newRow("absolute_win32_path") << "absolute_win32_path";
    }
    void decodeAcceptsAnyOnePathKey() {
        QFETCH(QString, pathKey);
        const std::vector<uint8_t> item =
            encodeOk({{"parent_linkage", kLinkage}, {pathKey.toStdString(), "C:\\p.vhdx"}});
        const ParentLocator pl = decodeParentLocator(item.data(), item.size());
        QVERIFY2(pl.valid, pl.problem.c_str());
        VHDX_COMPARE_STR(pl.problem, "");
        QVERIFY(pl.value(pathKey.toStdString()));
        VHDX_COMPARE_STR(*pl.value(pathKey.toStdString()), "C:\\p.vhdx");
    }
    void decodeNamesAMissingPath() {
        const std::vector<uint8_t> item =
            encodeOk({{"parent_linkage", kLinkage}, {"parent_linkage2", kLinkage}});
        const ParentLocator pl = decodeParentLocator(item.data(), item.size());
        QVERIFY(!pl.valid);
        VHDX_COMPARE_STR(pl.problem,
                         "there is no relative_path, volume_path or absolute_win32_path");
    }
    void decodeOtherTypeNeedsNoVhdxKeys() {
        // Only the VHDX locator type defines keys; another type is reported, its keys are not.
        const Guid other = *Guid::parse("11111111-2222-3333-4444-555555555555");
        const std::vector<uint8_t> item = encodeOk({{"anything", "x"}}, other);
        const ParentLocator pl = decodeParentLocator(item.data(), item.size());
        QVERIFY(!pl.valid);
        VHDX_COMPARE_STR(pl.problem,
                         "locator type 11111111-2222-3333-4444-555555555555 is not the VHDX type");
    }
    void decodeListsEachProblemOfAnEntry() {
        // Entry 0 empty key, entry 1 key outside, entry 2 value outside, entry 4 a duplicate;
        // the only path keys are in the broken entries.
        std::vector<uint8_t> item = encodeOk({{"parent_linkage", kLinkage},
                                              {"relative_path", "a"},
                                              {"volume_path", "b"},
                                              {"parent_linkage", kLinkage},
                                              {"parent_linkage", kLinkage}});
        putLe16(item.data() + 20 + 8, 0);                         // entry 0: KeyLength 0
        putLe32(item.data() + 32, uint32_t(item.size()));         // entry 1: KeyOffset at end
        putLe32(item.data() + 44 + 4, uint32_t(item.size() - 1)); // entry 2: value past end
        const ParentLocator pl = decodeParentLocator(item.data(), item.size());
        QVERIFY(!pl.valid);
        QCOMPARE(pl.entries.size(), size_t(2)); // entries 3 and 4 decoded
        VHDX_COMPARE_STR(
            pl.problem,
            "entry 0 has its key empty; entry 1 has its key outside the "
            "item; entry 2 has its value outside the item; "
            "key \"parent_linkage\" appears twice; there is no relative_path, volume_path or "
            "absolute_win32_path");
    }
    void decodeListsTenProblemsAndCountsTheRest() {
        Pairs kv = {{"parent_linkage", kLinkage}, {"relative_path", "r"}};
        for (int i = 0; i < 12; ++i)
            kv.push_back({"relative_path", "r"});
        const std::vector<uint8_t> item = encodeOk(kv);
        const ParentLocator pl = decodeParentLocator(item.data(), item.size());
        QVERIFY(!pl.valid);
        std::string expected;
        for (int i = 0; i < 10; ++i)
            expected += std::string(i ? "; " : "") + "key \"relative_path\" appears twice";
        expected += "; and 2 more";
        VHDX_COMPARE_STR(pl.problem, expected);
    }
    void decodeReplacesBadUtf16() {
        // A lone surrogate in a value decodes to U+FFFD; the value is kept (the locator stays
        // usable as far as its keys go).
        std::vector<uint8_t> item =
            encodeOk({{"parent_linkage", kLinkage}, {"relative_path", "ab"}});
        const size_t valueAt = le32(item.data() + 32 + 4);
        putLe16(item.data() + valueAt, 0xDC00);
        const ParentLocator pl = decodeParentLocator(item.data(), item.size());
        QVERIFY(pl.value("relative_path"));
        VHDX_COMPARE_STR(*pl.value("relative_path"), "\xEF\xBF\xBD"
                                                     "b");
    }
};

VHDX_TEST_MAIN(TestParentLocatorCodec)
#include "tst_parent_locator_codec.moc"
