// The guest probe at its edges, against util-linux on the raw disk each image was converted
// from (qemu-img convert -O vhdx): an MBR disk with an extended partition holding two logical
// ones (FAT and ext4), a primary entry past the disk's end, and disk id 0 (`sfdisk --json`,
// `blkid -p`); two filesystem signatures on the whole disk and inside a partition, which
// `blkid -p` calls ambivalent (exit 8); a labelled whole-disk ext4. Each is checked in
// probeGuest's result and in the text report's lines (virtualDiskTextLines).
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <unistd.h>

#include "cli_runner.h"
#include "vhdx/guest_partitions.h"
#include "vhdx/image.h"
#include "vhdx/virtual_disk.h"
#include "vhdx/virtual_disk_report.h"

// The probe's read hook (core/src/probe_read_hook.h): it replaces read/pread for the process.
extern "C" {
void vhdx_probe_hook_set(int fd, void (*fill)(void*, uint64_t, size_t), void* context);
void vhdx_probe_hook_clear(void);
}

namespace {

constexpr qint64 kMiB = 1 << 20;

bool runWithInput(const QString& program, const QStringList& args, const QByteArray& input) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted())
        return false;
    p.write(input);
    p.closeWriteChannel();
    return p.waitForFinished() && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool makeRaw(const QString& path, qint64 size) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.resize(size);
}

bool patch(const QString& path, qint64 offset, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::ReadWrite) && f.seek(offset) && f.write(bytes) == bytes.size();
}

QMap<QString, QString> blkid(const QString& raw, qint64 offset = -1, qint64 size = -1,
                             int* exitCode = nullptr) {
    QStringList args{"-p", "-o", "export"};
    if (offset >= 0)
        args << "-O" << QString::number(offset) << "-S" << QString::number(size);
    const vhdx::test::RunResult r = vhdx::test::runProgram("blkid", args << raw);
    if (exitCode)
        *exitCode = r.exitCode;
    QMap<QString, QString> out;
    for (const QByteArray& line : r.out.split('\n'))
        if (const int eq = line.indexOf('='); eq > 0)
            out.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    return out;
}

QString line(const std::vector<std::pair<std::string, std::string>>& lines, const char* label) {
    for (const auto& [l, v] : lines)
        if (l == label)
            return QString::fromStdString(v);
    return "<none>";
}

struct Probed {
    std::unique_ptr<vhdx::Image> image;
    vhdx::GuestProbe probe;
};

Probed probe(const QString& vhdxPath) {
    Probed p;
    std::string error;
    p.image = vhdx::Image::open(vhdxPath.toStdString(), error);
    if (!p.image)
        return p;
    if (const auto disk = vhdx::VirtualDisk::open(*p.image, error))
        p.probe = vhdx::probeGuest(*disk);
    return p;
}

} // namespace

class TestGuestProbeEdges : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }
    bool toVhdx(const QString& raw, const QString& image) const {
        return vhdx::test::runProgram("qemu-img",
                                      {"convert", "-O", "vhdx", "-o", "block_size=1M", raw, image})
                   .exitCode == 0;
    }
    // vfat with 8 reserved sectors at `sector`, and an ext4 superblock copied into them.
    bool twoSignatures(const QString& raw, qint64 sector, qint64 kib) const {
        const QString ext = path("ext4-donor.raw");
        if (!makeRaw(ext, 8 * kMiB) ||
            vhdx::test::runProgram("mkfs.ext4", {"-q", "-F", ext}).exitCode != 0 ||
            vhdx::test::runProgram("mkfs.vfat",
                                   {"-R", "8", "-n", "TWOSIG", QString("--offset=%1").arg(sector),
                                    raw, QString::number(kib)})
                    .exitCode != 0)
            return false;
        QFile donor(ext);
        if (!donor.open(QIODevice::ReadOnly) || !donor.seek(1024))
            return false;
        return patch(raw, sector * 512 + 1024, donor.read(1024));
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("PATH", "/usr/sbin:/sbin:" + qgetenv("PATH"));
        for (const char* tool : {"qemu-img", "sfdisk", "blkid", "mkfs.ext4", "mkfs.vfat"})
            QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
                     qPrintable(QString("%1 is missing: run scripts/setup.sh").arg(tool)));
    }

    void mbrWithLogicalPartitions() {
        const QString raw = path("mbr.raw"), image = path("mbr.vhdx");
        QVERIFY(makeRaw(raw, 64 * kMiB));
        QVERIFY(runWithInput("sfdisk", {"-q", raw},
                             "label: dos\nlabel-id: 0x00000000\n"
                             "start=2048, size=16384, type=83\n"
                             "start=20480, size=40960, type=5\n"
                             "start=22528, size=8192, type=c\n"
                             "start=32768, size=16384, type=83\n"));
        // Partition 1: FAT without a label; logical 5: labelled FAT; logical 6: ext4.
        QVERIFY(vhdx::test::runProgram("mkfs.vfat", {"--offset=2048", raw, "8192"}).exitCode == 0);
        QVERIFY(
            vhdx::test::runProgram("mkfs.vfat", {"-n", "LOGIFAT", "--offset=22528", raw, "4096"})
                .exitCode == 0);
        QVERIFY(vhdx::test::runProgram("mkfs.ext4", {"-q", "-F", "-L", "logiext", "-E",
                                                     "offset=16777216", raw, "8192k"})
                    .exitCode == 0);
        // Primary slot 4: type 0x83 at sector 2^24 (8 GiB), past the 64 MiB disk.
        QByteArray entry(16, '\0');
        entry[4] = char(0x83);
        entry[11] = 0x01; // start LBA 0x01000000, little-endian
        entry[13] = 0x08; // 2048 sectors
        QVERIFY(patch(raw, 446 + 48, entry));
        QVERIFY(toVhdx(raw, image));

        const Probed p = probe(image);
        QVERIFY(p.image && p.probe.performed);
        QVERIFY2(p.probe.problem.empty(), p.probe.problem.c_str());
        QVERIFY(p.probe.table);
        const auto whole = blkid(raw);
        QCOMPARE(QString::fromStdString(p.probe.table->type), whole.value("PTTYPE"));
        QVERIFY(!whole.contains("PTUUID")); // disk id 0: no id
        QVERIFY(p.probe.table->id.empty());
        const vhdx::test::RunResult sf = vhdx::test::runProgram("sfdisk", {"--json", raw});
        QCOMPARE(sf.exitCode, 0);
        const QJsonArray theirs = QJsonDocument::fromJson(sf.out)
                                      .object()["partitiontable"]
                                      .toObject()["partitions"]
                                      .toArray();
        const auto& ours = p.probe.table->partitions;
        QCOMPARE(qsizetype(ours.size()), theirs.size());
        QCOMPARE(ours.size(), size_t(5)); // 1, 2 (extended), 4 (past the end), 5, 6
        for (size_t i = 0; i < ours.size(); ++i) {
            const QJsonObject t = theirs[qsizetype(i)].toObject();
            const vhdx::GuestPartition& o = ours[i];
            QCOMPARE(QString::number(o.number), t["node"].toString().mid(raw.size()));
            QCOMPARE(qint64(o.start), t["start"].toInteger() * 512);
            QCOMPARE(qint64(o.size), t["size"].toInteger() * 512);
            QCOMPARE(QString::fromStdString(o.type),
                     "0x" + t["type"].toString().rightJustified(2, '0'));
            QCOMPARE(o.extended, t["type"].toString() == "5");
            QCOMPARE(o.logical, o.number >= 5);
            QVERIFY(o.uuid.empty()); // no disk id, no partition ids
            // Probed unless a container or past the disk's end.
            QCOMPARE(o.probed, !o.extended && o.number != 4);
            if (!o.probed) {
                QVERIFY(!o.filesystem);
                continue;
            }
            const auto fs = blkid(raw, qint64(o.start), qint64(o.size));
            QCOMPARE(bool(o.filesystem), fs.contains("TYPE"));
            if (o.filesystem) {
                QCOMPARE(QString::fromStdString(o.filesystem->type), fs.value("TYPE"));
                QCOMPARE(QString::fromStdString(o.filesystem->label), fs.value("LABEL"));
                QCOMPARE(QString::fromStdString(o.filesystem->uuid), fs.value("UUID"));
            }
        }
        QCOMPARE(ours[3].filesystem->label, std::string("LOGIFAT"));
        QCOMPARE(ours[4].filesystem->label, std::string("logiext"));
        QCOMPARE(ours[0].filesystem->type, std::string("vfat"));
        QVERIFY(ours[0].filesystem->label.empty());

        const auto lines = vhdx::virtualDiskTextLines(*p.image);
        QCOMPARE(line(lines, "partition table"), QString("dos"));
        QCOMPARE(line(lines, "partition 1"),
                 QString("start %1 size %2 type 0x83, vfat uuid %3")
                     .arg(2048 * 512)
                     .arg(16384 * 512)
                     .arg(blkid(raw, 2048 * 512, 16384 * 512).value("UUID")));
        QCOMPARE(line(lines, "partition 2"),
                 QString("start %1 size %2 type 0x05").arg(20480 * 512).arg(40960 * 512));
        QCOMPARE(line(lines, "partition 5"),
                 QString("start %1 size %2 type 0x0c, vfat label \"LOGIFAT\" uuid %3")
                     .arg(22528 * 512)
                     .arg(8192 * 512)
                     .arg(blkid(raw, 22528 * 512, 8192 * 512).value("UUID")));
        QCOMPARE(line(lines, "filesystem"), QString("<none>"));
        QCOMPARE(line(lines, "probe problem"), QString("<none>"));
    }

    void ambivalentWholeDisk() {
        const QString raw = path("two-whole.raw"), image = path("two-whole.vhdx");
        QVERIFY(makeRaw(raw, 16 * kMiB));
        QVERIFY(twoSignatures(raw, 0, 16 * 1024));
        int rc = 0;
        const auto whole = blkid(raw, -1, -1, &rc);
        QCOMPARE(rc, 8); // blkid: "ambivalent result"
        QVERIFY(!whole.contains("TYPE"));
        QVERIFY(toVhdx(raw, image));
        const Probed p = probe(image);
        QVERIFY(p.probe.performed);
        QCOMPARE(p.probe.problem,
                 std::string("libblkid found more than one signature on the whole disk"));
        QVERIFY(!p.probe.filesystem);
        QVERIFY(!p.probe.table);
        const auto lines = vhdx::virtualDiskTextLines(*p.image);
        QCOMPARE(line(lines, "probe problem"), QString::fromStdString(p.probe.problem));
        QCOMPARE(line(lines, "partition table"), QString("none found"));
    }

    void ambivalentPartition() {
        const QString raw = path("two-part.raw"), image = path("two-part.vhdx");
        QVERIFY(makeRaw(raw, 32 * kMiB));
        QVERIFY(runWithInput("sfdisk", {"-q", raw},
                             "label: dos\nlabel-id: 0x1234abcd\nstart=2048, size=16384, type=c\n"
                             "start=18432, size=16384, type=c\n"));
        QVERIFY(twoSignatures(raw, 2048, 8 * 1024));
        QVERIFY(twoSignatures(raw, 18432, 8 * 1024)); // the first problem is the one kept
        int rc = 0;
        blkid(raw, 2048 * 512, 16384 * 512, &rc);
        QCOMPARE(rc, 8);
        const auto whole = blkid(raw);
        QCOMPARE(whole.value("PTUUID"), QString("1234abcd"));
        QVERIFY(toVhdx(raw, image));
        const Probed p = probe(image);
        QVERIFY(p.probe.table);
        QCOMPARE(p.probe.table->id, std::string("1234abcd"));
        QCOMPARE(p.probe.table->partitions.size(), size_t(2));
        const vhdx::GuestPartition& part = p.probe.table->partitions[0];
        QVERIFY(part.probed && !part.filesystem);
        QCOMPARE(part.uuid, std::string("1234abcd-01"));
        QCOMPARE(p.probe.problem, "partition 1: libblkid found more than one signature at offset " +
                                      std::to_string(2048 * 512));
        const auto lines = vhdx::virtualDiskTextLines(*p.image);
        QCOMPARE(line(lines, "partition table"), QString("dos id 1234abcd"));
        QCOMPARE(line(lines, "partition 1"),
                 QString("start %1 size %2 type 0x0c").arg(2048 * 512).arg(16384 * 512));
    }

    void wholeDiskExt4InText() {
        const QString raw = path("whole-ext4.raw"), image = path("whole-ext4.vhdx");
        QVERIFY(makeRaw(raw, 16 * kMiB));
        QVERIFY(
            vhdx::test::runProgram("mkfs.ext4", {"-q", "-F", "-L", "wholelabel", raw}).exitCode ==
            0);
        QVERIFY(toVhdx(raw, image));
        const auto whole = blkid(raw);
        QCOMPARE(whole.value("TYPE"), QString("ext4"));
        const Probed p = probe(image);
        QVERIFY(p.probe.filesystem);
        QCOMPARE(QString::fromStdString(p.probe.filesystem->uuid), whole.value("UUID"));
        const auto lines = vhdx::virtualDiskTextLines(*p.image);
        QCOMPARE(line(lines, "filesystem"),
                 QString("ext4 label \"wholelabel\" uuid %1").arg(whole.value("UUID")));
        QCOMPARE(line(lines, "partition table"), QString("none found"));
        QCOMPARE(line(lines, "levels"), QString("1"));
    }
    // A GPT partition's name in the text report, against sfdisk.
    void gptNameInText() {
        const QString raw = path("gpt.raw"), image = path("gpt.vhdx");
        QVERIFY(makeRaw(raw, 8 * kMiB));
        QVERIFY(runWithInput("sfdisk", {"-q", raw},
                             "label: gpt\nstart=2048, size=4096, type=L, name=\"boot part\"\n"));
        QVERIFY(toVhdx(raw, image));
        const vhdx::test::RunResult sf = vhdx::test::runProgram("sfdisk", {"--json", raw});
        const QJsonObject t = QJsonDocument::fromJson(sf.out)
                                  .object()["partitiontable"]
                                  .toObject()["partitions"]
                                  .toArray()[0]
                                  .toObject();
        QCOMPARE(t["name"].toString(), QString("boot part"));
        const Probed p = probe(image);
        const auto lines = vhdx::virtualDiskTextLines(*p.image);
        QCOMPARE(line(lines, "partition 1"), QString("start %1 size %2 type %3 name \"boot part\"")
                                                 .arg(2048 * 512)
                                                 .arg(4096 * 512)
                                                 .arg(t["type"].toString().toLower()));
        QCOMPARE(line(lines, "partition table"), "gpt id " + blkid(raw).value("PTUUID"));
    }

    // 24 empty GPT partitions of 64 MiB: libblkid asks for about 1.5 MiB around each, more
    // than the report's budget of 32 MiB. The text report says the probe stopped there.
    void budgetRunsOutInText() {
        const int parts = 24;
        const QString raw = path("many.raw"), image = path("many.vhdx");
        QVERIFY(makeRaw(raw, (parts * 64 + 2) * kMiB));
        QByteArray script = "label: gpt\n";
        for (int i = 0; i < parts; ++i)
            script += QString("start=%1, size=131072, type=L\n").arg(2048 + i * 131072).toUtf8();
        QVERIFY(runWithInput("sfdisk", {"-q", raw}, script));
        QVERIFY(toVhdx(raw, image));
        const Probed p = probe(image);
        QVERIFY(p.probe.limited);
        QVERIFY(p.probe.bytesRead <= vhdx::GuestProbeOptions{}.maxBytes);
        QCOMPARE(p.probe.table->partitions.size(), size_t(parts)); // the table is read first
        std::string error;
        const auto disk = vhdx::VirtualDisk::open(*p.image, error);
        vhdx::GuestProbeOptions unlimited;
        unlimited.maxBytes = 1ull << 30;
        const vhdx::GuestProbe all = vhdx::probeGuest(*disk, unlimited);
        QVERIFY(!all.limited);
        QVERIFY(all.bytesRead > vhdx::GuestProbeOptions{}.maxBytes);
        const auto lines = vhdx::virtualDiskTextLines(*p.image);
        QCOMPARE(line(lines, "probe"),
                 QString("stopped at its budget of read bytes: results may be partial"));
    }

    // The hook replaces read() and pread() for the whole process: other descriptors, and a
    // hooked one without a position (a pipe), are read as by libc, errors and errno included.
    void readHookPassesReadsThrough() {
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        QCOMPARE(::write(fds[1], "abc", 3), ssize_t(3));
        int fills = 0;
        vhdx_probe_hook_set(
            fds[0], [](void* c, uint64_t, size_t) { ++*static_cast<int*>(c); }, &fills);
        char buf[4] = {};
        const ssize_t n = ::read(fds[0], buf, 3);
        vhdx_probe_hook_clear();
        ::close(fds[0]);
        ::close(fds[1]);
        QCOMPARE(n, ssize_t(3));
        QCOMPARE(QByteArray(buf, 3), QByteArray("abc"));
        QCOMPARE(fills, 0); // no position: nothing to fill
        errno = 0;
        QCOMPARE(::read(-1, buf, 1), ssize_t(-1));
        QCOMPARE(errno, EBADF);
        errno = 0;
        QCOMPARE(::pread(-1, buf, 1, 0), ssize_t(-1));
        QCOMPARE(errno, EBADF);
    }
};

QTEST_GUILESS_MAIN(TestGuestProbeEdges)
#include "tst_guest_probe_edges.moc"
