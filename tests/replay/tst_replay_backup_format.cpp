// The log replay's backup file (format in vhdx/replay_backup.h), built here byte by byte from
// that description rather than with the encoder: the encoder writes exactly those bytes, the
// decoder reads them back (version 2, and version 1 as earlier releases wrote it), and every
// malformed file (too short, wrong magic, other version, bad checksum, a record past the body,
// a record whose range overflows or lies past the old size, bytes after the last record, no
// header section first, a zero run in version 1) is rejected with its own message.
// --restore-backup of a missing, unreadable, oversized, non-regular or malformed backup, or of
// one taken from another file, refuses with that message and leaves the image byte for byte
// as it was; a valid one, zero runs and zero-length records included, restores the file.
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <limits>
#include <optional>
#include <sys/stat.h>

#include "image_builder.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/layout.h"
#include "vhdx/replay_backup.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
struct Record {
    uint64_t offset = 0;
    std::vector<uint8_t> bytes;
    uint64_t zeroLength = 0; // > 0: a zero run of that length, no bytes
};

const Guid kAfter = *Guid::parse("abcdef00-1111-4222-8333-444455556666");

struct Crafted {
    uint32_t version = 2;
    uint64_t oldSize = 5 * MiB;
    uint64_t sizeAfter = 6 * MiB;
    Guid fileWriteGuidAfter = kAfter;
    std::vector<Record> records;
    std::optional<uint32_t> count;     // default: records.size()
    std::vector<uint8_t> afterRecords; // stray bytes before the checksum
    // A record header whose length field says this instead of the bytes' size.
    std::optional<std::pair<size_t, uint64_t>> lengthOverride;
};

// magic "VHDXRPLB", version u32, count u32, old size u64, (version 2: size after u64,
// FileWriteGuid 16 bytes), records (offset u64, length u64 with bit 63 for a zero run,
// bytes), CRC-32C of everything before it; little-endian throughout.
std::vector<uint8_t> craft(const Crafted& c) {
    std::vector<uint8_t> out = {'V', 'H', 'D', 'X', 'R', 'P', 'L', 'B'};
    auto u32 = [&](uint32_t v) {
        for (int i = 0; i < 4; ++i)
            out.push_back(uint8_t(v >> (8 * i)));
    };
    auto u64 = [&](uint64_t v) {
        for (int i = 0; i < 8; ++i)
            out.push_back(uint8_t(v >> (8 * i)));
    };
    u32(c.version);
    u32(c.count.value_or(uint32_t(c.records.size())));
    u64(c.oldSize);
    if (c.version == 2) {
        u64(c.sizeAfter);
        out.insert(out.end(), c.fileWriteGuidAfter.bytes.begin(), c.fileWriteGuidAfter.bytes.end());
    }
    for (size_t i = 0; i < c.records.size(); ++i) {
        const Record& r = c.records[i];
        u64(r.offset);
        const bool over = c.lengthOverride && c.lengthOverride->first == i;
        if (r.zeroLength)
            u64(r.zeroLength | (uint64_t(1) << 63));
        else
            u64(over ? c.lengthOverride->second : r.bytes.size());
        out.insert(out.end(), r.bytes.begin(), r.bytes.end());
    }
    out.insert(out.end(), c.afterRecords.begin(), c.afterRecords.end());
    u32(crc32c(out.data(), out.size()));
    return out;
}

std::vector<uint8_t> filled(size_t n, uint8_t v) {
    return std::vector<uint8_t>(n, v);
}

// A 5 MiB image whose first MiB is a real header section (valid headers, DataWriteGuid of
// the builder's default), the rest 0x44.
std::vector<uint8_t> imageBytes(const Guid& dataWriteGuid = ImageSpec().dataWriteGuid) {
    ImageSpec spec;
    spec.dataWriteGuid = dataWriteGuid;
    const BuiltImage b = buildImage(spec);
    std::vector<uint8_t> out = filled(5 * MiB, 0x44);
    std::copy(b.bytes.begin(), b.bytes.begin() + long(MiB), out.begin());
    return out;
}

std::vector<uint8_t> headerSection() {
    const std::vector<uint8_t> img = imageBytes();
    return {img.begin(), img.begin() + long(MiB)};
}

Crafted valid() {
    Crafted c;
    c.records = {{0, headerSection()},
                 {3 * MiB, filled(4096, 0xc3)},
                 {4 * MiB, {}},
                 {4 * MiB + 8192, {}, 64 * KiB}};
    return c;
}
} // namespace

class TestReplayBackupFormat : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString file(const QString& name, const std::vector<uint8_t>& bytes) {
        const QString path = m_dir.path() + "/" + name;
        return writeWholeFile(path, bytes) ? path : QString();
    }
    // An image 6 MiB long (what a replay that grew it leaves) with the backup's header section.
    QString replayedImage(const QString& name) {
        std::vector<uint8_t> img = imageBytes();
        img.resize(6 * MiB, 0x55);
        return file(name, img);
    }
    void expectRefusal(const QString& backup, const QString& image, const QString& error) {
        const QByteArray before = digestWhole(image);
        for (bool apply : {false, true}) {
            const RestoreResult r =
                restoreReplayBackup(backup.toStdString(), image.toStdString(), apply);
            QVERIFY(!r.ok);
            QVERIFY(r.refused);
            QCOMPARE(QString::fromStdString(r.error), error);
            QCOMPARE(digestWhole(image), before);
        }
    }

  private slots:
    void encoderWritesTheDocumentedBytes() {
        const Crafted c = valid();
        ReplayBackup b;
        b.oldSize = c.oldSize;
        b.sizeAfter = c.sizeAfter;
        b.fileWriteGuidAfter = c.fileWriteGuidAfter;
        for (const Record& r : c.records) {
            BackupRecord rec;
            rec.offset = r.offset;
            rec.bytes = r.bytes;
            rec.zeros = r.zeroLength > 0;
            rec.length = r.zeroLength;
            b.records.push_back(rec);
        }
        QVERIFY(encodeReplayBackup(b) == craft(c));
    }

    void decoderReadsTheDocumentedBytes_data() {
        QTest::addColumn<int>("version");
        QTest::newRow("version 2") << 2;
        QTest::newRow("version 1") << 1;
    }
    void decoderReadsTheDocumentedBytes() {
        QFETCH(int, version);
        Crafted c = valid();
        c.version = uint32_t(version);
        if (version == 1)
            c.records.pop_back(); // no zero runs in version 1
        ReplayBackup b;
        std::string error;
        QVERIFY2(decodeReplayBackup(craft(c), b, error), error.c_str());
        QCOMPARE(b.version, uint32_t(version));
        QCOMPARE(b.oldSize, c.oldSize);
        QCOMPARE(b.sizeAfter, version == 2 ? c.sizeAfter : 0);
        QVERIFY(b.fileWriteGuidAfter == (version == 2 ? kAfter : Guid()));
        QCOMPARE(b.records.size(), c.records.size());
        for (size_t i = 0; i < c.records.size(); ++i) {
            QCOMPARE(b.records[i].offset, c.records[i].offset);
            QCOMPARE(b.records[i].zeros, c.records[i].zeroLength > 0);
            QCOMPARE(b.records[i].length,
                     c.records[i].zeroLength ? c.records[i].zeroLength : c.records[i].bytes.size());
            QVERIFY(b.records[i].bytes == c.records[i].bytes);
        }
    }

    void malformedIsRejected_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("error");
        auto row = [](const char* name, const std::vector<uint8_t>& b, const QString& e) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char*>(b.data()),
                                              qsizetype(b.size()))
                                << e;
        };
        const QString noMagic = "not a log replay backup (no \"VHDXRPLB\" signature)";
        const QString badCrc = "the backup's checksum does not match (damaged or truncated)";
        const QString noSection = "the backup does not hold the file's header section (the "
                                  "first 1 MiB) first, so which file it belongs to cannot be "
                                  "checked";
        row("empty file", {}, noMagic);
        Crafted none;
        none.version = 1;
        const std::vector<uint8_t> smallest = craft(none); // 28 bytes: no record
        row("27 bytes", std::vector<uint8_t>(smallest.begin(), smallest.end() - 1), noMagic);
        std::vector<uint8_t> magic = craft(valid());
        magic[7] = 'X';
        row("wrong magic", magic, noMagic);
        Crafted v3 = valid();
        v3.version = 3;
        row("version 3", craft(v3), "backup version 3 is not supported");
        Crafted v0 = valid();
        v0.version = 0;
        row("version 0", craft(v0), "backup version 0 is not supported");
        std::vector<uint8_t> flipped = craft(valid());
        flipped[48 + 16 + 100] ^= 1;
        row("a flipped data byte", flipped, badCrc);
        const std::vector<uint8_t> whole = craft(valid());
        row("truncated", std::vector<uint8_t>(whole.begin(), whole.end() - 4096), badCrc);

        // The checksum matches; the records do not fit (each condition of the check in turn).
        Crafted more = valid();
        more.count = 5; // one record more than the body holds
        row("count past the body", craft(more), "backup record 4 is malformed");
        Crafted longer = valid();
        longer.lengthOverride = {{1, 4096 + 16 + 16 + 1 + 16}}; // past the end by one byte
        row("length past the body", craft(longer), "backup record 1 is malformed");
        Crafted wraps = valid();
        wraps.oldSize = std::numeric_limits<uint64_t>::max();
        wraps.sizeAfter = wraps.oldSize;
        wraps.records[1] = {std::numeric_limits<uint64_t>::max() - 1, filled(4, 1)};
        row("offset + length overflows", craft(wraps), "backup record 1 is malformed");
        Crafted past = valid();
        past.records[1].offset = past.oldSize - 4095; // ends one byte past the old size
        row("record past the old size", craft(past), "backup record 1 is malformed");
        Crafted zeroPast = valid();
        zeroPast.records[3].zeroLength = zeroPast.oldSize - zeroPast.records[3].offset + 1;
        row("zero run past the old size", craft(zeroPast), "backup record 3 is malformed");
        Crafted zeroV1 = valid();
        zeroV1.version = 1;
        row("zero run in version 1", craft(zeroV1), "backup record 3 is malformed");
        Crafted stray = valid();
        stray.afterRecords = {1, 2, 3};
        row("bytes after the last record", craft(stray),
            "the backup has bytes after its last record");
        Crafted fewer = valid();
        fewer.count = 1;
        row("count below the records", craft(fewer), "the backup has bytes after its last record");
        // What a restore checks the file against must be there: the header section, first.
        Crafted noRecords = valid();
        noRecords.records.clear();
        row("no record", craft(noRecords), noSection);
        Crafted zeroSize = valid();
        zeroSize.oldSize = 0; // the crafted 28-byte backup that truncated an image to nothing
        zeroSize.sizeAfter = 0;
        zeroSize.records.clear();
        row("old size 0", craft(zeroSize), noSection);
        Crafted notFirst = valid();
        std::swap(notFirst.records[0], notFirst.records[1]);
        row("header section not first", craft(notFirst), noSection);
        Crafted shortSection = valid();
        shortSection.records[0].bytes.resize(MiB - 4096);
        row("header section cut short", craft(shortSection), noSection);
        Crafted small = valid();
        small.oldSize = MiB - 1;
        small.records = {{0, filled(MiB - 1, 0)}};
        row("old size below 1 MiB", craft(small), noSection);
        Crafted shrinks = valid();
        shrinks.sizeAfter = shrinks.oldSize - 1;
        row("size after below the old size", craft(shrinks), noSection);
    }
    void malformedIsRejected() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, error);
        const std::vector<uint8_t> v(bytes.begin(), bytes.end());
        ReplayBackup b;
        b.oldSize = 99; // decode resets what it fills
        std::string why;
        QVERIFY(!decodeReplayBackup(v, b, why));
        QCOMPARE(QString::fromStdString(why), error);

        // --restore-backup of that file: refused with the message, the image untouched.
        const QString backup = file(QString("%1.backup").arg(QTest::currentDataTag()), v);
        const QString image = replayedImage(QString("%1.img").arg(QTest::currentDataTag()));
        expectRefusal(backup, image, "backup '" + backup + "': " + error);
    }

    void missingBackupIsRefused() {
        const QString image = replayedImage("missing.img");
        const QString backup = m_dir.path() + "/no-such.backup";
        expectRefusal(backup, image,
                      "cannot open backup '" + backup + "': No such file or directory");
    }

    // Regular files only: a folder, a FIFO (which would block a read, even for the dry run)
    // and a character device (/dev/zero, endless) are refused before anything is read.
    void notARegularFileIsRefused_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("folder") << "folder";
        QTest::newRow("fifo") << "fifo";
        QTest::newRow("/dev/zero") << "zero";
    }
    void notARegularFileIsRefused() {
        QFETCH(QString, kind);
        const QString image = replayedImage(kind + ".img");
        QString backup = m_dir.path() + "/" + kind + ".backup";
        if (kind == "folder")
            QVERIFY(QDir().mkpath(backup));
        else if (kind == "fifo")
            QCOMPARE(::mkfifo(QFile::encodeName(backup).constData(), 0600), 0);
        else
            backup = "/dev/zero";
        expectRefusal(backup, image, "backup '" + backup + "': not a regular file");
    }

    // The size limit, checked before reading: at the limit the file is read (and here
    // rejected for its contents), one byte past it is refused for its size alone. Sparse.
    void sizeLimit() {
        const QString image = replayedImage("limit.img");
        const QString at = m_dir.path() + "/at-limit.backup";
        const QString past = m_dir.path() + "/past-limit.backup";
        for (const auto& [path, size] : {std::pair{at, maxReplayBackupFileSize},
                                         std::pair{past, maxReplayBackupFileSize + 1}}) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(qint64(size)));
        }
        expectRefusal(at, image,
                      "backup '" + at + "': not a log replay backup (no \"VHDXRPLB\" signature)");
        expectRefusal(past, image,
                      "backup '" + past + "': " + QString::number(maxReplayBackupFileSize + 1) +
                          " bytes, more than a backup may have (" +
                          QString::number(maxReplayBackupFileSize) + ")");
        QFile::remove(at);
        QFile::remove(past);
    }

    void missingImageIsRefused() {
        const QString backup = file("for-missing-image.backup", craft(valid()));
        const QString image = m_dir.path() + "/no-such.img";
        const RestoreResult r =
            restoreReplayBackup(backup.toStdString(), image.toStdString(), true);
        QVERIFY(r.refused);
        QVERIFY(!r.ok);
        QCOMPARE(QString::fromStdString(r.error),
                 "cannot open '" + image + "' for writing: No such file or directory");
        QVERIFY(!QFileInfo::exists(image));           // never created
        QCOMPARE(r.backup.records.size(), size_t(4)); // it was read and checked first
    }

    // A backup restores only onto the file it was taken from, or that file after its replay:
    // same DataWriteGuid, FileWriteGuid the old one or the replay's, size between the old size
    // and the size after.
    void anotherFileIsRefused_data() {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("why");
        QTest::newRow("another disk")
            << "other-disk"
            << "FILE is another disk: its DataWriteGuid is 01010101-0202-0303-0404-050505050505, "
               "the backed-up file's was 66666666-7777-8888-9999-aaaaaaaaaaaa";
        QTest::newRow("written since")
            << "written-since"
            << "FILE was written since the backup (its FileWriteGuid "
               "12121212-3434-4545-8656-787878787878 is neither the backed-up file's "
               "11111111-2222-3333-4444-555555555555 nor the one its replay wrote)";
        QTest::newRow("too short") << "short"
                                   << "FILE is 4194304 bytes; the file backed up was 5242880 "
                                      "bytes (6291456 after its replay)";
        QTest::newRow("too long") << "long"
                                  << "FILE is 6291457 bytes; the file backed up was 5242880 "
                                     "bytes (6291456 after its replay)";
        QTest::newRow("no valid header") << "no-header"
                                         << "FILE has no valid header, so it cannot be told to "
                                            "be the file the backup was taken from";
    }
    void anotherFileIsRefused() {
        QFETCH(QString, what);
        QFETCH(QString, why);
        const QString backup = file(what + ".backup", craft(valid()));
        std::vector<uint8_t> img = imageBytes();
        img.resize(6 * MiB, 0x55);
        if (what == "other-disk")
            img = imageBytes(*Guid::parse("01010101-0202-0303-0404-050505050505"));
        if (what == "written-since") {
            ImageSpec spec;
            spec.fileWriteGuid = *Guid::parse("12121212-3434-4545-8656-787878787878");
            const BuiltImage b = buildImage(spec);
            std::copy(b.bytes.begin(), b.bytes.begin() + long(MiB), img.begin());
        }
        if (what == "short")
            img.resize(4 * MiB);
        if (what == "long")
            img.resize(6 * MiB + 1, 0x55);
        if (what == "no-header")
            std::fill(img.begin() + long(64 * KiB), img.begin() + long(192 * KiB), uint8_t(0));
        const QString image = file(what + ".img", img);
        expectRefusal(backup, image,
                      "backup '" + backup + "' was not taken from '" + image + "': " + why);
    }

    void dryRunWritesNothing() {
        const QString backup = file("dry.backup", craft(valid()));
        const QString image = replayedImage("dry.img");
        const QByteArray before = digestWhole(image);
        const RestoreResult r =
            restoreReplayBackup(backup.toStdString(), image.toStdString(), false);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(!r.refused);
        QCOMPARE(r.backup.oldSize, 5 * MiB);
        QCOMPARE(r.backup.records.size(), size_t(4));
        QCOMPARE(digestWhole(image), before);
    }

    // Every record written back (a zero-length one writes and checks nothing, a zero run
    // clears its range), the size set back: shrunk from 6 MiB to the 5 MiB the backup names.
    // Version 1 backups (no zero runs, no size after) restore too.
    void validBackupRestores_data() {
        QTest::addColumn<int>("version");
        QTest::newRow("version 2") << 2;
        QTest::newRow("version 1") << 1;
    }
    void validBackupRestores() {
        QFETCH(int, version);
        Crafted c = valid();
        c.version = uint32_t(version);
        if (version == 1)
            c.records.pop_back();
        const QString backup = file(QString("valid%1.backup").arg(version), craft(c));
        const QString image = replayedImage(QString("valid%1.img").arg(version));
        const RestoreResult r =
            restoreReplayBackup(backup.toStdString(), image.toStdString(), true);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(!r.refused);
        std::vector<uint8_t> want = imageBytes();
        std::fill(want.begin() + long(3 * MiB), want.begin() + long(3 * MiB + 4096), uint8_t(0xc3));
        if (version == 2)
            std::fill(want.begin() + long(4 * MiB + 8192),
                      want.begin() + long(4 * MiB + 8192 + 64 * KiB), uint8_t(0));
        QCOMPARE(QFileInfo(image).size(), qint64(5 * MiB));
        QVERIFY(readWholeFile(image) == want);
    }
};

VHDX_TEST_MAIN(TestReplayBackupFormat)
#include "tst_replay_backup_format.moc"
