// The item models of the viewer over the real images: structure tree, findings, header
// comparison, each with QAbstractItemModelTester attached before any data is loaded.
#include <QAbstractItemModelTester>
#include <QSet>
#include <QTest>

#include <memory>

#include "findings_model.h"
#include "header_comparison_model.h"
#include "structure_tree_model.h"
#include "test_registry.h"
#include "tree_lookup.h"
#include "ui_test_images.h"
#include "vhdx/image.h"
#include "vhdx/verdict.h"

using namespace vhdx;
using namespace vhdx::ui;

namespace {

std::unique_ptr<Image> openScanned(const QString& path) {
    std::string error;
    auto image = Image::open(path.toStdString(), error);
    if (image)
        (void)image->scanBat();
    return image;
}

} // namespace

class TstStructureTree : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        QString error;
        QVERIFY2(m_images.prepare(&error), qPrintable(error));
    }

    void treeModelPassesTester_data() {
        QTest::addColumn<QString>("path");
        QTest::newRow("dynamic") << m_images.dynamic1G();
        QTest::newRow("dirtylog") << m_images.dirtyLog();
        QTest::newRow("xfs") << m_images.xfs();
        QTest::newRow("btrfs") << m_images.btrfs();
    }
    void treeModelPassesTester() {
        QFETCH(QString, path);
        StructureTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::string error;
        auto image = Image::open(path.toStdString(), error);
        QVERIFY(image);
        model.setDocument(buildDocument(*image, image->findings().items(), [] {
            DocumentOptions o;
            o.scanDone = false;
            return o;
        }()));
        (void)image->scanBat();
        model.setDocument(buildDocument(*image, image->findings().items()));
        QCOMPARE(model.columnCount(), int(StructureTreeModel::ColumnCount));
        model.setDocument(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void dynamicTree() {
        auto image = openScanned(m_images.dynamic1G());
        QVERIFY(image);
        StructureTreeModel m;
        m.setDocument(buildDocument(*image, image->findings().items()));
        QStringList top;
        for (int r = 0; r < m.rowCount(); ++r)
            top << m.index(r, 0).data().toString();
        QCOMPARE(top, (QStringList{"File", "File identifier", "Header 1", "Header 2",
                                   "Region table 1", "Region table 2", "Metadata", "BAT", "Log"}));
        const QModelIndex h1 = child(m, {}, "Header 1");
        const QModelIndex h2 = child(m, {}, "Header 2");
        QCOMPARE(value(h1), QString("sequence 14"));
        QCOMPARE(value(h2), QString("sequence 15 (current)"));
        QVERIFY(h2.data(Qt::FontRole).value<QFont>().bold());
        QCOMPARE(h1.data(StructureTreeModel::OffsetRole).toULongLong(), 65536ull);
        QCOMPARE(h2.data(StructureTreeModel::StatusRole).toInt(), int(NodeStatus::Ok));
        const QModelIndex checksum = child(m, h2, "Checksum");
        QVERIFY(checksum.siblingAtColumn(StructureTreeModel::StatusColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains("stored CRC 0x"));
        QCOMPARE(checksum.data(StructureTreeModel::OffsetRole).toULongLong(), 131072ull + 4);

        const QModelIndex md = child(m, {}, "Metadata");
        const QModelIndex fp = child(m, md, "File Parameters");
        QVERIFY(fp.isValid());
        QVERIFY2(value(fp).contains("32 MiB"), qPrintable(value(fp)));
        QVERIFY(value(child(m, md, "Virtual Disk Size")).startsWith("1 GiB"));
        QCOMPARE(value(child(m, md, "Logical Sector Size")), QString("512 bytes"));
        QCOMPARE(value(child(m, md, "Physical Sector Size")), QString("4096 bytes"));

        const QModelIndex bat = child(m, {}, "BAT");
        const QModelIndex payload = child(m, bat, "Payload states");
        QCOMPARE(value(child(m, payload, "fully present")), QString("3"));
        QCOMPARE(value(child(m, payload, "zero")), QString("29"));
        QCOMPARE(value(child(m, payload, "not present")), QString("0"));
        QCOMPARE(value(child(m, child(m, bat, "Sector bitmap states"), "present")), QString("0"));
        QCOMPARE(value(child(m, {}, "Log")), QString("empty (LogGuid is zero)"));
        QVERIFY(!child(m, {}, "Parent chain").isValid());
    }

    void dirtyLogTree() {
        auto image = openScanned(m_images.dirtyLog());
        QVERIFY(image);
        StructureTreeModel m;
        m.setDocument(buildDocument(*image, image->findings().items()));
        const QModelIndex log = child(m, {}, "Log");
        QCOMPARE(value(log), QString("replay needed"));
        QCOMPARE(log.data(StructureTreeModel::StatusRole).toInt(), int(NodeStatus::Warning));
        QVERIFY(log.data(StructureTreeModel::StatusReasonRole)
                    .toString()
                    .contains("LOG_REPLAY_NEEDED"));
        int entries = 0;
        int active = 0;
        for (int r = 0; r < m.rowCount(log); ++r) {
            const QModelIndex e = m.index(r, 0, log);
            if (e.data(StructureTreeModel::NodeKindRole).toInt() != int(NodeKind::LogEntry))
                continue;
            ++entries;
            if (value(e).contains("(active)")) {
                ++active;
                QCOMPARE(e.data().toString(), QString("Log entry +0xc000"));
                QVERIFY(value(e).startsWith("sequence 7,"));
                QVERIFY(e.data(Qt::FontRole).value<QFont>().bold());
            } else {
                QCOMPARE(e.data(StructureTreeModel::StatusRole).toInt(), int(NodeStatus::Info));
            }
        }
        QCOMPARE(entries, 7);
        QCOMPARE(active, 1);
        QCOMPARE(value(child(m, log, "Active sequence")), QString("7"));
        const QModelIndex payload = child(m, child(m, {}, "BAT"), "Payload states");
        // The tree shows the disk as after log replay: the pending entry maps one more
        // block (17 -> 18 fully present as stored; qemu-img check -r all agrees, see
        // tests/replay).
        QCOMPARE(value(child(m, payload, "fully present")), QString("18"));
        QCOMPARE(value(child(m, payload, "not present")), QString("10,222"));
        // A finding's structure key finds its node.
        QCOMPARE(m.indexFor(ref::logEntry(8192)).data().toString(), QString("Log entry +0x2000"));
        QCOMPARE(m.indexFor(ref::metadataItem(0)).data().toString(), QString("File Parameters"));
        QCOMPARE(m.indexFor(ref::batEntry(12)).data().toString(), QString("BAT"));
        QCOMPARE(m.indexFor(ref::header(2)).data().toString(), QString("Header 2"));
    }

    void xfsBatCounts() {
        auto image = openScanned(m_images.xfs());
        QVERIFY(image);
        StructureTreeModel m;
        m.setDocument(buildDocument(*image, image->findings().items()));
        const QModelIndex bat = child(m, {}, "BAT");
        const QModelIndex payload = child(m, bat, "Payload states");
        QCOMPARE(value(child(m, payload, "fully present")), QString("20"));
        QCOMPARE(value(child(m, payload, "zero")), QString("58"));
        QCOMPARE(value(child(m, payload, "not present")), QString("242"));
        QCOMPARE(value(child(m, bat, "Sector bitmap states")), QString("2"));
    }

    void findingsModelAndFilter() {
        FindingsModel model;
        FindingsFilterModel filter;
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        filter.setSourceModel(&model);
        QAbstractItemModelTester t2(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto image = openScanned(m_images.dirtyLog());
        QVERIFY(image);
        // In the verdict's order, as the viewer gives them (the model keeps the order given).
        std::vector<Finding> ordered;
        for (size_t i : findingOrder(assessImage(*image, image->findings().items())))
            ordered.push_back(image->findings().items()[i]);
        model.setFindings(ordered);
        QCOMPARE(model.count(Severity::Warning), size_t(1));
        QCOMPARE(model.count(Severity::Info), size_t(6));
        QCOMPARE(model.index(0, FindingsModel::CodeColumn).data().toString(),
                 QString("LOG_REPLAY_NEEDED"));
        QCOMPARE(filter.rowCount(), 7);
        filter.setSeverityShown(Severity::Info, false);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, FindingsModel::StructureColumn).data().toString(), QString("Log"));
        filter.setSeverityShown(Severity::Warning, false);
        QCOMPARE(filter.rowCount(), 0);
        filter.setSeverityShown(Severity::Info, true);
        QCOMPARE(filter.rowCount(), 6);
        model.setFindings({});
        QCOMPARE(filter.rowCount(), 0);
    }

    void headerComparisonRealImage() {
        std::string error;
        auto image = Image::open(m_images.dynamic1G().toStdString(), error);
        QVERIFY(image);
        HeaderComparisonModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setHeaders(image->headers());
        QCOMPARE(model.currentHeader(), 2);
        QVERIFY(model.headerData(HeaderComparisonModel::Header2Column, Qt::Horizontal)
                    .toString()
                    .contains("current"));
        QVERIFY(!model.headerData(HeaderComparisonModel::Header1Column, Qt::Horizontal)
                     .toString()
                     .contains("current"));
        QCOMPARE(differingRows(model),
                 (QSet<QString>{"Checksum (stored)", "Checksum (computed)", "Sequence number"}));
    }

    void headerComparisonMarksExactlyTheDifferences() {
        // Two headers built by hand: every row must be marked iff its field differs.
        auto image = openScanned(m_images.dirtyLog());
        QVERIFY(image);
        HeaderPair pair = image->headers();
        Header& h1 = pair.headers[0];
        h1 = pair.headers[1];
        h1.index = 1;
        h1.offset = 65536;
        HeaderComparisonModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setHeaders(pair);
        QCOMPARE(differingRows(model), QSet<QString>{});
        h1.logGuid = Guid{};
        h1.version = 2;
        h1.versionValid = false;
        model.setHeaders(pair);
        QCOMPARE(differingRows(model), (QSet<QString>{"Log GUID", "Version", "Valid"}));
        h1.checksumValid = false;
        h1.checksumComputed ^= 1;
        model.setHeaders(pair);
        QCOMPARE(differingRows(model), (QSet<QString>{"Log GUID", "Version", "Valid",
                                                      "Checksum valid", "Checksum (computed)"}));
        const int validRow = 0;
        QCOMPARE(model.index(validRow, HeaderComparisonModel::Header1Column)
                     .data(HeaderComparisonModel::StatusRole)
                     .toInt(),
                 int(NodeStatus::Warning));
    }

  private:
    static QSet<QString> differingRows(const HeaderComparisonModel& model) {
        QSet<QString> out;
        for (int r = 0; r < model.rowCount(); ++r) {
            const bool differs =
                model.index(r, 0).data(HeaderComparisonModel::DiffersRole).toBool();
            if (differs != model.index(r, HeaderComparisonModel::Header2Column)
                               .data(Qt::BackgroundRole)
                               .isValid())
                qWarning("row %d: highlight and DiffersRole disagree", r);
            if (differs)
                out.insert(model.fieldName(r));
        }
        return out;
    }

    vhdx::uitest::TestImages m_images;
};

VHDX_TEST_GUI_MAIN(TstStructureTree)
#include "tst_structure_tree.moc"
