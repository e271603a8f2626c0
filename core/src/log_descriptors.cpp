// On-demand decoding of one log entry's descriptors, for display.
#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/log.h"

namespace vhdx {

std::vector<LogDescriptor> readLogDescriptors(const ByteSource& src, const Log& log,
                                              const LogEntry& entry, size_t limit) {
    std::vector<LogDescriptor> out;
    if (!log.readable || log.length == 0 || entry.length % layout::logSectorSize)
        return out;
    const uint64_t sectors = entry.length / layout::logSectorSize;
    std::vector<uint8_t> sector(layout::logSectorSize);
    uint64_t index = 0;
    for (uint64_t s = 0; s < sectors && index < entry.descriptorCount && out.size() < limit; ++s) {
        const uint64_t rel = (entry.offset + s * layout::logSectorSize) % log.length;
        if (src.read(log.offset + rel, sector.data(), sector.size()) != ReadStatus::Ok)
            break;
        for (size_t slot = s == 0 ? 2 : 0;
             slot < 128 && index < entry.descriptorCount && out.size() < limit; ++slot, ++index) {
            const uint8_t* d = sector.data() + slot * 32;
            LogDescriptor ld;
            ld.isData = std::memcmp(d, "desc", 4) == 0;
            ld.signatureValid = ld.isData || std::memcmp(d, "zero", 4) == 0;
            if (ld.isData) {
                ld.trailingBytes = le32(d + 4);
                ld.leadingBytes = le64(d + 8);
            } else {
                ld.zeroLength = le64(d + 8);
            }
            ld.fileOffset = le64(d + 16);
            ld.sequenceNumber = le64(d + 24);
            out.push_back(ld);
        }
    }
    return out;
}

} // namespace vhdx
