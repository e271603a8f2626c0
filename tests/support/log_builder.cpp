// Log entries of a built image (MS-VHDX 2.3): entry header, data/zero descriptors, data sectors.
#include <cstring>

#include "builder_internal.h"
#include "vhdx/bytes.h"

namespace vhdx::test {

namespace {

constexpr uint64_t kSector = 4096;

uint64_t descriptorSectors(size_t descriptors) {
    return (descriptors + 2 + 127) / 128;
}

uint64_t entryLength(const LogEntrySpec& e) {
    const size_t descriptors = e.data.size() + e.zeros.size();
    return (descriptorSectors(descriptors) + e.data.size() + e.paddingSectors) * kSector;
}

std::vector<uint8_t> sectorBytes(const LogDataWrite& w, uint64_t sequence, size_t index) {
    if (w.sector.size() == kSector)
        return w.sector;
    std::vector<uint8_t> s(kSector);
    for (size_t i = 0; i < s.size(); ++i)
        s[i] = uint8_t(i * 7 + sequence * 13 + index);
    return s;
}

// Composes the entry, then copies it into the circular log (wrapping at its end).
void writeEntry(const ImageSpec& spec, BuiltImage& img, const LogEntrySpec& e, uint64_t rel,
                uint32_t tail) {
    const uint64_t fileSize = img.bytes.size();
    const uint64_t length = entryLength(e);
    std::vector<uint8_t> buf(length, 0);
    uint8_t* p = buf.data();
    std::memcpy(p, "loge", 4);
    putLe32(p + field::logEntryLength, uint32_t(length));
    putLe32(p + field::logTail, tail);
    putLe64(p + field::logSequence, e.sequenceNumber);
    putLe32(p + field::logDescriptorCount, uint32_t(e.data.size() + e.zeros.size()));
    e.logGuid.value_or(spec.logGuid).toDisk(p + field::logGuid);
    putLe64(p + field::logFlushedFileOffset, e.flushedFileOffset.value_or(fileSize));
    putLe64(p + field::logLastFileOffset, e.lastFileOffset.value_or(fileSize));

    uint8_t* desc = p + 64;
    uint8_t* dataSector = p + descriptorSectors(e.data.size() + e.zeros.size()) * kSector;
    for (size_t i = 0; i < e.data.size(); ++i, desc += 32, dataSector += kSector) {
        const std::vector<uint8_t> s = sectorBytes(e.data[i], e.sequenceNumber, i);
        std::memcpy(desc, "desc", 4);
        std::memcpy(desc + 4, s.data() + kSector - 4, 4); // TrailingBytes
        std::memcpy(desc + 8, s.data(), 8);               // LeadingBytes
        putLe64(desc + 16, e.data[i].fileOffset);
        putLe64(desc + 24, e.sequenceNumber);
        std::memcpy(dataSector, "data", 4);
        putLe32(dataSector + 4, uint32_t(e.sequenceNumber >> 32));
        std::memcpy(dataSector + 8, s.data() + 8, kSector - 12);
        putLe32(dataSector + kSector - 4, uint32_t(e.sequenceNumber));
    }
    for (const LogZeroWrite& z : e.zeros) {
        std::memcpy(desc, "zero", 4);
        putLe64(desc + 8, z.length);
        putLe64(desc + 16, z.fileOffset);
        putLe64(desc + 24, e.sequenceNumber);
        desc += 32;
    }
    fixChecksum(buf, 0, length);
    const uint64_t logLength = img.logLength ? img.logLength : length;
    for (uint64_t i = 0; i < length; ++i) {
        const uint64_t at = img.logOffset + (rel + i) % logLength;
        detail::ensureSize(img.bytes, at + 1);
        img.bytes[at] = buf[i];
    }
}

} // namespace

void detail::writeLog(const ImageSpec& spec, BuiltImage& img) {
    std::vector<uint64_t> offsets; // relative to the log start
    uint64_t cursor = 0;
    for (const LogEntrySpec& e : spec.logEntries) {
        const uint64_t off = e.offset.value_or(cursor);
        offsets.push_back(off);
        cursor = off + entryLength(e);
    }
    for (size_t i = 0; i < spec.logEntries.size(); ++i) {
        const LogEntrySpec& e = spec.logEntries[i];
        const int t = e.tailEntry;
        const uint64_t tail =
            t >= 0 && size_t(t) < offsets.size() ? offsets[size_t(t)] : offsets[i];
        img.logEntryOffsets.push_back(img.logOffset + offsets[i]);
        img.logEntryLengths.push_back(uint32_t(entryLength(e)));
        writeEntry(spec, img, e, offsets[i], uint32_t(tail));
    }
}

} // namespace vhdx::test
