// Renders the viewer's main views for an image into PNG files, for docs/screenshots and for
// looking at the real thing:
//   ui_screenshots IMAGE OUTPUT_PREFIX [--path P] [--expand] [--bat-offset N] [--zoom PX]
//                  [--size WxH] [--dark] [--fusion] [--select-bytes OFF:LEN] [--bat-problems]
//                  [--truncate BYTES]
// Writes PREFIX-verdict.png (what opens first), -details.png, -bat.png and -headers.png;
// with --truncate, cuts IMAGE (give it a copy) to BYTES and writes -changed.png with the
// "changed on disk" banner.
#include <QApplication>
#include <QFile>
#include <QHeaderView>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

#include "bat_grid_view.h"
#include "bat_map_widget.h"
#include "details_pane.h"
#include "findings_panel.h"
#include "header_comparison_dialog.h"
#include "hex_view.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "structure_tree_model.h"
#include "ui_palettes.h"
#include "verdict_page.h"

using namespace vhdx::ui;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("vhdx-inspector-screenshots"));
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        qWarning("usage: ui_screenshots IMAGE OUTPUT_PREFIX [--path 'Header 2/Checksum'] "
                 "[--expand] [--bat-offset N] [--zoom PX] [--size WxH] [--dark] [--fusion] "
                 "[--select-bytes OFF:LEN]");
        return 2;
    }
    if (args.contains(QLatin1String("--fusion")) || args.contains(QLatin1String("--dark")))
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (args.contains(QLatin1String("--dark")))
        QApplication::setPalette(vhdx::uitest::darkFusionPalette());
    QSize size(1500, 950);
    if (const qsizetype i = args.indexOf(QLatin1String("--size")); i > 0 && i + 1 < args.size()) {
        const QStringList wh = args[i + 1].split(QLatin1Char('x'));
        if (wh.size() == 2)
            size = QSize(wh[0].toInt(), wh[1].toInt());
    }
    const QString out = args[2];
    MainWindow w;
    w.resize(size);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w))
        return 1;
    if (!w.openFile(args[1])) {
        qWarning("%s", qPrintable(w.lastError()));
        return 1;
    }
    ImageView* view = w.imageView();
    view->session()->waitForScan();
    QCoreApplication::processEvents();
    QTest::qWait(50);
    w.grab().save(out + QStringLiteral("-verdict.png"));
    bool selected = false;
    for (qsizetype i = 3; i < args.size(); ++i) {
        const bool hasValue = i + 1 < args.size();
        if (args[i] == QLatin1String("--path") && hasValue) {
            // Labels from the top, '/' between them (the document's paths use \x1f).
            const QModelIndex idx = view->treeModel()->indexForPath(
                QString(args[i + 1]).replace(QLatin1Char('/'), QChar(0x1f)));
            view->tree()->expand(idx.parent());
            view->selectIndex(idx);
            selected = true;
        } else if (args[i] == QLatin1String("--expand")) {
            view->tree()->expandAll();
        } else if (args[i] == QLatin1String("--zoom") && hasValue) {
            view->batMap()->grid()->setCellSize(args[i + 1].toInt());
        } else if (args[i] == QLatin1String("--bat-offset") && hasValue) {
            view->batMap()->grid()->goToVirtualOffset(args[i + 1].toULongLong(nullptr, 0));
        } else if (args[i] == QLatin1String("--select-bytes") && hasValue) {
            const QStringList ol = args[i + 1].split(QLatin1Char(':'));
            view->details()->hexView()->setSelection(ol.value(0).toULongLong(nullptr, 0),
                                                     ol.value(1).toULongLong(nullptr, 0));
        }
    }
    view->tabs()->setCurrentWidget(view->details());
    if (!selected)
        view->selectIndex(view->tree()->currentIndex());
    QTest::qWait(50);
    w.grab().save(out + QStringLiteral("-details.png"));
    view->tabs()->setCurrentWidget(view->batMap());
    if (args.contains(QLatin1String("--bat-problems")))
        view->showBatProblems();
    QTest::qWait(50);
    w.grab().save(out + QStringLiteral("-bat.png"));
    view->showHeaderComparison();
    QTest::qWait(50);
    view->headerComparison()->grab().save(out + QStringLiteral("-headers.png"));
    view->headerComparison()->hide();
    if (const qsizetype i = args.indexOf(QLatin1String("--truncate"));
        i > 0 && i + 1 < args.size()) {
        view->tabs()->setCurrentWidget(view->verdictPage());
        QFile::resize(args[1], args[i + 1].toLongLong());
        for (int t = 0; t < 100 && !w.changeBanner()->isVisible(); ++t)
            QTest::qWait(30);
        QTest::qWait(50);
        w.grab().save(out + QStringLiteral("-changed.png"));
    }
    return 0;
}
