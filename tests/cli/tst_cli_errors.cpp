// The contract's exit codes and streams for bad paths, bad files and bad usage:
// 2 = usage or unreadable (message on stderr, nothing on stdout), 1 = read with an error
// finding (JSON still printed), 0 = no error finding (warnings allowed).
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

#include "cli_runner.h"
#include "image_builder.h"
#include "test_files.h"
#include "test_registry.h"

using namespace vhdx::test;

static QStringList codes(const RunResult& r) {
    QStringList out;
    for (const QJsonValue f : r.json()["findings"].toArray())
        out << f["code"].toString();
    return out;
}

class TestCliErrors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QString& name, const QByteArray& bytes) {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            return {};
        return path;
    }

    static void expectUnreadable(const RunResult& r, const char* reason) {
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        QVERIFY2(r.err.contains(reason), r.err.constData());
    }

  private slots:
    void missingFile() {
        const RunResult r = runInspector({"--json", m_dir.filePath("nope.vhdx")});
        expectUnreadable(r, "No such file or directory");
        QVERIFY(r.err.contains("nope.vhdx"));
    }

    void directory() { expectUnreadable(runInspector({"--report", m_dir.path()}), "directory"); }

    void noPermission() {
        const QString path = write("secret.vhdx", QByteArray("vhdxfile"));
        if (::geteuid() != 0) {
            QFile::setPermissions(path, QFileDevice::Permissions());
            expectUnreadable(runInspector({"--json", path}), "Permission denied");
            return;
        }
        // As root every file is readable: run the program as nobody, who cannot enter the
        // 0700 temporary directory.
        const QString setpriv = QStandardPaths::findExecutable("setpriv");
        if (setpriv.isEmpty())
            QSKIP("setpriv (util-linux) is needed to drop root for this test");
        const RunResult r = runProgram(setpriv, {"--reuid=65534", "--regid=65534", "--clear-groups",
                                                 inspectorPath(), "--json", path});
        expectUnreadable(r, "Permission denied");
    }

    void emptyFileIsNotVhdx() {
        const RunResult r = runInspector({"--json", write("empty.vhdx", {})});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.isEmpty());
        QCOMPARE(codes(r), QStringList{"NOT_VHDX"});
        QCOMPARE(r.json()["file"]["size"].toInt(), 0);
        QVERIFY(r.json()["identifier"].isNull());
        QVERIFY(r.json()["headers"].isNull());
    }

    void randomBytesAreNotVhdx() {
        QByteArray junk(1 << 20, '\0');
        QRandomGenerator gen(42);
        gen.fillRange(reinterpret_cast<quint32*>(junk.data()), junk.size() / 4);
        const RunResult r = runInspector({"--json", write("junk.vhdx", junk)});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(codes(r), QStringList{"NOT_VHDX"});
        QCOMPARE(r.json()["identifier"]["signature_valid"].toBool(), false);
        const RunResult text = runInspector({"--report", write("junk.vhdx", junk)});
        QCOMPARE(text.exitCode, 1);
        QVERIFY(text.out.contains("NOT_VHDX"));
        QVERIFY(text.out.startsWith("Verdict: NOT USABLE\n"));
    }

    void truncatedAfterSignature() {
        QByteArray bytes("vhdxfile");
        bytes.resize(100 * 1024, '\0');
        const RunResult r = runInspector({"--json", write("trunc.vhdx", bytes)});
        QCOMPARE(r.exitCode, 1);
        const QStringList c = codes(r);
        QVERIFY2(c.contains("FILE_TRUNCATED"), qPrintable(c.join(',')));
        QVERIFY2(c.contains("NO_VALID_HEADER"), qPrintable(c.join(',')));
        QVERIFY(r.json()["current_header"].isNull());
    }

    void warningOnlyExitsZero() {
        BuiltImage img = buildImage(ImageSpec{});
        img.bytes[img.headerOffset[0] + 100] ^= 0xFF; // header 1 checksum now wrong
        const QString path = writeImageFile(m_dir.path(), "warn.vhdx", img.bytes);
        const RunResult r = runInspector({"--json", path});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(codes(r), QStringList{"HEADER_CHECKSUM_BAD"});
        QCOMPARE(r.json()["findings"][0]["severity"].toString(), QString("warning"));
        QCOMPARE(r.json()["findings"][0]["structure"].toString(), QString("header1"));
        QCOMPARE(r.json()["current_header"].toInt(), 2);
    }

    void errorExitsOne() {
        BuiltImage img = buildImage(ImageSpec{});
        img.bytes[img.headerOffset[0] + 100] ^= 0xFF;
        img.bytes[img.headerOffset[1] + 100] ^= 0xFF;
        const QString path = writeImageFile(m_dir.path(), "err.vhdx", img.bytes);
        const RunResult r = runInspector({"--json", path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(codes(r).contains("NO_VALID_HEADER"));
        QCOMPARE(r.json()["findings"][0]["severity"].toString(), QString("error"));
    }

    // A parent that was never found was never compared: linkage_matches is null, not false,
    // and the text report does not claim a MISMATCH.
    void missingParentLinkageIsNotChecked() {
        ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{00000000-0000-0000-0000-000000000001}"},
                              {"relative_path", "nowhere.vhdx"}};
        const QString path = writeImageFile(m_dir.path(), "orphan.vhdx", buildImage(spec).bytes);
        const RunResult r = runInspector({"--json", path});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject link = r.json()["parent_chain"][0].toObject();
        QCOMPARE(link["found"].toBool(), false);
        QVERIFY(link["linkage_matches"].isNull());
        QVERIFY(link["data_write_guid"].isNull());
        QVERIFY(codes(r).contains("PARENT_NOT_FOUND"));
        const RunResult text = runInspector({"--report", path});
        QVERIFY(!text.out.contains("MISMATCH"));
        QVERIFY(text.out.contains("linkage:                     not checked (parent not read)"));
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("json without file") << QStringList{"--json"};
        QTest::newRow("unknown option") << QStringList{"--frobnicate", "x.vhdx"};
        QTest::newRow("two modes") << QStringList{"--json", "--report", "x.vhdx"};
        QTest::newRow("two files") << QStringList{"--json", "a.vhdx", "b.vhdx"};
        QTest::newRow("yes without update") << QStringList{"--json", "--yes", "a.vhdx"};
        QTest::newRow("backup without path") << QStringList{"--update-headers", "a", "--backup"};
        QTest::newRow("stored without report") << QStringList{"--replay-log", "--stored", "a"};
        QTest::newRow("backup with json") << QStringList{"--json", "a", "--backup", "b"};
        QTest::newRow("new data guid with replay")
            << QStringList{"--replay-log", "a", "--new-data-guid"};
        QTest::newRow("replay and update") << QStringList{"--replay-log", "--update-headers", "a"};
        QTest::newRow("replay without file") << QStringList{"--replay-log"};
        QTest::newRow("restore with one file") << QStringList{"--restore-backup", "b"};
        QTest::newRow("restore with backup option")
            << QStringList{"--restore-backup", "b", "a", "--backup", "c"};
    }

    void usageErrors() {
        QFETCH(QStringList, args);
        const RunResult r = runInspector(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.contains("Usage:"));
    }

    void helpAndVersion() {
        const RunResult h = runInspector({"--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("--update-headers"));
        QVERIFY(h.out.contains("--replay-log"));
        QVERIFY(h.out.contains("--restore-backup"));
        QVERIFY(h.out.contains("--stored"));
        const RunResult v = runInspector({"--version"});
        QCOMPARE(v.exitCode, 0);
        QVERIFY(v.out.startsWith("vhdx-inspector "));
    }
};

VHDX_TEST_MAIN(TestCliErrors)
#include "tst_cli_errors.moc"
