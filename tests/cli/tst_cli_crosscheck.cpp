// Cross-checks against independent readers on images made by a real writer (qemu-img):
// our JSON must agree with `qemu-img info --output=json` and `vhdiinfo`, and where
// `qemu-img check` accepts an image we must report no error or warning.
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "cli_runner.h"
#include "test_registry.h"

using namespace vhdx::test;

class TestCliCrosscheck : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static QString vhdiField(const QByteArray& out, const QString& label) {
        const QRegularExpression re(label + QStringLiteral("\\s*:\\s*(.*)"));
        const auto m = re.match(QString::fromUtf8(out));
        return m.hasMatch() ? m.captured(1).trimmed() : QString();
    }

  private slots:
    void initTestCase() {
        for (const char* tool : {"qemu-img", "qemu-io", "vhdiinfo"})
            QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
                     qPrintable(QString("%1 is missing: run scripts/setup.sh").arg(tool)));
    }

    void agreesWithQemuAndVhdi_data() {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("size");
        QTest::addColumn<QStringList>("writes"); // qemu-io "write" commands
        QTest::addColumn<qint64>("blockSize");
        QTest::addColumn<int>("fullyPresent");
        QTest::newRow("dynamic 1G, 1M blocks, 1M log")
            << "block_size=1M,log_size=1M"
            << "1G" << QStringList() << qint64(1 << 20) << 0;
        QTest::newRow("dynamic 100G, qemu's default blocks (16M at this size)")
            << ""
            << "100G" << QStringList() << qint64(16 << 20) << 0;
        QTest::newRow("dynamic 10G, 256M blocks, not zero-state")
            << "block_size=256M,block_state_zero=off"
            << "10G" << QStringList() << qint64(256 << 20) << 0;
        QTest::newRow("dynamic 64T, 1M blocks") << "block_size=1M,log_size=1M"
                                                << "64T" << QStringList() << qint64(1 << 20) << 0;
        // qemu marks a fixed disk's allocated blocks ZERO unless block_state_zero=off.
        QTest::newRow("fixed 64M, 8M blocks, zero state")
            << "subformat=fixed,block_size=8M"
            << "64M" << QStringList() << qint64(8 << 20) << 0;
        QTest::newRow("fixed 64M, 8M blocks, fully present")
            << "subformat=fixed,block_size=8M,block_state_zero=off"
            << "64M" << QStringList() << qint64(8 << 20) << 8;
        QTest::newRow("dynamic 2G, 2M blocks, data in 3 blocks")
            << "block_size=2M"
            << "2G"
            << QStringList{"write -P 0xab 0 4k", "write -P 0xcd 5M 1M", "write -P 0x11 1G 64k"}
            << qint64(2 << 20) << 3;
        QTest::newRow("dynamic 8G, 1M blocks, data across a chunk boundary")
            << "block_size=1M,log_size=1M"
            << "8G" << QStringList{"write -P 0x5a 4095M 2M"} << qint64(1 << 20) << 2;
    }

    void agreesWithQemuAndVhdi() {
        QFETCH(QString, options);
        QFETCH(QString, size);
        QFETCH(QStringList, writes);
        QFETCH(qint64, blockSize);
        QFETCH(int, fullyPresent);
        const QString path =
            m_dir.filePath(QString("img-%1.vhdx")
                               .arg(QTest::currentDataTag())
                               .replace(QRegularExpression("[^A-Za-z0-9.-]"), "_"));
        QStringList create{"create", "-q", "-f", "vhdx"};
        if (!options.isEmpty())
            create << "-o" << options;
        create << path << size;
        QCOMPARE(runProgram("qemu-img", create).exitCode, 0);
        for (const QString& w : writes)
            QCOMPARE(runProgram("qemu-io", {"-f", "vhdx", "-c", w, path}).exitCode, 0);

        const RunResult ours = runInspector({"--json", path});
        QCOMPARE(ours.exitCode, 0);
        const QJsonObject j = ours.json();
        QCOMPARE(j["findings"].toArray().size(), 0);

        const RunResult info = runProgram("qemu-img", {"info", "--output=json", path});
        QCOMPARE(info.exitCode, 0);
        const QJsonObject q = QJsonDocument::fromJson(info.out).object();
        QCOMPARE(j["metadata"]["virtual_disk_size"].toInteger(), q["virtual-size"].toInteger());
        QCOMPARE(j["metadata"]["block_size"].toInteger(), q["cluster-size"].toInteger());
        QCOMPARE(j["metadata"]["block_size"].toInteger(), blockSize);
        QCOMPARE(j["file"]["size"].toInteger(), QFileInfo(path).size());
        QCOMPARE(runProgram("qemu-img", {"check", path}).exitCode, 0);

        const RunResult vhdi = runProgram("vhdiinfo", {path});
        QCOMPARE(vhdi.exitCode, 0);
        const bool fixed = j["metadata"]["leave_blocks_allocated"].toBool();
        QCOMPARE(vhdiField(vhdi.out, "Disk type"), QString(fixed ? "Fixed" : "Dynamic"));
        QVERIFY(vhdiField(vhdi.out, "Media size")
                    .contains(QString("(%1 bytes)").arg(q["virtual-size"].toInteger())));
        QCOMPARE(vhdiField(vhdi.out, "Bytes per sector"),
                 QString("%1 bytes").arg(j["metadata"]["logical_sector_size"].toInt()));
        const int cur = j["current_header"].toInt();
        QCOMPARE(vhdiField(vhdi.out, "Identifier"),
                 j["headers"][cur - 1]["data_write_guid"].toString());

        // BAT geometry from the spec's formulas, and the blocks the writes allocated.
        const qint64 vsize = q["virtual-size"].toInteger();
        const qint64 chunkRatio = (qint64(1) << 23) * 512 / blockSize;
        const qint64 blocks = (vsize + blockSize - 1) / blockSize;
        const QJsonObject bat = j["bat"].toObject();
        QCOMPARE(bat["chunk_ratio"].toInteger(), chunkRatio);
        QCOMPARE(bat["payload_entries"].toInteger(), blocks);
        QCOMPARE(bat["entry_count"].toInteger(), blocks + (blocks - 1) / chunkRatio);
        QCOMPARE(bat["payload_states"]["fully_present"].toInt(), fullyPresent);
    }

    // Two payload blocks pointing at the same file offset: we name it; qemu-img check's
    // verdict is logged for comparison (it does not look for overlaps).
    void overlappingBlocksAreFound() {
        const QString path = m_dir.filePath("overlap.vhdx");
        QCOMPARE(runProgram("qemu-img",
                            {"create", "-q", "-f", "vhdx", "-o", "block_size=1M", path, "1G"})
                     .exitCode,
                 0);
        QCOMPARE(runProgram("qemu-io", {"-f", "vhdx", "-c", "write -P 1 0 2M", path}).exitCode, 0);
        const QJsonObject before = runInspector({"--json", path}).json();
        const qint64 batOffset = before["bat"]["offset"].toInteger();
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek(batOffset));
        const QByteArray first = f.read(8);
        QVERIFY(f.seek(batOffset + 8));
        QCOMPARE(f.write(first), 8); // block 1 now maps onto block 0's storage
        f.close();
        const RunResult ours = runInspector({"--json", path});
        QCOMPARE(ours.exitCode, 1);
        bool found = false;
        for (const QJsonValue x : ours.json()["findings"].toArray())
            if (x["code"].toString() == "BAT_ENTRY_OVERLAP") {
                found = true;
                QCOMPARE(x["structure"].toString(), QString("bat[1]"));
                QCOMPARE(x["offset"].toInteger(), batOffset + 8);
            }
        QVERIFY(found);
        const RunResult qemu = runProgram("qemu-img", {"check", path});
        qInfo("qemu-img check on the overlapping image: exit %d, %s", qemu.exitCode,
              qemu.out.trimmed().constData());
    }
};

VHDX_TEST_MAIN(TestCliCrosscheck)
#include "tst_cli_crosscheck.moc"
