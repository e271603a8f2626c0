// In the viewer: View > Show switches between the disk as after its pending log replay
// and the bytes as stored (reading only), and Tools > Replay Log replays the log after a
// confirmation whose default is Cancel, with a backup that restores the file byte for byte.
// Checked against the file itself: fully present blocks as stored and after the replay, the
// replay state read back, the bytes after a restore. VHDX_SCREENSHOT_DIR=dir also saves the
// window and the confirmation as dir/replay-log-*.png.
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QFont>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>

#include "bat_grid_view.h"
#include "details_pane.h"
#include "hex_view.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "replay_log_action.h"
#include "structure_tree_model.h"
#include "test_registry.h"
#include "tree_lookup.h"
#include "ui_test_images.h"
#include "vhdx/image.h"
#include "vhdx/replay_backup.h"
#include "vhdx/replay_effects.h"
#include "vhdx/schema/bat_states.h"

using namespace vhdx;
using namespace vhdx::ui;

namespace {
QByteArray sha256Of(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result();
}

// Fully present payload blocks of the file, read as stored (no replay applied).
uint64_t fullyPresentAsStored(const QString& path) {
    std::string error;
    ParseOptions options;
    options.view = ReadView::Stored;
    const auto img = Image::openAndScan(path.toStdString(), error, options);
    return img && img->batScan() ? img->batScan()->counts.of(BatClass::PayloadFullyPresent) : 0;
}

ReplayLogAction* controller(MainWindow& w) {
    return w.findChild<ReplayLogAction*>();
}
} // namespace

class TstReplayLogAction : public QObject {
    Q_OBJECT

    QString copyOfDirty(const QString& name) {
        const QString path = m_images.path(name);
        QFile::remove(path);
        return QFile::copy(m_images.dirtyLog(), path) ? path : QString();
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests"));
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
        QVERIFY(!m_images.dirtyLog().isEmpty());
        QVERIFY(!m_images.dynamic1G().isEmpty());
        QCOMPARE(fullyPresentAsStored(m_images.dirtyLog()), uint64_t(17));
    }

    void disabledWithoutPendingLog() {
        MainWindow w;
        ReplayLogAction* c = controller(w);
        QVERIFY(c);
        QVERIFY(w.toolsMenu()->actions().contains(c->action()));
        QVERIFY(!c->action()->isEnabled());
        QVERIFY(c->action()->toolTip().contains("Open an image"));
        QVERIFY(w.openFile(m_images.dynamic1G()));
        QVERIFY(!c->action()->isEnabled());
        QVERIFY2(c->action()->toolTip().contains("Nothing to replay"),
                 qPrintable(c->action()->toolTip()));
    }

    // The switch re-reads the file; the tree's BAT counts follow; nothing is written.
    void showSwitchReadsOnly() {
        const QString path = copyOfDirty(QStringLiteral("show.vhdx"));
        QVERIFY(!path.isEmpty());
        const QByteArray before = sha256Of(path);
        MainWindow w;
        QVERIFY(w.openFile(path));
        QCOMPARE(w.readView(), ReadView::Replayed);
        auto fullyPresent = [&w] {
            w.imageView()->session()->waitForScan();
            QCoreApplication::processEvents();
            const StructureTreeModel* m = w.imageView()->treeModel();
            const QModelIndex payload = child(*m, child(*m, {}, "BAT"), "Payload states");
            return value(child(*m, payload, "fully present"));
        };
        QCOMPARE(fullyPresent(), QString("18"));
        // The BAT row says the log changes it; the bytes pane underlines what the log writes
        // and shows the replayed bytes there.
        const StructureTreeModel* m = w.imageView()->treeModel();
        const QModelIndex bat = child(*m, {}, "BAT");
        QVERIFY2(
            bat.siblingAtColumn(StructureTreeModel::StatusColumn)
                .data()
                .toString()
                .contains("(log)"),
            qPrintable(bat.siblingAtColumn(StructureTreeModel::StatusColumn).data().toString()));
        QVERIFY(!child(*m, {}, "Header 1")
                     .siblingAtColumn(StructureTreeModel::StatusColumn)
                     .data()
                     .toString()
                     .contains("(log)"));
        const Image& img = w.imageView()->session()->image();
        QVERIFY(img.replay() && img.replay()->plan && !img.replay()->plan->writes().empty());
        const ReplayWrite write = img.replay()->plan->writes().front(); // a copy: reloads follow
        HexView* hex = w.imageView()->details()->hexView();
        QVERIFY(hex->writtenByLog(write.fileOffset + write.length - 1));
        QVERIFY(!hex->writtenByLog(write.fileOffset + write.length));
        QVERIFY(!hex->writtenByLog(0));
        QVERIFY(
            bat.data(Qt::ToolTipRole).toString().contains("log entry sequence 7, descriptor 0"));
        QVERIFY(bat.data(Qt::FontRole).value<QFont>().italic());
        // The BAT map marks the one entry the replay changes (17: not present -> fully
        // present, qemu-img check -r all agrees, tests/replay), not the 511 others of the
        // sector the descriptor writes.
        auto* grid = w.findChild<BatGridView*>();
        QVERIFY(grid);
        QVERIFY(grid->changedByLog(17));
        QVERIFY(!grid->changedByLog(16));
        QVERIFY(!grid->changedByLog(18));
        QVERIFY(!grid->changedByLog(0));
        const QString tip = grid->describe(17);
        QVERIFY2(tip.contains("as stored: not present (0)"), qPrintable(tip));
        QCOMPARE(hex->bytesAt(write.fileOffset, 4096), [&] {
            QByteArray out(4096, 0);
            (void)img.view().read(write.fileOffset, reinterpret_cast<uint8_t*>(out.data()), 4096);
            return out;
        }());
        if (const QString dir = qEnvironmentVariable("VHDX_SCREENSHOT_DIR"); !dir.isEmpty()) {
            w.resize(1440, 900);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.imageView()->selectIndex(bat);
            if (auto* tabs = w.imageView()->findChild<QTabWidget*>())
                tabs->setCurrentWidget(w.imageView()->details());
            hex->scrollToOffset(write.fileOffset);
            QTest::qWait(100);
            w.grab().save(dir + "/dirtylog-changed-by-log.png");
        }
        QAction* stored = w.findChild<QAction*>(QStringLiteral("showStoredAction"));
        QVERIFY(stored && stored->isCheckable());
        stored->trigger();
        QCOMPARE(w.readView(), ReadView::Stored);
        QCOMPARE(fullyPresent(), QString("17"));
        QVERIFY(!w.imageView()->details()->hexView()->writtenByLog(write.fileOffset));
        QVERIFY(!w.findChild<BatGridView*>()->changedByLog(17)); // stored: nothing is replayed
        w.findChild<QAction*>(QStringLiteral("showReplayedAction"))->trigger();
        QCOMPARE(fullyPresent(), QString("18"));
        QCOMPARE(sha256Of(path), before);
    }

    void cancelWritesNothing() {
        const QString path = copyOfDirty(QStringLiteral("cancel.vhdx"));
        const QByteArray before = sha256Of(path);
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(path));
        ReplayLogAction* c = controller(w);
        QVERIFY2(c->action()->isEnabled(), qPrintable(c->action()->toolTip()));
        c->action()->trigger();
        QMessageBox* box = c->confirmation();
        QVERIFY(box);
        QVERIFY(box->informativeText().contains("1 descriptor"));
        QVERIFY(box->informativeText().contains("--restore-backup"));
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        if (const QString dir = qEnvironmentVariable("VHDX_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QTest::qWait(50);
            w.grab().save(dir + "/replay-log-window.png");
            box->grab().save(dir + "/replay-log-confirmation.png");
        }
        QTest::keyClick(box, Qt::Key_Return); // Enter takes the default: Cancel
        QTRY_VERIFY(!c->confirmation());
        QCOMPARE(sha256Of(path), before);
        QVERIFY(!QFileInfo::exists(c->backupPath()));
    }

    void replayThenRestore() {
        const QString path = copyOfDirty(QStringLiteral("replay.vhdx"));
        const QByteArray before = sha256Of(path);
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(path));
        ReplayLogAction* c = controller(w);
        QSignalSpy finished(c, &ReplayLogAction::replayFinished);
        c->action()->trigger();
        QMessageBox* box = c->confirmation();
        QVERIFY(box);
        auto* replay = box->findChild<QPushButton*>(QStringLiteral("replayButton"));
        QVERIFY(replay);
        QTest::mouseClick(replay, Qt::LeftButton);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(finished.at(0).at(0).toBool(),
                 qPrintable(c->resultMessage() ? c->resultMessage()->text() : QString()));
        // The file now stores what the log held, and no replay is pending.
        std::string error;
        const auto img = Image::open(path.toStdString(), error);
        QVERIFY(img);
        QCOMPARE(img->log().replayState, LogReplayState::None);
        QCOMPARE(fullyPresentAsStored(path), uint64_t(18));
        QVERIFY(!c->action()->isEnabled()); // the window reloaded: nothing left to replay
        // The backup puts the file back byte for byte.
        const QString backup = c->backupPath();
        QVERIFY(QFileInfo::exists(backup));
        QVERIFY(c->resultMessage()->informativeText().contains(backup));
        const RestoreResult r = restoreReplayBackup(backup.toStdString(), path.toStdString(), true);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(sha256Of(path), before);
    }

  private:
    uitest::TestImages m_images;
};

VHDX_TEST_GUI_MAIN(TstReplayLogAction)
#include "tst_replay_log_action.moc"
