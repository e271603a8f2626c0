// Makes a clean VHDX dirty for the replay benchmarks: fills its log with entries
// whose data descriptors rewrite consecutive BAT sectors (every entry of them NOT_PRESENT, a
// state both payload and sector-bitmap slots may hold), then gives both headers a new
// LogGuid. Not a test, a generator:
//
//   make_dirty_log FILE BYTES [DESCRIPTORS_PER_ENTRY]
//
// BYTES of the log are filled (at most LogLength - 4 KiB); each entry holds
// DESCRIPTORS_PER_ENTRY data descriptors (default 8; 0: one entry as large as BYTES allows).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/header.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"

using namespace vhdx;

namespace {
constexpr uint64_t kSector = 4096;

bool writeAt(int fd, const void* p, size_t n, uint64_t off) {
    return ::pwrite(fd, p, n, off_t(off)) == ssize_t(n);
}

int fail(const std::string& why) {
    std::fprintf(stderr, "make_dirty_log: %s\n", why.c_str());
    return 1;
}
} // namespace

int main(int argc, char** argv) {
    if (argc < 3)
        return fail("usage: make_dirty_log FILE BYTES [DESCRIPTORS_PER_ENTRY]");
    const std::string path = argv[1];
    const uint64_t fill = std::strtoull(argv[2], nullptr, 10);
    uint64_t perEntry = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 8;
    std::string error;
    ParseOptions o;
    o.resolveParent = false;
    const auto image = Image::open(path, error, o);
    if (!image)
        return fail(error);
    const Header* cur = image->headers().currentHeader();
    if (!cur || !image->regions().bat || image->log().present)
        return fail("needs a clean VHDX with a valid header and a BAT");
    const uint64_t logOffset = cur->logOffset, logLength = cur->logLength;
    const uint64_t batOffset = image->regions().bat->fileOffset;
    const uint64_t room = std::min(fill, logLength - kSector) / kSector; // sectors
    auto descSectors = [](uint64_t n) { return (n + 2 + 127) / 128; };
    if (perEntry == 0) // the most data descriptors one entry of `room` sectors holds
        while (perEntry + 1 + descSectors(perEntry + 1) <= room)
            ++perEntry;
    const uint64_t firstData = descSectors(perEntry);
    const uint64_t entryLength = (firstData + perEntry) * kSector;
    const uint64_t entries = room * kSector / entryLength;
    if (entries * perEntry * kSector > image->regions().bat->length)
        return fail("the BAT is smaller than the sectors the log would rewrite");
    const Guid logGuid = Guid::random();
    const uint64_t fileSize = image->fileSize();

    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0)
        return fail("cannot open " + path + " for writing");
    std::vector<uint8_t> entry(entryLength);
    uint64_t batSector = 0;
    for (uint64_t i = 0; i < entries; ++i) {
        std::fill(entry.begin(), entry.end(), 0);
        uint8_t* h = entry.data();
        std::memcpy(h, "loge", 4);
        putLe32(h + 8, uint32_t(entryLength));
        putLe32(h + 12, 0); // Tail: the first entry, none is flushed yet
        putLe64(h + 16, i + 1);
        putLe32(h + 24, uint32_t(perEntry));
        logGuid.toDisk(h + 32);
        putLe64(h + 48, fileSize);
        putLe64(h + 56, fileSize);
        for (uint64_t d = 0; d < perEntry; ++d, ++batSector) {
            // The BAT sector as it becomes: 512 entries NOT_PRESENT (0).
            const std::vector<uint8_t> sector(kSector, 0);
            uint8_t* desc = h + 64 + 32 * d; // slots run on into the next descriptor sectors
            std::memcpy(desc, "desc", 4);
            std::memcpy(desc + 4, sector.data() + kSector - 4, 4);
            std::memcpy(desc + 8, sector.data(), 8);
            putLe64(desc + 16, batOffset + batSector * kSector);
            putLe64(desc + 24, i + 1);
            uint8_t* data = entry.data() + (firstData + d) * kSector;
            std::memcpy(data, "data", 4);
            putLe32(data + 4, uint32_t((i + 1) >> 32));
            std::memcpy(data + 8, sector.data() + 8, kSector - 12);
            putLe32(data + kSector - 4, uint32_t(i + 1));
        }
        putLe32(h + 4, structureChecksum(entry.data(), entryLength));
        if (!writeAt(fd, entry.data(), entryLength, logOffset + i * entryLength))
            return fail("writing the log failed");
    }
    // Both headers name the log (sequence + 1 and + 2, non-current slot first).
    Header h = *cur;
    std::vector<uint8_t> block(cur->raw.begin(), cur->raw.end());
    const int slots[2] = {cur->index == 1 ? 2 : 1, cur->index};
    for (int slot : slots) {
        h.sequenceNumber += 1;
        h.logGuid = logGuid;
        encodeHeader(h, block.data());
        if (!writeAt(fd, block.data(), block.size(), layout::headerOffset[slot - 1]) ||
            ::fdatasync(fd) != 0)
            return fail("writing the headers failed");
    }
    ::close(fd);
    std::printf("%llu entries, %llu descriptors, %llu bytes of log\n", (unsigned long long)entries,
                (unsigned long long)(entries * perEntry),
                (unsigned long long)(entries * entryLength));
    return 0;
}
