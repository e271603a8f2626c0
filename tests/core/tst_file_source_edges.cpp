// ByteSource at its edges: an empty read at the very end of a MemorySource is Ok (nothing
// copied); a FileSource whose file shrank after it was opened reads PastEnd, not garbage;
// nextData (SEEK_DATA) gives the size at or past the end and inside a trailing hole, the
// offset itself inside data, and the start of the next data after a hole; a block device opens
// with the size blockdev reports.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

#include "test_registry.h"
#include "vhdx/byte_source.h"

using namespace vhdx;

namespace {
// Writes `data` at each offset of a file made of holes, `size` bytes long.
bool writeSparse(const QString& path, uint64_t size,
                 const std::vector<std::pair<uint64_t, std::vector<uint8_t>>>& data) {
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return false;
    bool ok = ::ftruncate(fd, off_t(size)) == 0;
    for (const auto& [offset, bytes] : data)
        ok = ok && ::pwrite(fd, bytes.data(), bytes.size(), off_t(offset)) == ssize_t(bytes.size());
    return ::close(fd) == 0 && ok;
}
} // namespace

class TestFileSourceEdges : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void emptyReadAtTheEnd() {
        const MemorySource src(std::vector<uint8_t>{1, 2, 3});
        uint8_t sentinel = 0xee;
        QCOMPARE(src.read(3, &sentinel, 0), ReadStatus::Ok);
        QCOMPARE(sentinel, uint8_t(0xee));
        QCOMPARE(src.read(4, &sentinel, 0), ReadStatus::PastEnd);
        QCOMPARE(src.read(2, &sentinel, 1), ReadStatus::Ok);
        QCOMPARE(sentinel, uint8_t(3));
    }

    void fileShrankAfterOpen() {
        const QString path = m_dir.filePath("shrinks.bin");
        QVERIFY(writeSparse(path, 8192, {{0, std::vector<uint8_t>(8192, 0x11)}}));
        std::string error;
        const auto src = FileSource::open(path.toStdString(), error);
        QVERIFY2(src, error.c_str());
        QCOMPARE(src->size(), uint64_t(8192));
        QVERIFY(::truncate(QFile::encodeName(path).constData(), 4096) == 0);
        std::vector<uint8_t> buf(4096, 0);
        QCOMPARE(src->read(0, buf.data(), buf.size()), ReadStatus::Ok);
        QCOMPARE(buf, std::vector<uint8_t>(4096, 0x11));
        // Still inside the size it was opened with, but the file ends at 4096 now.
        QCOMPARE(src->read(4096, buf.data(), buf.size()), ReadStatus::PastEnd);
    }

    // 4 MiB: data in the first 64 KiB and at 2 MiB, holes elsewhere (to the end).
    void nextDataAndHoles() {
        const QString path = m_dir.filePath("sparse.bin");
        const uint64_t MiB = 1024 * 1024;
        QVERIFY(writeSparse(
            path, 4 * MiB,
            {{0, std::vector<uint8_t>(65536, 1)}, {2 * MiB, std::vector<uint8_t>(65536, 2)}}));
        std::string error;
        const auto src = FileSource::open(path.toStdString(), error);
        QVERIFY2(src, error.c_str());
        const uint64_t hole = src->nextData(3 * MiB); // in the trailing hole
        if (hole == 3 * MiB)
            QSKIP("this file system reports no holes (SEEK_DATA finds data everywhere)");
        QCOMPARE(hole, 4 * MiB);
        QCOMPARE(src->nextData(4 * MiB), 4 * MiB);     // at the end
        QCOMPARE(src->nextData(9 * MiB), 4 * MiB);     // past it
        QCOMPARE(src->nextData(4096), uint64_t(4096)); // inside data
        const uint64_t next = src->nextData(MiB);      // in the hole before the 2nd piece
        QVERIFY2(next > 65536 && next <= 2 * MiB, qPrintable(QString::number(next)));
    }

    void blockDevice() {
        const QString dev = "/dev/loop0";
        std::string error;
        const auto src = FileSource::open(dev.toStdString(), error);
        if (!src)
            QSKIP(qPrintable("no readable block device here: " + QString::fromStdString(error)));
        QProcess p;
        p.start("blockdev", {"--getsize64", dev});
        if (!p.waitForFinished(10000) || p.exitCode() != 0)
            QSKIP("blockdev cannot read the device's size");
        QCOMPARE(src->size(), p.readAllStandardOutput().trimmed().toULongLong());
    }
};

VHDX_TEST_MAIN(TestFileSourceEdges)
#include "tst_file_source_edges.moc"
