// Palettes and sizes (defects 1, 4, 10): status colours readable (>= 4.5:1) on the
// light and the dark Fusion palette, the header comparison's marked rows too; the main window
// usable at 1024x700 (the tree's Status column in sight, four finding rows); the Update
// Headers dialog readable at 700x560 (nothing drawn over anything, nothing cut, the decision
// in sight). Run a second time by ctest with QT_SCALE_FACTOR=2 on a 1600x1000 offscreen
// screen (tst_palette_and_size_scale2): the window and the dialog fit that screen.
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTreeView>

#include "details_pane.h"
#include "findings_panel.h"
#include "header_comparison_model.h"
#include "header_update_dialog.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "status_style.h"
#include "structure_tree_model.h"
#include "test_registry.h"
#include "ui_palettes.h"
#include "ui_test_images.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::ui;

namespace {

bool scaled() {
    return qEnvironmentVariable("QT_SCALE_FACTOR") == QLatin1String("2");
}

// The rectangle of w in the coordinates of top.
QRect rectIn(const QWidget* w, const QWidget* top) {
    return QRect(w->mapTo(top, QPoint(0, 0)), w->size());
}

// Word-wrapped labels are as tall as their text needs at their width, and none of the
// layout's widgets are drawn over one another.
void checkReadable(QWidget* content) {
    for (QWidget* box : content->findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
        if (box->inherits("QGroupBox"))
            checkReadable(box);
    QList<QWidget*> placed;
    for (QWidget* w : content->findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
        if (w->isVisible())
            placed << w;
    for (QWidget* w : placed) {
        if (auto* l = qobject_cast<QLabel*>(w); l && l->wordWrap() && !l->text().isEmpty())
            QVERIFY2(l->height() >= l->heightForWidth(l->width()),
                     qPrintable(QStringLiteral("label cut: %1 (%2 < %3)")
                                    .arg(l->text().left(40))
                                    .arg(l->height())
                                    .arg(l->heightForWidth(l->width()))));
        for (QWidget* o : placed)
            if (o != w)
                QVERIFY2(!w->geometry().intersects(o->geometry()),
                         qPrintable(
                             QStringLiteral("%1 overlaps %2")
                                 .arg(w->metaObject()->className(), o->metaObject()->className())));
    }
}

} // namespace

class TstPaletteAndSize : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vhdx-inspector-tests-size"));
        QSettings().clear(); // a layout saved by another run must not decide the sizes
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
        if (scaled()) {
            const QRect screen = QGuiApplication::primaryScreen()->geometry();
            QCOMPARE(screen.size(), QSize(800, 500)); // 1600x1000 at scale 2
        }
    }

    // Defect 4: every status colour reads at >= 4.5:1 on every background it is drawn on,
    // in the light and in a dark Fusion palette; so does the text of a marked row.
    void statusColoursReadInLightAndDark_data() {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light Fusion") << false;
        QTest::newRow("dark Fusion") << true;
    }
    void statusColoursReadInLightAndDark() {
        QFETCH(bool, dark);
        const QPalette pal = dark ? uitest::darkFusionPalette() : uitest::lightFusionPalette();
        QCOMPARE(isDarkPalette(pal), dark);
        const QColor backgrounds[] = {pal.color(QPalette::Base), pal.color(QPalette::AlternateBase),
                                      pal.color(QPalette::Window), markedRowBackground(pal)};
        for (NodeStatus s :
             {NodeStatus::Ok, NodeStatus::Info, NodeStatus::Warning, NodeStatus::Error})
            for (const QColor& b : backgrounds) {
                const double c = contrastRatio(statusColor(s, pal), b);
                QVERIFY2(c >= minimumContrast, qPrintable(QStringLiteral("%1 on %2: %3:1")
                                                              .arg(statusText(s), b.name())
                                                              .arg(c, 0, 'f', 2)));
            }
        QVERIFY(contrastRatio(pal.color(QPalette::Text), markedRowBackground(pal)) >=
                minimumContrast);
        QVERIFY(contrastRatio(pal.color(QPalette::Text), pal.color(QPalette::Base)) >= 7);
    }

    // Defect 4, as drawn: with the dark palette the header comparison's differing rows keep
    // readable text (the model's colours, not a light background under light text).
    void headerComparisonInDark() {
        const QPalette before = QApplication::palette();
        QApplication::setPalette(uitest::darkFusionPalette());
        std::string error;
        auto image = Image::open(m_images.dirtyLog().toStdString(), error);
        QVERIFY(image);
        HeaderComparisonModel model;
        model.setHeaders(image->headers());
        int differing = 0;
        for (int r = 0; r < model.rowCount(); ++r) {
            const QModelIndex i = model.index(r, HeaderComparisonModel::Header1Column);
            if (!i.data(HeaderComparisonModel::DiffersRole).toBool())
                continue;
            ++differing;
            const QColor back = i.data(Qt::BackgroundRole).value<QColor>();
            const QVariant fg = i.data(Qt::ForegroundRole);
            const QColor text =
                fg.isValid() ? fg.value<QColor>() : QApplication::palette().color(QPalette::Text);
            QVERIFY2(contrastRatio(text, back) >= minimumContrast, qPrintable(model.fieldName(r)));
        }
        QVERIFY(differing > 0);
        QApplication::setPalette(before);
    }

    // Defect 10: at 1024x700 (and at scale 2) the tree keeps its Offset, Size and Status
    // columns in sight, the tree is wide enough to read, and four finding rows show.
    void mainWindowAtSmallSizes() {
        MainWindow w;
        if (!scaled())
            w.resize(1024, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(m_images.dynamic1G()));
        w.imageView()->session()->waitForScan();
        QCoreApplication::processEvents();
        QTest::qWait(20);
        // With an image shown (its pages have content) the window still fits the screen.
        const QRect avail = w.screen()->availableGeometry();
        QVERIFY2(!scaled() || (w.frameGeometry().width() <= avail.width() &&
                               w.frameGeometry().height() <= avail.height()),
                 qPrintable(QStringLiteral("%1x%2 on %3x%4")
                                .arg(w.width())
                                .arg(w.height())
                                .arg(avail.width())
                                .arg(avail.height())));
        QTreeView* tree = w.imageView()->tree();
        QHeaderView* h = tree->header();
        // All three at 1024x700; at 800x500 (scale 2) the status at least, next to the name.
        const std::vector<int> columns =
            scaled()
                ? std::vector<int>{StructureTreeModel::StatusColumn}
                : std::vector<int>{StructureTreeModel::OffsetColumn, StructureTreeModel::SizeColumn,
                                   StructureTreeModel::StatusColumn};
        for (int c : columns)
            QVERIFY2(h->sectionViewportPosition(c) >= 0 &&
                         h->sectionViewportPosition(c) + h->sectionSize(c) <=
                             tree->viewport()->width(),
                     qPrintable(QStringLiteral("column %1 out of sight").arg(c)));
        QVERIFY2(tree->width() >= 300, qPrintable(QString::number(tree->width())));
        // The tree has what its columns need, or all the splitter can give it beside the
        // tabs' minimum (at scale 2 it was 60 px and would not widen).
        QSplitter* split = w.imageView()->horizontalSplitter();
        const int most = split->width() - split->handleWidth() -
                         w.imageView()->tabs()->minimumSizeHint().width();
        QVERIFY2(split->sizes().front() >= std::min(structureColumnsWidth(tree), most) - 2,
                 qPrintable(QStringLiteral("tree %1 of %2, columns need %3")
                                .arg(split->sizes().front())
                                .arg(most)
                                .arg(structureColumnsWidth(tree))));
        QTableView* findings = w.imageView()->findingsPanel()->view();
        QVERIFY2(findings->viewport()->height() >=
                     4 * findings->verticalHeader()->defaultSectionSize(),
                 qPrintable(QString::number(findings->viewport()->height())));
    }

    // Defect 1: the one dialog that writes, at 700x560 (and at scale 2): the explanation
    // scrolls, nothing is drawn over the plan, no text is cut, and the decision (the tick and
    // the buttons) is in sight.
    void updateDialogReadable() {
        HeaderUpdateDialog d(m_images.dynamic1G());
        if (!scaled())
            d.resize(700, 560);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        const QRect avail = d.screen()->availableGeometry();
        QVERIFY(d.frameGeometry().height() <= avail.height());
        QVERIFY(d.frameGeometry().width() <= avail.width());
        for (QWidget* w : std::initializer_list<QWidget*>{d.confirmCheck(), d.updateButton(),
                                                          d.cancelButton()}) {
            QVERIFY(w->isVisible());
            QVERIFY2(d.rect().contains(rectIn(w, &d)), w->metaObject()->className());
        }
        // The confirm tick's text is whole (no path in it to make it wide).
        QVERIFY(d.confirmCheck()->width() >= d.confirmCheck()->sizeHint().width());
        checkReadable(d.table()->parentWidget()); // the plan, its explanation and the options
        if (qEnvironmentVariableIsSet("VHDX_SCREENSHOT_DIR"))
            d.grab().save(QDir(qEnvironmentVariable("VHDX_SCREENSHOT_DIR"))
                              .filePath(scaled()
                                            ? QStringLiteral("header-update-dialog-scale2.png")
                                            : QStringLiteral("header-update-dialog-700x560.png")));
        // Scrolled to its end, the options are reachable.
        QScrollArea* scroll = d.scrollArea();
        scroll->ensureWidgetVisible(d.renewDataWriteGuidCheck());
        QVERIFY(scroll->viewport()->rect().intersects(
            rectIn(d.renewDataWriteGuidCheck(), scroll->viewport())));
        d.reject();
    }

  private:
    uitest::TestImages m_images;
};

VHDX_TEST_GUI_MAIN(TstPaletteAndSize)
#include "tst_palette_and_size.moc"
