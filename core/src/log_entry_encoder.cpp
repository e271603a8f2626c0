// Encoding one log entry (MS-VHDX 2.3.1.1-2.3.1.4) for the log writer, laid out as the reader
// (log_entry_check.cpp) and QEMU's replay expect it.
#include <cstring>

#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/layout.h"
#include "vhdx/log_writer.h"

namespace vhdx {

namespace {
constexpr uint64_t kSector = layout::logSectorSize;
constexpr uint64_t kDescriptorSize = 32, kDescriptorsPerSector = kSector / kDescriptorSize;
constexpr uint64_t kHeaderSlots = 2; // the 64-byte entry header takes two descriptor slots

uint64_t descriptorSectors(size_t descriptors) {
    return (descriptors + kHeaderSlots + kDescriptorsPerSector - 1) / kDescriptorsPerSector;
}
} // namespace

uint64_t logEntryLength(size_t dataSectors) {
    return (descriptorSectors(dataSectors) + dataSectors) * kSector;
}

std::vector<uint8_t> encodeLogEntry(const LogEntryFields& f,
                                    const std::vector<SectorWrite>& sectors) {
    const uint64_t length = logEntryLength(sectors.size());
    std::vector<uint8_t> entry(length, 0);
    uint8_t* h = entry.data();
    std::memcpy(h, "loge", 4);
    putLe32(h + 8, uint32_t(length));
    putLe32(h + 12, f.tail);
    putLe64(h + 16, f.sequenceNumber);
    putLe32(h + 24, uint32_t(sectors.size()));
    f.logGuid.toDisk(h + 32);
    putLe64(h + 48, f.flushedFileOffset);
    putLe64(h + 56, f.lastFileOffset);
    const uint64_t firstData = descriptorSectors(sectors.size()) * kSector;
    for (size_t i = 0; i < sectors.size(); ++i) {
        const uint8_t* s = sectors[i].bytes.data();
        uint8_t* d = entry.data() + (kHeaderSlots + i) * kDescriptorSize;
        std::memcpy(d, "desc", 4);
        std::memcpy(d + 4, s + kSector - 4, 4); // TrailingBytes
        std::memcpy(d + 8, s, 8);               // LeadingBytes
        putLe64(d + 16, sectors[i].fileOffset);
        putLe64(d + 24, f.sequenceNumber);
        uint8_t* data = entry.data() + firstData + i * kSector;
        std::memcpy(data, "data", 4);
        putLe32(data + 4, uint32_t(f.sequenceNumber >> 32)); // SequenceHigh
        std::memcpy(data + 8, s + 8, kSector - 12);
        putLe32(data + kSector - 4, uint32_t(f.sequenceNumber)); // SequenceLow
    }
    putLe32(h + 4, structureChecksum(entry.data(), entry.size()));
    return entry;
}

} // namespace vhdx
