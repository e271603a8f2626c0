// The verdict: usable or not as Hyper-V would treat the disk, problems grouped by root cause
// (the cause listed before its symptoms), and next steps with exact commands whose offsets
// come from the layout. Also: a damaged identifier is a damaged VHDX, not another format.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "finding_scenarios.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/report.h"
#include "vhdx/text_format.h"
#include "vhdx/verdict.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

std::unique_ptr<Image> scenario(const char* code, QTemporaryDir& dir) {
    return findingScenarios().at(code)(dir.path());
}

Verdict verdictOf(const Image& img) {
    return assessImage(img, img.findings().items());
}

const ProblemGroup* groupOf(const Verdict& v, FindingCode cause) {
    for (const ProblemGroup& g : v.groups)
        if (g.cause == cause)
            return &g;
    return nullptr;
}

QString allSteps(const ProblemGroup& g) {
    QString out;
    for (const NextStep& s : g.steps)
        out += qs(s.text) + "\n" + qs(s.command) + "\n";
    return out;
}

bool hasAction(const ProblemGroup& g, StepAction a) {
    return std::any_of(g.steps.begin(), g.steps.end(),
                       [a](const NextStep& s) { return s.action == a; });
}

} // namespace

class TestVerdict : public QObject {
    Q_OBJECT
  private slots:
    void cleanImage() {
        auto img = parseAndScan(buildImage({}));
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::Yes);
        QVERIFY(v.clean);
        VHDX_COMPARE_STR(verdictWord(v), "clean");
        QVERIFY(v.groups.empty());
        QVERIFY(reportText(*img).starts_with("Verdict: clean\n"));
    }

    // A bad non-current header is harmless (Hyper-V uses the current one); Update Headers
    // repairs it. Usable, but not "clean".
    void damagedNonCurrentHeaderIsHarmless() {
        QTemporaryDir dir;
        auto img = scenario("HEADER_CHECKSUM_BAD", dir); // header 2 damaged, 1 current
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::Yes);
        QVERIFY(!v.clean);
        VHDX_COMPARE_STR(verdictWord(v), "usable, with warnings");
        QCOMPARE(v.groups.size(), size_t(1));
        const ProblemGroup& g = v.groups.front();
        VHDX_COMPARE_STR(g.title, "Header 2 is damaged; header 1 (current) is intact");
        QVERIFY(hasAction(g, StepAction::UpdateHeaders));
        QVERIFY(allSteps(g).contains("vhdx-inspector --update-headers IMAGE --yes"));
        QVERIFY(reportText(*img).find("Verdict: clean") == std::string::npos);
    }

    // NO_VALID_HEADER is the root cause: its symptoms (the two bad checksums) are listed
    // under it, after it, in one group; the disk is not usable.
    void noValidHeaderGroupsItsSymptoms() {
        QTemporaryDir dir;
        auto img = scenario("NO_VALID_HEADER", dir);
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::No);
        QCOMPARE(v.groups.front().cause, FindingCode::NoValidHeader);
        const ProblemGroup& g = v.groups.front();
        QCOMPARE(g.codes, (std::vector<FindingCode>{FindingCode::NoValidHeader,
                                                    FindingCode::HeaderChecksumBad}));
        QCOMPARE(g.findings.size(), size_t(3));
        QCOMPARE(img->findings().items()[g.findings.front()].code, FindingCode::NoValidHeader);
        QVERIFY(!groupOf(v, FindingCode::HeaderChecksumBad));
        QVERIFY(allSteps(g).contains("dd if=BACKUP of=IMAGE bs=1M count=1 conv=notrunc"));
        // The findings order starts with the cause.
        QCOMPARE(findingOrder(v).front(), g.findings.front());
        QVERIFY(v.summary.starts_with("Not usable as it is: neither header is valid."));
    }

    // Region table 1 zeroed, 2 valid: one problem, and the command copies 2 over 1 at the
    // layout's offsets (64 KiB blocks: table 2 is block 4, table 1 block 3).
    void regionTableRestoredFromItsCopy() {
        BuiltImage b = buildImage({});
        std::fill_n(b.bytes.begin() + long(b.regionTableOffset[0]), 64 * KiB, 0);
        auto img = parseAndScan(b);
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::Yes);
        QCOMPARE(v.groups.size(), size_t(1));
        const ProblemGroup& g = v.groups.front();
        VHDX_COMPARE_STR(g.title, "Region table 1 is damaged; copy 2 is intact");
        QCOMPARE(g.severity, Severity::Warning);
        QVERIFY2(allSteps(g).contains("dd if=IMAGE of=IMAGE bs=64K skip=4 seek=3 count=1 "
                                      "conv=notrunc"),
                 qPrintable(allSteps(g)));
        // Applying the command repairs the file.
        std::copy_n(b.bytes.begin() + long(b.regionTableOffset[1]), 64 * KiB,
                    b.bytes.begin() + long(b.regionTableOffset[0]));
        QVERIFY(verdictOf(*parseAndScan(b)).clean);
    }

    void noValidRegionTable() {
        QTemporaryDir dir;
        auto img = scenario("NO_VALID_REGION_TABLE", dir);
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::No);
        QCOMPARE(v.groups.size(), size_t(1));
        QCOMPARE(v.groups.front().cause, FindingCode::NoValidRegionTable);
        QCOMPARE(v.groups.front().findings.size(), size_t(3)); // the cause and two checksums
    }

    // A dirty log: usable after a replay, which Hyper-V does on open; never "clean". The
    // steps name Replay Log and what QEMU needs.
    void dirtyLogIsUsableAfterReplay() {
        QTemporaryDir dir;
        auto img = scenario("LOG_REPLAY_NEEDED", dir);
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::AfterReplay);
        QVERIFY(!v.clean);
        const ProblemGroup* g = groupOf(v, FindingCode::LogReplayNeeded);
        QVERIFY(g);
        QVERIFY(hasAction(*g, StepAction::ReplayLog));
        QVERIFY(allSteps(*g).contains("vhdx-inspector --replay-log IMAGE"));
        QVERIFY(allSteps(*g).contains("qemu-img check -r all IMAGE"));
        const std::string text = reportText(*img);
        QVERIFY(text.starts_with("Verdict: usable after log replay\n"));
        QVERIFY(text.find("Verdict: clean") == std::string::npos);
    }

    // A missing parent: not usable until found; the steps say where it was looked for and
    // how to point the child at it (this tool and Set-VHD).
    void missingParentSaysWhereItLooked() {
        QTemporaryDir dir;
        auto img = scenario("PARENT_NOT_FOUND", dir);
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::No);
        const ProblemGroup* g = groupOf(v, FindingCode::ParentNotFound);
        QVERIFY(g);
        VHDX_COMPARE_STR(g->title, "The parent disk was not found");
        const QString steps = allSteps(*g);
        QVERIFY2(steps.contains(QDir(dir.path()).filePath("parent.vhdx")), qPrintable(steps));
        QVERIFY(hasAction(*g, StepAction::SetParent));
        QVERIFY(steps.contains("Set-VHD -Path "));
        QVERIFY(steps.contains("-ParentPath PARENT.vhdx"));
    }

    // Defect 3: zeroing the 8-byte identifier leaves a damaged VHDX, fully decoded; only a
    // file with nothing of a VHDX is NOT_VHDX.
    void damagedIdentifierIsStillAVhdx() {
        BuiltImage b = buildImage({});
        std::fill_n(b.bytes.begin(), 8, 0);
        auto img = parseAndScan(b);
        QVERIFY(img->isVhdx());
        QVERIFY(!img->identifier().signatureValid);
        VHDX_REQUIRE_NO_FINDING(*img, FindingCode::NotVhdx);
        VHDX_REQUIRE_FINDING(*img, FindingCode::IdentifierSignatureBad, f);
        QVERIFY(f.message.find("\\x00\\x00") != std::string::npos); // the bytes found
        QCOMPARE(img->headers().current, 2);
        QVERIFY(img->metadata().readable);
        QVERIFY(img->batScan() && img->batScan()->completed);
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::No);
        QVERIFY(allSteps(v.groups.front())
                    .contains("printf vhdxfile | dd of=IMAGE bs=1 seek=0 "
                              "count=8 conv=notrunc"));
        const std::string json = reportJson(*img);
        QVERIFY(json.find("\"signature_valid\": false") != std::string::npos);
        QVERIFY(json.find("\"current_header\": 2") != std::string::npos);
    }

    void notVhdxOnlyWithoutAnyVhdxStructure() {
        std::vector<uint8_t> junk(2 * MiB, 0x5a);
        auto img = parseAndScan(junk);
        QVERIFY(!img->isVhdx());
        QCOMPARE(findingsWith(*img, FindingCode::NotVhdx).size(), size_t(1));
        QVERIFY(img->identifier().creator.empty());
        QCOMPARE(verdictOf(*img).usable, Usability::No);
        // Defect 16: an empty file says it is empty.
        auto empty = parseAndScan(std::vector<uint8_t>{});
        VHDX_REQUIRE_FINDING(*empty, FindingCode::NotVhdx, e);
        VHDX_COMPARE_STR(e.message, "The file is empty (0 bytes)");
    }

    void cancelledScanIsNotClean() {
        QTemporaryDir dir;
        auto img = scenario("SCAN_CANCELLED", dir);
        const Verdict v = verdictOf(*img);
        QCOMPARE(v.usable, Usability::Unknown);
        QVERIFY(!v.clean);
        QVERIFY(hasAction(*groupOf(v, FindingCode::ScanCancelled), StepAction::Reload));
    }

    // Every code, in the image that produces it: it lands in exactly one group, every group
    // has a title, a meaning, a one-sentence summary, and a next step unless it is a note.
    void everyCodeIsGrouped_data() {
        QTest::addColumn<QString>("name");
        for (const FindingCodeInfo& c : allFindingCodes())
            if (findingScenarios().count(
                    std::string(c.name))) // CHAIN_*: a folder's, not an image's
                QTest::newRow(std::string(c.name).c_str()) << qs(c.name);
    }
    void everyCodeIsGrouped() {
        QFETCH(QString, name);
        QTemporaryDir dir;
        const auto img = findingScenarios().at(name.toStdString())(dir.path());
        QVERIFY(img);
        const std::vector<Finding>& findings = img->findings().items();
        const Verdict v = verdictOf(*img);
        std::vector<size_t> order = findingOrder(v);
        QCOMPARE(order.size(), findings.size());
        std::sort(order.begin(), order.end());
        QVERIFY(std::adjacent_find(order.begin(), order.end()) == order.end());
        QVERIFY(!v.summary.empty());
        QCOMPARE(std::count(v.summary.begin(), v.summary.end(), '.') >= 1, true);
        for (const ProblemGroup& g : v.groups) {
            QVERIFY(!g.title.empty());
            QVERIFY(!g.meaning.empty());
            QVERIFY2(g.severity == Severity::Info || !g.steps.empty(), g.title.c_str());
            QCOMPARE(g.codes.front(), g.cause);
            QVERIFY(v.usable >= g.effect);
        }
        QVERIFY(!v.clean || !img->findings().hasErrors());
    }

    void shellQuotingOfPaths() {
        QTemporaryDir dir;
        const QString path = dir.filePath("it's a disk.vhdx");
        BuiltImage b = buildImage({});
        b.bytes[b.headerOffset[1] + 9] ^= 1;
        QVERIFY(!writeImageFile(dir.path(), "it's a disk.vhdx", b.bytes).isEmpty());
        std::string error;
        auto img = Image::openAndScan(path.toStdString(), error);
        QVERIFY(img);
        const QString steps = allSteps(verdictOf(*img).groups.front());
        QVERIFY2(steps.contains("--update-headers '" + dir.path() + "/it'\\''s a disk.vhdx' --yes"),
                 qPrintable(steps));
    }

    // Defect 14: one way of writing numbers: offsets in hex, sizes and counts in decimal
    // with units, one range notation.
    void numberFormats() {
        VHDX_COMPARE_STR(formatBytes(4096), "4 KiB");
        VHDX_COMPARE_STR(formatBytes(100 * MiB), "100 MiB");
        VHDX_COMPARE_STR(formatBytes(104858112), "104,858,112 bytes");
        VHDX_COMPARE_STR(formatBytes(1), "1 byte");
        VHDX_COMPARE_STR(formatRange(MiB, MiB), "0x100000-0x1fffff (1 MiB)");
        VHDX_COMPARE_STR(formatRange(MiB, 0), "0x100000 (0 bytes)");
        VHDX_COMPARE_STR(formatRange(~uint64_t(0) - 10, 2 * MiB),
                         "0xfffffffffffffff5 + 2 MiB (past 2^64)");
        // One byte, and a range ending exactly at the last byte (at the limit of 2^64).
        VHDX_COMPARE_STR(formatRange(MiB, 1), "0x100000-0x100000 (1 byte)");
        VHDX_COMPARE_STR(formatRange(~uint64_t(0) - 9, 10),
                         "0xfffffffffffffff6-0xffffffffffffffff (10 bytes)");
        VHDX_COMPARE_STR(formatRange(~uint64_t(0) - 9, 11),
                         "0xfffffffffffffff6 + 11 bytes (past 2^64)");
        VHDX_COMPARE_STR(formatRelativeOffset(0x2000), "+0x2000");
        // No message writes "[start, +len)" or "start + length" any more.
        QTemporaryDir dir;
        const QRegularExpression oldStyle(R"(\[\d+, \+\d+\)|\d+ \+ \d+|EntryCount|LogGuid)");
        for (const auto& [name, make] : findingScenarios()) {
            const auto img = make(dir.path());
            for (const Finding& f : img->findings().items())
                QVERIFY2(!oldStyle.match(qs(f.message)).hasMatch(), f.message.c_str());
        }
    }

    void jsonCarriesVerdictAndAdvice() {
        QTemporaryDir dir;
        auto img = scenario("HEADER_CHECKSUM_BAD", dir);
        const std::string json = reportJson(*img);
        QVERIFY(json.find("\"verdict\": {") != std::string::npos);
        QVERIFY(json.find("\"usable\": \"yes\"") != std::string::npos);
        QVERIFY(json.find("\"action\": \"update_headers\"") != std::string::npos);
        QVERIFY(
            json.find("\"advice\": \"" + std::string(codeAdvice(FindingCode::HeaderChecksumBad))) !=
            std::string::npos);
    }
};

VHDX_TEST_MAIN(TestVerdict)
#include "tst_verdict.moc"
