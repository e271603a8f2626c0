// --export-raw against qemu-img convert -O raw (byte for byte) on qemu-made images of the
// cross-check matrix and the real images of tests/data; refusals and their exit codes.
// qemu-img has no option for 4096-byte logical sectors: those are covered by builder chains
// (tst_virtual_disk and exportsABuilderChain below).
#include <QCryptographicHash>
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
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "chain_builder.h"
#include "cli_runner.h"
#include "image_builder.h"
#include "sparse_compare.h"
#include "test_files.h"
#include "test_registry.h"
#include "virtual_disk_reference.h"

using namespace vhdx::test;

class TestCliExport : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    static QString safeName(QString tag) {
        return tag.replace(QRegularExpression("[^A-Za-z0-9.-]"), "_");
    }

    // Our export and qemu's of the same image must hold the same bytes.
    void compareWithQemu(const QString& image) {
        const QString ours = image + ".ours.raw", theirs = image + ".qemu.raw";
        QFile::remove(ours);
        QFile::remove(theirs);
        const RunResult r = runInspector({"--export-raw", ours, image});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.isEmpty()); // no terminal: no progress lines
        QCOMPARE(runProgram("qemu-img", {"convert", "-O", "raw", image, theirs}).exitCode, 0);
        QString why;
        QVERIFY2(sameSparseContent(ours, theirs, why), qPrintable(why));
        QFile::remove(ours);
        QFile::remove(theirs);
    }

    static QByteArray sha256Of(const QString& file) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QCryptographicHash h(QCryptographicHash::Sha256);
        h.addData(&f);
        return h.result();
    }

    // No temporary export file may be left in the folder.
    void noTemporaryLeft() {
        const QStringList left =
            QDir(m_dir.path()).entryList({".*.export-*"}, QDir::Files | QDir::Hidden);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
    }

  private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        for (const char* tool : {"qemu-img", "qemu-io"})
            QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
                     qPrintable(QString("%1 is missing: run scripts/setup.sh").arg(tool)));
    }

    void matchesQemuConvert_data() {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("size");
        QTest::addColumn<QStringList>("writes");
        QTest::newRow("dynamic 1M blocks, 64M + 1 sector, writes at block edges")
            << "block_size=1M,log_size=1M" << QString::number(64 * 1048576 + 512)
            << QStringList{"write -P 0x11 0 4k", "write -P 0x22 1048064 1k",
                           "write -P 0x33 67108864 512"};
        QTest::newRow("dynamic 2M blocks, 100M + 3 sectors")
            << "block_size=2M" << QString::number(100 * 1048576 + 1536)
            << QStringList{"write -P 0x44 2096640 1k", "write -P 0x55 104857600 1536"};
        QTest::newRow("dynamic 32M blocks, 1G + 4k")
            << "block_size=32M" << QString::number(1073741824 + 4096)
            << QStringList{"write -P 0x66 33550336 8k", "write -P 0x77 1073741824 4k",
                           "write -P 0x78 0 512"};
        QTest::newRow("dynamic 256M blocks, 600M, zero state off")
            << "block_size=256M,block_state_zero=off"
            << "600M" << QStringList{"write -P 0x88 268434944 1k", "write -P 0x99 536870912 4k"};
        QTest::newRow("dynamic 1M blocks, 8G, across a chunk boundary")
            << "block_size=1M,log_size=1M"
            << "8G" << QStringList{"write -P 0x5a 4095M 2M"};
        QTest::newRow("fixed 1M blocks, 16M + 1 sector, fully present")
            << "subformat=fixed,block_size=1M,block_state_zero=off"
            << QString::number(16 * 1048576 + 512)
            << QStringList{"write -P 0xaa 1048064 1k", "write -P 0xab 16777216 512"};
        QTest::newRow("fixed 32M blocks, 96M, zero state")
            << "subformat=fixed,block_size=32M"
            << "96M" << QStringList{"write -P 0xbb 33554432 64k"};
        QTest::newRow("dynamic 2M blocks, nothing written") << "block_size=2M"
                                                            << "1G" << QStringList{};
    }
    void matchesQemuConvert() {
        QFETCH(QString, options);
        QFETCH(QString, size);
        QFETCH(QStringList, writes);
        const QString image = path(safeName(QTest::currentDataTag()) + ".vhdx");
        QCOMPARE(runProgram("qemu-img", {"create", "-q", "-f", "vhdx", "-o", options, image, size})
                     .exitCode,
                 0);
        for (const QString& w : writes) {
            const RunResult r = runProgram("qemu-io", {"-f", "vhdx", "-c", w, image});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(!r.out.contains("error") && !r.err.contains("error"), r.out.constData());
        }
        compareWithQemu(image);
        noTemporaryLeft();
    }

    void realImagesMatchQemuConvert_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("iotest-dynamic-1G") << "iotest-dynamic-1G.vhdx.bz2";
        QTest::newRow("xfs") << "xfs.vhdx.gz";
        QTest::newRow("btrfs") << "btrfs.vhdx.gz";
    }
    void realImagesMatchQemuConvert() {
        QFETCH(QString, file);
        QString error;
        const QString image = decompressTestImage(file, m_dir.path(), &error);
        QVERIFY2(!image.isEmpty(), qPrintable(error));
        compareWithQemu(image);
    }

    // qemu refuses the dirty-log sample read-only; we export the disk as after its log replay,
    // in memory, without writing the image: byte for byte what qemu-img convert reads from a
    // copy that qemu-img check -r all replayed.
    void dirtyLogSample() {
        QString error;
        const QString image =
            decompressTestImage("iotest-dirtylog-10G-4M.vhdx.bz2", m_dir.path(), &error);
        QVERIFY2(!image.isEmpty(), qPrintable(error));
        const QByteArray before = sha256Of(image);
        const QString ours = path("dirty.raw");
        const RunResult r = runInspector({"--export-raw", ours, image});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(sha256Of(image), before); // read-only: the log is still pending
        const QString copy = path("dirty-replayed.vhdx");
        QVERIFY(QFile::copy(image, copy));
        QCOMPARE(runProgram("qemu-img", {"check", "-r", "all", copy}).exitCode, 0);
        const QString theirs = path("dirty-replayed.qemu.raw");
        QCOMPARE(runProgram("qemu-img", {"convert", "-O", "raw", copy, theirs}).exitCode, 0);
        QString why;
        QVERIFY2(sameSparseContent(ours, theirs, why), qPrintable(why));
        QFile::remove(ours);
        QFile::remove(theirs);
        noTemporaryLeft();
    }

    // The sample's replay maps a block of zeros, so it cannot tell the replayed disk from the
    // stored one. Here the stored BAT says block 1 is not present while the pending log maps
    // it to a block of data in the file: the export must hold that data, as qemu-img convert
    // of a copy replayed by qemu-img check -r all does.
    void dirtyLogMapsData() {
        ImageSpec s;
        s.blockSize = 1024 * 1024;
        s.virtualSize = 16ull * 1024 * 1024;
        s.blocks = {{0, 6}, {1, 6}}; // FULLY_PRESENT, with storage
        s.payloadSeed = 0x3c;
        const BuiltImage clean = buildImage(s);
        const std::vector<uint8_t> batSector(clean.bytes.begin() + long(clean.batOffset),
                                             clean.bytes.begin() + long(clean.batOffset) + 4096);
        s.rawBatEntries[1] = 0; // stored: NOT_PRESENT
        s.logGuid = vhdx::Guid::random();
        LogEntrySpec e;
        e.sequenceNumber = 1;
        e.data = {{clean.batOffset, batSector}};
        s.logEntries = {e};
        const BuiltImage dirty = buildImage(s);
        QCOMPARE(dirty.blockOffsets.at(1), clean.blockOffsets.at(1));
        const QString image = writeImageFile(m_dir.path(), "maps-data.vhdx", dirty.bytes);
        QVERIFY(!image.isEmpty());
        const QString ours = path("maps-data.raw");
        const RunResult r = runInspector({"--export-raw", ours, image});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString copy = path("maps-data-replayed.vhdx");
        QVERIFY(QFile::copy(image, copy));
        QCOMPARE(runProgram("qemu-img", {"check", "-r", "all", copy}).exitCode, 0);
        const QString theirs = path("maps-data.qemu.raw");
        QCOMPARE(runProgram("qemu-img", {"convert", "-O", "raw", copy, theirs}).exitCode, 0);
        QString why;
        QVERIFY2(sameSparseContent(ours, theirs, why), qPrintable(why));
        // Block 1 holds the builder's pattern, not the zeros the stored BAT would give.
        QFile f(ours);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.seek(s.blockSize));
        QVERIFY(f.read(s.blockSize).count('\0') < int(s.blockSize));
    }

    // A pending replay that cannot be applied in memory leaves data that is not the disk's.
    void refusesLogNotApplied() {
        ImageSpec s;
        s.logGuid = vhdx::Guid::random();
        LogEntrySpec e;
        e.sequenceNumber = 1;
        e.zeros = {{~uint64_t(0) - 4095, 8192}}; // a range past 2^64: no view can be built
        s.logEntries = {e};
        const QString image = writeImageFile(m_dir.path(), "not-applied.vhdx", buildImage(s).bytes);
        QVERIFY(!image.isEmpty());
        const QString out = path("not-applied.raw");
        const RunResult r = runInspector({"--export-raw", out, image});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("LOG_REPLAY_NOT_APPLIED"), r.err.constData());
        QVERIFY(!QFileInfo::exists(out));
        noTemporaryLeft();
    }

    void refusesToOverwrite() {
        QString error;
        const QString image = decompressTestImage("btrfs.vhdx.gz", m_dir.path(), &error);
        const QString out = path("existing.raw");
        QFile f(out);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("keep me");
        f.close();
        RunResult r = runInspector({"--export-raw", out, image});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("--force"));
        QVERIFY(r.out.isEmpty());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("keep me"));
        f.close();
        r = runInspector({"--export-raw", out, image, "--force"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QFileInfo(out).size(), qint64(1073741824));
        // A folder is never replaced, even with --force.
        QVERIFY(QDir(m_dir.path()).mkdir("folder.raw"));
        QCOMPARE(runInspector({"--export-raw", path("folder.raw"), image, "--force"}).exitCode, 1);
        noTemporaryLeft();
    }

    void usageAndUnreadable() {
        QCOMPARE(runInspector({"--export-raw"}).exitCode, 2);
        QCOMPARE(runInspector({"--export-raw", "", "x.vhdx"}).exitCode, 2);
        QCOMPARE(runInspector({"--export-raw", path("o.raw")}).exitCode, 2);
        QCOMPARE(runInspector({"--json", "--force", path("x")}).exitCode, 2);
        QCOMPARE(runInspector({"--json", "--export-raw", path("o.raw"), path("x")}).exitCode, 2);
        QCOMPARE(
            runInspector({"--export-raw", path("o.raw"), path("does-not-exist.vhdx")}).exitCode, 2);
        QFile notVhdx(path("not.vhdx"));
        QVERIFY(notVhdx.open(QIODevice::WriteOnly));
        notVhdx.write(QByteArray(4096, 'x'));
        notVhdx.close();
        QCOMPARE(runInspector({"--export-raw", path("o.raw"), notVhdx.fileName()}).exitCode, 1);
        QVERIFY(!QFileInfo::exists(path("o.raw")));
        // Into a folder that does not exist: failed, nothing created.
        QCOMPARE(runInspector({"--export-raw", path("no/such/o.raw"), notVhdx.fileName()}).exitCode,
                 1);
    }

    // A valid chain deeper than the 16 levels once followed (25 images): every level is
    // followed, the report has no error and the export is made. A child over a parent of
    // another virtual size is an error of its own report and its export is refused (it
    // filled the difference with zeros).
    void deepChainAndGeometry() {
        const QString dir = path("deep");
        QVERIFY(QDir().mkpath(dir));
        const int levels = 25;
        for (int i = 1; i <= levels; ++i)
            QVERIFY(!writeSpec(dir, QString("p%1.vhdx").arg(i),
                               i == levels ? baseImage(chainGuid(i))
                                           : childImage(chainGuid(i), chainGuid(i + 1),
                                                        "p" + std::to_string(i + 1) + ".vhdx"))
                         .isEmpty());
        RunResult r = runInspector({"--json", dir + "/p1.vhdx"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()["parent_chain"].toArray().size(), levels - 1);
        QCOMPARE(r.json()["virtual_disk"].toObject()["levels"].toInt(), levels);
        r = runInspector({"--export-raw", dir + "/deep.raw", dir + "/p1.vhdx"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QFileInfo(dir + "/deep.raw").size(), qint64(64 << 20));

        ImageSpec big = baseImage(chainGuid(40));
        big.virtualSize = 128 << 20; // the child is 64 MiB
        QVERIFY(!writeSpec(dir, "big.vhdx", big).isEmpty());
        const QString kid =
            writeSpec(dir, "kid.avhdx", childImage(chainGuid(41), chainGuid(40), "big.vhdx"));
        r = runInspector({"--json", kid});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("PARENT_GEOMETRY_MISMATCH"), r.out.constData());
        r = runInspector({"--export-raw", dir + "/kid.raw", kid});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("PARENT_GEOMETRY_MISMATCH"), r.err.constData());
        QVERIFY(!QFileInfo::exists(dir + "/kid.raw"));
    }

    // OUT may be none of the files the export reads: FILE, its parent, or a symlink or hard
    // link to either, with or without --force; each is refused and stays byte for byte.
    void refusesItsOwnInput() {
        LevelSpec child{{{0, bat::FullyPresent}}, {}, 3};
        LevelSpec base{{{1, bat::FullyPresent}}, {}, 5};
        BuiltChain c = buildChain(1 << 20, 512, 4 << 20, {child, base});
        QDir(m_dir.path()).mkpath("own");
        const QString dir = path("own");
        const QString parent = writeImageFile(dir, "parent.vhdx", c.built[1].bytes);
        const QString kid = writeImageFile(dir, "child.vhdx", c.built[0].bytes);
        QVERIFY(!parent.isEmpty() && !kid.isEmpty());
        QVERIFY(QFile::link(parent, dir + "/parent-link.raw"));
        QVERIFY(::link(QFile::encodeName(kid).constData(),
                       QFile::encodeName(dir + "/child-hardlink.raw").constData()) == 0);
        const QByteArray kidBefore = sha256Of(kid), parentBefore = sha256Of(parent);
        const struct {
            QString out;
            QString why;
        } cases[] = {{kid, "is FILE itself"},
                     {dir + "/child-hardlink.raw", "is FILE itself"},
                     {parent, "an image of FILE's parent chain"},
                     {dir + "/parent-link.raw", "an image of FILE's parent chain"}};
        for (const auto& k : cases)
            for (bool force : {false, true}) {
                QStringList args = {"--export-raw", k.out, kid};
                if (force)
                    args << "--force";
                const RunResult r = runInspector(args);
                QCOMPARE(r.exitCode, 1);
                QVERIFY2(r.err.contains(k.why.toUtf8()), r.err.constData());
                QCOMPARE(sha256Of(kid), kidBefore);
                QCOMPARE(sha256Of(parent), parentBefore);
            }
        QVERIFY(QDir(dir).entryList({".*.export-*"}, QDir::Files | QDir::Hidden).isEmpty());
    }

    // An option after --export-raw or --backup is not taken for their path (it wrote a file
    // named "--force"), and each may be given once.
    void optionsAreNotPaths() {
        const QString cwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(m_dir.path()));
        RunResult r = runInspector({"--export-raw", "--force", path("x.vhdx")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--export-raw needs an OUT path, not '--force' (an option); "
                                "write ./--force for a file of that name"),
                 r.err.constData());
        r = runInspector({"--replay-log", path("x.vhdx"), "--backup", "--yes"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--backup needs a PATH, not '--yes'"), r.err.constData());
        r = runInspector(
            {"--export-raw", path("a.raw"), "--export-raw", path("b.raw"), path("x.vhdx")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--export-raw given twice"), r.err.constData());
        r = runInspector(
            {"--replay-log", path("x.vhdx"), "--backup", path("a"), "--backup", path("b")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--backup given twice"), r.err.constData());
        QVERIFY(!QFileInfo::exists(m_dir.filePath("--force")));
        QVERIFY(!QFileInfo::exists(m_dir.filePath("--yes")));
        QVERIFY(QDir::setCurrent(cwd));
    }

    // A killed export (SIGKILL: no handler runs) leaves its temporary file; the next export
    // to the same OUT removes it and names it, and leaves alone one that a running export
    // holds (flock). The kill is made while the export is held at its first write.
    void killedExportIsCleanedUpNextTime() {
        QString error;
        const QString image = decompressTestImage("btrfs.vhdx.gz", m_dir.path(), &error);
        QVERIFY2(!image.isEmpty(), qPrintable(error));
        QDir(m_dir.path()).mkpath("killed");
        const QString out = path("killed/out.raw");
        QStringList temps;
        const QDir killed(path("killed"));
        QVERIFY(killWhenHeld({"--export-raw", out, image}, "pwrite64", 1, [&] {
            temps = killed.entryList({".out.raw.export-*"}, QDir::Files | QDir::Hidden);
            return !temps.isEmpty();
        }));
        QCOMPARE(temps.size(), 1);
        QVERIFY(!QFileInfo::exists(out));
        const QString stale = path("killed/" + temps.front());
        QVERIFY(QFileInfo::exists(stale));
        // One that a running export holds.
        const QString held = path("killed/.out.raw.export-HELD00");
        const int fd = ::open(QFile::encodeName(held).constData(), O_CREAT | O_RDWR, 0600);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX), 0);
        const RunResult r = runInspector({"--export-raw", out, image});
        ::close(fd);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains(("removed '" + stale +
                                 "', left by an earlier export to the same OUT that was killed")
                                    .toUtf8()),
                 r.err.constData());
        QVERIFY(!QFileInfo::exists(stale));
        QVERIFY(QFileInfo::exists(held));
        QFile::remove(held);
        QCOMPARE(QFileInfo(out).size(), qint64(1073741824));
        QFile::remove(out);
    }

    // The folder's sync (the second fsync: before the rename; the third: after it) failing:
    // a new OUT is never left behind; with --force the old OUT is what remains.
    void folderSyncFailureLeavesNoNewFile_data() {
        QTest::addColumn<int>("when");
        QTest::addColumn<bool>("force");
        QTest::newRow("before the rename") << 2 << false;
        QTest::newRow("after the rename") << 3 << false;
        QTest::newRow("before the rename, --force") << 2 << true;
        QTest::newRow("after the exchange, --force") << 3 << true;
    }
    void folderSyncFailureLeavesNoNewFile() {
        QFETCH(int, when);
        QFETCH(bool, force);
        QString error;
        const QString image = decompressTestImage("btrfs.vhdx.gz", m_dir.path(), &error);
        QVERIFY2(!image.isEmpty(), qPrintable(error));
        const QString dir = path(QString("sync-%1-%2").arg(when).arg(force));
        QVERIFY(QDir().mkpath(dir));
        const QString out = dir + "/out.raw";
        if (force) {
            QFile f(out);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("keep me");
        }
        // Without a fault: exactly three fsyncs (the file, the folder twice).
        const QString trace = dir + "/trace";
        QStringList args = {"--export-raw", dir + "/probe.raw", image};
        RunResult r =
            runProgram("env", QStringList{"ASAN_OPTIONS=detect_leaks=0", "strace", "-f", "-o",
                                          trace, "-e", "trace=fsync", inspectorPath()} +
                                  args);
        QCOMPARE(r.exitCode, 0);
        QFile traced(trace);
        QVERIFY(traced.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(traced.readAll()).count("fsync("), 3);
        QFile::remove(dir + "/probe.raw");
        QFile::remove(trace);
        args = QStringList{"--export-raw", out, image};
        if (force)
            args << "--force";
        r = runProgram("env", QStringList{"ASAN_OPTIONS=detect_leaks=0", "strace", "-f", "-o",
                                          "/dev/null", "-e", "trace=fsync", "-e",
                                          QString("inject=fsync:error=EIO:when=%1").arg(when),
                                          inspectorPath()} +
                                  args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("syncing the folder"), r.err.constData());
        if (force) {
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll(), QByteArray("keep me"));
        } else {
            QVERIFY(!QFileInfo::exists(out));
        }
        QVERIFY(QDir(dir).entryList({".*"}, QDir::Files | QDir::Hidden).isEmpty());
    }

    // A two-level chain of builder files (4096-byte sectors, partially present blocks):
    // exported as the reference reads it; with the parent gone, refused unless allowed.
    void exportsABuilderChain() {
        const uint64_t spb = 256;
        LevelSpec child{
            {{0, bat::PartiallyPresent}, {2, bat::FullyPresent}}, {{0, flags("0110", spb)}}, 3};
        LevelSpec base{{{0, bat::FullyPresent}, {1, bat::FullyPresent}}, {}, 5};
        BuiltChain c = buildChain(1 << 20, 4096, 4 << 20, {child, base});
        QDir(m_dir.path()).mkdir("chain");
        const QString dir = path("chain");
        QVERIFY(!writeImageFile(dir, "parent.vhdx", c.built[1].bytes).isEmpty());
        const QString childPath = writeImageFile(dir, "child.vhdx", c.built[0].bytes);
        const QString out = path("chain.raw");
        RunResult r = runInspector({"--export-raw", out, childPath});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        f.close();
        QCOMPARE(bytes.size(), qsizetype(c.virtualSize));
        for (qsizetype i = 0; i < bytes.size(); ++i)
            if (uint8_t(bytes[i]) != referenceByte(c, uint64_t(i)))
                QFAIL(qPrintable(QString("byte %1 differs").arg(i)));

        QVERIFY(QFile::remove(QDir(dir).filePath("parent.vhdx")));
        QFile::remove(out);
        r = runInspector({"--export-raw", out, childPath});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("--allow-missing-parent"));
        QVERIFY(!QFileInfo::exists(out));
        r = runInspector({"--export-raw", out, childPath, "--allow-missing-parent"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.contains("zeros"));
        QVERIFY(r.out.contains("missing parent read as zeros"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray partial = f.readAll();
        for (qsizetype i = 0; i < partial.size(); ++i) {
            const uint64_t v = uint64_t(i);
            const bool inChild =
                (v >> 20) == 2 || ((v >> 20) == 0 && child.sectorBits[0][(v % (1 << 20)) / 4096]);
            const uint8_t expected = inChild ? referenceByte(c, v) : 0;
            if (uint8_t(partial[i]) != expected)
                QFAIL(qPrintable(QString("byte %1 differs with the parent missing").arg(i)));
        }
        noTemporaryLeft();
    }
};

VHDX_TEST_MAIN(TestCliExport)
#include "tst_cli_export.moc"
