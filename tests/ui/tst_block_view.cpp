// In the viewer: the data of one payload block, opened from the BAT map (Enter or
// double-click on a cell). A two-level chain from the test-image builder: the child's block 1
// is partially present (four sectors of every eight), the parent's fully present. The bytes
// shown are compared with the reference reading of tests/core/virtual_disk_reference.h
// (sector by sector from the builder's knobs, not through the core's reader), and the origins
// with the sector flags; Open Parent opens the parent in its own window.
#include <QApplication>
#include <QFileInfo>
#include <QPointer>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "bat_grid_view.h"
#include "bat_map_widget.h"
#include "block_view_dialog.h"
#include "hex_view.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "test_files.h"
#include "test_registry.h"
#include "virtual_disk_reference.h"

using namespace vhdx;
using namespace vhdx::test;
using namespace vhdx::ui;

class TstBlockView : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests"));
    }

    void blockOfAChildShowsItsSectorsOrigins() {
        constexpr uint32_t blockSize = 1024 * 1024, sectorSize = 512;
        const uint64_t sectorsPerBlock = blockSize / sectorSize;
        LevelSpec child;
        child.blocks = {{1, bat::PartiallyPresent}};
        child.sectorBits = {{1, flags("11110000", sectorsPerBlock)}};
        child.seed = 7;
        LevelSpec parent;
        parent.blocks = {{0, bat::FullyPresent}, {1, bat::FullyPresent}};
        parent.seed = 2;
        const BuiltChain c =
            buildChain(blockSize, sectorSize, 16ull * 1024 * 1024, {child, parent});
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString parentPath = writeImageFile(dir.path(), "parent.vhdx", c.built[1].bytes);
        const QString childPath = writeImageFile(dir.path(), "child.vhdx", c.built[0].bytes);
        QVERIFY(!parentPath.isEmpty() && !childPath.isEmpty());

        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(childPath));
        w.imageView()->session()->waitForScan();
        QCoreApplication::processEvents();
        BatMapWidget* map = w.imageView()->batMap();
        const BatGeometry& geo = w.imageView()->session()->image().batGeometry();
        const uint64_t index = geo.payloadIndexOfBlock(1);
        map->grid()->setCurrentIndex(index);
        QTest::keyClick(map->grid(), Qt::Key_Return);
        BlockViewDialog* view = map->blockView();
        QVERIFY(view);

        // The bytes: as the reference reads them, the child's and the parent's interleaved.
        const QByteArray shown = view->hexView()->bytesAt(0, blockSize);
        QCOMPARE(shown.size(), qsizetype(blockSize));
        QByteArray expected(blockSize, 0);
        for (uint64_t i = 0; i < blockSize; ++i)
            expected[qsizetype(i)] = char(referenceByte(c, blockSize + i));
        QVERIFY(shown == expected);
        QVERIFY(shown.left(2048) != shown.mid(2048, 2048)); // two images, two patterns

        // The origins: runs of four sectors, this file then parent 1, from sector 2,048.
        const QStringList runs = view->originRuns();
        QVERIFY2(runs.value(0).startsWith("sectors 2,048-2,051 (2 KiB): this file at"),
                 qPrintable(runs.value(0)));
        QVERIFY2(runs.value(1).startsWith("sectors 2,052-2,055 (2 KiB): parent 1 at"),
                 qPrintable(runs.value(1)));
        QCOMPARE(runs.last(), QString("(more runs not listed)")); // 512 runs, 200 shown
        // The parent's sectors are the tinted ones: the second four of every eight.
        const std::vector<ByteRange>& tinted = view->hexView()->highlight();
        QCOMPARE(tinted.size(), size_t(sectorsPerBlock / 8));
        QCOMPARE(tinted.front().offset, uint64_t(4 * sectorSize));
        QCOMPARE(tinted.front().length, uint64_t(4 * sectorSize));

        if (const QString shots = qEnvironmentVariable("VHDX_SCREENSHOT_DIR"); !shots.isEmpty()) {
            QTest::qWait(100);
            view->grab().save(shots + "/block-view.png");
        }

        // Open Parent: the parent in a window of its own.
        QVERIFY(view->openParentButton()->isEnabled());
        view->openParentButton()->click();
        MainWindow* opened = nullptr;
        for (QWidget* tl : QApplication::topLevelWidgets())
            if (auto* m = qobject_cast<MainWindow*>(tl); m && m != &w)
                opened = m;
        QVERIFY(opened);
        QCOMPARE(QFileInfo(opened->currentPath()).canonicalFilePath(),
                 QFileInfo(parentPath).canonicalFilePath());
        opened->close();

        // A sector-bitmap slot has no block data; reloading closes the view (it reads the
        // image being replaced).
        QVERIFY(!map->openBlock(geo.chunkRatio));
        QPointer<BlockViewDialog> guard(view);
        w.reload();
        QTRY_VERIFY(!guard);
    }
};

VHDX_TEST_GUI_MAIN(TstBlockView)
#include "tst_block_view.moc"
