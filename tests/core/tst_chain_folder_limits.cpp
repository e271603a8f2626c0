// The chains of a folder, what is not mapped and what is bounded: unreadable and
// non-VHDX files, an unreadable folder, the limits (images, candidates, steps outside the
// folder) at the limit and one past it, a folder of hostile images, hostile file names.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chain_builder.h"
#include "chain_test_helpers.h"
#include "core_test_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/chain_forest.h"
#include "vhdx/chain_report.h"

using namespace vhdx;
using namespace vhdx::test;

class TestChainFolderLimits : public QObject {
    Q_OBJECT

    QString fresh() {
        m_dirs.emplace_back(std::make_unique<QTemporaryDir>());
        return m_dirs.back()->path();
    }
    std::vector<std::unique_ptr<QTemporaryDir>> m_dirs;

  private slots:
    // Unreadable and non-VHDX files are listed, not fatal.
    void filesThatAreNotMapped() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "good.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeImageFile(dir, "empty.vhdx", {}).isEmpty());
        QVERIFY(!writeImageFile(dir, "text.AVHDX", {'h', 'e', 'l', 'l', 'o'}).isEmpty());
        QVERIFY(QFile::link(dir + "/nowhere", dir + "/dangling.vhdx"));
        QVERIFY(::mkfifo(QFile::encodeName(dir + "/fifo.vhdx").constData(), 0600) == 0);
        QVERIFY(!writeImageFile(dir, "notes.txt", {'x'}).isEmpty()); // not an image name
        BuiltImage noHeader = buildImage(baseImage(chainGuid(2)));
        noHeader.bytes[noHeader.headerOffset[0] + 9] ^= 1;
        noHeader.bytes[noHeader.headerOffset[1] + 9] ^= 1;
        QVERIFY(!writeImageFile(dir, "noheader.vhdx", noHeader.bytes).isEmpty());
        const ChainForest f = mapFolder(dir);
        QCOMPARE(f.nodes.size(), size_t(6));
        QCOMPARE(codes(f),
                 QStringList({"CHAIN_FILE_SKIPPED@dangling.vhdx", "CHAIN_FILE_SKIPPED@empty.vhdx",
                              "CHAIN_FILE_SKIPPED@fifo.vhdx", "CHAIN_FILE_SKIPPED@noheader.vhdx",
                              "CHAIN_FILE_SKIPPED@text.AVHDX"}));
        QVERIFY(!f.hasErrors());
        QVERIFY(qs(nodeAt(f, "noheader.vhdx")->problem).contains("no valid header"));
        QVERIFY(qs(nodeAt(f, "text.AVHDX")->problem).contains("not a VHDX"));
        QCOMPARE(f.roots(), std::vector<int>{3}); // good.vhdx only; the others are not drawn
    }

    // A subfolder that cannot be read is listed (CHAIN_FILE_SKIPPED), not fatal. As root every
    // folder is readable: the mapping runs in a child process as nobody (uid 65534).
    void unreadableSubfolder() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "good.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeSpec(dir, "locked/hidden.vhdx", baseImage(chainGuid(2))).isEmpty());
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(dir + "/good.vhdx").constData(), 0644) == 0);
        QVERIFY(::chmod(QFile::encodeName(dir + "/locked").constData(), 0) == 0);
        const pid_t pid = ::fork();
        QVERIFY(pid >= 0);
        if (pid == 0) {
            if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
                ::_exit(10);
            if (::access(QFile::encodeName(dir + "/locked").constData(), R_OK) == 0)
                ::_exit(11); // still readable: the test would prove nothing
            std::string error;
            const auto f = mapChains(dir.toStdString(), error);
            const bool good =
                f && f->nodes.size() == 1 && f->nodes[0].vhdx && f->findings.items().size() == 1 &&
                f->findings.items()[0].code == FindingCode::ChainFileSkipped &&
                f->findings.items()[0].path == "locked" &&
                f->findings.items()[0].message.find("Permission denied") != std::string::npos;
            ::_exit(good ? 0 : 12);
        }
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        QVERIFY(::chmod(QFile::encodeName(dir + "/locked").constData(), 0755) == 0);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
    }

    void unreadableFolder() {
        std::string error;
        QVERIFY(!mapChains("/nonexistent/folder", error));
        QVERIFY2(qs(error).contains("No such file or directory"), error.c_str());
        const QString dir = fresh();
        QVERIFY(!writeImageFile(dir, "file.vhdx", {}).isEmpty());
        QVERIFY(!mapChains((dir + "/file.vhdx").toStdString(), error));
        QVERIFY2(qs(error).contains("Not a directory"), error.c_str());
    }

    // Chains are followed out of the folder up to maxOutsideDepth steps: at the limit the
    // last parent is found, one past it is not looked for.
    void outsideDepthLimit_data() {
        QTest::addColumn<int>("depth");
        QTest::newRow("at the limit") << 3;
        QTest::newRow("one past it") << 4;
    }
    void outsideDepthLimit() {
        QFETCH(int, depth);
        const QString dir = fresh();
        // inside/c -> ../p1 -> p2 -> ... -> p<depth> (a base)
        for (int i = 1; i <= depth; ++i)
            QVERIFY(!writeSpec(dir, QString("p%1.vhdx").arg(i),
                               i == depth ? baseImage(chainGuid(i))
                                          : childImage(chainGuid(i), chainGuid(i + 1),
                                                       ".\\p" + std::to_string(i + 1) + ".vhdx"))
                         .isEmpty());
        QVERIFY(
            !writeSpec(dir, "inside/c.avhdx", childImage(chainGuid(0), chainGuid(1), "..\\p1.vhdx"))
                 .isEmpty());
        ForestOptions options;
        options.maxOutsideDepth = 3;
        const ChainForest f = mapFolder(dir + "/inside", options);
        QVERIFY2(!f.hasErrors(), qPrintable(describe(f.findings)));
        QCOMPARE(f.nodes.size(), size_t(std::min(depth, 3) + 1));
        const ChainNode& last = f.nodes.back();
        QCOMPARE(last.followed, depth <= 3);
        QCOMPARE(last.hasParent, depth > 3);
    }

    // At most maxImages files are opened: the first in path order.
    void imageLimit_data() {
        QTest::addColumn<int>("files");
        QTest::newRow("at the limit") << 3;
        QTest::newRow("one past it") << 4;
    }
    void imageLimit() {
        QFETCH(int, files);
        const QString dir = fresh();
        for (int i = files; i >= 1; --i) // written in reverse: the listing sorts
            QVERIFY(
                !writeSpec(dir, QString("d%1/x.vhdx").arg(i), baseImage(chainGuid(i))).isEmpty());
        ForestOptions options;
        options.maxImages = 3;
        const ChainForest f = mapFolder(dir, options);
        QCOMPARE(f.nodes.size(), size_t(3));
        VHDX_COMPARE_STR(f.nodes[0].displayPath, "d1/x.vhdx");
        VHDX_COMPARE_STR(f.nodes[2].displayPath, "d3/x.vhdx");
        QCOMPARE(f.findings.has(FindingCode::ChainFolderLimited), files > 3);
    }

    // Copies of a parent are all candidates, up to maxGuidCandidates.
    void guidCandidateLimit_data() {
        QTest::addColumn<int>("copies");
        QTest::newRow("at the limit") << int(maxGuidCandidates);
        QTest::newRow("one past it") << int(maxGuidCandidates) + 1;
    }
    void guidCandidateLimit() {
        QFETCH(int, copies);
        const QString dir = fresh();
        const BuiltImage base = buildImage(baseImage(chainGuid(1)));
        for (int i = 0; i < copies; ++i)
            QVERIFY(
                !writeImageFile(dir, QString("copy%1.vhdx").arg(i, 2, 10, QChar('0')), base.bytes)
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "c.avhdx", childImage(chainGuid(2), chainGuid(1), ".\\gone.vhdx"))
                     .isEmpty());
        const ChainForest f = mapFolder(dir);
        const ChainNode* c = nodeAt(f, "c.avhdx");
        QCOMPARE(c->guidCandidates.size(), maxGuidCandidates);
        VHDX_COMPARE_STR(parentOf(f, "c.avhdx"), "copy00.vhdx");
        VHDX_REQUIRE_FINDING(f.findings, FindingCode::ChainParentElsewhere, elsewhere);
        QVERIFY(qs(elsewhere.message)
                    .contains("and " + QString::number(maxGuidCandidates - 1 - 10) + " more"));
    }

    void nonRecursive() {
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "top.vhdx", baseImage(chainGuid(1))).isEmpty());
        QVERIFY(!writeSpec(dir, "sub/below.vhdx", baseImage(chainGuid(2))).isEmpty());
        ForestOptions options;
        options.recursive = false;
        QCOMPARE(mapFolder(dir, options).nodes.size(), size_t(1));
        QCOMPARE(mapFolder(dir).nodes.size(), size_t(2));
    }

    // Each open has its own log budget: a folder of images with large logs of real bytes
    // costs each image that budget at most; at the budget the log is checked to its end,
    // one MiB past it the replay state is unknown (and the image is still mapped).
    void hostileLogsBudgetPerOpen_data() {
        QTest::addColumn<int>("logMiB");
        QTest::newRow("at the budget") << 2;
        QTest::newRow("one MiB past it") << 3;
    }
    void hostileLogsBudgetPerOpen() {
        QFETCH(int, logMiB);
        const QString dir = fresh();
        for (int i = 0; i < 3; ++i) {
            ImageSpec spec = baseImage(chainGuid(i));
            spec.logGuid = chainGuid(100 + i);
            spec.logLength = uint32_t(logMiB) * uint32_t(MiB);
            BuiltImage b = buildImage(spec);
            // Every sector a "loge" candidate with a wrong checksum: real bytes, no holes.
            for (uint64_t at = b.logOffset; at < b.logOffset + b.logLength; at += 4096) {
                std::memcpy(b.bytes.data() + at, "loge", 4);
                putU32(b, at + field::logEntryLength, 4096);
            }
            QVERIFY(!writeImageFile(dir, QString("h%1.vhdx").arg(i), b.bytes).isEmpty());
        }
        ForestOptions options;
        options.logBytesPerOpen = 2 * MiB;
        const ChainForest f = mapFolder(dir, options);
        QCOMPARE(f.nodes.size(), size_t(3));
        for (const ChainNode& n : f.nodes) {
            QVERIFY(n.vhdx);
            QCOMPARE(n.logReplay, logMiB > 2 ? LogReplayState::Unknown : LogReplayState::None);
        }
    }

    // File names are untrusted text: escapes never reach a terminal, JSON stays valid UTF-8.
    void hostileFileNames() {
        const QString dir = fresh();
        const QByteArray evil = "evil\x1b]0;pwned\x07\xe2\x80\xae.vhdx";
        const QByteArray invalid = "bad\xff\xfe.avhdx";
        for (const QByteArray& name : {evil, invalid}) { // raw bytes, not through QString
            const int fd = ::open((QFile::encodeName(dir) + "/" + name).constData(),
                                  O_WRONLY | O_CREAT | O_EXCL, 0644);
            QVERIFY(fd >= 0);
            ::close(fd);
        }
        const ChainForest f = mapFolder(dir);
        QCOMPARE(f.nodes.size(), size_t(2));
        const std::string text = chainsText(f);
        QVERIFY(text.find('\x1b') == std::string::npos);
        QVERIFY(text.find('\x07') == std::string::npos);
        QVERIFY(text.find("\xe2\x80\xae") == std::string::npos);
        QVERIFY2(qs(text).contains("evil\\x1b]0;pwned\\x07\\u{202e}.vhdx"), text.c_str());
        QVERIFY2(qs(text).contains("bad\\xff\\xfe.avhdx"), text.c_str());
        QJsonParseError error;
        const QJsonDocument json =
            QJsonDocument::fromJson(QByteArray::fromStdString(chainsJson(f)), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(json["nodes"].toArray().size(), 2);
        for (const QByteArray& name : {evil, invalid}) // QTemporaryDir cannot name them
            QCOMPARE(::unlink((QFile::encodeName(dir) + "/" + name).constData()), 0);
    }

    // Names listed in a message: 10, then "and N more".
    void namesListedLimit_data() {
        QTest::addColumn<int>("children");
        QTest::newRow("at the limit") << 10;
        QTest::newRow("one past it") << 11;
    }
    void namesListedLimit() {
        QFETCH(int, children);
        const QString dir = fresh();
        QVERIFY(!writeSpec(dir, "base.vhdx", baseImage(chainGuid(1))).isEmpty());
        for (int i = 0; i < children; ++i)
            QVERIFY(!writeSpec(dir, QString("c%1.avhdx").arg(i, 2, 10, QChar('0')),
                               childImage(chainGuid(10 + i), chainGuid(1), ".\\base.vhdx"))
                         .isEmpty());
        const ChainForest f = mapFolder(dir);
        VHDX_REQUIRE_FINDING(f.findings, FindingCode::ChainHasChildren, parent);
        const QString message = qs(parent.message);
        QVERIFY2(message.contains("c09.avhdx"), qPrintable(message));
        QCOMPARE(message.contains("c10.avhdx"), false);
        QCOMPARE(message.contains("and 1 more"), children == 11);
    }

    // A chain deeper than the indentation cap: lines stop growing, each says its level.
    void deepChainIndentationIsBounded() {
        const QString dir = fresh();
        const int depth = 40;
        QVERIFY(!writeSpec(dir, "d00.vhdx", baseImage(chainGuid(0))).isEmpty());
        for (int i = 1; i < depth; ++i) {
            char parent[16];
            std::snprintf(parent, sizeof parent, ".\\d%02d.%s", i - 1, i == 1 ? "vhdx" : "avhdx");
            QVERIFY(!writeSpec(dir, QString("d%1.avhdx").arg(i, 2, 10, QChar('0')),
                               childImage(chainGuid(i), chainGuid(i - 1), parent))
                         .isEmpty());
        }
        const ChainForest f = mapFolder(dir);
        QVERIFY2(!f.hasErrors(), qPrintable(describe(f.findings)));
        const QStringList lines = qs(chainsText(f)).split('\n');
        int longest = 0;
        for (const QString& l : lines)
            if (l.contains(".avhdx  ["))
                longest = std::max(longest, int(l.indexOf("d")));
        QCOMPARE(longest, 4 * 32 + int(std::strlen("(level 39) ")));
        // At the cap the line is indented and unlabelled; one past it, labelled.
        QVERIFY(qs(chainsText(f)).contains(QString(4 * 31, ' ') + "`-- d32.avhdx  ["));
        QVERIFY(qs(chainsText(f)).contains(QString(4 * 31, ' ') + "`-- (level 33) d33.avhdx"));
        QVERIFY(qs(chainsText(f)).contains("`-- (level 39) d39.avhdx"));
    }
};

VHDX_TEST_MAIN(TestChainFolderLimits)
#include "tst_chain_folder_limits.moc"
