#pragma once
// The guarded header update (format §5 "Updating the headers", MS-VHDX 2.2.2.1): two steps,
// non-current slot first, each write flushed, both re-read and verified. It refuses, changing
// nothing, whenever it cannot be sure of leaving the file at least as good as before.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "vhdx/guid.h"

namespace vhdx {

// The writer seam: tests inject failing writes, flushes and short writes through it.
class HeaderWriter {
public:
    virtual ~HeaderWriter() = default;
    // Returns the number of bytes written (< len means a short write), or -1 on error.
    [[nodiscard]] virtual long long pwrite(const void* buf, size_t len, uint64_t offset) = 0;
    [[nodiscard]] virtual bool flush() = 0; // fdatasync
    [[nodiscard]] virtual bool pread(void* buf, size_t len, uint64_t offset) = 0;
};

struct HeaderUpdateOptions {
    bool newDataWriteGuid = false;
    std::string backupPath;            // empty: no backup of the first 1 MiB
    std::optional<Guid> fileWriteGuid; // for tests; a new random one otherwise
    std::optional<Guid> dataWriteGuid; // for tests, with newDataWriteGuid
};

struct HeaderSlotPlan {
    int slot = 0; // 1 or 2, in write order
    uint64_t oldSequence = 0;
    uint64_t newSequence = 0;
    bool oldValid = false;
    Guid oldFileWriteGuid, newFileWriteGuid;
    Guid oldDataWriteGuid, newDataWriteGuid;
};

struct HeaderUpdatePlan {
    bool allowed = false;
    std::string refusal; // why not, when !allowed
    int currentSlot = 0;
    HeaderSlotPlan steps[2]; // steps[0] is the non-current slot, written first
};

struct HeaderUpdateResult {
    bool ok = false;
    std::string error; // what failed, when !ok
    HeaderUpdatePlan plan;
};

// What an update would do, and whether the guards allow it (reads the file, writes nothing).
[[nodiscard]] HeaderUpdatePlan planHeaderUpdate(const std::string& path,
                                                const HeaderUpdateOptions& options);
// Plans, checks the guards, writes, re-reads. `writer` null means the real file.
[[nodiscard]] HeaderUpdateResult updateHeaders(const std::string& path,
                                               const HeaderUpdateOptions& options,
                                               HeaderWriter* writer = nullptr);

} // namespace vhdx
