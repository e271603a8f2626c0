// GUI benchmarks (label bench): time from "open" to a painted window with its tree for a
// 64 TiB / 67-million-entry image against a 1 GiB one (the BAT scan must not be waited
// for), and the BAT grid painting a full viewport at the smallest and the largest zoom.
#include <QElapsedTimer>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>

#include <algorithm>
#include <memory>

#include "bat_grid_view.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "structure_tree_model.h"
#include "ui_test_images.h"
#include "vhdx/image.h"

using namespace vhdx::ui;

class BenchGui : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
        m_small = m_images.createWithQemu("small-1G.vhdx", "1G");
        m_big = m_images.createWithQemu("big-64T.vhdx", "64T");
        if (m_small.isEmpty() || m_big.isEmpty())
            QSKIP("qemu-img is not available");
    }

    void openToTree_data() {
        QTest::addColumn<QString>("which");
        QTest::newRow("1GiB") << QStringLiteral("small");
        QTest::newRow("64TiB") << QStringLiteral("big");
    }
    void openToTree() {
        QFETCH(QString, which);
        const QString path = which == QLatin1String("big") ? m_big : m_small;
        MainWindow w;
        w.resize(1500, 950);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QBENCHMARK {
            QVERIFY(w.openFile(path));
            w.repaint(); // the window with its tree, painted; the BAT scan still runs
        }
        QCOMPARE(w.imageView()->treeModel()->rowCount(), 10); // ... and Virtual disk
    }

    // The acceptance figure: median time to window+tree, 64 TiB vs 1 GiB (target <= 1.5x).
    void openTimeRatio() {
        const double small = medianOpenMs(m_small);
        const double big = medianOpenMs(m_big);
        const double ratio = big / small;
        qInfo("open to painted window+tree: 1 GiB %.2f ms, 64 TiB %.2f ms, ratio %.2f", small, big,
              ratio);
        // Benchmarks report, they do not gate CI on a shared, noisy machine: a miss is printed
        // loudly and investigated with the figures in docs/PERFORMANCE.md.
        QVERIFY(small > 0 && big > 0);
        if (ratio > 1.5)
            qWarning("MISSED: open-time ratio %.2f exceeds the 1.5 target", ratio);
    }

    void batGridPaint_data() {
        QTest::addColumn<int>("cell");
        QTest::newRow("smallest-2px") << BatGridView::minCellSize;
        QTest::newRow("largest-32px") << BatGridView::maxCellSize;
    }
    void batGridPaint() {
        QFETCH(int, cell);
        std::string error;
        auto image = vhdx::Image::open(m_big.toStdString(), error);
        QVERIFY(image && image->batReader());
        BatGridView view;
        view.resize(1600, 1000);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setReader(image->batReader());
        view.setCellSize(cell);
        const int rows = view.visibleRows();
        const int maxValue = view.verticalScrollBar()->maximum();
        qInfo("viewport %dx%d: %d columns x %d rows = %d cells per frame", view.viewport()->width(),
              view.viewport()->height(), view.columns(), rows, view.columns() * rows);
        int page = 0;
        // Each frame shows other rows, so each one reads its entries from the BAT as well.
        QBENCHMARK {
            view.verticalScrollBar()->setValue(
                int((qint64(page++) * rows * 97) % std::max(1, maxValue)));
            view.viewport()->repaint();
        }
    }

  private:
    static double medianOpenMs(const QString& path) {
        MainWindow w;
        w.resize(1500, 950);
        w.show();
        if (!QTest::qWaitForWindowExposed(&w))
            return -1;
        std::vector<double> times;
        for (int i = 0; i < 9; ++i) {
            w.closeImage(); // not timed: ends the previous scan
            QElapsedTimer t;
            t.start();
            w.openFile(path);
            w.repaint();
            times.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        std::sort(times.begin(), times.end());
        return times[times.size() / 2];
    }

    vhdx::uitest::TestImages m_images;
    QString m_small;
    QString m_big;
};

QTEST_MAIN(BenchGui)
#include "bench_gui.moc"
