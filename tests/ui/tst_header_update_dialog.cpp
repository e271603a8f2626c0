// Tools > Update Headers: the action's guard (disabled with the refusal for the dirty-log
// image), the dialog's plan table and options, and that accepting it updates exactly the two
// header blocks (with a backup) while cancelling or pressing Enter writes nothing.
// VHDX_SCREENSHOT_DIR=dir also saves the dialog as dir/header-update-dialog.png.
#include <QCheckBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

#include "header_comparison_dialog.h"
#include "header_update_action.h"
#include "header_update_dialog.h"
#include "image_view.h"
#include "main_window.h"
#include "test_registry.h"
#include "ui_test_images.h"
#include "vhdx/header.h"
#include "vhdx/header_update.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::ui;

namespace {
constexpr qint64 headerOffset[2] = {64 * 1024, 128 * 1024};
constexpr qint64 headerSize = 4096;

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

HeaderPair headersOf(const QString& path) {
    std::string error;
    auto img = Image::open(path.toStdString(), error);
    return img ? img->headers() : HeaderPair();
}

HeaderUpdateAction* controller(MainWindow& w) {
    return w.findChild<HeaderUpdateAction*>();
}

QString cell(const HeaderUpdateDialog* d, int step, int row, int column) {
    const QTableWidgetItem* i =
        d->table()->item(step * HeaderUpdateDialog::RowsPerStep + row, column);
    return i ? i->text() : QString();
}
} // namespace

class TstHeaderUpdateDialog : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests"));
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
        QVERIFY(!m_images.dynamic1G().isEmpty());
        QVERIFY(!m_images.dirtyLog().isEmpty());
    }

    void actionDisabledForDirtyLogWithRefusal() {
        MainWindow w;
        HeaderUpdateAction* c = controller(w);
        QVERIFY(c);
        QVERIFY(w.toolsMenu()->actions().contains(c->action()));
        QVERIFY(!c->action()->isEnabled()); // no image yet
        QVERIFY(c->action()->toolTip().contains("Open an image"));
        QVERIFY(w.openFile(m_images.dirtyLog()));
        const HeaderUpdatePlan plan = planHeaderUpdate(m_images.dirtyLog().toStdString(), {});
        QVERIFY(!plan.allowed);
        QVERIFY(!c->action()->isEnabled());
        const QString tip = c->action()->toolTip();
        QVERIFY2(tip.contains("Log replay needed: the log holds"), qPrintable(tip));
        QVERIFY2(tip.contains(QString::fromStdString(plan.refusal).mid(1)), qPrintable(tip));
        QCOMPARE(c->action()->statusTip(), tip);
    }

    void actionEnabledForDynamicInEveryWindow() {
        const QString path = copy(QStringLiteral("enabled.vhdx"));
        MainWindow w;
        QVERIFY(w.openFile(path));
        QVERIFY(controller(w)->action()->isEnabled());
        QVERIFY(controller(w)->action()->toolTip().contains("sequence"));
        // Windows opened by drag-and-drop or File > Open in new windows get the action too.
        MainWindow* other = w.openInNewWindow(path);
        QVERIFY(other);
        QVERIFY(controller(*other) && controller(*other)->action()->isEnabled());
        other->close();
        w.closeImage();
        QVERIFY(!controller(w)->action()->isEnabled());
    }

    void dialogShowsPlanAndReplans() {
        const QString path = copy(QStringLiteral("vm/iotest-dynamic-1G.vhdx"));
        const HeaderPair before = headersOf(path);
        QVERIFY(before.current != 0);
        const Header& cur = *before.currentHeader();
        const Header& other = before.headers[2 - before.current];
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(path));
        controller(w)->action()->trigger();
        HeaderUpdateDialog* d = controller(w)->dialog();
        QVERIFY(d && d->isVisible());
        QVERIFY(d->isModal());
        QVERIFY(d->backupCheck()->isChecked());
        QVERIFY(
            QRegularExpression(QRegularExpression::escape(path) + "\\.headers-\\d{8}-\\d{6}\\.bak")
                .match(d->backupPathEdit()->text())
                .hasMatch());
        QVERIFY(!d->renewDataWriteGuidCheck()->isChecked());
        QVERIFY(!d->confirmCheck()->isChecked());
        QVERIFY(!d->updateButton()->isEnabled());
        QVERIFY(d->cancelButton()->isDefault());
        QVERIFY(d->refusalLabel()->isHidden());

        // Write order: the non-current slot first, sequences old+1 and old+2.
        using D = HeaderUpdateDialog;
        QVERIFY(cell(d, 0, D::TitleRow, 0).contains(QStringLiteral("Header %1").arg(other.index)));
        QVERIFY(cell(d, 1, D::TitleRow, 0).contains(QStringLiteral("Header %1").arg(cur.index)));
        QCOMPARE(cell(d, 0, D::SequenceRow, D::BeforeColumn),
                 QString::number(other.sequenceNumber));
        QCOMPARE(cell(d, 0, D::SequenceRow, D::AfterColumn),
                 QString::number(cur.sequenceNumber + 1));
        QCOMPARE(cell(d, 1, D::SequenceRow, D::BeforeColumn), QString::number(cur.sequenceNumber));
        QCOMPARE(cell(d, 1, D::SequenceRow, D::AfterColumn),
                 QString::number(cur.sequenceNumber + 2));
        QCOMPARE(cell(d, 0, D::ValidityRow, D::BeforeColumn), QStringLiteral("valid"));
        const QString newFwg =
            QString::fromStdString(d->plan().steps[0].newFileWriteGuid.toString());
        QCOMPARE(cell(d, 1, D::FileWriteGuidRow, D::AfterColumn), newFwg);
        QCOMPARE(cell(d, 1, D::FileWriteGuidRow, D::BeforeColumn),
                 QString::fromStdString(cur.fileWriteGuid.toString()));
        QCOMPARE(cell(d, 1, D::DataWriteGuidRow, D::AfterColumn), QStringLiteral("unchanged"));
        if (qEnvironmentVariableIsSet("VHDX_SCREENSHOT_DIR")) {
            QTest::qWait(50);
            d->grab().save(QDir(qEnvironmentVariable("VHDX_SCREENSHOT_DIR"))
                               .filePath(QStringLiteral("header-update-dialog.png")));
        }

        // Renewing DataWriteGuid re-plans; the FileWriteGuid stays that of this dialog.
        d->renewDataWriteGuidCheck()->click();
        QVERIFY(d->options().newDataWriteGuid);
        QVERIFY(!cell(d, 1, D::DataWriteGuidRow, D::AfterColumn).contains("unchanged"));
        QCOMPARE(cell(d, 0, D::DataWriteGuidRow, D::AfterColumn),
                 cell(d, 1, D::DataWriteGuidRow, D::AfterColumn));
        QCOMPARE(cell(d, 1, D::FileWriteGuidRow, D::AfterColumn), newFwg);

        // The confirmation enables the button; an existing backup file is refused.
        d->confirmCheck()->click();
        QVERIFY(d->updateButton()->isEnabled());
        d->backupPathEdit()->setText(path);
        QVERIFY(!d->plan().allowed);
        QVERIFY(!d->refusalLabel()->isHidden());
        QVERIFY(d->refusalLabel()->text().contains("already exists"));
        QVERIFY(!d->updateButton()->isEnabled());
        d->backupCheck()->click(); // no backup: allowed again
        QVERIFY(d->plan().allowed && d->options().backupPath.empty());
        QVERIFY(d->updateButton()->isEnabled());
        d->reject();
    }

    void damagedNonCurrentHeaderWillBeRepaired() {
        const QString path = copy(QStringLiteral("damaged.vhdx"));
        const HeaderPair before = headersOf(path);
        const int otherSlot = 3 - before.current;
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.seek(headerOffset[otherSlot - 1] + 1000)); // reserved, covered by the CRC
            QVERIFY(f.putChar('\x5a'));
        }
        MainWindow w;
        QVERIFY(w.openFile(path));
        controller(w)->showDialog();
        HeaderUpdateDialog* d = controller(w)->dialog();
        QVERIFY(d && d->plan().allowed);
        const QString validity =
            cell(d, 0, HeaderUpdateDialog::ValidityRow, HeaderUpdateDialog::BeforeColumn);
        QVERIFY2(QRegularExpression("^damaged: stored CRC 0x[0-9a-f]+, computed 0x[0-9a-f]+, "
                                    "will be repaired$")
                     .match(validity)
                     .hasMatch(),
                 qPrintable(validity));
        d->reject();
    }

    void acceptUpdatesOnlyTheHeadersWithBackup() {
        const QString path = copy(QStringLiteral("accept.vhdx"));
        const QByteArray old = readAll(path);
        const HeaderPair before = headersOf(path);
        const uint64_t seq = before.currentHeader()->sequenceNumber;
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(path));
        HeaderUpdateAction* c = controller(w);
        QSignalSpy finished(c, &HeaderUpdateAction::updateFinished);
        QTest::qWait(0);
        c->action()->trigger();
        HeaderUpdateDialog* d = c->dialog();
        QVERIFY(d);
        const QString backup = QString::fromStdString(d->options().backupPath);
        QCOMPARE(backup, d->backupPathEdit()->text());
        d->confirmCheck()->click();
        QTest::mouseClick(d->updateButton(), Qt::LeftButton);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), true);

        const QByteArray now = readAll(path);
        QCOMPARE(now.size(), old.size());
        const HeaderPair after = headersOf(path);
        QVERIFY(after.headers[0].valid() && after.headers[1].valid());
        QCOMPARE(after.current, before.current);
        QCOMPARE(after.currentHeader()->sequenceNumber, seq + 2);
        QCOMPARE(after.headers[2 - before.current].sequenceNumber, seq + 1);
        QCOMPARE(after.headers[0].fileWriteGuid, after.headers[1].fileWriteGuid);
        QVERIFY(after.headers[0].fileWriteGuid != before.currentHeader()->fileWriteGuid);
        QCOMPARE(after.headers[0].dataWriteGuid, before.currentHeader()->dataWriteGuid);
        // Everything but the two 4 KiB header blocks is byte-identical.
        QByteArray a = old, b = now;
        for (qint64 off : headerOffset) {
            a.replace(off, headerSize, QByteArray(headerSize, 0));
            b.replace(off, headerSize, QByteArray(headerSize, 0));
        }
        QVERIFY(a == b);
        QCOMPARE(readAll(backup), old.left(1024 * 1024));

        // The window shows the file as it is now, with the header comparison open.
        QVERIFY(w.image());
        QCOMPARE(w.image()->headers().currentHeader()->sequenceNumber, seq + 2);
        QVERIFY(w.imageView()->headerComparison() &&
                w.imageView()->headerComparison()->isVisible());
        QMessageBox* msg = c->resultMessage();
        QVERIFY(msg && msg->isVisible());
        QVERIFY2(msg->text().contains(QString::number(seq + 2)), qPrintable(msg->text()));
        QVERIFY(msg->informativeText().contains(QDir::toNativeSeparators(backup)));
        if (qEnvironmentVariableIsSet("VHDX_SCREENSHOT_DIR")) {
            QTest::qWait(50);
            msg->grab().save(QDir(qEnvironmentVariable("VHDX_SCREENSHOT_DIR"))
                                 .filePath(QStringLiteral("header-update-result.png")));
            w.imageView()->headerComparison()->grab().save(
                QDir(qEnvironmentVariable("VHDX_SCREENSHOT_DIR"))
                    .filePath(QStringLiteral("header-update-comparison.png")));
        }
        msg->close();
        // A second update is allowed again (fresh plan after the reload).
        QVERIFY(c->action()->isEnabled());
    }

    void cancelAndEnterLeaveTheFileAlone() {
        const QString path = copy(QStringLiteral("cancel.vhdx"));
        const QByteArray old = readAll(path);
        MainWindow w;
        w.show();
        QVERIFY(w.openFile(path));
        HeaderUpdateAction* c = controller(w);
        QSignalSpy finished(c, &HeaderUpdateAction::updateFinished);
        for (int attempt = 0; attempt < 2; ++attempt) {
            c->action()->trigger();
            QPointer<HeaderUpdateDialog> d = c->dialog();
            QVERIFY(d);
            const QString backup = d->backupPathEdit()->text();
            d->confirmCheck()->click();
            if (attempt == 0)
                QTest::mouseClick(d->cancelButton(), Qt::LeftButton);
            else
                QTest::keyClick(d, Qt::Key_Return); // the default button is Cancel
            QVERIFY(!d || !d->isVisible());
            QVERIFY(!QFile::exists(backup));
            QTRY_VERIFY(!d); // deleted on close
        }
        QCOMPARE(finished.count(), 0);
        QVERIFY(readAll(path) == old);
    }

  private:
    QString copy(const QString& name) {
        const QString target = QDir(m_images.dir()).filePath(name);
        QDir().mkpath(QFileInfo(target).path());
        QFile::remove(target);
        if (!QFile::copy(m_images.dynamic1G(), target))
            return {};
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
        return target;
    }

    vhdx::uitest::TestImages m_images;
};

VHDX_TEST_GUI_MAIN(TstHeaderUpdateDialog)
#include "tst_header_update_dialog.moc"
