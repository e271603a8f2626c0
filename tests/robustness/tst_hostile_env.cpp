// A hostile environment and hostile text (cases 1, 2, 3, 5, 6, 7, 8, 9), end to end
// through the real binary: each gets a quick, bounded, clear answer and nothing is lost.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

#include "cli_runner.h"
#include "image_builder.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/bytes.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
const Guid kLog = *Guid::parse("c82755bc-427f-1245-b72c-da70aaabe031");

// `sh -c SCRIPT inspector ARGS...`: the script runs the inspector as "$0" "$@".
RunResult runShell(const QString& script, const QStringList& args, int timeoutMs = 60000) {
    return runProgram("/bin/sh", QStringList{"-c", script, inspectorPath()} + args, timeoutMs);
}

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestHostileEnv : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString image(const QString& name, const ImageSpec& spec = {}) {
        return writeImageFile(m_dir.path(), name, buildImage(spec).bytes);
    }

  private slots:
    // Case 3: a FIFO with no writer must not block open() forever.
    void fifoIsRefusedAtOnce() {
        const QString fifo = m_dir.filePath("fifo.vhdx");
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        for (const QStringList& args :
             {QStringList{"--json", fifo}, QStringList{"--update-headers", fifo, "--yes"}}) {
            const RunResult r = runInspector(args, 10000);
            QVERIFY2(!r.crashed, "timed out or crashed: open() blocked on the FIFO");
            QCOMPARE(r.exitCode, 2);
            QVERIFY(r.out.isEmpty());
            QVERIFY2(r.err.contains("not a regular file"), r.err.constData());
        }
    }

    // Case 5: a report that did not reach its reader is exit 2 with a message.
    void fullStdoutIsExitTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("json") << QStringList{"--json"};
        QTest::newRow("report") << QStringList{"--report"};
        QTest::newRow("update plan") << QStringList{"--update-headers"};
    }
    void fullStdoutIsExitTwo() {
        QFETCH(QStringList, args);
        const QString path = image("full.vhdx");
        const RunResult r = runShell("exec \"$0\" \"$@\" > /dev/full", args + QStringList{path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("writing to standard output failed"), r.err.constData());
    }
    void fullStdoutStopsTheUpdate() {
        const QString path = image("full-update.vhdx");
        const QByteArray before = fileBytes(path);
        const RunResult r =
            runShell("exec \"$0\" \"$@\" > /dev/full", {"--update-headers", path, "--yes"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("Nothing was written"), r.err.constData());
        QCOMPARE(fileBytes(path), before);
    }

    // Case 7: an empty backup path is a usage error, not an update without a backup.
    void emptyBackupPathIsRefused() {
        const QString path = image("backup.vhdx");
        const QByteArray before = fileBytes(path);
        const RunResult r = runInspector({"--update-headers", path, "--yes", "--backup", ""});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--backup needs a PATH"), r.err.constData());
        QCOMPARE(fileBytes(path), before);
    }

    // Case 9: with fd 2 closed the image must not become fd 2: the update's trace lines
    // (written to stderr) would land in the image.
    void closedStderrDoesNotReachTheImage() {
        const QString path = image("fd2.vhdx");
        const QByteArray before = fileBytes(path);
        const RunResult r = runShell(
            "exec 2>&-; VHDX_WRITE_TEST_DELAY_US=1 VHDX_WRITE_TEST_TRACE=1 exec \"$0\" \"$@\"",
            {"--update-headers", path, "--yes"});
        QCOMPARE(r.exitCode, 0);
        const QByteArray after = fileBytes(path);
        QCOMPARE(after.size(), before.size());
        QVERIFY(after.startsWith("vhdxfile"));
        QVERIFY(!after.contains("step: "));
        // Only the two 4 KiB header blocks changed.
        QCOMPARE(after.left(64 * 1024), before.left(64 * 1024));
        QCOMPARE(after.mid(68 * 1024, 60 * 1024), before.mid(68 * 1024, 60 * 1024));
        QCOMPARE(after.mid(132 * 1024), before.mid(132 * 1024));
        const RunResult check = runInspector({"--json", path});
        QCOMPARE(check.exitCode, 0);
    }

    // Case 6: the plan reads everything through one descriptor: the image is opened once.
    void planOpensTheImageOnce() {
        const QString path = image("once.vhdx");
        const QString trace = m_dir.filePath("trace.txt");
        // LeakSanitizer cannot run under ptrace: the sanitizer build's leak check is off here.
        const RunResult r = runProgram("env", {"ASAN_OPTIONS=detect_leaks=0", "strace", "-f", "-e",
                                               "trace=open,openat", "-o", trace, inspectorPath(),
                                               "--update-headers", path});
        QCOMPARE(r.exitCode, 0);
        int opens = 0;
        for (const QByteArray& line : fileBytes(trace).split('\n'))
            if (line.contains(QFile::encodeName(path)) && !line.contains("ENOENT"))
                ++opens;
        QCOMPARE(opens, 1);
    }

    // Case 8: escape sequences in the creator and a locator value never reach the terminal;
    // a path that is not UTF-8 still gives valid JSON; a repeated locator key appears once.
    void hostileTextIsNeutralised() {
        ImageSpec spec;
        spec.creator = "\x1b]0;pwned\x07\x1b[31m\nFindings (0 errors)\nVerdict: clean";
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{00000000-0000-0000-0000-000000000001}"},
                              {"relative_path", "a\x1b[2Jb.vhdx"},
                              {"relative_path", "again.vhdx"}};
        // The image lives in a folder whose name is the byte 0xff: not UTF-8.
        const QString path = writeImageFile(m_dir.path(), "text.vhdx", buildImage(spec).bytes);
        const QByteArray rawDir = QFile::encodeName(m_dir.path()) + "/bytes-\xff";
        QCOMPARE(::mkdir(rawDir.constData(), 0700), 0);
        QCOMPARE(::rename(QFile::encodeName(path).constData(), (rawDir + "/text.vhdx").constData()),
                 0);
        const QString script = "exec \"$0\" \"$1\" \"$2/$(printf 'bytes-\\377')/text.vhdx\"";
        const RunResult text = runShell(script, {"--report", m_dir.path()});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(!text.out.contains('\x1b') && !text.out.contains('\x07'), text.out.constData());
        QVERIFY(text.out.contains("\\x1b]0;pwned\\x07\\x1b[31m\\x0aFindings (0 errors)"));
        int verdictLines = 0, findingsLines = 0; // the forged lines stay inside the creator's
        for (const QByteArray& line : text.out.split('\n')) {
            verdictLines += line.startsWith("Verdict:");
            findingsLines += line.startsWith("Findings (");
        }
        QCOMPARE(verdictLines, 1);
        QCOMPARE(findingsLines, 1);
        QVERIFY(!text.err.contains('\x1b'));

        const RunResult json = runShell(script, {"--json", m_dir.path()});
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(json.out, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(doc["file"]["path"].toString().contains(QChar(0xFFFD)));
        QCOMPARE(json.out.count("\"relative_path\""), 1);
        QCOMPARE(doc["metadata"]["parent_locator"]["entries"]["relative_path"].toString(),
                 QString("a\x1b[2Jb.vhdx"));
        // QTemporaryDir cannot remove a name that is not UTF-8.
        QCOMPARE(::unlink((rawDir + "/text.vhdx").constData()), 0);
        QCOMPARE(::rmdir(rawDir.constData()), 0);
    }

    // Case 1: 2047 unknown regions at one offset: findings stay linear (100 pairs listed,
    // the rest counted), the reports stay small.
    void quadraticRegionOverlapIsBounded() {
        ImageSpec spec;
        for (int i = 0; i < 2045; ++i)
            spec.extraRegions.push_back({Guid::random(), 8 * MiB, uint32_t(MiB), 0});
        const QString path = image("regions.vhdx", spec);
        const RunResult json = runInspector({"--json", path});
        QCOMPARE(json.exitCode, 1);
        QVERIFY2(json.out.size() < 4 * 1024 * 1024, qPrintable(QString::number(json.out.size())));
        int overlaps = 0;
        for (const QJsonValue f : json.json()["findings"].toArray())
            overlaps += f["code"].toString() == "REGION_OVERLAP";
        QCOMPARE(overlaps, 101); // 100 listed and one summary (the table in use is checked)
    }

    // Case 2: five entries claiming EntryLength = LogLength (128 MiB) in front of the real
    // one used to exhaust the checksum budget (4 x LogLength + 64 MiB) and hide the replay.
    void longClaimsBeforeTheRealEntry() {
        ImageSpec spec;
        spec.logGuid = kLog;
        spec.logLength = 128 * MiB;
        LogEntrySpec real;
        real.sequenceNumber = 7;
        real.offset = 5 * 4096;
        real.data.push_back({4 * MiB, {}});
        spec.logEntries.push_back(real);
        BuiltImage b = buildImage(spec);
        for (uint64_t k = 0; k < 5; ++k) {
            const uint64_t at = b.logOffset + k * 4096;
            std::memcpy(b.bytes.data() + at, "loge", 4);
            putU32(b, at + field::logEntryLength, uint32_t(b.logLength));
            putU64(b, at + field::logSequence, 100 + k);
            putGuid(b, at + field::logGuid, kLog);
        }
        const QString path = writeImageFile(m_dir.path(), "claims.vhdx", b.bytes);
        const RunResult json = runInspector({"--json", path});
        QCOMPARE(json.exitCode, 0); // LOG_REPLAY_NEEDED is a warning
        QCOMPARE(json.json()["log"]["replay_needed"].toBool(), true);
        QCOMPARE(json.json()["log"]["active_sequence"].toArray(), QJsonArray{7});
        const QByteArray before = fileBytes(path);
        const RunResult update = runInspector({"--update-headers", path, "--yes"});
        QCOMPARE(update.exitCode, 1);
        QVERIFY2(update.err.contains("log replay needed"), update.err.constData());
        QCOMPARE(fileBytes(path), before);
    }
};

VHDX_TEST_MAIN(TestHostileEnv)
#include "tst_hostile_env.moc"
