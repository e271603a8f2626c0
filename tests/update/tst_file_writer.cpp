// The real FileWriter (PosixFileWriter) at its edges: a directory and a FIFO are refused
// with "not a regular file or block device" (a directory opened for writing: EISDIR); a block
// device opens and its size is the device's (as blockdev reports it); a write crossing the
// process's file size limit reports the bytes it did write, the next one fails with EFBIG, and
// so does a resize past the limit; a read past the end fails; a second writer cannot lock.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/resource.h>
#include <sys/stat.h>

#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/header_update.h"

using namespace vhdx;
using namespace vhdx::test;

class TestFileWriter : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

  private slots:
    void directoryIsRefused() {
        const std::string dir = m_dir.path().toStdString();
        std::string error;
        QVERIFY(!PosixFileWriter::openReadOnly(dir, error));
        QCOMPARE(error, "cannot use '" + dir + "': not a regular file or block device");
        error.clear();
        QVERIFY(!PosixFileWriter::open(dir, error));
        QCOMPARE(error, "cannot open '" + dir + "' for writing: " + std::strerror(EISDIR));
    }

    // O_NONBLOCK lets the open of a FIFO without a writer return at once; then it is refused.
    void fifoIsRefused() {
        const std::string fifo = m_dir.filePath("pipe").toStdString();
        QVERIFY(::mkfifo(fifo.c_str(), 0600) == 0);
        for (bool writable : {false, true}) {
            std::string error;
            const auto w = writable ? PosixFileWriter::open(fifo, error)
                                    : PosixFileWriter::openReadOnly(fifo, error);
            QVERIFY(!w);
            QCOMPARE(error, "cannot use '" + fifo + "': not a regular file or block device");
        }
    }

    void blockDeviceSizeIsTheDevicesSize() {
        const QString dev = "/dev/loop0";
        std::string error;
        const auto w = PosixFileWriter::openReadOnly(dev.toStdString(), error);
        if (!w)
            QSKIP(qPrintable("no readable block device here: " + QString::fromStdString(error)));
        const ToolResult size = runTool("blockdev", {"--getsize64", dev});
        if (!size.started || size.exitCode != 0)
            QSKIP("blockdev cannot read the device's size");
        FileStat st;
        QVERIFY(w->stat(st));
        QCOMPARE(st.size, size.out.trimmed().toULongLong());
    }

    void readPastTheEndFails() {
        const QString path = m_dir.filePath("small.bin");
        QVERIFY(writeWholeFile(path, std::vector<uint8_t>(100, 7)));
        std::string error;
        const auto w = PosixFileWriter::openReadOnly(path.toStdString(), error);
        QVERIFY2(w, error.c_str());
        uint8_t buf[64];
        QVERIFY(w->pread(buf, 64, 36)); // exactly to the end
        QCOMPARE(buf[63], uint8_t(7));
        QVERIFY(!w->pread(buf, 64, 37)); // one byte past it
    }

    // RLIMIT_FSIZE 8 KiB: a 12 KiB write at 0 writes 8 KiB and says so; a write at the limit
    // fails (-1, EFBIG); a resize past the limit fails, one within it works.
    void fileSizeLimit() {
        const QString path = m_dir.filePath("limited.bin");
        QVERIFY(writeWholeFile(path, {}));
        std::string error;
        const auto w = PosixFileWriter::open(path.toStdString(), error);
        QVERIFY2(w, error.c_str());
        const std::vector<uint8_t> data(12288, 0x5a);

        struct rlimit old {};
        QVERIFY(::getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 8192;
        QVERIFY(::setrlimit(RLIMIT_FSIZE, &small) == 0);
        const long long partial = w->pwrite(data.data(), data.size(), 0);
        errno = 0;
        const long long none = w->pwrite(data.data(), 100, 8192);
        const int writeErrno = errno;
        errno = 0;
        const bool grew = w->resize(65536);
        const int resizeErrno = errno;
        const bool shrank = w->resize(4096);
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);

        QCOMPARE(partial, 8192LL);
        QCOMPARE(none, -1LL);
        QCOMPARE(writeErrno, EFBIG);
        QVERIFY(!grew);
        QCOMPARE(resizeErrno, EFBIG);
        QVERIFY(shrank);
        FileStat st;
        QVERIFY(w->stat(st));
        QCOMPARE(st.size, uint64_t(4096));
        QCOMPARE(readWholeFile(path), std::vector<uint8_t>(4096, 0x5a));
    }

    void secondWriterCannotLock() {
        const QString path = m_dir.filePath("locked.bin");
        QVERIFY(writeWholeFile(path, std::vector<uint8_t>(4096, 1)));
        std::string error;
        const auto first = PosixFileWriter::open(path.toStdString(), error);
        const auto second = PosixFileWriter::open(path.toStdString(), error);
        QVERIFY(first && second);
        QVERIFY(first->lock(error));
        QVERIFY(!second->lock(error));
        QCOMPARE(error, std::string("the file is locked by another process (a running VM, "
                                    "qemu-img or another update?)"));
    }
};

VHDX_TEST_MAIN(TestFileWriter)
#include "tst_file_writer.moc"
