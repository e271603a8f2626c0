// Successful header updates on real images (Hyper-V/Windows samples) and qemu-made ones:
// both headers valid with sequence old+1 / old+2, one new FileWriteGuid, every other byte of
// the header kept, the rest of the file byte-identical, qemu-img check and vhdiinfo content.
#include <QTemporaryDir>
#include <QTest>

#include "test_files.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/header_update.h"
#include "vhdx/layout.h"

using namespace vhdx;
using namespace vhdx::test;

class TestUpdateSuccess : public QObject {
    Q_OBJECT
  private:
    // Updates path and checks everything a successful update promises. `outside` is the digest
    // outside the header blocks, computed when empty (the large xfs image reads slowly).
    void updateAndVerify(const QString& path, bool newDataGuid, bool compareGuestData,
                         QByteArray outside = {}) {
        QCOMPARE(qemuImgCheck(path), QString());
        const HeaderPair before = readHeaderPair(path);
        QVERIFY(before.current != 0);
        const Header old = *before.currentHeader();
        if (outside.isEmpty())
            outside = digestOutsideHeaders(path);
        const QString original = path + ".orig";
        if (compareGuestData)
            QVERIFY(copyFile(path, original));

        HeaderUpdateOptions options;
        options.newDataWriteGuid = newDataGuid;
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), options);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.blocksWritten, 2);
        QCOMPARE(r.plan.currentSlot, before.current);
        QCOMPARE(r.plan.steps[0].slot, 3 - before.current); // non-current slot first

        const HeaderPair after = readHeaderPair(path);
        QVERIFY(after.headers[0].valid() && after.headers[1].valid());
        QCOMPARE(after.current, before.current);
        const Header& first = after.headers[r.plan.steps[0].slot - 1];
        const Header& second = after.headers[r.plan.steps[1].slot - 1];
        QCOMPARE(first.sequenceNumber, old.sequenceNumber + 1);
        QCOMPARE(second.sequenceNumber, old.sequenceNumber + 2);
        QCOMPARE(first.fileWriteGuid, second.fileWriteGuid);
        QVERIFY(first.fileWriteGuid != old.fileWriteGuid);
        QVERIFY(!first.fileWriteGuid.isNull());
        QCOMPARE(first.dataWriteGuid, second.dataWriteGuid);
        QCOMPARE(first.dataWriteGuid != old.dataWriteGuid, newDataGuid);
        for (const Header* h : {&first, &second}) {
            QCOMPARE(h->logGuid, old.logGuid);
            QCOMPARE(h->logOffset, old.logOffset);
            QCOMPARE(h->logLength, old.logLength);
            // Reserved bytes (80..4095) exactly as in the old current header.
            QVERIFY(std::equal(h->raw.begin() + 80, h->raw.end(), old.raw.begin() + 80));
        }
        QCOMPARE(digestOutsideHeaders(path), outside);
        QCOMPARE(qemuImgCheck(path), QString());
        QCOMPARE(vhdiinfoCheck(path), QString());
        if (!compareGuestData)
            return;
        const ToolResult cmp =
            runTool("qemu-img", {"compare", "-q", "-f", "vhdx", "-F", "vhdx", original, path});
        QVERIFY2(cmp.exitCode == 0, qPrintable("qemu-img compare: " + cmp.out + cmp.err));
        QFile::remove(original);
    }

  private slots:
    void realImages_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("compare"); // qemu-img compare reads all 10 GiB of xfs: 40 s
        QTest::newRow("dynamic-1G") << "iotest-dynamic-1G.vhdx.bz2" << true;
        QTest::newRow("xfs") << "xfs.vhdx.gz" << false;
        QTest::newRow("btrfs") << "btrfs.vhdx.gz" << true;
    }
    void realImages() {
        QFETCH(QString, name);
        QFETCH(bool, compare);
        QTemporaryDir dir;
        QString error;
        const QString path = decompressTestImage(name, dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const QByteArray outside = digestOutsideHeaders(path);
        updateAndVerify(path, false, compare, outside);
        if (QTest::currentTestFailed())
            return;
        updateAndVerify(path, true, false, outside); // a second session on the same file
    }

    void qemuImages_data() {
        QTest::addColumn<QString>("size");
        QTest::addColumn<QString>("blockSize");
        QTest::addColumn<QString>("logSize");
        // qemu-img compare reads the whole virtual disk (~10 s per 10 GiB): small ones only.
        QTest::addColumn<bool>("compare");
        const struct {
            const char *size, *block, *log;
            bool compare;
        } rows[] = {{"64M", "1M", "1M", true},
                    {"1G", "8M", "1M", true},
                    {"10G", "32M", "4M", false},
                    {"100G", "256M", "1M", false},
                    {"2T", "1M", "8M", false}};
        for (const auto& r : rows)
            QTest::addRow("%s-%s-log%s", r.size, r.block, r.log)
                << r.size << r.block << r.log << r.compare;
    }
    void qemuImages() {
        QFETCH(QString, size);
        QFETCH(QString, blockSize);
        QFETCH(QString, logSize);
        QFETCH(bool, compare);
        QTemporaryDir dir;
        QString error;
        const QString path = makeQemuImage(dir.path(), "q.vhdx", size, blockSize, &error, logSize);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        updateAndVerify(path, false, compare);
        if (QTest::currentTestFailed())
            return;
        updateAndVerify(path, true, false);
    }

    void repairsDamagedNonCurrentHeader() {
        QTemporaryDir dir;
        QString error;
        const QString path = makeQemuImage(dir.path(), "d.vhdx", "1G", "32M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const int cur = readHeaderPair(path).current;
        QVERIFY(damageHeader(path, 3 - cur));
        QVERIFY(!readHeaderPair(path).headers[2 - cur].valid());

        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        QVERIFY(!plan.steps[0].oldValid);
        QVERIFY(!plan.steps[0].oldProblem.empty());
        updateAndVerify(path, false, true);
    }

    void planWritesNothingAndApplyWritesThePlan() {
        QTemporaryDir dir;
        QString error;
        const QString path = makeQemuImage(dir.path(), "p.vhdx", "1G", "32M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const QByteArray whole = digestWhole(path);
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        QCOMPARE(digestWhole(path), whole);
        QCOMPARE(plan.steps[0].newFileWriteGuid, plan.steps[1].newFileWriteGuid);

        const HeaderUpdateResult r = applyHeaderUpdate(plan, {});
        QVERIFY2(r.ok, r.error.c_str());
        const std::vector<uint8_t> bytes = readWholeFile(path);
        for (const HeaderSlotPlan& s : plan.steps)
            QVERIFY(std::equal(s.newBlock.begin(), s.newBlock.end(), bytes.begin() + s.offset));
        // The same plan again: the file changed since it was planned, so it is refused.
        const HeaderUpdateResult again = applyHeaderUpdate(plan, {});
        QVERIFY(again.refused);
        QCOMPARE(again.blocksWritten, 0);
    }

    void backupHoldsTheFirstMiB() {
        QTemporaryDir dir;
        QString error;
        const QString path = makeQemuImage(dir.path(), "b.vhdx", "1G", "32M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const std::vector<uint8_t> before = readWholeFile(path);
        HeaderUpdateOptions options;
        options.backupPath = (dir.path() + "/b.backup").toStdString();
        const HeaderUpdateResult r = updateHeaders(path.toStdString(), options);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.backupWritten);
        const std::vector<uint8_t> backup =
            readWholeFile(QString::fromStdString(options.backupPath));
        QCOMPARE(backup.size(), size_t(layout::headerSectionSize));
        QVERIFY(std::equal(backup.begin(), backup.end(), before.begin()));
    }

    void buildHeaderBlocksKeepsEveryOtherByte() {
        std::vector<uint8_t> block(layout::headerSize);
        for (size_t i = 0; i < block.size(); ++i)
            block[i] = uint8_t(i * 7 + 3);
        Header h = decodeHeader(block.data(), 1, layout::headerOffset[0]);
        h.sequenceNumber = 41;
        h.version = 1;
        h.logVersion = 0;
        encodeHeader(h, block.data());
        const Guid fwg = Guid::random(), dwg = Guid::random();
        const auto blocks = buildHeaderBlocks(block.data(), fwg, dwg);
        for (int i = 0; i < 2; ++i) {
            const Header n = decodeHeader(blocks[i].data(), 1, layout::headerOffset[0]);
            QVERIFY(n.valid());
            QCOMPARE(n.sequenceNumber, uint64_t(42 + i));
            QCOMPARE(n.fileWriteGuid, fwg);
            QCOMPARE(n.dataWriteGuid, dwg);
            QCOMPARE(n.logGuid, h.logGuid);
            QVERIFY(std::equal(block.begin() + 64, block.end(), blocks[i].begin() + 64));
        }
        const Guid logGuid = Guid::random();
        const auto withLog = buildHeaderBlocks(block.data(), fwg, std::nullopt, logGuid);
        for (int i = 0; i < 2; ++i) {
            const Header n = decodeHeader(withLog[i].data(), 1, layout::headerOffset[0]);
            QVERIFY(n.valid());
            QCOMPARE(n.logGuid, logGuid);
            QCOMPARE(n.dataWriteGuid, h.dataWriteGuid);
            QVERIFY(std::equal(block.begin() + 64, block.end(), withLog[i].begin() + 64));
        }
    }

    // The log writer's first and last steps: the same two-step update setting a LogGuid, then
    // clearing it; every other field kept, both slots valid each time.
    void setAndClearLogGuid() {
        QTemporaryDir dir;
        QString error;
        const QString path = makeQemuImage(dir.path(), "log.vhdx", "1G", "32M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const Header before = *readHeaderPair(path).currentHeader();
        QVERIFY(before.logGuid.isNull());
        const QByteArray outside = digestOutsideHeaders(path);
        const Guid logGuid = Guid::random();
        for (const Guid& target : {logGuid, Guid()}) {
            HeaderUpdateOptions options;
            options.logGuid = target;
            const HeaderUpdateResult r = updateHeaders(path.toStdString(), options);
            QVERIFY2(r.ok, r.error.c_str());
            QCOMPARE(r.plan.steps[0].newLogGuid, target);
            QCOMPARE(r.plan.steps[1].oldLogGuid, target == logGuid ? Guid() : logGuid);
            const HeaderPair after = readHeaderPair(path);
            for (const Header& h : after.headers) {
                QVERIFY(h.valid());
                QCOMPARE(h.logGuid, target);
                QCOMPARE(h.dataWriteGuid, before.dataWriteGuid);
                QCOMPARE(h.logOffset, before.logOffset);
                QCOMPARE(h.logLength, before.logLength);
            }
            // An empty log under a new LogGuid holds nothing to replay.
            QCOMPARE(checkStillConsistent(path, outside), QString());
        }
        QCOMPARE(readHeaderPair(path).currentHeader()->sequenceNumber, before.sequenceNumber + 4);
        QCOMPARE(qemuImgCheck(path), QString());
    }
};

VHDX_TEST_MAIN(TestUpdateSuccess)
#include "tst_update_success.moc"
