// The one pass over the log area (MS-VHDX 2.3): per-sector CRC-32C prefixes, so that the
// checksum of any entry, wrapped or not, hostile length or not, costs O(log n) and no second
// read; and the "loge" sectors that may start an entry.
#include <algorithm>
#include <cstring>

#include "log_internal.h"
#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/layout.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"
#include "vhdx/work_budget.h"

namespace vhdx::detail {

namespace {
constexpr uint64_t kSector = layout::logSectorSize;
constexpr uint64_t kChunkSectors = MiB / kSector;

uint32_t zeroSectorCrc() {
    static const uint32_t crc = [] {
        static const uint8_t zeros[kSector] = {};
        return crc32c(zeros, kSector);
    }();
    return crc;
}
} // namespace

std::optional<uint32_t> LogScan::crcOfSectors(uint64_t first, uint64_t count) const {
    const uint64_t n = sectorCount();
    if (count == 0)
        return 0; // the CRC of nothing
    if (n == 0 || count > n)
        return std::nullopt;
    first %= n;
    // CRC of [a, b) from the prefixes: prefix[b] = shift(prefix[a], b - a sectors) ^ crc.
    auto range = [&](uint64_t a, uint64_t b) -> std::optional<uint32_t> {
        if (b > scannedSectors)
            return std::nullopt;
        return prefix[b] ^ crc32cShift(prefix[a], (b - a) * kSector);
    };
    if (first + count <= n)
        return range(first, first + count);
    const auto head = range(first, n);
    const uint64_t wrapped = first + count - n;
    const auto tail = range(0, wrapped);
    if (!head || !tail)
        return std::nullopt;
    return crc32cCombine(*head, *tail, wrapped * kSector);
}

LogEntry decodeEntryHeader(const uint8_t* h, uint64_t rel, const Log& log) {
    namespace le = schema::log_entry;
    LogEntry e;
    e.offset = rel;
    e.fileOffset = log.offset + rel;
    e.checksum = schema::read<le::checksum>(h);
    e.length = schema::read<le::entryLength>(h);
    e.tail = schema::read<le::tail>(h);
    e.sequenceNumber = schema::read<le::sequenceNumber>(h);
    e.descriptorCount = schema::read<le::descriptorCount>(h);
    e.logGuid = schema::read<le::logGuid>(h);
    e.flushedFileOffset = schema::read<le::flushedFileOffset>(h);
    e.lastFileOffset = schema::read<le::lastFileOffset>(h);
    e.guidMatches = e.logGuid == log.logGuid;
    return e;
}

bool readWrapped(const ByteSource& src, const Log& log, uint64_t rel, uint8_t* buf, size_t len) {
    while (len) {
        rel %= log.length;
        const size_t n = size_t(std::min<uint64_t>(len, log.length - rel));
        if (src.read(log.offset + rel, buf, n) != ReadStatus::Ok)
            return false;
        buf += n;
        len -= n;
        rel += n;
    }
    return true;
}

LogScan scanLogArea(const ByteSource& src, const Log& log, WorkBudget& budget) {
    LogScan scan;
    const uint64_t sectors = log.length / kSector;
    scan.prefix.assign(sectors + 1, 0);
    const Crc32cShifter nextSector(kSector);
    std::vector<uint8_t> chunk(kChunkSectors * kSector);
    uint64_t s = 0;
    while (s < sectors) {
        // A hole reads as zeros: its sectors' CRCs are known without reading them.
        const uint64_t data = src.nextData(log.offset + s * kSector);
        const uint64_t holeEnd =
            data > log.offset ? std::min(sectors, (data - log.offset) / kSector) : s;
        for (; s < holeEnd; ++s)
            scan.prefix[s + 1] = nextSector(scan.prefix[s]) ^ zeroSectorCrc();
        scan.scannedSectors = s;
        if (s >= sectors)
            break;
        const uint64_t n = std::min(kChunkSectors, sectors - s);
        if (!budget.takeLogBytes(n * kSector)) {
            scan.stopReason = "the open's read budget for logs ran out after " +
                              formatBytes(s * kSector) + " of this log";
            return scan;
        }
        if (src.read(log.offset + s * kSector, chunk.data(), n * kSector) != ReadStatus::Ok) {
            scan.ioError = true;
            scan.ioErrorOffset = log.offset + s * kSector;
            scan.stopReason =
                "reading the log failed at log offset " + formatRelativeOffset(s * kSector);
            return scan;
        }
        for (uint64_t k = 0; k < n; ++k, ++s) {
            const uint8_t* sector = chunk.data() + k * kSector;
            scan.prefix[s + 1] = nextSector(scan.prefix[s]) ^ crc32c(sector, kSector);
            namespace le = schema::log_entry;
            if (!schema::hasSignature(sector, le::signature))
                continue;
            LogCandidate c;
            c.sector = uint32_t(s);
            c.crcFirst = structureChecksum(sector, kSector);
            c.length = schema::read<le::entryLength>(sector);
            c.checksum = schema::read<le::checksum>(sector);
            c.sequence = schema::read<le::sequenceNumber>(sector);
            scan.candidates.push_back(c);
            if (scan.listed.size() < maxLogEntries)
                scan.listed.push_back(decodeEntryHeader(sector, s * kSector, log));
        }
        scan.scannedSectors = s;
    }
    return scan;
}

} // namespace vhdx::detail
