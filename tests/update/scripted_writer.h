#pragma once
// A FileWriter around the real file whose calls a test can script: each hook sees the call's
// number (1-based, per kind) and may fail the call (return false / -1, errno as it sets it) or
// alter what the real call produced (a stat's fields, the bytes read). Calls without a hook go
// to the real file unchanged. Counts every call.
#include <functional>
#include <memory>
#include <string>

#include "vhdx/header_update.h"

namespace vhdx::test {

class ScriptedWriter final : public FileWriter {
  public:
    explicit ScriptedWriter(std::unique_ptr<PosixFileWriter> real) : m_real(std::move(real)) {}

    // After the real fstat (which succeeded): false fails the call.
    std::function<bool(int call, FileStat& st)> onStat;
    // After the real read (which succeeded): false fails the call.
    std::function<bool(int call, void* buf, size_t len, uint64_t offset)> onPread;
    // Instead of the real write when it returns a value >= -1; -2 means "do the real write".
    std::function<long long(int call, const void* buf, size_t len, uint64_t offset)> onPwrite;

    int stats = 0, preads = 0, writes = 0, flushes = 0;

    long long pwrite(const void* buf, size_t len, uint64_t offset) override {
        ++writes;
        if (onPwrite) {
            const long long n = onPwrite(writes, buf, len, offset);
            if (n >= -1)
                return n;
        }
        return m_real->pwrite(buf, len, offset);
    }
    bool flush() override {
        ++flushes;
        return m_real->flush();
    }
    bool pread(void* buf, size_t len, uint64_t offset) override {
        ++preads;
        if (!m_real->pread(buf, len, offset))
            return false;
        return !onPread || onPread(preads, buf, len, offset);
    }
    bool stat(FileStat& out) override {
        ++stats;
        if (!m_real->stat(out))
            return false;
        return !onStat || onStat(stats, out);
    }
    bool resize(uint64_t size) override { return m_real->resize(size); }
    bool lock(std::string& error) override { return m_real->lock(error); }

  private:
    std::unique_ptr<PosixFileWriter> m_real;
};

} // namespace vhdx::test
