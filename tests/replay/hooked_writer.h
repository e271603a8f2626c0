#pragma once
// A FileWriter over the real file (the writer seam of the guarded writers) whose calls a
// test can intercept one by one: each hook, when set, runs instead of the plain call and may
// call real() itself to pass it through. The replay and restore failure tests use it to fail
// a read, a stat, a write or a flush at one exact point, or to make a read lie.
#include <QFile>
#include <QString>

#include <cerrno>
#include <functional>
#include <memory>
#include <string>

#include "vhdx/header_update.h"

namespace vhdx::test {

class HookedWriter final : public FileWriter {
  public:
    // Opens path for writing (PosixFileWriter::open); null when it cannot.
    static std::unique_ptr<HookedWriter> open(const QString& path) {
        std::string error;
        auto real = PosixFileWriter::open(QFile::encodeName(path).toStdString(), error);
        if (!real)
            return nullptr;
        return std::unique_ptr<HookedWriter>(new HookedWriter(std::move(real)));
    }

    std::function<long long(const void*, size_t, uint64_t)> onPwrite;
    std::function<bool(void*, size_t, uint64_t)> onPread;
    std::function<bool(FileStat&)> onStat;
    std::function<bool()> onFlush;
    std::function<bool(uint64_t)> onResize;
    std::function<bool(std::string&)> onLock;

    long long pwrite(const void* buf, size_t len, uint64_t offset) override {
        ++writes;
        return onPwrite ? onPwrite(buf, len, offset) : m_real->pwrite(buf, len, offset);
    }
    bool pread(void* buf, size_t len, uint64_t offset) override {
        ++reads;
        return onPread ? onPread(buf, len, offset) : m_real->pread(buf, len, offset);
    }
    bool stat(FileStat& out) override {
        ++stats;
        return onStat ? onStat(out) : m_real->stat(out);
    }
    bool flush() override {
        ++flushes;
        return onFlush ? onFlush() : m_real->flush();
    }
    bool resize(uint64_t size) override {
        ++resizes;
        return onResize ? onResize(size) : m_real->resize(size);
    }
    bool lock(std::string& error) override { return onLock ? onLock(error) : m_real->lock(error); }

    PosixFileWriter& real() { return *m_real; }
    int writes = 0, reads = 0, stats = 0, flushes = 0, resizes = 0;

  private:
    explicit HookedWriter(std::unique_ptr<PosixFileWriter> real) : m_real(std::move(real)) {}
    std::unique_ptr<PosixFileWriter> m_real;
};

// errno set and a failure returned, as a failing system call leaves them.
inline bool failWith(int e) {
    errno = e;
    return false;
}

} // namespace vhdx::test
