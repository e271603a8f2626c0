// The viewer over images the test builder makes: a differencing disk with its parent (parent
// locator keys and values, the parent chain) and damage that must show as node status.
#include <QAbstractItemModelTester>
#include <QLabel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "header_comparison_model.h"
#include "image_builder.h"
#include "image_session.h"
#include "image_view.h"
#include "main_window.h"
#include "structure_tree_model.h"
#include "test_files.h"
#include "test_registry.h"
#include "tree_lookup.h"
#include "vhdx/image.h"

using namespace vhdx;
using namespace vhdx::ui;

namespace {

int status(const QModelIndex& i) {
    return i.data(StructureTreeModel::StatusRole).toInt();
}

} // namespace

class TstBuiltImages : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void differencingDiskShowsLocatorAndChain() {
        test::ImageSpec parentSpec;
        parentSpec.dataWriteGuid = Guid::parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").value();
        const auto parent = test::buildImage(parentSpec);
        QVERIFY(!test::writeImageFile(m_dir.path(), "parent.vhdx", parent.bytes).isEmpty());
        test::ImageSpec childSpec;
        childSpec.hasParent = true;
        childSpec.parentLocator = {{"parent_linkage", "{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}"},
                                   {"relative_path", ".\\parent.vhdx"}};
        const auto childImage = test::buildImage(childSpec);
        const QString path = test::writeImageFile(m_dir.path(), "child.vhdx", childImage.bytes);
        QVERIFY(!path.isEmpty());

        MainWindow w;
        QVERIFY(w.openFile(path));
        w.imageView()->session()->waitForScan();
        QCoreApplication::processEvents();
        StructureTreeModel* m = w.imageView()->treeModel();
        QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QModelIndex md = child(*m, {}, "Metadata");
        const QModelIndex locator = child(*m, md, "Parent Locator");
        QVERIFY(locator.isValid());
        QCOMPARE(value(locator), QString("2 key/value pairs"));
        QVERIFY(value(child(*m, locator, "Locator type")).startsWith("VHDX"));
        const QModelIndex linkage = child(*m, locator, "parent_linkage");
        QCOMPARE(value(linkage), QString("{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}"));
        QCOMPARE(value(child(*m, locator, "relative_path")), QString(".\\parent.vhdx"));
        // Key and value each point at their UTF-16 bytes inside the item.
        const QModelIndex key = child(*m, linkage, "Key");
        QCOMPARE(key.data(StructureTreeModel::SizeRole).toULongLong(), 28ull);
        const QModelIndex val = child(*m, linkage, "Value");
        QCOMPARE(val.data(StructureTreeModel::SizeRole).toULongLong(), 76ull);

        const QModelIndex chain = child(*m, {}, "Parent chain");
        QVERIFY(chain.isValid());
        const QModelIndex link = child(*m, chain, "Parent 1");
        QVERIFY2(value(link).endsWith("parent.vhdx"), qPrintable(value(link)));
        QCOMPARE(status(link), int(NodeStatus::Ok));
        QVERIFY(w.findChildren<QLabel*>().size() > 0);
        bool typeShown = false;
        for (QLabel* l : w.findChildren<QLabel*>())
            typeShown |= l->text() == "Type: differencing";
        QVERIFY(typeShown);
    }

    void missingParentIsAnError() {
        test::ImageSpec spec;
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}"},
                              {"relative_path", ".\\nowhere.vhdx"}};
        const auto built = test::buildImage(spec);
        const QString path = test::writeImageFile(m_dir.path(), "orphan.vhdx", built.bytes);
        std::string error;
        auto image = Image::open(path.toStdString(), error);
        QVERIFY(image);
        StructureTreeModel m;
        m.setDocument(buildDocument(*image, image->findings().items(), [] {
            DocumentOptions o;
            o.scanDone = false;
            return o;
        }()));
        const QModelIndex chain = child(m, {}, "Parent chain");
        QVERIFY(chain.isValid());
        QCOMPARE(status(chain), int(NodeStatus::Error));
        QVERIFY(chain.data(StructureTreeModel::StatusReasonRole)
                    .toString()
                    .startsWith("PARENT_NOT_FOUND: The parent disk was not found"));
        QCOMPARE(status(m.index(0, 0, chain)), int(NodeStatus::Error));
        // The locator item itself is fine: a missing parent is not a damaged locator, and
        // the Metadata node says so.
        const QModelIndex locator = m.indexFor(
            ref::metadataItem(metadataItemIndex(image->metadata(), guids::parentLocator)));
        QCOMPARE(status(locator), int(NodeStatus::Ok));
        QCOMPARE(status(child(m, {}, "Metadata")), int(NodeStatus::Ok));
    }

    void damagedHeaderShowsStoredAndComputedCrc() {
        auto built = test::buildImage(test::ImageSpec{});
        // Header 1 (sequence 1, not current): change its sequence without re-sealing.
        test::putU64(built, built.headerOffset[0] + test::field::headerSequence, 77);
        auto image = Image::parse(built.source());
        QVERIFY(image);
        StructureTreeModel m;
        m.setDocument(buildDocument(*image, image->findings().items(), [] {
            DocumentOptions o;
            o.scanDone = false;
            return o;
        }()));
        const QModelIndex h1 = child(m, {}, "Header 1");
        QCOMPARE(status(h1), int(NodeStatus::Warning));
        QVERIFY(h1.data(StructureTreeModel::StatusReasonRole)
                    .toString()
                    .contains("HEADER_CHECKSUM_BAD"));
        const QModelIndex crc = child(m, h1, "Checksum");
        QCOMPARE(status(crc), int(NodeStatus::Warning));
        const QString tip =
            crc.siblingAtColumn(StructureTreeModel::StatusColumn).data(Qt::ToolTipRole).toString();
        const Header& stored = image->headers().headers[0];
        QVERIFY2(
            tip.contains(
                QString("stored CRC 0x%1").arg(stored.checksum, 8, 16, QLatin1Char('0'))) &&
                tip.contains(
                    QString("computed 0x%1").arg(stored.checksumComputed, 8, 16, QLatin1Char('0'))),
            qPrintable(tip));
        QCOMPARE(status(child(m, {}, "Header 2")), int(NodeStatus::Ok));

        HeaderComparisonModel cmp;
        cmp.setHeaders(image->headers());
        QStringList differing;
        for (int r = 0; r < cmp.rowCount(); ++r)
            if (cmp.index(r, 0).data(HeaderComparisonModel::DiffersRole).toBool())
                differing << cmp.fieldName(r);
        QCOMPARE(differing, (QStringList{"Valid", "Checksum (stored)", "Checksum (computed)",
                                         "Checksum valid", "Sequence number"}));
    }

    void notVhdxOnTheCommandLineStillGetsAWindow() {
        // runGui opens one window per file; a bad one keeps an empty window with the reason.
        QFile junk(m_dir.filePath("junk.bin"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        MainWindow w;
        QVERIFY(!w.openFile(junk.fileName()));
        QVERIFY(w.image() == nullptr);
        QCOMPARE(w.windowTitle(), QString());
        QVERIFY(w.lastError().contains("junk.bin"));
    }

  private:
    QTemporaryDir m_dir;
};

VHDX_TEST_GUI_MAIN(TstBuiltImages)
#include "tst_built_images.moc"
