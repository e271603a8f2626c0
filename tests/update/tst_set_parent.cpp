// Reconnecting a child to its parent through the core API: after setParentLocator the
// chain resolves (our reader, the chain forest), vhdiinfo reads the new parent path, the
// locator holds what Hyper-V writes, the headers advanced by four with the log closed, and
// every byte outside the header blocks, the log and the metadata region is unchanged. The
// locator item moves when it grows past the free bytes after it, and the plan refuses when
// the region has no gap for it (a gap of exactly its size is enough). The backup undoes it.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

#include "set_parent_fixture.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/chain_forest.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"
#include "vhdx/windows_paths.h"

using namespace vhdx;
using namespace vhdx::test;

#define VHDX_COMPARE(actual, expected)                                                             \
    QCOMPARE(QString::fromStdString(actual), QString::fromUtf8(expected))

namespace {
std::string canonical(const QString& path) {
    return std::filesystem::canonical(path.toStdString()).string();
}

// One more metadata item right after the locator: the locator cannot grow in place.
void itemAfterLocator(ImageSpec& spec) {
    spec.extraItems.push_back({chainGuid(77), std::vector<uint8_t>(100, 0xAB), 0});
}
} // namespace

class TestSetParent : public QObject {
    Q_OBJECT
    CaseFolders m_folders;
    QString fresh() { return m_folders.next(); }

  private slots:
    void reconnects() {
        const ReconnectCase c = makeReconnectCase(fresh());
        const QByteArray outside = digestOutsideWrites(c.child);
        const HeaderPair before = readHeaderPair(c.child);

        const SetParentResult r =
            setParentLocator(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.write.ok);
        QCOMPARE(r.write.reached, LogWriteStep::CloseSecondFlushed);
        VHDX_COMPARE(r.plan.linkageKey, "parent_linkage");

        // What Hyper-V writes, in its key order; volume_path dropped, other keys kept.
        const std::string parent = canonical(c.parent);
        const LocatorEntries expected = {{"parent_linkage", braced(chainGuid(1))},
                                         {"absolute_win32_path", windowsAbsolutePath(parent)},
                                         {"relative_path", ".\\vms\\base.vhdx"},
                                         {"vendor_note", "kept as it was"}};
        QVERIFY(storedLocator(c.child) == expected);
        QCOMPARE(digestOutsideWrites(c.child), outside);

        const HeaderPair after = readHeaderPair(c.child);
        const Header& old = *before.currentHeader();
        const Header& now = *after.currentHeader();
        QCOMPARE(now.sequenceNumber, old.sequenceNumber + 4);
        QVERIFY(after.headers[0].valid() && after.headers[1].valid());
        QVERIFY(now.logGuid.isNull());
        QCOMPARE(now.dataWriteGuid, old.dataWriteGuid); // its own children stay connected
        QVERIFY(now.fileWriteGuid != old.fileWriteGuid);

        // Our reader follows the chain; the forest maps it; vhdiinfo reads the new path.
        std::string error;
        const auto image = Image::open(c.child.toStdString(), error);
        QVERIFY(image);
        QVERIFY2(!image->findings().hasErrors(),
                 qPrintable(QString::number(image->findings().count(Severity::Error))));
        QCOMPARE(image->parentChain().size(), size_t(1));
        QVERIFY(image->parentChain()[0].found && image->parentChain()[0].linkageMatches);
        VHDX_COMPARE(image->parentChain()[0].locatorKey, "relative_path");
        const auto forest = mapChains(c.dir.toStdString(), error);
        QVERIFY(forest && !forest->hasErrors());
        const ToolResult info = runTool("vhdiinfo", {c.child});
        QCOMPARE(info.exitCode, 0);
        QVERIFY2(info.out.contains("Parent filename\t\t: " +
                                   QString::fromStdString(windowsAbsolutePath(parent))),
                 qPrintable(info.out));
        QVERIFY2(info.out.contains("Parent identifier\t: " +
                                   QString::fromStdString(chainGuid(1).toString())),
                 qPrintable(info.out));

        // Run again: nothing to change.
        const SetParentPlan again =
            planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY(again.nothingToDo);
        QVERIFY(!again.allowed);
    }

    // Parent and child in different folders: relative_path climbs with "..".
    void relativePathAcrossFolders() {
        const QString dir = fresh();
        const QString parent = writeSpec(dir, "c/base.vhdx", baseImage(chainGuid(1)));
        const QString child =
            writeSpec(dir, "a/b/child.avhdx", childImage(chainGuid(2), chainGuid(1), ".\\x.vhdx"));
        const SetParentResult r = setParentLocator(child.toStdString(), parent.toStdString(), {});
        QVERIFY2(r.ok, r.error.c_str());
        bool found = false;
        for (const auto& [k, v] : storedLocator(child))
            if (k == "relative_path") {
                VHDX_COMPARE(v, "..\\..\\c\\base.vhdx");
                found = true;
            }
        QVERIFY(found);
    }

    // A longer locator with an item right after it moves to the first free gap; the table
    // entry follows it, its old bytes are zeroed, the other item is untouched.
    void locatorMovesWhenItGrows() {
        const ReconnectCase c = makeReconnectCase(fresh(), itemAfterLocator);
        // A deep parent folder: the new locator is longer than the old one.
        const QString deep = c.dir + "/" + QString("very-long-folder-name-").repeated(6) + "x";
        QVERIFY(QDir().mkpath(deep));
        QVERIFY(QFile::rename(c.parent, deep + "/base.vhdx"));
        std::string error;
        const auto parsed = Image::open(c.child.toStdString(), error);
        QVERIFY(parsed);
        const uint64_t region = parsed->metadata().regionOffset;
        const MetadataEntry other = *parsed->metadata().find(chainGuid(77));
        const QByteArray outside = digestOutsideWrites(c.child);
        const std::vector<uint8_t> before = readWholeFile(c.child);

        const SetParentResult r =
            setParentLocator(c.child.toStdString(), (deep + "/base.vhdx").toStdString(), {});
        QVERIFY2(r.ok, r.error.c_str());
        const MetadataItemEdit& e = r.plan.edit;
        QVERIFY(e.moved());
        QVERIFY(e.newLength > e.oldLength);
        QVERIFY(e.newOffset >= e.oldOffset + e.oldLength);
        QCOMPARE(digestOutsideWrites(c.child), outside);
        const std::vector<uint8_t> after = readWholeFile(c.child);
        // The old bytes are zeros now; the other item is as it was.
        for (uint32_t k = 0; k < e.oldLength; ++k)
            QCOMPARE(after[region + e.oldOffset + k], uint8_t(0));
        const long at = long(region + other.offset);
        QVERIFY(std::equal(before.begin() + at, before.begin() + at + other.length,
                           after.begin() + at));
        const auto image = Image::open(c.child.toStdString(), error);
        QVERIFY(image && !image->findings().hasErrors());
        QVERIFY(image->parentChain().at(0).linkageMatches);
        QCOMPARE(image->metadata().find(guids::parentLocator)->offset, e.newOffset);
    }

    // The region's free gap: exactly the new item's size is enough, one byte less is not.
    void noRoomInTheMetadataRegion_data() {
        QTest::addColumn<int>("slack");
        QTest::newRow("gap of exactly its size") << 0;
        QTest::newRow("one byte short") << -1;
    }
    void noRoomInTheMetadataRegion() {
        QFETCH(int, slack);
        const ReconnectCase c = makeReconnectCase(fresh(), itemAfterLocator);
        const SetParentPlan roomy =
            planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(roomy.allowed, roomy.refusal.c_str());
        // Move the other item so that the gap after the locator is newLength + slack bytes,
        // and let it reach to the end of the region: no other gap exists.
        BuiltImage b = buildImage([] {
            ImageSpec s = childImage(chainGuid(2), chainGuid(1), ".\\old\\base.vhdx");
            s.parentLocator.push_back({"volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-"
                                                      "806e6f6e6963}\\old\\base.vhdx"});
            s.parentLocator.push_back({"vendor_note", "kept as it was"});
            itemAfterLocator(s);
            return s;
        }());
        const MetadataItemPlace* locator = b.item(guids::parentLocator);
        const MetadataItemPlace* other = b.item(chainGuid(77));
        const uint64_t start = locator->dataOffset - b.metadataOffset;
        const uint64_t otherAt = start + roomy.edit.newLength + uint64_t(int64_t(slack));
        putU32(b, other->entryOffset + field::metadataEntryOffset, uint32_t(otherAt));
        putU32(b, other->entryOffset + field::metadataEntryLength,
               uint32_t(b.metadataLength - otherAt));
        QVERIFY(writeWholeFile(c.child, b.bytes));
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        if (slack == 0) {
            QVERIFY2(plan.allowed, plan.refusal.c_str());
            QCOMPARE(plan.edit.newOffset, uint32_t(start));
        } else {
            QVERIFY(!plan.allowed);
            QVERIFY2(QString::fromStdString(plan.refusal).contains("has no free"),
                     plan.refusal.c_str());
        }
    }

    // The backup holds the first MiB and the changed sectors at their offsets: written back,
    // the file is byte for byte what it was.
    void backupUndoes() {
        const ReconnectCase c = makeReconnectCase(fresh());
        const std::vector<uint8_t> original = readWholeFile(c.child);
        SetParentOptions options;
        options.backupPath = (c.dir + "/child.backup").toStdString();
        const SetParentResult r =
            setParentLocator(c.child.toStdString(), c.parent.toStdString(), options);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.backupWritten);
        const std::vector<uint8_t> backup = readWholeFile(c.dir + "/child.backup");
        std::vector<uint8_t> restored = readWholeFile(c.child);
        std::copy(backup.begin(), backup.begin() + long(layout::headerSectionSize),
                  restored.begin());
        for (const SectorWrite& s : r.plan.edit.oldSectors) {
            QVERIFY(backup.size() >= s.fileOffset + 4096);
            std::copy(backup.begin() + long(s.fileOffset),
                      backup.begin() + long(s.fileOffset + 4096),
                      restored.begin() + long(s.fileOffset));
        }
        // The log area keeps the (inactive) entry; everything a reader uses is as before.
        const Header h = *readHeaderPair(c.child).currentHeader();
        std::copy(original.begin() + long(h.logOffset),
                  original.begin() + long(h.logOffset + h.logLength),
                  restored.begin() + long(h.logOffset));
        QVERIFY(restored == original);
    }

    // parent_linkage2 identifies the parent too (MS-VHDX 2.6.2.6.3); both keys are kept.
    void parentLinkage2() {
        const ReconnectCase c = makeReconnectCase(fresh(), [](ImageSpec& s) {
            s.parentLocator[0].second = braced(chainGuid(5));
            s.parentLocator.push_back({"parent_linkage2", braced(chainGuid(1))});
        });
        const SetParentResult r =
            setParentLocator(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(r.ok, r.error.c_str());
        VHDX_COMPARE(r.plan.linkageKey, "parent_linkage2");
        const LocatorEntries now = storedLocator(c.child);
        QCOMPARE(now.size(), size_t(5));
        VHDX_COMPARE(now[0].second, braced(chainGuid(5)).c_str());
        VHDX_COMPARE(now[3].first, "parent_linkage2");
    }
};

VHDX_TEST_MAIN(TestSetParent)
#include "tst_set_parent.moc"
