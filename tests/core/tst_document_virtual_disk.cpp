// The document's "Virtual disk" node against independent tools: the disk size
// against qemu-img info, the partition table and each partition against sfdisk --json, the
// filesystems against blkid run on the raw source. GPT with named partitions, MBR with an
// extended partition and logical ones, one partition, filesystems on the whole disk (a
// labelled ext4, minix without label or UUID). The node's statuses:
// tst_document_virtual_disk_status.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "document_virtual_disk_helpers.h"
#include "test_files.h"
#include "test_registry.h"
#include "vhdx/document/document.h"
#include "vhdx/text_format.h"
#include "vhdx/virtual_disk.h"
#include "vhdx/virtual_disk_report.h"

using namespace vhdx;
using namespace vhdx::test;

class TestDocumentVirtualDisk : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    // Each partition node of the table against sfdisk's entry and blkid on its bytes.
    void partitionsAgree(const Document& d, NodeId table, const QString& raw,
                         const QJsonObject& sf) {
        const QJsonArray parts = sf["partitions"].toArray();
        QCOMPARE(d.node(table).children.size(), size_t(parts.size()));
        const bool gpt = sf["label"].toString() == "gpt";
        const qint64 sector = sf["sectorsize"].toInteger();
        const QString ptuuid = blkid(raw).value("PTUUID");
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const QJsonObject t = parts[i].toObject();
            const QString node = t["node"].toString();
            const int number = node.mid(raw.size()).toInt(); // "<raw>5" -> 5
            const DocNode& p = d.node(d.node(table).children[size_t(i)]);
            QCOMPARE(p.kind, NodeKind::GuestPartition);
            QCOMPARE(p.label, "Partition " + std::to_string(number));
            const qint64 start = t["start"].toInteger(), size = t["size"].toInteger();
            const NodeId n = d.node(table).children[size_t(i)];
            QCOMPARE(valueOf(d, n, "Start"), formatOffset(uint64_t(start * sector)) + " (sector " +
                                                 formatCount(uint64_t(start)) + ")");
            QCOMPARE(valueOf(d, n, "Size"), formatBytes(uint64_t(size * sector)));
            QString type = t["type"].toString().toLower();
            if (!gpt)
                type = "0x" + type.rightJustified(2, '0');
            QCOMPARE(valueOf(d, n, "Type"), str(type));
            QCOMPARE(valueOf(d, n, "Name"), gpt ? str(t["name"].toString()) : "<none>");
            // MBR partitions have no UUID of their own: blkid names them <disk id>-<number>.
            QCOMPARE(valueOf(d, n, "Partition UUID"),
                     gpt ? str(t["uuid"].toString().toLower())
                         : str(ptuuid + QString("-%1").arg(number, 2, 10, QChar('0'))));
            QCOMPARE(valueOf(d, n, "Logical"), !gpt && number > 4 ? "yes" : "<none>");
            const bool extended = !gpt && (type == "0x5" || type == "0x05" || type == "0xf");
            const std::string where = ", " + formatSize(uint64_t(size * sector)) + " at " +
                                      formatOffset(uint64_t(start * sector));
            const auto fs = blkid(raw, start * sector, size * sector);
            if (extended) {
                QCOMPARE(p.value, "extended (a container)" + where);
            } else if (!fs.contains("TYPE")) {
                QCOMPARE(p.value, "no filesystem found" + where);
                QCOMPARE(child(d, n, "Filesystem"), noNode);
            } else {
                const QString label = fs.value("LABEL");
                QCOMPARE(p.value, str(fs.value("TYPE")) +
                                      (label.isEmpty() ? "" : " \"" + str(label) + "\"") + where);
                QCOMPARE(valueOf(d, n, "Filesystem"), str(fs.value("TYPE")));
                QCOMPARE(valueOf(d, n, "Label"), label.isEmpty() ? "<none>" : str(label));
                QCOMPARE(valueOf(d, n, "Filesystem UUID"), str(fs.value("UUID")));
            }
        }
    }

    // The image made from raw by qemu-img: its Virtual disk node against the tools.
    void tableAgrees(const QString& raw, const std::string& tableType, int partitions) {
        const QString image = toVhdx(raw);
        QVERIFY(!image.isEmpty());
        const Opened o = openWithSummary(str(image));
        QVERIFY(o.vd != noNode);
        const Document& d = *o.doc;
        const QJsonObject sf =
            QJsonDocument::fromJson(run("sfdisk", {"--json", raw}).out)["partitiontable"]
                .toObject();
        QCOMPARE(str(sf["label"].toString()), tableType);
        QCOMPARE(sf["partitions"].toArray().size(), qsizetype(partitions));
        const uint64_t size = uint64_t(qemuVirtualSize(image));
        QCOMPARE(size, uint64_t(QFileInfo(raw).size()));
        QCOMPARE(d.node(o.vd).label, std::string("Virtual disk"));
        QCOMPARE(d.node(o.vd).value, formatSize(size) + ", " + tableType + ", " +
                                         std::to_string(partitions) +
                                         (partitions == 1 ? " partition" : " partitions"));
        QCOMPARE(d.node(o.vd).status, NodeStatus::None); // nothing wrong, nothing partial
        QVERIFY(d.node(o.vd).ranges.empty());            // no bytes of this file
        QCOMPARE(valueOf(d, o.vd, "Size"), formatBytes(size));
        QCOMPARE(valueOf(d, o.vd, "Logical sector size"),
                 formatBytes(uint64_t(sf["sectorsize"].toInteger())));
        QCOMPARE(valueOf(d, o.vd, "Images in the chain"), std::string("1"));
        QCOMPARE(child(d, o.vd, "Sector bitmaps present"), noNode); // not differencing
        QCOMPARE(child(d, o.vd, "Filesystem"), noNode);
        QVERIFY(valueOf(d, o.vd, "Read for the probe") != "<none>");
        const NodeId table = child(d, o.vd, "Partition table");
        QCOMPARE(d.node(table).value, tableType + " " + str(blkid(raw).value("PTUUID")));
        partitionsAgree(d, table, raw, sf);
        QCOMPARE(child(d, table, "More"), noNode);
    }

    QString gptRaw() {
        const QString raw = m_dir.filePath("gpt.raw");
        if (QFile::exists(raw))
            return raw;
        if (!makeRaw(raw, 64) ||
            run("sfdisk", {"-q", raw},
                "label: gpt\nstart=2048, size=8192, type=L, name=\"alpha\"\n"
                "start=10240, size=65536, type=L, name=\"data part\"\n"
                "start=77824, size=2048, type=S, name=\"swap\"\n")
                    .exitCode != 0 ||
            run("mkfs.ext4", {"-q", "-F", "-L", "guestlabel", "-E",
                              QString("offset=%1").arg(10240 * 512), raw, "32768k"})
                    .exitCode != 0)
            return {};
        return raw;
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("PATH", "/usr/sbin:/sbin:" + qgetenv("PATH"));
    }

    void gptPartitions() {
        const QString raw = gptRaw();
        QVERIFY(!raw.isEmpty());
        tableAgrees(raw, "gpt", 3);
    }

    // An MBR disk: an unlabelled ext4, an extended partition holding a labelled ext4 and
    // an empty logical partition.
    void mbrExtendedAndLogical() {
        const QString raw = m_dir.filePath("mbr.raw");
        QVERIFY(makeRaw(raw, 48));
        QCOMPARE(run("sfdisk", {"-q", raw},
                     "label: dos\nstart=2048, size=20480, type=83\n"
                     "start=22528, size=73728, type=5\n"
                     "start=24576, size=20480, type=83\n"
                     "start=47104, size=8192, type=83\n")
                     .exitCode,
                 0);
        QCOMPARE(run("mkfs.ext4",
                     {"-q", "-F", "-E", QString("offset=%1").arg(2048 * 512), raw, "10240k"})
                     .exitCode,
                 0);
        QCOMPARE(run("mkfs.ext4", {"-q", "-F", "-L", "logicallabel", "-E",
                                   QString("offset=%1").arg(24576 * 512), raw, "10240k"})
                     .exitCode,
                 0);
        tableAgrees(raw, "dos", 4);
    }

    void oneMbrPartition() {
        const QString raw = m_dir.filePath("one.raw");
        QVERIFY(makeRaw(raw, 8));
        QCOMPARE(
            run("sfdisk", {"-q", raw}, "label: dos\nstart=2048, size=4096, type=83\n").exitCode, 0);
        tableAgrees(raw, "dos", 1);
    }

    // A filesystem on the whole disk: a labelled ext4, and minix (neither label nor UUID).
    void wholeDiskFilesystems() {
        for (const auto& [name, cmd] :
             {std::pair<QString, QStringList>{"ext4", {"mkfs.ext4", "-q", "-F", "-L", "whole"}},
              std::pair<QString, QStringList>{"minix", {"mkfs.minix"}}}) {
            const QString raw = m_dir.filePath("whole-" + name + ".raw");
            QVERIFY(makeRaw(raw, 16));
            QCOMPARE(run(cmd[0], cmd.mid(1) << raw).exitCode, 0);
            const auto truth = blkid(raw);
            QCOMPARE(truth.value("TYPE"), name);
            QVERIFY(!truth.contains("PTTYPE"));
            const QString image = toVhdx(raw);
            QVERIFY(!image.isEmpty());
            const Opened o = openWithSummary(str(image));
            QVERIFY(o.vd != noNode);
            const Document& d = *o.doc;
            const QString label = truth.value("LABEL");
            QCOMPARE(d.node(o.vd).value,
                     formatSize(uint64_t(qemuVirtualSize(image))) + ", " + str(name) +
                         (label.isEmpty() ? "" : " \"" + str(label) + "\"") + " on the whole disk");
            QCOMPARE(child(d, o.vd, "Partition table"), noNode);
            QCOMPARE(valueOf(d, o.vd, "Filesystem"), str(name));
            QCOMPARE(valueOf(d, o.vd, "Label"), label.isEmpty() ? "<none>" : str(label));
            QCOMPARE(valueOf(d, o.vd, "Filesystem UUID"),
                     truth.contains("UUID") ? str(truth.value("UUID")) : "<none>");
        }
    }

    // A builder image with no payload: zeros, no table. Without a summary, no node at all.
};

VHDX_TEST_MAIN(TestDocumentVirtualDisk)
#include "tst_document_virtual_disk.moc"
