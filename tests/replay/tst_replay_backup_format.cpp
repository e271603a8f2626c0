// The log replay's backup file (format in vhdx/replay_backup.h), built here byte by byte from
// that description rather than with the encoder: the encoder writes exactly those bytes, the
// decoder reads them back, and every malformed file (too short, wrong magic, other version,
// bad checksum, a record past the body, a record whose range overflows or lies past the old
// size, bytes after the last record) is rejected with its own message. --restore-backup of a
// missing, unreadable or malformed backup refuses with that message and leaves the image
// byte for byte as it was; a valid one, zero-length records included, restores the file.
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <limits>
#include <optional>

#include "update_test_util.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/replay_backup.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
using Record = std::pair<uint64_t, std::vector<uint8_t>>;

struct Crafted {
    uint32_t version = 1;
    uint64_t oldSize = 5 * MiB;
    std::vector<Record> records;
    std::optional<uint32_t> count;     // default: records.size()
    std::vector<uint8_t> afterRecords; // stray bytes before the checksum
    // A record header whose length field says this instead of the bytes' size.
    std::optional<std::pair<size_t, uint64_t>> lengthOverride;
};

// magic "VHDXRPLB", version u32, count u32, old size u64, records (offset u64, length u64,
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
    for (size_t i = 0; i < c.records.size(); ++i) {
        u64(c.records[i].first);
        const bool over = c.lengthOverride && c.lengthOverride->first == i;
        u64(over ? c.lengthOverride->second : c.records[i].second.size());
        out.insert(out.end(), c.records[i].second.begin(), c.records[i].second.end());
    }
    out.insert(out.end(), c.afterRecords.begin(), c.afterRecords.end());
    u32(crc32c(out.data(), out.size()));
    return out;
}

std::vector<uint8_t> filled(size_t n, uint8_t v) {
    return std::vector<uint8_t>(n, v);
}

Crafted valid() {
    Crafted c;
    c.records = {{0, filled(MiB, 0x5a)}, {3 * MiB, filled(4096, 0xc3)}, {4 * MiB, {}}};
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

  private slots:
    void encoderWritesTheDocumentedBytes() {
        const Crafted c = valid();
        ReplayBackup b;
        b.oldSize = c.oldSize;
        for (const Record& r : c.records)
            b.records.push_back({r.first, r.second});
        QVERIFY(encodeReplayBackup(b) == craft(c));
    }

    void decoderReadsTheDocumentedBytes() {
        const Crafted c = valid();
        ReplayBackup b;
        std::string error;
        QVERIFY2(decodeReplayBackup(craft(c), b, error), error.c_str());
        QCOMPARE(b.oldSize, c.oldSize);
        QCOMPARE(b.records.size(), c.records.size());
        for (size_t i = 0; i < c.records.size(); ++i) {
            QCOMPARE(b.records[i].offset, c.records[i].first);
            QVERIFY(b.records[i].bytes == c.records[i].second);
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
        row("empty file", {}, noMagic);
        Crafted none;
        const std::vector<uint8_t> smallest = craft(none); // 28 bytes: no record
        row("27 bytes", std::vector<uint8_t>(smallest.begin(), smallest.end() - 1), noMagic);
        std::vector<uint8_t> magic = craft(valid());
        magic[7] = 'X';
        row("wrong magic", magic, noMagic);
        Crafted v2 = valid();
        v2.version = 2;
        row("version 2", craft(v2), "backup version 2 is not supported");
        Crafted v0 = valid();
        v0.version = 0;
        row("version 0", craft(v0), "backup version 0 is not supported");
        std::vector<uint8_t> flipped = craft(valid());
        flipped[24 + 16 + 100] ^= 1;
        row("a flipped data byte", flipped, badCrc);
        const std::vector<uint8_t> whole = craft(valid());
        row("truncated", std::vector<uint8_t>(whole.begin(), whole.end() - 4096), badCrc);

        // The checksum matches; the records do not fit (each condition of the check in turn).
        Crafted more = valid();
        more.count = 4; // one record more than the body holds
        row("count past the body", craft(more), "backup record 3 is malformed");
        Crafted longer = valid();
        longer.lengthOverride = {{1, 4096 + 16 + 1}}; // past the end by one byte
        row("length past the body", craft(longer), "backup record 1 is malformed");
        Crafted wraps;
        wraps.oldSize = std::numeric_limits<uint64_t>::max();
        wraps.records = {{std::numeric_limits<uint64_t>::max() - 1, filled(4, 1)}};
        row("offset + length overflows", craft(wraps), "backup record 0 is malformed");
        Crafted past = valid();
        past.records[1].first = past.oldSize - 4095; // ends one byte past the old size
        row("record past the old size", craft(past), "backup record 1 is malformed");
        Crafted stray = valid();
        stray.afterRecords = {1, 2, 3};
        row("bytes after the last record", craft(stray),
            "the backup has bytes after its last record");
        Crafted fewer = valid();
        fewer.count = 1;
        row("count below the records", craft(fewer), "the backup has bytes after its last record");
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
        const QString image =
            file(QString("%1.img").arg(QTest::currentDataTag()), filled(5 * MiB, 0x11));
        const QByteArray before = digestWhole(image);
        const RestoreResult r =
            restoreReplayBackup(backup.toStdString(), image.toStdString(), true);
        QVERIFY(!r.ok);
        QVERIFY(r.refused);
        QCOMPARE(QString::fromStdString(r.error), "backup '" + backup + "': " + error);
        QCOMPARE(digestWhole(image), before);
    }

    void missingBackupIsRefused() {
        const QString image = file("missing.img", filled(MiB, 0x22));
        const QByteArray before = digestWhole(image);
        const QString backup = m_dir.path() + "/no-such.backup";
        const RestoreResult r =
            restoreReplayBackup(backup.toStdString(), image.toStdString(), true);
        QVERIFY(r.refused);
        QVERIFY(!r.ok);
        QCOMPARE(QString::fromStdString(r.error),
                 "cannot open backup '" + backup + "': No such file or directory");
        QCOMPARE(digestWhole(image), before);
    }

    void unreadableBackupIsRefused() {
        // A directory opens read-only but read() fails with EISDIR.
        const QString image = file("dir.img", filled(MiB, 0x33));
        const QByteArray before = digestWhole(image);
        const QString backup = m_dir.path() + "/a-directory.backup";
        QVERIFY(QDir().mkpath(backup));
        const RestoreResult r =
            restoreReplayBackup(backup.toStdString(), image.toStdString(), true);
        QVERIFY(r.refused);
        QCOMPARE(QString::fromStdString(r.error),
                 "cannot read backup '" + backup + "': Is a directory");
        QCOMPARE(digestWhole(image), before);
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
        QCOMPARE(r.backup.records.size(), size_t(3)); // it was read and checked first
    }

    void dryRunWritesNothing() {
        const QString backup = file("dry.backup", craft(valid()));
        const QString image = file("dry.img", filled(6 * MiB, 0x44));
        const QByteArray before = digestWhole(image);
        const RestoreResult r =
            restoreReplayBackup(backup.toStdString(), image.toStdString(), false);
        QVERIFY(r.ok);
        QVERIFY(!r.refused);
        QCOMPARE(r.backup.oldSize, 5 * MiB);
        QCOMPARE(r.backup.records.size(), size_t(3));
        QCOMPARE(digestWhole(image), before);
    }

    // Every record written back (a zero-length one writes and checks nothing), the size set
    // back: shrunk from 6 MiB to the 5 MiB the backup names.
    void validBackupRestores() {
        const QString backup = file("valid.backup", craft(valid()));
        const QString image = file("valid.img", filled(6 * MiB, 0x44));
        const RestoreResult r =
            restoreReplayBackup(backup.toStdString(), image.toStdString(), true);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(!r.refused);
        std::vector<uint8_t> want = filled(5 * MiB, 0x44);
        std::fill(want.begin(), want.begin() + long(MiB), uint8_t(0x5a));
        std::fill(want.begin() + long(3 * MiB), want.begin() + long(3 * MiB + 4096), uint8_t(0xc3));
        QCOMPARE(QFileInfo(image).size(), qint64(5 * MiB));
        QVERIFY(readWholeFile(image) == want);
    }
};

QTEST_GUILESS_MAIN(TestReplayBackupFormat)
#include "tst_replay_backup_format.moc"
