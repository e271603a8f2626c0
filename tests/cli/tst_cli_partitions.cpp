// The guest's partitions in --json (virtual_disk) against util-linux run on our raw export:
// `sfdisk --json` for the table, `blkid -p -o export` (with --offset/--size per partition)
// for the filesystems. Real Windows-made images (xfs, btrfs), a qemu-made GPT disk with named
// partitions and a labelled ext4, and a whole-disk filesystem without a table.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "cli_runner.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/guest_partitions.h"
#include "vhdx/image.h"
#include "vhdx/virtual_disk.h"

using namespace vhdx::test;

namespace {
QMap<QString, QString> blkidExport(const QString& raw, qint64 offset = -1, qint64 size = -1) {
    QStringList args{"-p", "-o", "export"};
    if (offset >= 0)
        args << "-O" << QString::number(offset) << "-S" << QString::number(size);
    args << raw;
    QMap<QString, QString> out;
    for (const QByteArray& line : runProgram("blkid", args).out.split('\n')) {
        const int eq = line.indexOf('=');
        if (eq > 0)
            out.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    }
    return out;
}
QString orEmpty(const QJsonValue& v) {
    return v.isNull() ? QString() : v.toString();
}
} // namespace

class TestCliPartitions : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_gptImage; // made by qemuMadeGpt

    // Our JSON for image, checked against sfdisk and blkid on its raw export.
    void agreesWithUtilLinux(const QString& image, int expectedPartitions) {
        const RunResult report = runInspector({"--json", image});
        QVERIFY(report.exitCode == 0 || report.exitCode == 1);
        const QJsonObject vd = report.json()["virtual_disk"].toObject();
        QVERIFY(!vd.isEmpty());
        QVERIFY(vd["probe"]["performed"].toBool());
        QVERIFY(!vd["probe"]["limited"].toBool());
        const QString raw = image + ".raw";
        QFile::remove(raw);
        QCOMPARE(runInspector({"--export-raw", raw, image}).exitCode, 0);

        const RunResult sf = runProgram("sfdisk", {"--json", raw});
        const QJsonValue table = vd["partition_table"];
        if (expectedPartitions == 0) {
            QVERIFY(table.isNull());
            // sfdisk (libfdisk) calls any sector 0 ending in 55 AA an MBR, even an NTFS boot
            // sector, and then lists no partition; libblkid, and so we, see no table.
            const QJsonObject sfTable =
                QJsonDocument::fromJson(sf.out).object()["partitiontable"].toObject();
            QVERIFY(sf.exitCode != 0 || sfTable["partitions"].toArray().isEmpty());
            const auto whole = blkidExport(raw);
            QVERIFY(!whole.contains("PTTYPE"));
            const QJsonValue fs = vd["filesystem"];
            QCOMPARE(fs.isNull(), !whole.contains("TYPE"));
            if (!fs.isNull()) {
                QCOMPARE(fs["type"].toString(), whole.value("TYPE"));
                QCOMPARE(orEmpty(fs["label"]), whole.value("LABEL"));
                QCOMPARE(orEmpty(fs["uuid"]), whole.value("UUID"));
            }
            QFile::remove(raw);
            return;
        }
        QCOMPARE(sf.exitCode, 0);
        const QJsonObject pt =
            QJsonDocument::fromJson(sf.out).object()["partitiontable"].toObject();
        QCOMPARE(table["type"].toString(), pt["label"].toString());
        const auto whole = blkidExport(raw);
        QCOMPARE(table["type"].toString(), whole.value("PTTYPE"));
        QCOMPARE(table["id"].toString(), whole.value("PTUUID"));
        const qint64 sector = pt["sectorsize"].toInteger();
        const QJsonArray ours = table["partitions"].toArray();
        const QJsonArray theirs = pt["partitions"].toArray();
        QCOMPARE(ours.size(), qsizetype(expectedPartitions));
        QCOMPARE(ours.size(), theirs.size());
        for (qsizetype i = 0; i < ours.size(); ++i) {
            const QJsonObject o = ours[i].toObject(), t = theirs[i].toObject();
            QCOMPARE(o["start"].toInteger(), t["start"].toInteger() * sector);
            QCOMPARE(o["size"].toInteger(), t["size"].toInteger() * sector);
            QString type = t["type"].toString().toLower();
            if (pt["label"].toString() == "dos")
                type = "0x" + type.rightJustified(2, '0');
            QCOMPARE(o["type"].toString(), type);
            QCOMPARE(orEmpty(o["name"]), t["name"].toString());
            if (pt["label"].toString() == "gpt")
                QCOMPARE(o["uuid"].toString(), t["uuid"].toString().toLower());
            const auto fs = blkidExport(raw, o["start"].toInteger(), o["size"].toInteger());
            const QJsonValue f = o["filesystem"];
            QCOMPARE(f.isNull(), !fs.contains("TYPE"));
            if (!f.isNull()) {
                QCOMPARE(f["type"].toString(), fs.value("TYPE"));
                QCOMPARE(orEmpty(f["label"]), fs.value("LABEL"));
                QCOMPARE(orEmpty(f["uuid"]), fs.value("UUID"));
                QCOMPARE(orEmpty(f["usage"]), fs.value("USAGE"));
            }
        }
        QFile::remove(raw);
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // sfdisk, blkid and mkfs.ext4 live in sbin, not always on a user's PATH.
        qputenv("PATH", "/usr/sbin:/sbin:" + qgetenv("PATH"));
        for (const char* tool : {"qemu-img", "sfdisk", "blkid", "mkfs.ext4", "mkntfs", "mkfs.vfat"})
            QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
                     qPrintable(QString("%1 is missing: run scripts/setup.sh").arg(tool)));
    }

    void realImages_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("partitions");
        QTest::newRow("xfs (GPT, one xfs partition)") << "xfs.vhdx.gz" << 1;
        QTest::newRow("btrfs (MBR, one btrfs partition)") << "btrfs.vhdx.gz" << 1;
        QTest::newRow("iotest-dynamic-1G (no table)") << "iotest-dynamic-1G.vhdx.bz2" << 0;
    }
    void realImages() {
        QFETCH(QString, file);
        QFETCH(int, partitions);
        QString error;
        const QString image = decompressTestImage(file, m_dir.path(), &error);
        QVERIFY2(!image.isEmpty(), qPrintable(error));
        agreesWithUtilLinux(image, partitions);
        if (file.startsWith("xfs")) {
            const QJsonObject p = runInspector({"--json", image})
                                      .json()["virtual_disk"]["partition_table"]["partitions"][0]
                                      .toObject();
            QCOMPARE(p["filesystem"]["type"].toString(), QString("xfs"));
            QCOMPARE(p["name"].toString(), QString("Linux filesystem"));
        }
    }

    // A GPT disk with three named partitions, a labelled ext4 in the second, made raw with
    // sfdisk and mkfs.ext4, converted to VHDX by qemu-img (1 MiB blocks, dynamic).
    // Made once: the GPT disk of qemuMadeGpt.
    QString gptImage() {
        if (!m_gptImage.isEmpty())
            return m_gptImage;
        const QString raw = m_dir.filePath("gpt-src.raw");
        QFile f(raw);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.resize(64 << 20);
        f.close();
        const QByteArray script = "label: gpt\n"
                                  "start=2048, size=8192, type=L, name=\"alpha\"\n"
                                  "start=10240, size=65536, type=L, name=\"data part\"\n"
                                  "start=77824, size=2048, type=S, name=\"swap\"\n";
        QProcess sfdisk;
        sfdisk.start("sfdisk", {"-q", raw});
        sfdisk.waitForStarted();
        sfdisk.write(script);
        sfdisk.closeWriteChannel();
        if (!sfdisk.waitForFinished() || sfdisk.exitCode() != 0)
            return {};
        if (runProgram("mkfs.ext4",
                       {"-q", "-F", "-L", "guestlabel", "-E", QString("offset=%1").arg(10240 * 512),
                        raw, QString("%1k").arg(65536 / 2)})
                .exitCode != 0)
            return {};
        const QString image = m_dir.filePath("gpt.vhdx");
        if (runProgram("qemu-img", {"convert", "-O", "vhdx", "-o", "block_size=1M", raw, image})
                .exitCode != 0)
            return {};
        m_gptImage = image;
        return image;
    }

    // A GPT disk with three named partitions, a labelled ext4 in the second, made raw with
    // sfdisk and mkfs.ext4, converted to VHDX by qemu-img (1 MiB blocks, dynamic).
    void qemuMadeGpt() {
        const QString image = gptImage();
        QVERIFY(!image.isEmpty());
        agreesWithUtilLinux(image, 3);
        const QJsonObject ext = runInspector({"--json", image})
                                    .json()["virtual_disk"]["partition_table"]["partitions"][1]
                                    .toObject();
        QCOMPARE(ext["filesystem"]["type"].toString(), QString("ext4"));
        QCOMPARE(ext["filesystem"]["label"].toString(), QString("guestlabel"));
        QCOMPARE(ext["name"].toString(), QString("data part"));
    }

    // The probe's limits, at the limit and one past: partitions listed, bytes read.
    void probeLimits() {
        QVERIFY(!gptImage().isEmpty());
        std::string error;
        const auto image = vhdx::Image::open(gptImage().toStdString(), error);
        QVERIFY2(image, error.c_str());
        const auto disk = vhdx::VirtualDisk::open(*image, error);
        QVERIFY(disk);
        const vhdx::GuestProbe full = vhdx::probeGuest(*disk);
        QVERIFY(full.table && !full.limited);
        QCOMPARE(full.table->partitions.size(), size_t(3));
        vhdx::GuestProbeOptions opt;
        opt.maxPartitions = 3;
        QVERIFY(!vhdx::probeGuest(*disk, opt).table->truncated);
        opt.maxPartitions = 2;
        const vhdx::GuestProbe two = vhdx::probeGuest(*disk, opt);
        QVERIFY(two.table->truncated);
        QCOMPARE(two.table->partitions.size(), size_t(2));

        opt = {};
        opt.maxBytes = full.bytesRead;
        const vhdx::GuestProbe atLimit = vhdx::probeGuest(*disk, opt);
        QVERIFY(!atLimit.limited);
        QCOMPARE(atLimit.bytesRead, full.bytesRead);
        QCOMPARE(atLimit.table->partitions[1].filesystem->label, std::string("guestlabel"));
        opt.maxBytes = full.bytesRead - 1;
        const vhdx::GuestProbe pastLimit = vhdx::probeGuest(*disk, opt);
        QVERIFY(pastLimit.limited);
        QVERIFY(pastLimit.bytesRead <= opt.maxBytes);
    }

    // NTFS keeps its label in the MFT, megabytes into the volume: found only because the probe
    // fills what libblkid asks for, not a fixed set of ranges. An MBR disk with an NTFS and a
    // FAT partition, and NTFS on a whole disk.
    void windowsFilesystems() {
        // Each filesystem made in its own file, then placed at its partition's start.
        const QString ntfs = m_dir.filePath("ntfs.part"), fat = m_dir.filePath("fat.part");
        for (const auto& [file, mib] : {std::pair{ntfs, 300}, std::pair{fat, 64}}) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(qint64(mib) << 20));
        }
        QCOMPARE(runProgram("mkntfs", {"-q", "-F", "-f", "-L", "winlabel", ntfs}).exitCode, 0);
        QCOMPARE(runProgram("mkfs.vfat", {"-n", "FATLABEL", fat}).exitCode, 0);
        const QString raw = m_dir.filePath("mbr-src.raw");
        QFile f(raw);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(512 << 20));
        f.close();
        QProcess sfdisk;
        sfdisk.start("sfdisk", {"-q", raw});
        QVERIFY(sfdisk.waitForStarted());
        sfdisk.write("label: dos\nstart=2048, size=614400, type=7\n"
                     "start=616448, size=131072, type=c\n");
        sfdisk.closeWriteChannel();
        QVERIFY(sfdisk.waitForFinished());
        QCOMPARE(sfdisk.exitCode(), 0);
        QCOMPARE(runProgram("dd", {"if=" + ntfs, "of=" + raw, "bs=1M", "seek=1",
                                   "conv=notrunc,sparse", "status=none"})
                     .exitCode,
                 0);
        QCOMPARE(runProgram("dd", {"if=" + fat, "of=" + raw, "bs=1M", "seek=301",
                                   "conv=notrunc,sparse", "status=none"})
                     .exitCode,
                 0);
        const QString image = m_dir.filePath("mbr.vhdx");
        QCOMPARE(runProgram("qemu-img", {"convert", "-O", "vhdx", raw, image}).exitCode, 0);
        agreesWithUtilLinux(image, 2);
        const QJsonArray parts = runInspector({"--json", image})
                                     .json()["virtual_disk"]["partition_table"]["partitions"]
                                     .toArray();
        QCOMPARE(parts[0]["filesystem"]["type"].toString(), QString("ntfs"));
        QCOMPARE(parts[0]["filesystem"]["label"].toString(), QString("winlabel"));
        QCOMPARE(parts[1]["filesystem"]["type"].toString(), QString("vfat"));
        QCOMPARE(parts[1]["filesystem"]["label"].toString(), QString("FATLABEL"));

        const QString whole = m_dir.filePath("ntfs-whole.vhdx");
        QCOMPARE(runProgram("qemu-img", {"convert", "-O", "vhdx", ntfs, whole}).exitCode, 0);
        agreesWithUtilLinux(whole, 0);
        const QJsonObject vd = runInspector({"--json", whole}).json()["virtual_disk"].toObject();
        QCOMPARE(vd["filesystem"]["label"].toString(), QString("winlabel"));
    }

    // A filesystem on the whole disk, no partition table.
    void wholeDiskFilesystem() {
        const QString raw = m_dir.filePath("whole.raw");
        QCOMPARE(runProgram("mkfs.ext4", {"-q", "-F", "-L", "whole", raw, "32M"}).exitCode, 0);
        const QString image = m_dir.filePath("whole.vhdx");
        QCOMPARE(runProgram("qemu-img", {"convert", "-O", "vhdx", raw, image}).exitCode, 0);
        agreesWithUtilLinux(image, 0);
        const QJsonObject vd = runInspector({"--json", image}).json()["virtual_disk"].toObject();
        QCOMPARE(vd["filesystem"]["type"].toString(), QString("ext4"));
        QCOMPARE(vd["filesystem"]["label"].toString(), QString("whole"));
    }
};

VHDX_TEST_MAIN(TestCliPartitions)
#include "tst_cli_partitions.moc"
