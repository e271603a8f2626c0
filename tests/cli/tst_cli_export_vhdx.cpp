// --export-vhdx against independent readers: every VHDX it writes passes `qemu-img check`,
// `vhdiinfo` reads it, and `qemu-img compare` and 7-Zip (`7zz e -so -tVHDX`, which reads
// differencing chains itself) read the same disk from it as from the source: the real images
// of tests/data, a matrix of qemu-made images (block sizes 1-256 MiB, fixed and dynamic,
// written by qemu-io), raw images, and a builder chain three deep with partially present
// blocks that is flattened. Our own reader must find the new file clean. Also: identity
// (VirtualDiskId kept, write GUIDs new), what a dynamic disk stores, the options, the
// refusals, and every write, flush and rename of an export failed in turn (strace) and a kill:
// never a file under OUT's name, never a temporary file left.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <unistd.h>

#include "chain_builder.h"
#include "cli_runner.h"
#include "image_builder.h"
#include "sparse_compare.h"
#include "test_files.h"
#include "test_registry.h"
#include "virtual_disk_reference.h"

using namespace vhdx;
using namespace vhdx::test;

class TestCliExportVhdx : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    static QString safeName(QString tag) {
        return tag.replace(QRegularExpression("[^A-Za-z0-9.-]"), "_");
    }

    // OUT as every independent reader sees it: qemu-img check clean, vhdiinfo reads it, our
    // report clean with the given geometry; and the disk it holds equals `raw` for qemu-img
    // compare and for 7-Zip.
    static void checkOut(const QString& out, const QString& raw, bool fixed, qint64 blockSize,
                         int logicalSector) {
        // QEMU 7.2 opens only 512-byte logical sectors ("Operation not supported"): vhdiinfo,
        // 7-Zip and our reader check the others.
        const bool qemu = logicalSector == 512;
        const RunResult check = runProgram("qemu-img", {"check", "-f", "vhdx", out});
        QVERIFY2(!qemu || check.exitCode == 0, check.out + check.err);
        const RunResult vhdi = runProgram("vhdiinfo", {out});
        QVERIFY2(vhdi.exitCode == 0, vhdi.err.constData());
        QVERIFY2(vhdi.out.contains(fixed ? "Fixed" : "Dynamic"), vhdi.out.constData());
        const RunResult ours = runInspector({"--json", out});
        QCOMPARE(ours.exitCode, 0);
        const QJsonObject j = ours.json();
        QVERIFY2(j["verdict"]["clean"].toBool(), ours.out.left(2000).constData());
        QCOMPARE(j["metadata"]["leave_blocks_allocated"].toBool(), fixed);
        QCOMPARE(j["metadata"]["block_size"].toInteger(), blockSize);
        QCOMPARE(j["metadata"]["logical_sector_size"].toInt(), logicalSector);
        QCOMPARE(j["metadata"]["has_parent"].toBool(), false);
        for (const QJsonValue& t : j["region_tables"].toArray())
            for (const QJsonValue& e : t["entries"].toArray())
                QVERIFY(e["required"].toBool()); // Windows checks it; qemu-img leaves it 0
        QCOMPARE(j["headers"][0]["log_guid"].toString(),
                 QString("00000000-0000-0000-0000-000000000000"));
        const RunResult cmp =
            runProgram("qemu-img", {"compare", "-f", "raw", "-F", "vhdx", raw, out});
        QVERIFY2(!qemu || cmp.exitCode == 0, cmp.out + cmp.err);
        // 7-Zip streams every byte of the disk, zeros included: the 10 GiB images are left to
        // qemu-img compare, which skips what both sides know to be zero.
        if (QFileInfo(raw).size() <= (qint64(2) << 30))
            sevenZipReads(out, raw);
    }

    // 7-Zip's reading of image (a chain followed by 7-Zip itself) equals raw, compared as it
    // streams (cmp reads the pipe: nothing the size of the disk is written).
    static void sevenZipReads(const QString& image, const QString& raw) {
        const RunResult r = runProgram(
            "bash", {"-c", "set -o pipefail; 7zz e -so -tVHDX \"$0\" | cmp - \"$1\"", image, raw},
            600000);
        QVERIFY2(r.exitCode == 0, qPrintable(image + ": " + r.out + r.err));
    }

    void noTemporaryLeft(const QString& dir) {
        const QStringList left = QDir(dir).entryList({".*.export-*"}, QDir::Files | QDir::Hidden);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
    }

    QString realImage(const QString& compressed) {
        QString error;
        const QString image = decompressTestImage(compressed, m_dir.path(), &error);
        return image;
    }

  private slots:
    void initTestCase() {
        for (const char* tool : {"qemu-img", "qemu-io", "vhdiinfo", "7zz", "strace"})
            QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
                     qPrintable(QString("%1 is missing: run scripts/setup.sh").arg(tool)));
    }

    // The real images (QEMU's dirty one applied in memory): the new VHDX holds the disk that
    // --export-raw reads (itself checked against qemu-img convert in tst_cli_export).
    void realImages_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("iotest-dynamic-1G") << "iotest-dynamic-1G.vhdx.bz2";
        QTest::newRow("iotest-dirtylog-10G-4M") << "iotest-dirtylog-10G-4M.vhdx.bz2";
        QTest::newRow("xfs") << "xfs.vhdx.gz";
        QTest::newRow("btrfs") << "btrfs.vhdx.gz";
    }
    void realImages() {
        QFETCH(QString, file);
        const QString image = realImage(file);
        QVERIFY(!image.isEmpty());
        const QString raw = image + ".raw", out = image + ".new.vhdx";
        QCOMPARE(runInspector({"--export-raw", raw, image}).exitCode, 0);
        const RunResult r = runInspector({"--export-vhdx", out, image});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject src = runInspector({"--json", image}).json();
        checkOut(out, raw, false, src["metadata"]["block_size"].toInteger(),
                 src["metadata"]["logical_sector_size"].toInt());
        // The disk's identity kept, the file's new.
        const QJsonObject j = runInspector({"--json", out}).json();
        QCOMPARE(j["metadata"]["virtual_disk_id"].toString(),
                 src["metadata"]["virtual_disk_id"].toString());
        QVERIFY(j["headers"][1]["data_write_guid"].toString() !=
                src["headers"][1]["data_write_guid"].toString());
        QVERIFY(j["headers"][1]["file_write_guid"].toString() !=
                src["headers"][1]["file_write_guid"].toString());
        QFile::remove(raw);
        QFile::remove(out);
        QFile::remove(image);
    }

    // qemu-made images, written by qemu-io, exported with the options (block size, sector
    // size, fixed): qemu-img compare of the source and the new file.
    void qemuMatrix_data() {
        QTest::addColumn<QString>("create"); // qemu-img create -o
        QTest::addColumn<QString>("size");
        QTest::addColumn<QStringList>("options"); // of --export-vhdx
        QTest::addColumn<qint64>("blockSize");
        QTest::addColumn<int>("sector");
        QTest::addColumn<bool>("fixed");
        QTest::newRow("1M blocks, kept")
            << "block_size=1M"
            << "64M" << QStringList() << qint64(1 << 20) << 512 << false;
        QTest::newRow("32M blocks to 1M")
            << "block_size=32M"
            << "256M" << QStringList{"--block-size", "1M"} << qint64(1 << 20) << 512 << false;
        QTest::newRow("8M blocks to 256M")
            << "block_size=8M"
            << "600M" << QStringList{"--block-size", "256MiB"} << qint64(256 << 20) << 512 << false;
        QTest::newRow("fixed") << "block_size=2M"
                               << "40M" << QStringList{"--subformat", "fixed"} << qint64(2 << 20)
                               << 512 << true;
        QTest::newRow("4096-byte sectors") << "block_size=4M"
                                           << "128M" << QStringList{"--logical-sector-size", "4096"}
                                           << qint64(4 << 20) << 4096 << false;
        QTest::newRow("from a qemu fixed disk")
            << "subformat=fixed,block_size=8M"
            << "64M" << QStringList() << qint64(8 << 20) << 512 << false;
    }
    void qemuMatrix() {
        QFETCH(QString, create);
        QFETCH(QString, size);
        QFETCH(QStringList, options);
        QFETCH(qint64, blockSize);
        QFETCH(int, sector);
        QFETCH(bool, fixed);
        const QString name = safeName(QTest::currentDataTag());
        const QString src = path(name + ".vhdx"), raw = path(name + ".raw"),
                      out = path(name + ".new.vhdx");
        QCOMPARE(runProgram("qemu-img", {"create", "-q", "-f", "vhdx", "-o", create, src, size})
                     .exitCode,
                 0);
        for (const char* w : {"write -P 0xab 0 4k", "write -P 0xcd 3M 1M", "write -P 0x11 17M 64k",
                              "write -z 20M 1M", "write -P 0x77 30M 2M"})
            QCOMPARE(runProgram("qemu-io", {"-f", "vhdx", "-c", w, src}).exitCode, 0);
        QCOMPARE(runProgram("qemu-img", {"convert", "-f", "vhdx", "-O", "raw", src, raw}).exitCode,
                 0);
        const RunResult r = runInspector(QStringList{"--export-vhdx", out, src} + options);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        checkOut(out, raw, fixed, blockSize, sector);
        const RunResult cmp = runProgram("qemu-img", {"compare", src, out});
        QVERIFY2(sector != 512 || cmp.exitCode == 0, cmp.out + cmp.err);
        // Dynamic: only the blocks that hold data (qemu's fixed disk included); fixed: all.
        const QJsonObject bat = runInspector({"--json", out}).json()["bat"].toObject();
        const qint64 blocks = (QFileInfo(raw).size() + blockSize - 1) / blockSize;
        QSet<qint64> withData;
        for (qint64 at :
             {qint64(0), qint64(3 << 20), qint64(17 << 20), qint64(30 << 20), qint64(31 << 20)})
            withData.insert(at / blockSize);
        QCOMPARE(bat["payload_states"]["fully_present"].toInteger(),
                 fixed ? blocks : qint64(withData.size()));
        for (const QString& f : {src, raw, out})
            QFile::remove(f);
    }

    // A raw image (--raw): a hole, 1 MiB of data, then 1 MiB of written zeros in the next
    // block: the zeros are not stored. The size rounded up to a whole sector.
    void rawInput() {
        const QString raw = path("in.raw"), out = path("in.vhdx");
        QFile f(raw);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(100 * 1024 * 1024 + 4000)); // not a sector multiple
        QVERIFY(f.seek(40 << 20));
        f.write(QByteArray(1 << 20, 'x'));
        QVERIFY(f.seek(70 << 20));
        f.write(QByteArray(1 << 20, '\0'));
        f.close();
        const RunResult r =
            runInspector({"--export-vhdx", out, raw, "--raw", "--block-size", "32M"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("1 of 4 stored"), r.out.constData());
        const QJsonObject j = runInspector({"--json", out}).json();
        QCOMPARE(j["metadata"]["virtual_disk_size"].toInteger(), qint64(100 * 1024 * 1024 + 4096));
        QCOMPARE(j["bat"]["payload_states"]["fully_present"].toInt(), 1);
        QVERIFY(QFile::resize(raw, 100 * 1024 * 1024 + 4096)); // what the disk holds
        checkOut(out, raw, false, 32 << 20, 512);
        // A raw input has no identity to keep: each export gets a new VirtualDiskId.
        const QString again = path("again.vhdx");
        QCOMPARE(runInspector({"--export-vhdx", again, raw, "--raw"}).exitCode, 0);
        QVERIFY(runInspector({"--json", again}).json()["metadata"]["virtual_disk_id"].toString() !=
                j["metadata"]["virtual_disk_id"].toString());
    }

    // A builder chain three deep (top -> mid -> base, each found by relative_path), partially
    // present blocks in both children, flattened: the new disk is what 7-Zip reads through
    // the chain and what --export-raw reads.
    void flattensAChain() {
        const uint64_t spb = (1 << 20) / 512;
        ImageSpec base = baseImage(chainGuid(1));
        base.blocks = {{0, bat::FullyPresent}, {1, bat::FullyPresent}, {2, bat::FullyPresent}};
        base.payloadSeed = 7;
        ImageSpec mid = childImage(chainGuid(2), chainGuid(1), "base.vhdx");
        mid.blocks = {{0, bat::PartiallyPresent}, {1, bat::PartiallyPresent}};
        mid.sectorBits = {{0, flags("1100", spb)}, {1, flags("0011", spb)}};
        mid.sectorBitmaps = {0};
        mid.payloadSeed = 5;
        ImageSpec top = childImage(chainGuid(3), chainGuid(2), "mid.vhdx");
        top.blocks = {{0, bat::PartiallyPresent}, {3, bat::FullyPresent}};
        top.sectorBits = {{0, flags("0110", spb)}};
        top.sectorBitmaps = {0};
        top.payloadSeed = 3;
        // Each file its own identity, as Hyper-V gives them (7-Zip takes a repeated one for a
        // cycle).
        base.virtualDiskId = chainGuid(11);
        mid.virtualDiskId = chainGuid(12);
        top.virtualDiskId = chainGuid(13);
        base.fileWriteGuid = chainGuid(21);
        mid.fileWriteGuid = chainGuid(22);
        top.fileWriteGuid = chainGuid(23);
        const QString dir = path("chain");
        QVERIFY(!writeSpec(dir, "base.vhdx", base).isEmpty());
        QVERIFY(!writeSpec(dir, "mid.vhdx", mid).isEmpty());
        const QString topPath = writeSpec(dir, "top.avhdx", top);
        QVERIFY(!topPath.isEmpty());
        const QJsonObject j = runInspector({"--json", topPath}).json();
        QCOMPARE(j["virtual_disk"]["levels"].toInt(), 3);
        const QString raw = dir + "/chain.raw", out = dir + "/flat.vhdx";
        QCOMPARE(runInspector({"--export-raw", raw, topPath}).exitCode, 0);
        sevenZipReads(topPath, raw); // 7-Zip follows the chain itself
        const RunResult r = runInspector({"--export-vhdx", out, topPath});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        checkOut(out, raw, false, 1 << 20, 512);
    }

    // Both headers' signatures broken, one region table too: no program opens the disk, but
    // its BAT and metadata are read. The verdict names the rescue, with the command; the
    // rescued VHDX holds the disk the undamaged file held, for qemu-img as for 7-Zip.
    void rescuesADamagedDisk() {
        const QString image = realImage("btrfs.vhdx.gz");
        QVERIFY(!image.isEmpty());
        const QString intact = image + ".intact.vhdx", raw = image + ".raw";
        QVERIFY(QFile::copy(image, intact));
        QCOMPARE(runInspector({"--export-raw", raw, intact}).exitCode, 0);
        QFile f(image);
        QVERIFY(f.open(QIODevice::ReadWrite));
        for (qint64 at : {qint64(64 << 10), qint64(128 << 10), qint64(192 << 10)}) {
            QVERIFY(f.seek(at));
            f.write("XXXX");
        }
        f.close();
        const RunResult report = runInspector({"--json", image});
        QCOMPARE(report.exitCode, 1);
        QCOMPARE(report.json()["verdict"]["usable"].toString(), QString("no"));
        QVERIFY2(report.out.contains("vhdx-inspector --export-vhdx " + image.toUtf8() +
                                     ".rescued.vhdx " + image.toUtf8()),
                 report.out.left(3000).constData());
        const QString rescued = image + ".rescued.vhdx";
        const RunResult r = runInspector({"--export-vhdx", rescued, image});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject src = runInspector({"--json", intact}).json();
        checkOut(rescued, raw, false, src["metadata"]["block_size"].toInteger(), 512);
        const RunResult cmp = runProgram("qemu-img", {"compare", intact, rescued});
        QVERIFY2(cmp.exitCode == 0, cmp.out + cmp.err);
        for (const QString& p : {image, intact, raw, rescued})
            QFile::remove(p);
    }

    void refusals() {
        const QString image = realImage("btrfs.vhdx.gz");
        QVERIFY(!image.isEmpty());
        // Not a VHDX without --raw; OUT = FILE; an existing OUT without --force.
        QFile notVhdx(path("plain.bin"));
        QVERIFY(notVhdx.open(QIODevice::WriteOnly));
        notVhdx.write(QByteArray(1 << 20, 'x'));
        notVhdx.close();
        RunResult r = runInspector({"--export-vhdx", path("o.vhdx"), notVhdx.fileName()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--raw"), r.err.constData());
        r = runInspector({"--export-vhdx", image, image, "--force"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("FILE itself"), r.err.constData());
        QFile keep(path("keep.vhdx"));
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("keep");
        keep.close();
        r = runInspector({"--export-vhdx", keep.fileName(), image});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("--force"));
        // A block size that is not a power of two, or outside 1..256 MiB: refused; one that
        // is not a size, a subformat or sector size of another kind: usage errors.
        for (const char* size : {"3M", "512K", "512M"}) {
            r = runInspector({"--export-vhdx", path("o.vhdx"), image, "--block-size", size});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("not a power of two from 1 MiB to 256 MiB"), r.err.constData());
        }
        QCOMPARE(
            runInspector({"--export-vhdx", path("o.vhdx"), image, "--block-size", "lots"}).exitCode,
            1);
        QCOMPARE(runInspector({"--export-vhdx", path("o.vhdx"), image, "--subformat", "sparse"})
                     .exitCode,
                 2);
        QCOMPARE(
            runInspector({"--export-vhdx", path("o.vhdx"), image, "--logical-sector-size", "1024"})
                .exitCode,
            2);
        QCOMPARE(runInspector({"--export-raw", path("o.raw"), image, "--raw"}).exitCode, 2);
        QCOMPARE(runInspector({"--json", image, "--block-size", "1M"}).exitCode, 2);
        QVERIFY(!QFileInfo::exists(path("o.vhdx")));
        noTemporaryLeft(m_dir.path());
    }

    // Every write (pwrite64), fsync and rename of an export failed in turn (strace injects
    // EIO / ENOSPC): exit 1, nothing under OUT's name, no temporary file left. Then a kill
    // while the export writes: nothing under OUT's name; the next export removes the killed
    // one's temporary file.
    void faultsAndKill() {
        const QString image = realImage("iotest-dynamic-1G.vhdx.bz2");
        QVERIFY(!image.isEmpty());
        const QString dir = path("faults");
        QVERIFY(QDir().mkpath(dir));
        const QString out = dir + "/out.vhdx";
        auto traced = [&](const QString& inject) {
            QStringList args = {
                "ASAN_OPTIONS=detect_leaks=0",          "strace", "-f", "-o", dir + "/trace", "-e",
                "trace=pwrite64,fsync,renameat2,rename"};
            if (!inject.isEmpty())
                args << "-e" << inject;
            return runProgram("env", args << inspectorPath() << "--export-vhdx" << out << image);
        };
        RunResult r = traced({});
        QCOMPARE(r.exitCode, 0);
        QFile trace(dir + "/trace");
        QVERIFY(trace.open(QIODevice::ReadOnly));
        const QByteArray calls = trace.readAll();
        trace.close();
        const int writes = int(calls.count("pwrite64(")), syncs = int(calls.count("fsync("));
        QVERIFY2(writes > 3 && syncs == 3, calls.left(2000).constData());
        QVERIFY(QFile::remove(out));
        QStringList injections;
        for (int k = 1; k <= writes; ++k)
            injections
                << QString("inject=pwrite64:error=%1:when=%2").arg(k % 2 ? "EIO" : "ENOSPC").arg(k);
        for (int k = 1; k <= syncs; ++k)
            injections << QString("inject=fsync:error=EIO:when=%1").arg(k);
        injections << "inject=renameat2:error=EIO:when=1";
        for (const QString& inject : injections) {
            r = traced(inject);
            QVERIFY2(r.exitCode == 1, qPrintable(inject + ": " + r.err));
            QVERIFY2(r.err.contains("export failed") || r.err.contains("export refused"),
                     qPrintable(inject + ": " + r.err));
            QVERIFY2(!QFileInfo::exists(out), qPrintable(inject));
            noTemporaryLeft(dir);
        }
        QFile::remove(dir + "/trace");

        // Held at its third write (the data), killed.
        QVERIFY(killWhenHeld({"--export-vhdx", out, image}, "pwrite64", 3, [&] {
            return !QDir(dir)
                        .entryList({".out.vhdx.export-*"}, QDir::Files | QDir::Hidden)
                        .isEmpty();
        }));
        QVERIFY(!QFileInfo::exists(out));
        r = runInspector({"--export-vhdx", out, image});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("removed"), r.err.constData());
        noTemporaryLeft(dir);
    }
};

VHDX_TEST_MAIN(TestCliExportVhdx)
#include "tst_cli_export_vhdx.moc"
