// The header update's planning guards not pinned elsewhere, each refusing with its exact text
// and leaving the file byte-identical: a VHDX whose file identifier signature is damaged (its
// headers still identify it), a file cut short before either header slot ends, a current
// header whose active log lies beyond the end of the file, and a new DataWriteGuid that would
// orphan two differencing disks of the folder (both named).
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "chain_builder.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

class TestUpdatePlanEdges : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString freshImage() { return freshQemuImage(m_dir.path(), "p", m_n); }
    // The plan refuses with exactly `reason`; applying it writes nothing.
    static void expectRefusal(const QString& path, const QString& reason,
                              const HeaderUpdateOptions& options = {}) {
        const QByteArray before = digestWhole(path);
        const HeaderUpdatePlan plan = planHeaderUpdate(path.toStdString(), options);
        QVERIFY(!plan.allowed);
        QVERIFY(!plan.openFailed);
        QCOMPARE(QString::fromStdString(plan.refusal), reason);
        const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
        QVERIFY(r.refused);
        QCOMPARE(r.blocksWritten, 0);
        QCOMPARE(digestWhole(path), before);
    }

  private slots:
    void identifierSignatureDamaged() {
        const QString path = freshImage();
        std::vector<uint8_t> bytes = readWholeFile(path);
        QCOMPARE(QByteArray(reinterpret_cast<const char*>(bytes.data()), 8),
                 QByteArray("vhdxfile"));
        bytes[0] = 'w'; // "whdxfile": the headers and region tables still say VHDX
        QVERIFY(writeWholeFile(path, bytes));
        expectRefusal(path, "the file identifier is damaged (no \"vhdxfile\" signature at offset "
                            "0): write it back first");
    }

    // Header 1 lies at 64 KiB, header 2 at 128 KiB: 100 KiB hold only the first, 66 KiB
    // neither (the identifier at 0 still says VHDX).
    void tooShortForBothHeaders_data() {
        QTest::addColumn<int>("size");
        QTest::newRow("100 KiB") << 100 * 1024;
        QTest::newRow("66 KiB") << 66 * 1024;
    }
    void tooShortForBothHeaders() {
        QFETCH(int, size);
        const QString path = freshImage();
        std::vector<uint8_t> bytes = readWholeFile(path);
        bytes.resize(size_t(size));
        QVERIFY(writeWholeFile(path, bytes));
        expectRefusal(path, "the file is too short to hold both header slots");
    }

    void activeLogBeyondTheEnd() {
        const QString path = freshImage();
        const int current = readHeaderPair(path).current;
        QVERIFY(patchHeader(path, current, [](Header& h) {
            h.logGuid = chainGuid(7);
            h.logOffset = uint64_t(1) << 40; // 1 TiB, MiB-aligned, far past the end
        }));
        QCOMPARE(readHeaderPair(path).current, current);
        expectRefusal(path, "the log area named by the current header lies outside the file, so a "
                            "pending log replay cannot be ruled out");
    }

    void newDataWriteGuidWouldOrphanTwoChildren() {
        const QString dir = m_dir.filePath("family");
        const QString base = writeSpec(dir, "base.vhdx", baseImage(chainGuid(1)));
        QVERIFY(!writeSpec(dir, "a.avhdx", childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx"))
                     .isEmpty());
        QVERIFY(!writeSpec(dir, "b.avhdx", childImage(chainGuid(3), chainGuid(1), ".\\base.vhdx"))
                     .isEmpty());
        HeaderUpdateOptions options;
        options.newDataWriteGuid = true;
        const QByteArray before = digestWhole(base);
        const HeaderUpdatePlan plan = planHeaderUpdate(base.toStdString(), options);
        QVERIFY(!plan.allowed);
        QCOMPARE(plan.orphanedChildren.size(), size_t(2));
        QStringList names;
        for (const std::string& c : plan.orphanedChildren)
            names << QString::fromStdString(c);
        names.sort();
        QCOMPARE(names, QStringList({"a.avhdx", "b.avhdx"}));
        const QString listed = QString::fromStdString(plan.orphanedChildren[0]) + ", " +
                               QString::fromStdString(plan.orphanedChildren[1]);
        QVERIFY2(QString::fromStdString(plan.refusal)
                     .startsWith("a new DataWriteGuid would orphan 2 differencing disks of its "
                                 "folder made from this image (" +
                                 listed + "): "),
                 plan.refusal.c_str());
        const HeaderUpdateResult r = applyHeaderUpdate(plan, options);
        QVERIFY(r.refused);
        QCOMPARE(digestWhole(base), before);
        // --force: the update goes ahead and renews the DataWriteGuid.
        options.allowOrphaningChildren = true;
        const HeaderUpdateResult forced = updateHeaders(base.toStdString(), options);
        QVERIFY2(forced.ok, forced.error.c_str());
        QVERIFY(readHeaderPair(base).currentHeader()->dataWriteGuid != chainGuid(1));
        QCOMPARE(qemuImgCheck(base), QString());
    }
};

VHDX_TEST_MAIN(TestUpdatePlanEdges)
#include "tst_update_plan_edges.moc"
