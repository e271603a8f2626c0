// The document's "Virtual disk" node (issue 11) against independent tools: the disk size
// against qemu-img info, the partition table and each partition against sfdisk --json, the
// filesystems against blkid run on the raw source. GPT with named partitions, MBR with an
// extended partition and logical ones, filesystems on the whole disk (labelled ext4, minix
// without label or UUID), no table at all, the probe's limits, a read that fails, and a
// differencing chain with its sector bitmaps, whole and with its parent gone.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "core_test_helpers.h"
#include "test_files.h"
#include "vhdx/document/document.h"
#include "vhdx/text_format.h"
#include "vhdx/virtual_disk.h"
#include "vhdx/virtual_disk_report.h"
#include "virtual_disk_reference.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
};

Run run(const QString& program, const QStringList& args, const QByteArray& input = {}) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted())
        return {};
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput()};
}

bool makeRaw(const QString& path, qint64 mib) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.resize(mib << 20);
}

QMap<QString, QString> blkid(const QString& raw, qint64 offset = -1, qint64 size = -1) {
    QStringList args{"-p", "-o", "export"};
    if (offset >= 0)
        args << "-O" << QString::number(offset) << "-S" << QString::number(size);
    QMap<QString, QString> out;
    for (const QByteArray& line : run("blkid", args << raw).out.split('\n'))
        if (const int eq = line.indexOf('='); eq > 0)
            out.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    return out;
}

QString toVhdx(const QString& raw) {
    const QString image = raw.chopped(4) + ".vhdx";
    return run("qemu-img", {"convert", "-O", "vhdx", "-o", "block_size=1M", raw, image}).exitCode ==
                   0
               ? image
               : QString();
}

qint64 qemuVirtualSize(const QString& image) {
    const Run r = run("qemu-img", {"info", "--output=json", image});
    return QJsonDocument::fromJson(r.out).object()["virtual-size"].toInteger();
}

struct Opened {
    std::unique_ptr<Image> image;
    std::shared_ptr<const Document> doc;
    NodeId vd = noNode;
};

Opened openWithSummary(const std::string& path, std::shared_ptr<const VirtualDiskSummary> s = {}) {
    Opened o;
    std::string error;
    o.image = Image::open(path, error);
    if (!o.image)
        return o;
    o.image->scanBat();
    if (!s)
        if (auto vd = summarizeVirtualDisk(*o.image))
            s = std::make_shared<const VirtualDiskSummary>(std::move(*vd));
    DocumentOptions options;
    options.virtualDisk = s;
    o.doc = buildDocument(*o.image, o.image->findings().items(), options);
    for (NodeId c : o.doc->node(o.doc->root()).children)
        if (o.doc->node(c).kind == NodeKind::VirtualDisk)
            o.vd = c;
    return o;
}

NodeId child(const Document& d, NodeId parent, const std::string& label) {
    if (parent == noNode)
        return noNode;
    for (NodeId c : d.node(parent).children)
        if (d.node(c).label == label)
            return c;
    return noNode;
}

std::string valueOf(const Document& d, NodeId parent, const std::string& label) {
    const NodeId n = child(d, parent, label);
    return n == noNode ? std::string("<none>") : d.node(n).value;
}

std::string str(const QString& s) {
    return s.toStdString();
}

} // namespace

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
    void emptyDiskAndNoSummary() {
        const BuiltImage b = buildImage({});
        const auto img = parseAndScan(b);
        const auto s = summarizeVirtualDisk(*img);
        QVERIFY(s);
        DocumentOptions options;
        options.virtualDisk = std::make_shared<const VirtualDiskSummary>(*s);
        const auto doc = buildDocument(*img, img->findings().items(), options);
        const NodeId vd = child(*doc, doc->root(), "Virtual disk");
        QVERIFY(vd != noNode);
        QCOMPARE(doc->node(vd).value, std::string("1 GiB, no partition table found"));
        QCOMPARE(doc->node(vd).status, NodeStatus::None);
        QCOMPARE(valueOf(*doc, vd, "Logical sector size"), std::string("512 bytes"));
        const auto plain = buildDocument(*img, img->findings().items());
        QCOMPARE(child(*plain, plain->root(), "Virtual disk"), noNode);
    }

    // What libblkid may leave empty (a table without an identifier, a partition without a
    // UUID, a sector size of 0) shown without the fields, from a summary made by hand.
    void emptyIdentifiersAreLeftOut() {
        const auto img = parseAndScan(buildImage({}));
        VirtualDiskSummary s;
        s.size = 8 << 20;
        s.sectorSize = 0; // sectors counted as bytes rather than divided by zero
        s.levels = 1;
        GuestPartition p;
        p.number = 1;
        p.start = 4096;
        p.size = 1 << 20;
        p.type = "0x83";
        s.guest.table = GuestPartitionTable{"dos", "", {p}, false};
        DocumentOptions options;
        options.virtualDisk = std::make_shared<const VirtualDiskSummary>(s);
        const auto doc = buildDocument(*img, img->findings().items(), options);
        const NodeId vd = child(*doc, doc->root(), "Virtual disk");
        QCOMPARE(doc->node(vd).value, std::string("8 MiB, dos, 1 partition"));
        const NodeId table = child(*doc, vd, "Partition table");
        QCOMPARE(doc->node(table).value, std::string("dos"));
        const NodeId part = child(*doc, table, "Partition 1");
        QCOMPARE(doc->node(part).value, std::string("no filesystem found, 1 MiB at 0x1000"));
        QCOMPARE(valueOf(*doc, part, "Start"), std::string("0x1000 (sector 4,096)"));
        QCOMPARE(child(*doc, part, "Partition UUID"), noNode);
        QCOMPARE(child(*doc, part, "Name"), noNode);
        QCOMPARE(child(*doc, part, "Logical"), noNode);
        QCOMPARE(valueOf(*doc, vd, "Read for the probe"), std::string("0 bytes"));
    }

    // The probe's limits as the node shows them: partitions not listed, a byte budget spent.
    void probeLimits() {
        const QString raw = gptRaw();
        QVERIFY(!raw.isEmpty());
        const QString image = m_dir.filePath("gpt.vhdx");
        QVERIFY(QFile::exists(image) || !toVhdx(raw).isEmpty());
        std::string error;
        const auto img = Image::open(str(image), error);
        QVERIFY2(img, error.c_str());
        const auto disk = VirtualDisk::open(*img, error);
        QVERIFY(disk);
        VirtualDiskSummary s = *summarizeVirtualDisk(*img);
        GuestProbeOptions opt;
        opt.maxPartitions = 2;
        s.guest = probeGuest(*disk, opt);
        Opened o = openWithSummary(str(image), std::make_shared<const VirtualDiskSummary>(s));
        NodeId table = child(*o.doc, o.vd, "Partition table");
        QCOMPARE(o.doc->node(table).children.size(), size_t(3)); // two and "More"
        QCOMPARE(valueOf(*o.doc, table, "More"), std::string("more partitions than listed"));
        QCOMPARE(o.doc->node(o.vd).status, NodeStatus::None);

        opt = {};
        opt.maxBytes = 4096;
        s.guest = probeGuest(*disk, opt);
        QVERIFY(s.guest.limited);
        o = openWithSummary(str(image), std::make_shared<const VirtualDiskSummary>(s));
        QCOMPARE(o.doc->node(o.vd).status, NodeStatus::Info);
        QCOMPARE(
            o.doc->node(o.vd).reason,
            std::string("the probe stopped at its budget of bytes read: results may be partial"));
        QCOMPARE(valueOf(*o.doc, o.vd, "Read for the probe"), formatBytes(s.guest.bytesRead));
    }

    // A block whose BAT entry points past the end of the file: the probe's read fails and
    // the node says so as a warning.
    void probeReadFails() {
        ImageSpec spec;
        spec.blockSize = 1 << 20;
        spec.virtualSize = 8 << 20;
        spec.rawBatEntries[0] = bat::entry(bat::FullyPresent, 64 * GiB); // past the end
        const auto img = parseAndScan(buildImage(spec));
        const auto s = summarizeVirtualDisk(*img);
        QVERIFY(s);
        QVERIFY(!s->guest.problem.empty());
        DocumentOptions options;
        options.virtualDisk = std::make_shared<const VirtualDiskSummary>(*s);
        const auto doc = buildDocument(*img, img->findings().items(), options);
        const NodeId vd = child(*doc, doc->root(), "Virtual disk");
        QCOMPARE(doc->node(vd).status, NodeStatus::Warning);
        QCOMPARE(doc->node(vd).reason, "the probe failed: " + s->guest.problem);
    }

    // A two-level chain on disk, its child with partially present blocks: the levels and the
    // sector-bitmap counts from the builder's flags; with the parent gone, an error.
    void differencingChain() {
        const uint64_t spb = (1 << 20) / 512;
        LevelSpec child{
            {{0, bat::PartiallyPresent}, {2, bat::PartiallyPresent}, {3, bat::FullyPresent}},
            {{0, flags("1100", spb)}, {2, flags("10000000", spb)}},
            3};
        LevelSpec base{{{0, bat::FullyPresent}, {2, bat::FullyPresent}}, {}, 5};
        const BuiltChain c = buildChain(1 << 20, 512, 8 << 20, {child, base});
        const QString dir = m_dir.filePath("chain");
        QVERIFY(QDir().mkpath(dir));
        const QString childPath = writeImageFile(dir, "child.vhdx", c.built[0].bytes);
        QVERIFY(!writeImageFile(dir, "parent.vhdx", c.built[1].bytes).isEmpty());
        const uint64_t present = spb / 2 + spb / 8;
        const std::string counts =
            "2 (" + formatCount(present) + " of " + formatCount(2 * spb) + " sectors in this file)";
        {
            const Opened o = openWithSummary(str(childPath));
            QVERIFY(o.vd != noNode);
            QCOMPARE(valueOf(*o.doc, o.vd, "Images in the chain"), std::string("2"));
            QCOMPARE(valueOf(*o.doc, o.vd, "Sector bitmaps present"), std::string("1"));
            QCOMPARE(valueOf(*o.doc, o.vd, "Partially present blocks"), counts);
            QVERIFY(o.doc->node(o.vd).status < NodeStatus::Warning);
        }
        QVERIFY(QFile::remove(dir + "/parent.vhdx"));
        const Opened o = openWithSummary(str(childPath));
        QVERIFY(o.vd != noNode);
        QCOMPARE(valueOf(*o.doc, o.vd, "Images in the chain"), std::string("1"));
        QCOMPARE(valueOf(*o.doc, o.vd, "Partially present blocks"), counts);
        QCOMPARE(o.doc->node(o.vd).status, NodeStatus::Error);
        const std::string& why = o.doc->node(o.vd).reason;
        QVERIFY2(why.starts_with("a parent is missing (the parent of ") &&
                     why.ends_with("was not found): its sectors were read as zeros for the probe"),
                 why.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDocumentVirtualDisk)
#include "tst_document_virtual_disk.moc"
