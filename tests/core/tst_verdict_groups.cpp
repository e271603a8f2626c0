// The verdict on hand-made combinations of findings over one clean image: which group each
// code joins when another finding changes its cause (a symptom of an invalid log, of a cut
// file), the one-sentence summary for one and for several problems and for every usability,
// the words and keys of each usability and step action (README: "usable" is one of
// yes, after_replay, unknown, damaged, no), and the parent steps when no parent was looked for.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/text_format.h"
#include "vhdx/verdict.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
using C = FindingCode;

Finding finding(C code, Severity s = Severity::Error, StructureRef where = {}, uint64_t at = 0) {
    Finding f;
    f.code = code;
    f.severity = s;
    f.where = where;
    f.offset = at;
    f.message = std::string(codeName(code));
    return f;
}

// A clean image held in memory (no path: commands name it IMAGE).
const Image& cleanImage() {
    static const std::unique_ptr<Image> img = parseAndScan(buildImage({}));
    return *img;
}

const ProblemGroup* groupOf(const Verdict& v, C cause) {
    for (const ProblemGroup& g : v.groups)
        if (g.cause == cause)
            return &g;
    return nullptr;
}
} // namespace

class TestVerdictGroups : public QObject {
    Q_OBJECT
  private slots:
    void cleanImageHasNoGroups() {
        QVERIFY(cleanImage().findings().items().empty());
        const Verdict v = assessImage(cleanImage(), {});
        QCOMPARE(v.usable, Usability::Yes);
        QVERIFY(v.clean);
        QVERIFY(v.groups.empty());
        VHDX_COMPARE_STR(v.summary,
                         "Usable as it is: every structure is valid and nothing is pending.");
        VHDX_COMPARE_STR(verdictWord(v), "clean");
    }

    // An invalid log is the problem; that it needs a replay (and each replay complaint) is
    // its symptom, in the same group. Without LOG_INVALID they form the replay group.
    void replaySymptomsJoinAnInvalidLog_data() {
        QTest::addColumn<int>("code");
        QTest::newRow("LOG_REPLAY_NEEDED") << int(C::LogReplayNeeded);
        QTest::newRow("LOG_REPLAY_NOT_APPLIED") << int(C::LogReplayNotApplied);
        QTest::newRow("LOG_REPLAY_WRITES_HEADER_SECTION") << int(C::LogReplayWritesHeaderSection);
        QTest::newRow("LOG_REPLAY_WRITES_LOG") << int(C::LogReplayWritesLog);
        QTest::newRow("LOG_REPLAY_BEYOND_LAST_FILE_OFFSET")
            << int(C::LogReplayBeyondLastFileOffset);
    }
    void replaySymptomsJoinAnInvalidLog() {
        QFETCH(int, code);
        const std::vector<Finding> both = {finding(C(code), Severity::Warning, ref::log()),
                                           finding(C::LogInvalid, Severity::Error, ref::log())};
        const Verdict v = assessImage(cleanImage(), both);
        QCOMPARE(v.groups.size(), size_t(1));
        QCOMPARE(v.groups[0].cause, C::LogInvalid); // the root cause first
        QCOMPARE(v.groups[0].findings, (std::vector<size_t>{1, 0}));
        QCOMPARE(v.usable, Usability::No);
        VHDX_COMPARE_STR(v.summary, "Not usable as it is: the log cannot be replayed.");

        const Verdict alone = assessImage(cleanImage(), {both[0]});
        QCOMPARE(alone.groups.size(), size_t(1));
        QCOMPARE(alone.usable, Usability::AfterReplay);
        VHDX_COMPARE_STR(alone.groups[0].title, "The log holds updates not yet applied (the disk "
                                                "was not closed cleanly)");
        VHDX_COMPARE_STR(verdictWord(alone), "usable after log replay");
    }

    // A region outside the file is a symptom of a cut-short file, else a wrong region entry.
    void regionOutOfBoundsFollowsTruncation() {
        const Finding oob = finding(C::RegionOutOfBounds, Severity::Error, ref::regionTable(1));
        const Verdict alone = assessImage(cleanImage(), {oob});
        QCOMPARE(alone.groups.size(), size_t(1));
        VHDX_COMPARE_STR(alone.groups[0].title,
                         "The region table places the BAT or the metadata wrongly");
        const Verdict cut = assessImage(cleanImage(), {oob, finding(C::FileTruncated)});
        QCOMPARE(cut.groups.size(), size_t(1));
        QCOMPARE(cut.groups[0].cause, C::FileTruncated);
        QCOMPARE(cut.groups[0].codes, (std::vector<C>{C::FileTruncated, C::RegionOutOfBounds}));
        VHDX_COMPARE_STR(cut.summary, "Not usable as it is: the file is cut short at " +
                                          formatBytes(cleanImage().fileSize()) +
                                          "; structures it needs lie past its end.");
    }

    // The --chains codes are never an image's own; given to the verdict they are notes.
    void chainCodesAreNotes() {
        const std::vector<Finding> chain = {finding(C::ChainOrphan, Severity::Info),
                                            finding(C::ChainLoop, Severity::Info),
                                            finding(C::ChainHasChildren, Severity::Info)};
        const Verdict v = assessImage(cleanImage(), chain);
        QCOMPARE(v.groups.size(), size_t(1));
        VHDX_COMPARE_STR(v.groups[0].title, "3 notes: nothing to do");
        QVERIFY(v.groups[0].steps.empty());
        QCOMPARE(v.usable, Usability::Yes);
        QVERIFY(v.clean); // notes only
        VHDX_COMPARE_STR(verdictWord(v), "clean");
    }

    // "1 problem is", "2 problems are"; notes are not problems.
    void summaryCountsProblems() {
        const Finding reserved =
            finding(C::BatEntryReservedBits, Severity::Warning, ref::batEntry(3), 0);
        const Finding unexpected =
            finding(C::ParentLocatorUnexpected, Severity::Warning, ref::metadata(), 0);
        const Finding note = finding(C::LogEntryInvalid, Severity::Info, ref::log());
        const Verdict one = assessImage(cleanImage(), {reserved, note});
        QVERIFY(!one.clean);
        VHDX_COMPARE_STR(verdictWord(one), "usable, with warnings");
        VHDX_COMPARE_STR(one.summary, "Usable as it is: Hyper-V would open the disk; 1 problem is "
                                      "worth fixing.");
        const Verdict two = assessImage(cleanImage(), {reserved, unexpected, note});
        VHDX_COMPARE_STR(two.summary, "Usable as it is: Hyper-V would open the disk; 2 problems "
                                      "are worth fixing.");
    }

    // The summary names the worst group's title, its capital lowered to read on after the
    // colon.
    void summaryLowersOnlyAWordsCapital() {
        const Verdict io = assessImage(cleanImage(), {finding(C::IoError)});
        QCOMPARE(io.usable, Usability::Unknown);
        VHDX_COMPARE_STR(io.summary,
                         "Not fully checked: part of the file could not be read (I/O error).");
        VHDX_COMPARE_STR(verdictWord(io), "not fully checked");
        const Verdict bat = assessImage(cleanImage(), {finding(C::BatEntryStateInvalid)});
        QCOMPARE(bat.usable, Usability::Damaged);
        VHDX_COMPARE_STR(bat.summary,
                         "Damaged, though the disk may still open: some BAT entries are invalid.");
        VHDX_COMPARE_STR(verdictWord(bat), "damaged");
        const Verdict header = assessImage(cleanImage(), {finding(C::NoValidHeader)});
        VHDX_COMPARE_STR(header.summary, "Not usable as it is: neither header is valid.");
        VHDX_COMPARE_STR(verdictWord(header), "NOT USABLE");
    }

    void usabilityKeys() {
        VHDX_COMPARE_STR(usabilityKey(Usability::Yes), "yes");
        VHDX_COMPARE_STR(usabilityKey(Usability::AfterReplay), "after_replay");
        VHDX_COMPARE_STR(usabilityKey(Usability::Unknown), "unknown");
        VHDX_COMPARE_STR(usabilityKey(Usability::Damaged), "damaged");
        VHDX_COMPARE_STR(usabilityKey(Usability::No), "no");
    }
    void stepActionKeys() {
        VHDX_COMPARE_STR(stepActionKey(StepAction::None), "");
        VHDX_COMPARE_STR(stepActionKey(StepAction::UpdateHeaders), "update_headers");
        VHDX_COMPARE_STR(stepActionKey(StepAction::ReplayLog), "replay_log");
        VHDX_COMPARE_STR(stepActionKey(StepAction::SetParent), "set_parent");
        VHDX_COMPARE_STR(stepActionKey(StepAction::CompareHeaders), "compare_headers");
        VHDX_COMPARE_STR(stepActionKey(StepAction::ShowBatProblems), "show_bat_problems");
        VHDX_COMPARE_STR(stepActionKey(StepAction::Reload), "reload");
    }

    // PARENT_NOT_FOUND on an image that looked for no parent (none in its chain): the steps
    // say the locator gave no usable path, and name the image IMAGE.
    void parentNotFoundWithoutAChain() {
        QVERIFY(cleanImage().parentChain().empty());
        const Verdict v = assessImage(cleanImage(), {finding(C::ParentNotFound)});
        const ProblemGroup* g = groupOf(v, C::ParentNotFound);
        QVERIFY(g);
        VHDX_COMPARE_STR(g->title, "The parent disk was not found");
        QCOMPARE(g->steps.size(), size_t(3));
        VHDX_COMPARE_STR(g->steps[0].text,
                         "It was looked for at: no usable path in the locator. Put the parent "
                         "file at one of these paths (copy or move it back).");
        VHDX_COMPARE_STR(g->steps[1].command, "vhdx-inspector --set-parent IMAGE PARENT.vhdx");
        QCOMPARE(g->steps[1].action, StepAction::SetParent);
        VHDX_COMPARE_STR(g->steps[2].command, "Set-VHD -Path IMAGE -ParentPath PARENT.vhdx");
    }

    // A differencing disk whose parent file exists but is not a VHDX: the parent was found
    // and could not be read, and the step inspects it. The same finding given to a child
    // whose chain is fine names no path.
    void parentFoundButUnreadable() {
        QTemporaryDir dir;
        QFile junk(dir.filePath("base.vhdx"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(100000, 'z'));
        junk.close();
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{0a0b0c0d-1111-2222-3333-444455556666}"},
                              {"relative_path", "base.vhdx"}};
        const QString child = writeImageFile(dir.path(), "child.vhdx", buildImage(spec).bytes);
        std::string error;
        const auto img = Image::openAndScan(child.toStdString(), error);
        QVERIFY2(img, error.c_str());
        QCOMPARE(img->parentChain().size(), size_t(1));
        const std::string parent = img->parentChain()[0].path;
        QCOMPARE(qs(parent), dir.filePath("base.vhdx"));
        const Verdict v = assessImage(*img, img->findings().items());
        const ProblemGroup* g = groupOf(v, C::ParentNotFound);
        QVERIFY(g);
        VHDX_COMPARE_STR(g->title, "The parent disk " + parent + " could not be read");
        VHDX_COMPARE_STR(g->steps[0].text, "Inspect the parent; it must be a readable VHDX:");
        VHDX_COMPARE_STR(g->steps[0].command, "vhdx-inspector --report " + parent);
        VHDX_COMPARE_STR(g->steps[1].command,
                         "vhdx-inspector --set-parent " + child.toStdString() + " PARENT.vhdx");
        VHDX_COMPARE_STR(v.summary,
                         "Not usable as it is: the parent disk " + parent + " could not be read.");
    }
    void parentNotFoundWithAHealthyChain() {
        QTemporaryDir dir;
        ImageSpec base;
        base.dataWriteGuid = *Guid::parse("0a0b0c0d-1111-2222-3333-444455556666");
        QVERIFY(!writeImageFile(dir.path(), "base.vhdx", buildImage(base).bytes).isEmpty());
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{0a0b0c0d-1111-2222-3333-444455556666}"},
                              {"relative_path", "base.vhdx"}};
        const QString child = writeImageFile(dir.path(), "child.vhdx", buildImage(spec).bytes);
        std::string error;
        const auto img = Image::openAndScan(child.toStdString(), error);
        QVERIFY2(img, error.c_str());
        QVERIFY(img->parentChain().at(0).found && img->parentChain()[0].readable);
        const Verdict v = assessImage(*img, {finding(C::ParentNotFound)});
        VHDX_COMPARE_STR(v.groups.at(0).steps.at(0).text,
                         "It was looked for at: no usable path in the locator. Put the parent "
                         "file at one of these paths (copy or move it back).");
    }

    // Paths in commands are shell words: plain when made of [A-Za-z0-9/._+:@-] and not
    // starting with '-' (it would read as an option), else single-quoted.
    void pathsAsShellWords_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("quoted");
        QTest::newRow("plain characters") << "a+b:c@d_e-1.vhdx" << false;
        QTest::newRow("leading dash") << "-lead.vhdx" << true;
        QTest::newRow("dollar") << "cost$.vhdx" << true;
        QTest::newRow("space") << "a b.vhdx" << true;
    }
    void pathsAsShellWords() {
        QFETCH(QString, name);
        QFETCH(bool, quoted);
        QTemporaryDir dir;
        QVERIFY(!writeImageFile(dir.path(), name, buildImage({}).bytes).isEmpty());
        // Opened by a relative path from inside the folder, so the path starts with the name.
        const QString cwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        std::string error;
        const auto img = Image::open(name.toStdString(), error);
        QVERIFY(QDir::setCurrent(cwd));
        QVERIFY2(img, error.c_str());
        VHDX_COMPARE_STR(img->path(), name.toStdString());
        const Verdict v =
            assessImage(*img, {finding(C::HeaderChecksumBad, Severity::Warning, ref::header(1))});
        const std::string word = quoted ? "'" + name.toStdString() + "'" : name.toStdString();
        VHDX_COMPARE_STR(v.groups.at(0).steps.at(0).command,
                         "vhdx-inspector --update-headers " + word + " --yes");
        // Region table 1 damaged: back up the first MiB next to the image, then copy table 2
        // (at 256 KiB: 64 KiB block 4) over table 1 (192 KiB: block 3), MS-VHDX 2.2.3.
        const std::string backup = quoted ? "'" + name.toStdString() + ".first-mib.bak'"
                                          : name.toStdString() + ".first-mib.bak";
        const Verdict rt = assessImage(
            *img, {finding(C::RegionTableChecksumBad, Severity::Warning, ref::regionTable(1))});
        VHDX_COMPARE_STR(rt.groups.at(0).title, "Region table 1 is damaged; copy 2 is intact");
        VHDX_COMPARE_STR(rt.groups.at(0).steps.at(0).command,
                         "dd if=" + word + " of=" + backup + " bs=1M count=1 && dd if=" + word +
                             " of=" + word + " bs=64K skip=4 seek=3 count=1 conv=notrunc");
    }

    // One header damaged while the log needs a replay: repair after the replay.
    void headerRepairWaitsForTheReplay() {
        const std::vector<Finding> f = {
            finding(C::HeaderChecksumBad, Severity::Warning, ref::header(1)),
            finding(C::LogReplayNeeded, Severity::Warning, ref::log())};
        const Verdict v = assessImage(cleanImage(), f);
        const ProblemGroup* g = groupOf(v, C::HeaderChecksumBad);
        QVERIFY(g);
        VHDX_COMPARE_STR(g->title, "Header 1 is damaged; header 2 (current) is intact");
        QVERIFY(g->steps.front().text.rfind("After the log replay, repair it now", 0) == 0);
        VHDX_COMPARE_STR(g->steps.front().command, "vhdx-inspector --update-headers IMAGE --yes");
        QCOMPARE(v.usable, Usability::AfterReplay);
    }
};

VHDX_TEST_MAIN(TestVerdictGroups)
#include "tst_verdict_groups.moc"
