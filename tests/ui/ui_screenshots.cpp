// Renders the viewer's main views for an image into PNG files, for docs/screenshots and for
// looking at the real thing: ui_screenshots IMAGE OUTPUT_PREFIX [--path P] [--bat-offset N]
// [--zoom PX]
#include <QApplication>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

#include "bat_grid_view.h"
#include "bat_map_widget.h"
#include "findings_panel.h"
#include "header_comparison_dialog.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "structure_tree_model.h"

using namespace vhdx::ui;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("vhdx-inspector-screenshots"));
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        qWarning("usage: ui_screenshots IMAGE OUTPUT_PREFIX [--path 'Header 2/Checksum'] "
                 "[--expand] [--bat-offset N] [--zoom PX]");
        return 2;
    }
    const QString out = args[2];
    MainWindow w;
    w.resize(1500, 950);
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
    for (qsizetype i = 3; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--path")) {
            // Labels from the top, '/' between them (the document's paths use \x1f).
            const QModelIndex idx = view->treeModel()->indexForPath(
                QString(args[i + 1]).replace(QLatin1Char('/'), QChar(0x1f)));
            view->tree()->expand(idx.parent());
            view->selectIndex(idx);
        } else if (args[i] == QLatin1String("--expand"))
            view->tree()->expandAll();
        else if (args[i] == QLatin1String("--zoom"))
            view->batMap()->grid()->setCellSize(args[i + 1].toInt());
        else if (args[i] == QLatin1String("--bat-offset"))
            view->batMap()->grid()->goToVirtualOffset(args[i + 1].toULongLong(nullptr, 0));
    }
    QTest::qWait(50);
    w.grab().save(out + QStringLiteral("-main.png"));
    view->tabs()->setCurrentWidget(view->batMap());
    QTest::qWait(50);
    w.grab().save(out + QStringLiteral("-bat.png"));
    view->showHeaderComparison();
    QTest::qWait(50);
    view->headerComparison()->grab().save(out + QStringLiteral("-headers.png"));
    return 0;
}
