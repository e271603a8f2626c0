// Planning a log replay refuses, reading only, where the guards (README, "The guarded log replay")
// say so and the existing guard tests do not reach: a file that cannot be opened (openFailed: the
// CLI's exit 2), a damaged file identifier in front of valid headers, a log area that the current
// header places outside the file, and two valid headers with one sequence number (which one is
// current is ambiguous, so even a clean log is not "nothing to replay"). Each refusal has its
// exact message, and applying the refused plan writes nothing.
#include <QTemporaryDir>
#include <QTest>

#include "dirty_images.h"
#include "test_files.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/log_replay.h"

using namespace vhdx;
using namespace vhdx::test;

class TestReplayPlanRefusals : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString dirty() {
        const QString dir = m_dir.path() + "/" + QString::number(++m_n);
        QDir().mkpath(dir);
        return writeDirtyCase(*dirtyCase("metadata-change"), dir);
    }
    // Plans path: refused with exactly `why`, the file unchanged, and applying it refuses too.
    void expectRefusal(const QString& path, const std::string& why, bool openFailed = false) {
        const QByteArray before = QFile::exists(path) ? digestWhole(path) : QByteArray();
        const LogReplayPlan plan = planLogReplay(path.toStdString(), {});
        QVERIFY(!plan.allowed);
        QVERIFY(!plan.nothingToReplay);
        QCOMPARE(plan.openFailed, openFailed);
        QCOMPARE(plan.refusal, why);
        const LogReplayResult r = applyLogReplay(plan, {});
        QVERIFY(r.refused);
        QCOMPARE(r.error, why);
        QCOMPARE(r.descriptorsWritten, size_t(0));
        if (!before.isEmpty())
            QCOMPARE(digestWhole(path), before);
    }

  private slots:
    void missingFile() {
        const QString path = m_dir.path() + "/no-such.vhdx";
        expectRefusal(path, "cannot open '" + path.toStdString() + "': No such file or directory",
                      true);
        QVERIFY(!QFile::exists(path));
    }

    // "vhdxfile" -> "Vhdxfile": the headers and region tables still say VHDX.
    void damagedIdentifier() {
        const QString path = dirty();
        std::vector<uint8_t> bytes = readWholeFile(path);
        QCOMPARE(bytes[0], uint8_t('v'));
        bytes[0] = 'V';
        QVERIFY(writeWholeFile(path, bytes));
        expectRefusal(path, "the file identifier is damaged (no \"vhdxfile\" signature at "
                            "offset 0): write it back first");
    }

    // The current header keeps its LogGuid but names a log area 64 GiB into a file of a few
    // MiB (MS-VHDX 2.3: the log must lie inside the file).
    void logAreaOutsideTheFile() {
        const QString path = dirty();
        const int current = readHeaderPair(path).current;
        QVERIFY(current != 0);
        QVERIFY(patchHeader(path, current, [](Header& h) { h.logOffset = 64 * GiB; }));
        QVERIFY(!readHeaderPair(path).currentHeader()->logGuid.isNull());
        expectRefusal(path, "the active sequence is not replayable: the log area named by the "
                            "current header lies outside the file");
    }

    // Both headers valid with sequence number 7 but different FileWriteGuids (MS-VHDX 2.2.2:
    // the current header is the one with the greater sequence number).
    void tiedHeaders() {
        const QString path = dirty();
        QVERIFY(patchHeader(path, 1, [](Header& h) {
            h.sequenceNumber = 7;
            h.logGuid = Guid();
            h.fileWriteGuid = *Guid::parse("00000000-0000-4000-8000-000000000001");
        }));
        QVERIFY(patchHeader(path, 2, [](Header& h) {
            h.sequenceNumber = 7;
            h.logGuid = Guid();
            h.fileWriteGuid = *Guid::parse("00000000-0000-4000-8000-000000000002");
        }));
        const HeaderPair pair = readHeaderPair(path);
        QVERIFY(pair.headers[0].valid() && pair.headers[1].valid());
        expectRefusal(path, "both headers are valid with sequence number 7 but differ: which one "
                            "is current is ambiguous");
    }
};

VHDX_TEST_MAIN(TestReplayPlanRefusals)
#include "tst_replay_plan_refusals.moc"
