// applySetParent's refusals and its final verification, each with its exact text. Refused,
// CHILD byte-identical: a plan without its log entry or sectors; CHILD gone between plan and
// apply; the metadata table unreadable at the re-check; a backup that cannot be created;
// CHILD's modification time moving right after the backup was written (the backup then holds
// the first MiB and the old metadata sectors at their offsets, so it restores them). After the
// whole transaction, through the seam: fstat failing, the headers unreadable or reading as the
// log left them open, the locator item's type, its entry count, its table entry, a key or the
// relative_path reading otherwise: each reported as "verification failed: ..." (not a refusal)
// while the file holds the new locator.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>

#include "scripted_writer.h"
#include "set_parent_fixture.h"
#include "test_registry.h"
#include "update_test_util.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
enum class Verify {
    StatFails,
    HeadersUnreadable,
    LogLeftOpen,
    LocatorTypeAltered,
    OneEntryFewer,
    ItemGoneFromTable,
    RelativePathAltered,
    KeyAltered
};

// Flips `from` to `to` in every UTF-16LE occurrence of `text` in buf.
void alterUtf16(uint8_t* buf, size_t len, const std::string& text, size_t at, char to) {
    for (size_t i = 0; i + 2 * text.size() <= len; ++i) {
        bool match = true;
        for (size_t k = 0; k < text.size() && match; ++k)
            match = buf[i + 2 * k] == uint8_t(text[k]) && buf[i + 2 * k + 1] == 0;
        if (match)
            buf[i + 2 * at] = uint8_t(to);
    }
}
} // namespace

class TestSetParentApplyFaults : public QObject {
    Q_OBJECT
    CaseFolders m_folders;
    QString fresh() { return m_folders.next(); }

  private slots:
    void incompletePlan_data() {
        QTest::addColumn<bool>("dropEntry");
        QTest::newRow("no log entry") << true;
        QTest::newRow("no sectors") << false;
    }
    void incompletePlan() {
        QFETCH(bool, dropEntry);
        const ReconnectCase c = makeReconnectCase(fresh());
        SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        if (dropEntry)
            plan.log.entry.clear();
        else
            plan.log.sectors.clear();
        const QByteArray before = digestWhole(c.child);
        const SetParentResult r = applySetParent(plan, {});
        QVERIFY(r.refused && !r.ok);
        QCOMPARE(QString::fromStdString(r.error), QString("internal error: incomplete plan"));
        QCOMPARE(digestWhole(c.child), before);
    }

    void childGoneBeforeApply() {
        const ReconnectCase c = makeReconnectCase(fresh());
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const QString moved = c.child + ".moved";
        QVERIFY(QFile::rename(c.child, moved));
        const QByteArray before = digestWhole(moved);
        const SetParentResult r = applySetParent(plan, {});
        QVERIFY(r.refused);
        QCOMPARE(QString::fromStdString(r.error),
                 "cannot open '" + c.child + "' for writing: " + std::strerror(ENOENT));
        QCOMPARE(digestWhole(moved), before);
    }

    void backupCannotBeCreated() {
        const ReconnectCase c = makeReconnectCase(fresh());
        SetParentOptions options;
        options.backupPath = (c.dir + "/no/such/folder/child.backup").toStdString();
        const SetParentPlan plan =
            planSetParent(c.child.toStdString(), c.parent.toStdString(), options);
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const QByteArray before = digestWhole(c.child);
        const SetParentResult r = applySetParent(plan, options);
        QVERIFY(r.refused && !r.backupWritten);
        QCOMPARE(r.error,
                 "cannot create backup '" + options.backupPath + "': " + std::strerror(ENOENT));
        QCOMPARE(digestWhole(c.child), before);
    }

    // The re-check after the backup (two fstats per check: the 3rd on is the second check).
    void changedRightAfterTheBackup() {
        const ReconnectCase c = makeReconnectCase(fresh());
        SetParentOptions options;
        const QString backup = c.dir + "/child.backup";
        options.backupPath = backup.toStdString();
        const SetParentPlan plan =
            planSetParent(c.child.toStdString(), c.parent.toStdString(), options);
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const std::vector<uint8_t> before = readWholeFile(c.child);
        SetParentResult r;
        int writes = 0;
        {
            std::string error;
            ScriptedWriter w(PosixFileWriter::open(c.child.toStdString(), error));
            w.onStat = [](int call, FileStat& st) {
                if (call >= 3)
                    st.mtimeNs += 1;
                return true;
            };
            r = applySetParent(plan, options, &w);
            writes = w.writes;
        }
        QVERIFY(r.refused && r.backupWritten);
        QCOMPARE(writes, 0);
        QCOMPARE(r.error, std::string("the file changed on disk since it was read: its "
                                      "modification time changed; plan the update again"));
        QCOMPARE(readWholeFile(c.child), before);
        // The backup: the first MiB, and each sector the plan would change, at its offset.
        const std::vector<uint8_t> saved = readWholeFile(backup);
        QVERIFY(!plan.edit.oldSectors.empty());
        const SectorWrite& last = plan.edit.oldSectors.back();
        QCOMPARE(uint64_t(saved.size()), last.fileOffset + last.bytes.size());
        QVERIFY(std::equal(saved.begin(), saved.begin() + 1024 * 1024, before.begin()));
        for (const SectorWrite& s : plan.edit.oldSectors) {
            QVERIFY(std::equal(s.bytes.begin(), s.bytes.end(), before.begin() + s.fileOffset));
            QVERIFY(std::equal(s.bytes.begin(), s.bytes.end(), saved.begin() + s.fileOffset));
        }
    }

    // The metadata table (beyond the first MiB) cannot be read again before the first write.
    void tableUnreadableAtTheRecheck() {
        const ReconnectCase c = makeReconnectCase(fresh());
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const FileRange& table = plan.header.fingerprint.ranges.front();
        QVERIFY(table.offset >= 1024 * 1024);
        QCOMPARE(table.bytes.size(), size_t(65536));
        const QByteArray before = digestWhole(c.child);
        SetParentResult r;
        {
            std::string error;
            ScriptedWriter w(PosixFileWriter::open(c.child.toStdString(), error));
            w.onPread = [&](int, void*, size_t, uint64_t offset) {
                errno = EIO;
                return offset != table.offset;
            };
            r = applySetParent(plan, {}, &w);
            QCOMPARE(w.writes, 0);
        }
        QVERIFY(r.refused);
        QCOMPARE(r.error, "cannot re-check the file before writing: cannot read 65536 bytes at "
                          "offset " +
                              std::to_string(table.offset));
        QCOMPARE(digestWhole(c.child), before);
    }

    void verificationFails_data() {
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("error");
        QTest::newRow("fstat fails")
            << int(Verify::StatFails) << "verification failed: cannot stat the file to verify it";
        QTest::newRow("headers unreadable")
            << int(Verify::HeadersUnreadable)
            << "verification failed: the headers do not read back with the log closed";
        QTest::newRow("headers read as the log opened them")
            << int(Verify::LogLeftOpen)
            << "verification failed: the headers do not read back with the log closed";
        QTest::newRow("locator type altered")
            << int(Verify::LocatorTypeAltered)
            << "verification failed: the parent locator does not read back as written";
        QTest::newRow("one key/value entry fewer")
            << int(Verify::OneEntryFewer)
            << "verification failed: the parent locator does not read back as written";
        QTest::newRow("locator item gone from the table")
            << int(Verify::ItemGoneFromTable)
            << "verification failed: the parent locator does not read back as written";
        QTest::newRow("a key altered")
            << int(Verify::KeyAltered)
            << "verification failed: the parent locator entry vendor_note does not read back as "
               "written";
        QTest::newRow("relative_path altered")
            << int(Verify::RelativePathAltered)
            << "verification failed: the parent locator entry relative_path does not read back "
               "as written";
    }
    void verificationFails() {
        QFETCH(int, fault);
        QFETCH(QString, error);
        const ReconnectCase c = makeReconnectCase(fresh());
        const QByteArray outside = digestOutsideWrites(c.child);
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());
        const uint64_t region = plan.header.fingerprint.ranges.front().offset; // the table
        const uint64_t item = region + plan.edit.newOffset;
        SetParentResult r;
        {
            std::string openError;
            ScriptedWriter w(PosixFileWriter::open(c.child.toStdString(), openError));
            bool verifying = false; // the transaction does not fstat: the first after it verifies
            w.onStat = [&](int, FileStat&) {
                verifying = w.writes > 0;
                if (verifying && Verify(fault) == Verify::StatFails) {
                    errno = EIO;
                    return false;
                }
                return true;
            };
            w.onPread = [&](int, void* buf, size_t len, uint64_t offset) {
                if (!verifying)
                    return true;
                auto* b = static_cast<uint8_t*>(buf);
                switch (Verify(fault)) {
                case Verify::HeadersUnreadable:
                    if (offset < 192 * 1024 && offset + len > 64 * 1024) {
                        errno = EIO;
                        return false;
                    }
                    break;
                case Verify::LogLeftOpen:
                    for (const HeaderSlotPlan& h : plan.log.open)
                        if (h.offset >= offset && h.offset + 4096 <= offset + len)
                            std::memcpy(b + (h.offset - offset), h.newBlock.data(), 4096);
                    break;
                case Verify::OneEntryFewer:
                    if (item + 18 >= offset && item + 18 < offset + len)
                        b[item + 18 - offset] -= 1; // keyValueCount (item bytes 18..19)
                    break;
                case Verify::ItemGoneFromTable: // its item ID in the table: an unknown item
                    for (size_t i = 0; i + 16 <= len; ++i)
                        if (std::memcmp(b + i, guids::parentLocator.bytes.data(), 16) == 0)
                            b[i] ^= 0xff;
                    break;
                case Verify::KeyAltered:
                    alterUtf16(b, len, "vendor_note", 10, 'x'); // vendor_notx
                    break;
                case Verify::LocatorTypeAltered:
                    if (item >= offset && item < offset + len)
                        b[item - offset] ^= 0xff;
                    break;
                case Verify::RelativePathAltered:
                    alterUtf16(b, len, ".\\vms\\base", 3, 'n'); // .\vns\base.vhdx
                    break;
                default:
                    break;
                }
                return true;
            };
            r = applySetParent(plan, {}, &w);
        }
        QVERIFY(!r.ok && !r.refused);
        QVERIFY(r.write.ok);
        QCOMPARE(QString::fromStdString(r.error), error);
        // Only the reading was made to fail: the file holds the new locator, its log closed.
        QString why;
        QCOMPARE(QString(locatorStateName(locatorState(c.child, c.oldLocator, plan, &why))),
                 QString(locatorStateName(LocatorState::New)));
        QVERIFY(storedLocator(c.child) == plan.newLocator);
        QCOMPARE(digestOutsideWrites(c.child), outside);
    }
};

VHDX_TEST_MAIN(TestSetParentApplyFaults)
#include "tst_set_parent_apply_faults.moc"
