// The text report's sections in the states the golden files do not pin (README:
// "same content as JSON, aligned text"; values start at column 31 as in tests/golden): the
// BAT before its scan (no state counts) and after it, a region table past the end of a cut
// file (status only), the log in use with a valid active entry, the log whose replay state is
// unknown (the reason, and the entry that could not be checked), a parent found but not a
// VHDX, and the "Log replay" section's target texts.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "log_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/report.h"
#include "vhdx/report_replay.h"
#include "vhdx/work_budget.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

// "  label:" padded so that the value starts at column 31, as in every golden text report.
std::string row(const std::string& label, const std::string& value, int indent = 2) {
    std::string head = std::string(indent, ' ') + label + ':';
    head.resize(std::max<size_t>(head.size() + 1, 31), ' ');
    return head + value + "\n";
}

// The section that starts with the line `title`, up to the blank line that ends it.
QString sectionOf(const std::string& report, const std::string& title) {
    const size_t at = report.find("\n" + title + "\n");
    if (at == std::string::npos)
        return QString("(no section %1)").arg(qs(title));
    const size_t end = report.find("\n\n", at + 1);
    return qs(report.substr(at + 1, end == std::string::npos ? std::string::npos : end - at));
}

} // namespace

class TestReportTextSections : public QObject {
    Q_OBJECT
  private slots:
    // 1 GiB in 32 MiB blocks with 512-byte sectors: ChunkRatio 2^23 * 512 / 32 MiB = 128,
    // 32 payload entries and no sector bitmap entry (MS-VHDX 2.5).
    void batBeforeAndAfterItsScan() {
        auto img = Image::parse(buildImage({}).source());
        QVERIFY(!img->batScan());
        const std::string before = reportText(*img);
        QCOMPARE(sectionOf(before, "BAT"),
                 qs("BAT\n" + row("entries", "32 (32 payload + 0 sector bitmap)") +
                    row("chunk ratio", "128")));
        QVERIFY(before.find(row("path", "(memory)")) != std::string::npos);
        // The JSON says the same: not scanned, no state counts.
        const std::string json = reportJson(*img);
        QVERIFY(json.find("\"chunk_ratio\": 128,\n    \"scanned\": false\n  }") !=
                std::string::npos);
        QVERIFY(json.find("\"payload_states\"") == std::string::npos);
        img->scanBat();
        QVERIFY(reportJson(*img).find("\"scanned\": true") != std::string::npos);
        QCOMPARE(sectionOf(reportText(*img), "BAT"),
                 qs("BAT\n" + row("entries", "32 (32 payload + 0 sector bitmap)") +
                    row("chunk ratio", "128") + row("payload not present", "32")));
    }

    // Cut at 256 KiB: region table 1 (192 KiB) is whole, region table 2 (256 KiB) is past the
    // end: its section holds its status only.
    void regionTablePastTheEnd() {
        std::vector<uint8_t> bytes = buildImage({}).bytes;
        bytes.resize(256 * KiB);
        const auto img = parseAndScan(bytes);
        QVERIFY(img->isVhdx());
        const std::string text = reportText(*img);
        QCOMPARE(
            sectionOf(text, "Region table 2 at 262144"),
            qs("Region table 2 at 262144\n" + row("status", "INVALID (lies beyond end of file)")));
        QVERIFY(sectionOf(text, "Region table 1 at 196608 (used)")
                    .startsWith(qs("Region table 1 at 196608 (used)\n" + row("status", "valid") +
                                   row("entry count", "2"))));
        QVERIFY(text.find(row("size", "262144 (256 KiB)")) != std::string::npos);
    }

    void logInUseWithAnActiveEntry() {
        const auto img = parseAndScan(buildImage(withLog({entry(5)})));
        QVERIFY(img->log().replayNeeded);
        QCOMPARE(sectionOf(reportText(*img), "Log"),
                 qs("Log\n" + row("in use", "yes (LogGuid " + kLog.toString() + ")") +
                    row("replay needed", "yes") +
                    row("entry at 0", "seq 5, 8192 bytes, valid, active")));
    }

    void logWhoseReplayIsUnknown() {
        LogEntrySpec e = entry(4);
        e.offset = MiB - 4096;
        ImageSpec spec = withLog({e});
        spec.logLength = 2 * MiB;
        ParseOptions o;
        o.budget = std::make_shared<WorkBudget>(MiB);
        const auto img = Image::parse(buildImage(spec).source(), o);
        const std::string budget =
            "the open's read budget for logs ran out after 1 MiB of this log";
        QCOMPARE(
            sectionOf(reportText(*img), "Log"),
            qs("Log\n" + row("in use", "yes (LogGuid " + kLog.toString() + ")") +
               row("replay needed", "UNKNOWN (the log was not read to its end: " + budget + ")") +
               row("entry at 1044480", "seq 4, 8192 bytes, invalid: not checked: " + budget)));
    }

    void logNotInUse() {
        const auto img = parseAndScan(buildImage({}));
        QCOMPARE(sectionOf(reportText(*img), "Log"),
                 qs("Log\n" + row("in use", "no") + row("replay needed", "no")));
        // Nothing to replay: no "Log replay" section.
        QVERIFY(reportText(*img).find("\nLog replay\n") == std::string::npos);
    }

    // The parent file exists but is not a VHDX: found, its linkage not checked.
    void parentFoundButNotReadable() {
        QTemporaryDir dir;
        QFile junk(dir.filePath("base.vhdx"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(100000, 'z'));
        junk.close();
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{" + Guid::random().toString() + "}"},
                              {"relative_path", "base.vhdx"}};
        const QString child = writeImageFile(dir.path(), "child.vhdx", buildImage(spec).bytes);
        std::string error;
        const auto img = Image::openAndScan(child.toStdString(), error);
        QVERIFY2(img, error.c_str());
        const std::string parentPath = dir.filePath("base.vhdx").toStdString();
        QCOMPARE(sectionOf(reportText(*img), "Parent"),
                 qs("Parent\n" + row("path", parentPath) +
                    row("linkage", "not checked (parent not read)")));
    }

    void replayTargetTexts() {
        using K = ReplayTargetKind;
        VHDX_COMPARE_STR(replayTargetText({K::Bat, "BAT", 7, 7}), "BAT entry 7");
        VHDX_COMPARE_STR(replayTargetText({K::Bat, "BAT", 0, 511}), "BAT entries 0..511");
        VHDX_COMPARE_STR(replayTargetText({K::MetadataItem, "File Parameters", 0, 0}),
                         "metadata item File Parameters");
        VHDX_COMPARE_STR(replayTargetText({K::PayloadBlock, "payload block", 3, 3}),
                         "payload block 3 (BAT entry 3)");
        VHDX_COMPARE_STR(replayTargetText({K::SectorBitmapBlock, "sector bitmap", 0, 128}),
                         "sector bitmap 0 (BAT entry 128)");
        VHDX_COMPARE_STR(replayTargetText({K::RegionTable, "region_table2", 0, 0}),
                         "region_table2");
        VHDX_COMPARE_STR(replayTargetText({K::BeyondEndOfFile, "beyond end of file", 0, 0}),
                         "beyond end of file");
    }
};

VHDX_TEST_MAIN(TestReportTextSections)
#include "tst_report_text_sections.moc"
