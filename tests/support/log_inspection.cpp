#include "log_inspection.h"

#include <cstring>

#include "vhdx/bytes.h"
#include "vhdx/log.h"

namespace vhdx::test {

std::vector<SectorWrite> activeLogSectors(const Image& image, std::string* why) {
    auto fail = [&](const std::string& reason) {
        if (why)
            *why = reason;
        return std::vector<SectorWrite>();
    };
    const Log& log = image.log();
    if (!log.replayNeeded || log.activeSequence.empty())
        return fail("no active log sequence");
    std::vector<SectorWrite> out;
    for (uint64_t seq : log.activeSequence) {
        const LogEntry* entry = nullptr;
        for (const LogEntry& e : log.entries)
            if (e.active && e.sequenceNumber == seq)
                entry = &e;
        if (!entry)
            return fail("active entry " + std::to_string(seq) + " not listed");
        const auto descriptors = readLogDescriptors(image.source(), log, *entry);
        const uint64_t descriptorSectors = (uint64_t(entry->descriptorCount) + 2 + 127) / 128;
        uint64_t data = 0;
        for (const LogDescriptor& d : descriptors) {
            if (!d.isData)
                return fail("a zero descriptor (not written by the log writer)");
            const uint64_t rel = (entry->offset + (descriptorSectors + data++) * 4096) % log.length;
            std::vector<uint8_t> sector(4096);
            if (image.source().read(log.offset + rel, sector.data(), sector.size()) !=
                ReadStatus::Ok)
                return fail("a data sector cannot be read");
            SectorWrite w{d.targetOffset, std::vector<uint8_t>(4096)};
            putLe64(w.bytes.data(), d.leadingBytes);
            std::memcpy(w.bytes.data() + 8, sector.data() + 8, 4096 - 12);
            putLe32(w.bytes.data() + 4092, d.trailingBytes);
            out.push_back(std::move(w));
        }
    }
    return out;
}

} // namespace vhdx::test
