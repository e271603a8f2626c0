// End-to-end: `vhdx-inspector --json/--report` on the four real images (Hyper-V, Windows,
// QEMU) must give exactly the facts read from them (shared/testdata/README.md).
#include <QHash>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "cli_runner.h"
#include "test_files.h"
#include "test_registry.h"

using namespace vhdx::test;

struct Facts {
    const char* file;
    qint64 fileSize;
    qint64 seq1, seq2;
    int current;
    qint64 virtualSize, blockSize;
    int logical, physical;
    bool required;
    int chunkRatio;
    int entries, payload, bitmaps;
    int fully, zero, notPresent;
    const char* creator;
};

static const Facts kFacts[] = {
    {"iotest-dynamic-1G.vhdx.bz2", 104857600, 14, 15, 2, 1LL << 30, 32 << 20, 512, 4096, true, 128,
     32, 32, 0, 3, 29, 0, "Microsoft Windows 6.2.9200.16384"},
    // As after the pending log replay (the default view); --stored: 17 and 10223.
    {"iotest-dirtylog-10G-4M.vhdx.bz2", 31457280, 932638740, 932638741, 2, 10LL << 30, 1 << 20, 512,
     512, false, 4096, 10242, 10240, 2, 18, 0, 10222, "QEMU v1.6.50"},
    {"xfs.vhdx.gz", 675282944, 116, 117, 2, 10LL << 30, 32 << 20, 512, 4096, true, 128, 322, 320, 2,
     20, 58, 242, "Microsoft Windows 10.0.14393.0"},
    {"btrfs.vhdx.gz", 71303168, 18, 19, 2, 1LL << 30, 32 << 20, 512, 4096, true, 128, 32, 32, 0, 2,
     1, 29, "Microsoft Windows 10.0.15063.0"},
};

class TestCliRealImages : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QHash<QString, QString> m_images; // decompressed once per run

    QString image(const QString& name) {
        if (!m_images.contains(name))
            m_images[name] = decompressTestImage(name, m_dir.path());
        return m_images[name];
    }

  private slots:
    void json_data() {
        QTest::addColumn<int>("i");
        for (int i = 0; i < 4; ++i)
            QTest::newRow(kFacts[i].file) << i;
    }

    void json() {
        QFETCH(int, i);
        const Facts& f = kFacts[i];
        const QString path = image(f.file);
        QVERIFY(!path.isEmpty());
        const RunResult r = runInspector({"--json", path});
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.isEmpty());
        const QJsonObject j = r.json();
        QCOMPARE(j["file"]["size"].toInteger(), f.fileSize);
        QCOMPARE(j["file"]["path"].toString(), path);
        QCOMPARE(j["identifier"]["signature_valid"].toBool(), true);
        QCOMPARE(j["identifier"]["creator"].toString(), QString(f.creator));
        const QJsonArray headers = j["headers"].toArray();
        QCOMPARE(headers.size(), 2);
        QCOMPARE(headers[0]["sequence_number"].toInteger(), f.seq1);
        QCOMPARE(headers[1]["sequence_number"].toInteger(), f.seq2);
        QCOMPARE(headers[0]["offset"].toInteger(), 65536);
        QCOMPARE(headers[1]["offset"].toInteger(), 131072);
        for (const QJsonValue h : headers) {
            QCOMPARE(h["valid"].toBool(), true);
            QCOMPARE(h["checksum"].toInteger(), h["checksum_computed"].toInteger());
        }
        QCOMPARE(j["current_header"].toInt(), f.current);
        for (const QJsonValue t : j["region_tables"].toArray()) {
            QCOMPARE(t["checksum_valid"].toBool(), true);
            QCOMPARE(t["entry_count"].toInt(), 2);
            for (const QJsonValue e : t["entries"].toArray())
                QCOMPARE(e["required"].toBool(), f.required);
        }
        const QJsonObject md = j["metadata"].toObject();
        QCOMPARE(md["virtual_disk_size"].toInteger(), f.virtualSize);
        QCOMPARE(md["block_size"].toInteger(), f.blockSize);
        QCOMPARE(md["logical_sector_size"].toInt(), f.logical);
        QCOMPARE(md["physical_sector_size"].toInt(), f.physical);
        QCOMPARE(md["has_parent"].toBool(), false);
        QCOMPARE(md["leave_blocks_allocated"].toBool(), false);
        QVERIFY(md["parent_locator"].isNull());
        const QJsonObject bat = j["bat"].toObject();
        QCOMPARE(bat["chunk_ratio"].toInt(), f.chunkRatio);
        QCOMPARE(bat["entry_count"].toInt(), f.entries);
        QCOMPARE(bat["payload_entries"].toInt(), f.payload);
        QCOMPARE(bat["sector_bitmap_entries"].toInt(), f.bitmaps);
        const QJsonObject ps = bat["payload_states"].toObject();
        QCOMPARE(ps["fully_present"].toInt(), f.fully);
        QCOMPARE(ps["zero"].toInt(), f.zero);
        QCOMPARE(ps["not_present"].toInt(), f.notPresent);
        QCOMPARE(ps["partially_present"].toInt() + ps["undefined"].toInt() +
                     ps["unmapped"].toInt() + ps["invalid"].toInt(),
                 0);
        QCOMPARE(bat["sector_bitmap_states"]["not_present"].toInt(), f.bitmaps);
        const bool dirty = QString(f.file).contains("dirtylog");
        const QJsonObject log = j["log"].toObject();
        QCOMPARE(log["present"].toBool(), dirty);
        QCOMPARE(log["replay_needed"].toBool(), dirty);
        int errors = 0;
        for (const QJsonValue x : j["findings"].toArray())
            errors += x["severity"].toString() == "error";
        QCOMPARE(errors, 0);
    }

    // The dirty-log image: 7 entries of 8 KiB at 0..48 KiB with sequence numbers 1..7; only
    // seq 7 carries the header's LogGuid, so the active sequence is [7] and six entries are
    // stale (LOG_ENTRY_INVALID, info), plus LOG_REPLAY_NEEDED (a warning: exit code stays 0).
    void dirtyLog() {
        const QString path = image("iotest-dirtylog-10G-4M.vhdx.bz2");
        const RunResult r = runInspector({"--json", path});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject log = r.json()["log"].toObject();
        QCOMPARE(r.json()["headers"][1]["log_guid"].toString(),
                 QString("c82755bc-427f-1245-b72c-da70aaabe031"));
        const QJsonArray entries = log["entries"].toArray();
        QCOMPARE(entries.size(), 7);
        for (int i = 0; i < 7; ++i) {
            QCOMPARE(entries[i]["offset"].toInteger(), i * 8192);
            QCOMPARE(entries[i]["length"].toInteger(), 8192);
            QCOMPARE(entries[i]["sequence_number"].toInteger(), i + 1);
            QCOMPARE(entries[i]["checksum_valid"].toBool(), true);
            QCOMPARE(entries[i]["valid"].toBool(), i == 6);
            QCOMPARE(entries[i]["active"].toBool(), i == 6);
            QCOMPARE(entries[i]["log_guid"].toString() == "c82755bc-427f-1245-b72c-da70aaabe031",
                     i == 6);
        }
        QCOMPARE(log["active_sequence"].toArray(), QJsonArray({7}));
        int stale = 0, replay = 0;
        for (const QJsonValue x : r.json()["findings"].toArray()) {
            if (x["code"].toString() == "LOG_ENTRY_INVALID") {
                ++stale;
                QCOMPARE(x["severity"].toString(), QString("info"));
            }
            if (x["code"].toString() == "LOG_REPLAY_NEEDED") {
                ++replay;
                QCOMPARE(x["severity"].toString(), QString("warning"));
                QCOMPARE(x["structure"].toString(), QString("log"));
                QCOMPARE(x["offset"].toInteger(), 1048576);
            }
        }
        QCOMPARE(stale, 6);
        QCOMPARE(replay, 1);

        // Shown as after the replay; its one descriptor rewrites the first BAT
        // sector and sets entry 17 fully present. --stored shows the table as on disk.
        QCOMPARE(r.json()["view"].toString(), QString("replayed"));
        const QJsonObject rp = log["replay"].toObject();
        QCOMPARE(rp["descriptor_count"].toInt(), 1);
        QCOMPARE(rp["descriptors"][0]["file_offset"].toInteger(), 2097152);
        QCOMPARE(rp["descriptors"][0]["lands_in"][0]["kind"].toString(), QString("bat"));
        QCOMPARE(rp["bat_changes"]["count"].toInt(), 1);
        QCOMPARE(rp["bat_changes"]["listed"][0]["index"].toInt(), 17);
        QCOMPARE(rp["bat_changes"]["listed"][0]["after_state"].toString(),
                 QString("fully_present"));
        const RunResult stored = runInspector({"--json", "--stored", path});
        QCOMPARE(stored.exitCode, 0);
        QCOMPARE(stored.json()["view"].toString(), QString("stored"));
        QCOMPARE(stored.json()["bat"]["payload_states"]["fully_present"].toInt(), 17);
        QCOMPARE(stored.json()["log"]["replay"]["applied"].toBool(), false);
        const RunResult text = runInspector({"--report", path});
        QVERIFY(text.out.contains("Verdict: usable after log replay"));
        QVERIFY(!text.out.contains("Verdict: clean"));
        QVERIFY(text.out.contains("BAT entry 17:"));
    }

    void textReport() {
        const QString path = image("xfs.vhdx.gz");
        const RunResult r = runInspector({"--report", path});
        QCOMPARE(r.exitCode, 0);
        const QString text = QString::fromUtf8(r.out);
        QVERIFY(text.startsWith("Verdict: clean\n"));
        QVERIFY(text.contains("Header 2 at 131072 (current)"));
        QVERIFY(text.contains("sequence number:             117"));
        QVERIFY(text.contains("322 (320 payload + 2 sector bitmap)"));
        QVERIFY(text.contains("payload fully present:       20"));
    }
};

VHDX_TEST_MAIN(TestCliRealImages)
#include "tst_cli_real_images.moc"
