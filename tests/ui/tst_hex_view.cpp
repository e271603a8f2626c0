// The hex view (defect 12): the whole file reachable, a caret and a selection by
// mouse and keyboard, copy as hex and as a C array, go to offset, the data inspector, and
// field <-> byte linking everywhere (the File node, the BAT's entries).
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

#include "bat_grid_view.h"
#include "bat_map_widget.h"
#include "data_inspector.h"
#include "details_pane.h"
#include "hex_view.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "structure_tree_model.h"
#include "test_registry.h"
#include "tree_lookup.h"
#include "ui_test_images.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::ui;

class TstHexView : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests-hex"));
        QSettings().clear(); // a layout saved by another run must not decide the sizes
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
        m_window.resize(1400, 900);
        m_window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&m_window));
        QVERIFY(m_window.openFile(m_images.dynamic1G()));
        m_window.imageView()->session()->waitForScan();
        QCoreApplication::processEvents();
        m_view = m_window.imageView();
        m_view->tabs()->setCurrentWidget(m_view->details());
        m_hex = m_view->details()->hexView();
    }

    void wholeFileReachable() {
        QCOMPARE(m_hex->size(), m_window.image()->fileSize());
        QVERIFY(m_hex->goToOffset(m_hex->size() - 1));
        QCOMPARE(m_hex->caret(), m_hex->size() - 1);
        QVERIFY(!m_hex->byteRect(m_hex->size() - 1).isEmpty()); // in sight
        QVERIFY(!m_hex->goToOffset(m_hex->size()));
    }

    void selectionByMouseAndKeyboard() {
        m_view->selectIndex(m_view->treeModel()->indexFor(ref::header(2)));
        QTest::mouseClick(m_hex->viewport(), Qt::LeftButton, {}, m_hex->byteRect(0x20000).center());
        QTest::mouseClick(m_hex->viewport(), Qt::LeftButton, Qt::ShiftModifier,
                          m_hex->byteRect(0x20003).center());
        QCOMPARE(m_hex->selectionStart(), 0x20000ull);
        QCOMPARE(m_hex->selectionLength(), 4ull);
        QCOMPARE(m_hex->selectionAsHex(), QString("68 65 61 64")); // "head"
        QCOMPARE(m_hex->selectionAsCArray(), QString("{\n    0x68, 0x65, 0x61, 0x64\n}"));
        // The keyboard extends it and copies it.
        m_hex->setFocus();
        QTest::keyClick(m_hex, Qt::Key_Right, Qt::ShiftModifier);
        QCOMPARE(m_hex->selectionLength(), 5ull);
        QTest::keyClick(m_hex, Qt::Key_C, Qt::ControlModifier);
        QVERIFY(QApplication::clipboard()->text().startsWith("68 65 61 64 "));
        // Arrows move the caret (a row down is 16 bytes on).
        QTest::keyClick(m_hex, Qt::Key_Down);
        QCOMPARE(m_hex->caret(), 0x20004ull + 16);
        QCOMPARE(m_hex->selectionLength(), 1ull);
        // A drag selects too.
        const QPoint from = m_hex->byteRect(0x20010).center();
        const QPoint to = m_hex->byteRect(0x2001f).center();
        QTest::mousePress(m_hex->viewport(), Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, to, m_hex->viewport()->mapToGlobal(to), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(m_hex->viewport(), &move);
        QTest::mouseRelease(m_hex->viewport(), Qt::LeftButton, {}, to);
        QCOMPARE(m_hex->selectionStart(), 0x20010ull);
        QCOMPARE(m_hex->selectionLength(), 16ull);
    }

    void inspectorReadsTheSelection() {
        const Header& h2 = m_window.image()->headers().headers[1];
        DataInspector* inspector = m_view->details()->inspector();
        m_hex->setSelection(0x20008, 8); // the sequence number
        QVERIFY2(inspector->valueText(DataInspector::U64Row)
                     .endsWith(QStringLiteral("(%1)").arg(h2.sequenceNumber)),
                 qPrintable(inspector->valueText(DataInspector::U64Row)));
        QCOMPARE(inspector->valueText(DataInspector::U8Row),
                 QString("0x%1 (%2)")
                     .arg(h2.sequenceNumber & 0xff, 2, 16, QLatin1Char('0'))
                     .arg(h2.sequenceNumber & 0xff));
        m_hex->setSelection(0x20010, 16); // the file write GUID
        QCOMPARE(inspector->valueText(DataInspector::GuidRow),
                 QString::fromStdString(h2.fileWriteGuid.toString()));
        m_hex->setSelection(8, 60); // the creator, UTF-16LE
        QVERIFY2(inspector->valueText(DataInspector::Utf16Row)
                     .startsWith(
                         QString::fromStdString(m_window.image()->identifier().creator).left(20)),
                 qPrintable(inspector->valueText(DataInspector::Utf16Row)));
    }

    void goToOffset() {
        QLineEdit* edit = m_view->details()->goToEdit();
        edit->setText("0x30000");
        QVERIFY(m_view->details()->goToTypedOffset());
        QCOMPARE(m_hex->caret(), 0x30000ull);
        QVERIFY(!m_hex->byteRect(0x30000).isEmpty());
        edit->setText("2T");
        QVERIFY(!m_view->details()->goToTypedOffset());
        QCOMPARE(m_hex->caret(), 0x30000ull);
        // Ctrl+G in the hex view puts the focus in the field.
        m_hex->setFocus();
        QTest::keyClick(m_hex, Qt::Key_G, Qt::ControlModifier);
        QVERIFY(edit->hasFocus());
    }

    // A byte clicked while the File node is shown selects its field; in the BAT, its entry.
    void byteSelectsItsOwnerEverywhere() {
        StructureTreeModel* m = m_view->treeModel();
        m_view->selectIndex(m->indexFor(ref::file()));
        m_hex->scrollToOffset(0x20008);
        QTest::mouseClick(m_hex->viewport(), Qt::LeftButton, {}, m_hex->byteRect(0x2000a).center());
        const QModelIndex current = m_view->tree()->currentIndex();
        QCOMPARE(current.data().toString(), QString("Sequence number"));
        QCOMPARE(current.parent().data().toString(), QString("Header 2"));

        const uint64_t bat = m_window.image()->regions().bat->fileOffset;
        m_view->selectIndex(m->indexFor(ref::bat()));
        m_hex->scrollToOffset(bat);
        QTest::mouseClick(m_hex->viewport(), Qt::LeftButton, {},
                          m_hex->byteRect(bat + 8 * 3 + 2).center());
        QCOMPARE(m_view->tree()->currentIndex().data().toString(), QString("BAT"));
        QCOMPARE(m_view->batMap()->grid()->currentIndex(), std::optional<uint64_t>(3));
        QCOMPARE(m_hex->highlight(), (std::vector<ByteRange>{{bat + 24, 8}}));
        // And back: a cell picked in the BAT map marks its entry's bytes.
        m_view->batMap()->grid()->setCurrentIndex(5);
        QCOMPARE(m_hex->highlight(), (std::vector<ByteRange>{{bat + 40, 8}}));
        QVERIFY(m_view->details()->bytesInfo()->text().startsWith("BAT entry 5"));
    }

  private:
    uitest::TestImages m_images;
    MainWindow m_window;
    ImageView* m_view = nullptr;
    HexView* m_hex = nullptr;
};

VHDX_TEST_GUI_MAIN(TstHexView)
#include "tst_hex_view.moc"
