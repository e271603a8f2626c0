// The document's "Virtual disk" node, its status and what it leaves out: an empty
// disk (no table), no node without a summary, identifiers libblkid left empty, the probe's
// limits (partitions not listed, a byte budget spent: info), a read that fails (warning), and
// a differencing chain on disk with its sector-bitmap counts from the builder's flags, whole
// and with its parent gone (error).
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
#include "virtual_disk_reference.h"

using namespace vhdx;
using namespace vhdx::test;

class TestDocumentVirtualDiskStatus : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    // A GPT disk of three partitions, no filesystem: made raw by sfdisk, converted by qemu-img.
    QString gptImage() {
        const QString raw = m_dir.filePath("gpt.raw");
        if (!makeRaw(raw, 64) ||
            run("sfdisk", {"-q", raw},
                "label: gpt\nstart=2048, size=8192, type=L\nstart=10240, size=8192, type=L\n"
                "start=18432, size=2048, type=S\n")
                    .exitCode != 0)
            return {};
        return toVhdx(raw);
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("PATH", "/usr/sbin:/sbin:" + qgetenv("PATH"));
    }

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
        const QString image = gptImage();
        QVERIFY(!image.isEmpty());
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

VHDX_TEST_MAIN(TestDocumentVirtualDiskStatus)
#include "tst_document_virtual_disk_status.moc"
