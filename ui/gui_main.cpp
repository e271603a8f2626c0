#include "gui_main.h"

#include <QApplication>
#include <QIcon>

#include "main_window.h"

// Outside any namespace, as Q_INIT_RESOURCE requires; the resources live in a static library.
static void initUiResources() {
    Q_INIT_RESOURCE(vhdx_inspector);
}

namespace vhdx::ui {

int runGui(int argc, char** argv, const std::vector<std::string>& files) {
    QApplication app(argc, argv);
    initUiResources();
    QApplication::setOrganizationName(QStringLiteral("vhdx-inspector"));
    QApplication::setApplicationName(QStringLiteral("VHDX Inspector"));
    QApplication::setApplicationVersion(QStringLiteral(VHDX_UI_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.vhdx_inspector.VhdxInspector"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/vhdx-inspector.svg")));

    if (files.empty()) {
        auto* w = new MainWindow;
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->show();
    }
    QPoint offset;
    for (const std::string& f : files) {
        // Each file gets a window; one that cannot be opened shows why in an empty window.
        auto* w = new MainWindow;
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->openFile(QString::fromLocal8Bit(f.c_str()));
        w->move(w->pos() + offset);
        offset += QPoint(40, 40);
        w->show();
    }
    return app.exec();
}

} // namespace vhdx::ui
