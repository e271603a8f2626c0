// BatGridView: cell <-> BAT index <-> virtual offset, at chunk boundaries and at the format's
// largest scale, and what a painted cell looks like.
#include <QHelpEvent>
#include <QScrollBar>
#include <QTest>
#include <QToolTip>

#include <memory>

#include "bat_grid_view.h"
#include "bat_legend.h"
#include "test_registry.h"
#include "ui_test_images.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::ui;

class TstBatGrid : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
        std::string err;
        // Dirty-log image: 1 MiB blocks, chunk ratio 4096, 10,242 entries with sector-bitmap
        // slots at 4096 and 8193.
        m_image = Image::open(m_images.dirtyLog().toStdString(), err);
        QVERIFY(m_image && m_image->batReader());
        QCOMPARE(m_image->batGeometry().chunkRatio, uint64_t(4096));
        QCOMPARE(m_image->batGeometry().totalEntries, uint64_t(10242));
    }

    void cellIndexRoundTrip_data() {
        QTest::addColumn<int>("cell");
        QTest::newRow("smallest") << BatGridView::minCellSize;
        QTest::newRow("medium") << 8;
        QTest::newRow("largest") << BatGridView::maxCellSize;
    }
    void cellIndexRoundTrip() {
        QFETCH(int, cell);
        BatGridView view;
        view.resize(420, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setReader(m_image->batReader());
        view.setCellSize(cell);
        QCOMPARE(view.cellSize(), cell);
        for (uint64_t index :
             std::initializer_list<uint64_t>{0, 4095, 4096, 4097, 8192, 8193, 8194, 10241}) {
            view.scrollToIndex(index);
            const QRect r = view.cellRect(index);
            QVERIFY2(!r.isEmpty(), qPrintable(QString::number(index)));
            QCOMPARE(view.indexAt(r.center()), qint64(index));
            QCOMPARE(view.indexAt(r.topLeft()), qint64(index));
            QCOMPARE(view.indexAt(r.bottomRight()), qint64(index));
            // The scroll value is a row index.
            QVERIFY(uint64_t(view.verticalScrollBar()->value()) <=
                    index / uint64_t(view.columns()));
        }
        view.scrollToIndex(4096);
        const QRect r = view.cellRect(4096);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, r.center());
        QCOMPARE(view.currentIndex().value_or(0), 4096ull);
        QCOMPARE(view.indexAt(QPoint(0, 0)), -1); // the margin belongs to no cell
    }

    void slotsAndVirtualRanges() {
        BatGridView view;
        view.setReader(m_image->batReader());
        const auto payload4095 = view.cellInfo(4095);
        QVERIFY(!payload4095.sectorBitmap);
        QCOMPARE(payload4095.number, 4095ull);
        QCOMPARE(payload4095.virtualStart, 4095 * MiB);
        QCOMPARE(payload4095.virtualEnd, 4 * GiB);
        const auto bitmap0 = view.cellInfo(4096);
        QVERIFY(bitmap0.sectorBitmap);
        QCOMPARE(bitmap0.number, 0ull);
        QCOMPARE(bitmap0.virtualStart, 0ull);
        QCOMPARE(bitmap0.virtualEnd, 4 * GiB);
        const auto payload4096 = view.cellInfo(4097);
        QVERIFY(!payload4096.sectorBitmap);
        QCOMPARE(payload4096.number, 4096ull);
        QCOMPARE(payload4096.virtualStart, 4 * GiB);
        const auto bitmap1 = view.cellInfo(8193);
        QVERIFY(bitmap1.sectorBitmap);
        QCOMPARE(bitmap1.virtualStart, 4 * GiB);
        QCOMPARE(bitmap1.virtualEnd, 8 * GiB);
        const auto last = view.cellInfo(10241);
        QCOMPARE(last.number, 10239ull);
        QCOMPARE(last.virtualEnd, 10 * GiB);
        QVERIFY(view.describe(4096).contains("Sector bitmap of chunk 0"));
        QVERIFY(view.describe(4097).contains("Payload block 4,096"));
    }

    void hoverTooltipDescribesTheCell() {
        BatGridView view;
        view.resize(420, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setReader(m_image->batReader());
        view.setCellSize(16);
        view.scrollToIndex(4096);
        const QPoint pos = view.cellRect(4096).center();
        QHelpEvent help(QEvent::ToolTip, pos, view.viewport()->mapToGlobal(pos));
        QCoreApplication::sendEvent(view.viewport(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        const QString text = QToolTip::text();
        QCOMPARE(text, view.describe(4096));
        QVERIFY(text.contains("BAT entry 4,096"));
        QVERIFY(text.contains("Sector bitmap of chunk 0"));
        QVERIFY(text.contains("State: not present"));
        QVERIFY(text.contains("Covers virtual bytes 0x0-0xffffffff (4 GiB)"));
    }

    void goToVirtualOffset() {
        BatGridView view;
        view.resize(300, 200);
        view.setReader(m_image->batReader());
        QVERIFY(view.goToVirtualOffset(0));
        QCOMPARE(*view.currentIndex(), 0ull);
        QVERIFY(view.goToVirtualOffset(4 * GiB - 1));
        QCOMPARE(*view.currentIndex(), 4095ull);
        QVERIFY(view.goToVirtualOffset(4 * GiB));
        QCOMPARE(*view.currentIndex(), 4097ull); // skips the bitmap slot of chunk 0
        QVERIFY(view.goToVirtualOffset(8 * GiB));
        QCOMPARE(*view.currentIndex(), 8194ull);
        QVERIFY(view.goToVirtualOffset(10 * GiB - 1));
        QCOMPARE(*view.currentIndex(), 10241ull);
        QVERIFY(!view.goToVirtualOffset(10 * GiB));
        QVERIFY(!view.cellRect(10241).isEmpty()); // scrolled into view
        // Keyboard: across the bitmap slot of chunk 0 and to the ends.
        QVERIFY(view.goToVirtualOffset(4 * GiB - 1));
        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(*view.currentIndex(), 4096ull);
        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(*view.currentIndex(), 4097ull);
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(*view.currentIndex(), 4097ull + uint64_t(view.columns()));
        QTest::keyClick(&view, Qt::Key_End);
        QCOMPARE(*view.currentIndex(), 10241ull);
        QVERIFY(!view.cellRect(10241).isEmpty());
        QTest::keyClick(&view, Qt::Key_Home);
        QCOMPARE(*view.currentIndex(), 0ull);
        QCOMPARE(view.verticalScrollBar()->value(), 0);
    }

    void paintsStateColours() {
        BatGridView view;
        view.resize(420, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setReader(m_image->batReader());
        view.setCellSize(16);
        // The first fully present block of the image.
        uint64_t present = UINT64_MAX;
        for (uint64_t i = 0; i < 10242 && present == UINT64_MAX; ++i)
            if (m_image->batGeometry().classify(i, *m_image->batReader()->entry(i)) ==
                BatClass::PayloadFullyPresent)
                present = i;
        QVERIFY(present != UINT64_MAX);
        for (uint64_t index : {present, uint64_t(4096)}) {
            view.scrollToIndex(index);
            const QImage shot = view.viewport()->grab().toImage();
            const QRect r = view.cellRect(index);
            const QColor corner = shot.pixelColor(r.topLeft() + QPoint(1, 1));
            const BatClass expected =
                index == 4096
                    ? m_image->batGeometry().classify(4096, *m_image->batReader()->entry(4096))
                    : BatClass::PayloadFullyPresent;
            QCOMPARE(corner.rgb(), batClassColor(expected));
            if (index == 4096) // bitmap cells carry a white centre mark
                QCOMPARE(shot.pixelColor(r.center()).rgb(), qRgb(255, 255, 255));
        }
    }

    void largestImage() {
        const QString big = m_images.createWithQemu("big.vhdx", "64T");
        if (big.isEmpty())
            QSKIP("qemu-img is not available");
        std::string err;
        auto image = Image::open(big.toStdString(), err);
        QVERIFY(image && image->batReader());
        const uint64_t total = image->batGeometry().totalEntries;
        QVERIFY(total > 67'000'000);
        BatGridView view;
        view.resize(800, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setReader(image->batReader());
        for (int cell : {BatGridView::minCellSize, BatGridView::maxCellSize}) {
            view.setCellSize(cell);
            QVERIFY(view.rowCount() * qint64(view.columns()) >= qint64(total));
            QCOMPARE(qint64(view.verticalScrollBar()->maximum()),
                     std::max<qint64>(0, view.rowCount() - view.visibleRows()));
            for (uint64_t index : {total - 1, total / 2, uint64_t(4096), uint64_t(4097)}) {
                view.scrollToIndex(index);
                const QRect r = view.cellRect(index);
                QVERIFY(!r.isEmpty());
                QCOMPARE(view.indexAt(r.center()), qint64(index));
            }
        }
        QVERIFY(view.goToVirtualOffset(64 * TiB - 1));
        QCOMPARE(*view.currentIndex(), total - 1);
        const auto info = view.cellInfo(total - 1);
        QCOMPARE(info.virtualEnd, 64 * TiB);
        QCOMPARE(info.virtualStart, 64 * TiB - MiB);
    }

  private:
    vhdx::uitest::TestImages m_images;
    std::unique_ptr<Image> m_image;
};

VHDX_TEST_GUI_MAIN(TstBatGrid)
#include "tst_bat_grid.moc"
