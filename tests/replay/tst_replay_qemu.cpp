// Agreement with an independent replayer: for the real dirty sample and every
// builder dirty image, our replayed view (--json) equals our --json of a copy replayed by
// `qemu-img check -r all` on the keys a replay decides (region tables, metadata, BAT), and
// after `--replay-log --yes` the file equals QEMU's copy everywhere outside the two header
// slots; `qemu-img check` then accepts it and our report finds nothing left to replay.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include "cli_runner.h"
#include "dirty_images.h"
#include "test_files.h"
#include "test_registry.h"
#include "update_test_util.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
QString imagePath(const QString& name, const QString& dir) {
    if (name == "real-dirtylog")
        return decompressTestImage("iotest-dirtylog-10G-4M.vhdx.bz2", dir);
    const DirtyCase* c = dirtyCase(name);
    return c ? writeDirtyCase(*c, dir) : QString();
}

QByteArray pretty(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}
} // namespace

class TestReplayQemu : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void agrees_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("real-dirtylog") << "real-dirtylog";
        for (const DirtyCase& c : dirtyCases())
            QTest::newRow(c.name) << QString::fromLatin1(c.name);
    }
    void agrees() {
        QFETCH(QString, name);
        const QString dir = m_dir.path() + "/" + name;
        QVERIFY(QDir().mkpath(dir));
        const QString path = imagePath(name, dir);
        QVERIFY2(!path.isEmpty(), qPrintable(name));

        const RunResult ours = runInspector({"--json", path});
        QCOMPARE(ours.err, QByteArray());
        const QJsonObject view = ours.json();
        QCOMPARE(view["view"].toString(), QString("replayed"));
        const QJsonObject replay = view["log"].toObject()["replay"].toObject();
        QVERIFY2(replay["replayable"].toBool(), qPrintable(replay["problem"].toString()));
        QVERIFY(replay["applied"].toBool());

        const QString qemuCopy = dir + "/qemu.vhdx";
        const QString qemuError = qemuReplay(path, qemuCopy);
        QVERIFY2(qemuError.isEmpty(), qPrintable(qemuError));
        const QJsonObject theirs = runInspector({"--json", qemuCopy}).json();
        QCOMPARE(theirs["log"].toObject()["replay_state"].toString(), QString("none"));
        QCOMPARE(theirs["view"].toString(), QString("stored"));
        if (structureKeys(view) != structureKeys(theirs))
            QFAIL(qPrintable("replayed view differs from QEMU's replay:\n" +
                             pretty(structureKeys(view)) + "\nQEMU:\n" +
                             pretty(structureKeys(theirs))));
        // The stored file is not what QEMU's replay makes (the test can fail).
        QVERIFY(!bytesAgree(path, qemuCopy).isEmpty());

        // Our replay on another copy: the same bytes as QEMU's outside the header slots.
        const QString mine = dir + "/mine.vhdx";
        QVERIFY(copyFile(path, mine));
        const RunResult r = runInspector({"--replay-log", mine, "--yes"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(bytesAgree(mine, qemuCopy), QString());
        QCOMPARE(QFileInfo(mine).size(), qint64(replay["size_after"].toInteger()));
        QCOMPARE(qemuImgCheck(mine), QString());
        const QJsonObject after = runInspector({"--json", mine}).json();
        QCOMPARE(after["log"].toObject()["replay_state"].toString(), QString("none"));
        QCOMPARE(structureKeys(after), structureKeys(view));
        QVERIFY(after["log"].toObject()["replay"].isNull());
        // Nothing left: a second replay writes nothing and says so.
        const QByteArray before = digestWhole(mine);
        const RunResult again = runInspector({"--replay-log", mine, "--yes"});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains("Nothing to replay"));
        QCOMPARE(digestWhole(mine), before);
    }
};

VHDX_TEST_MAIN(TestReplayQemu)
#include "tst_replay_qemu.moc"
