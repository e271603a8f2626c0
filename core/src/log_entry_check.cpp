// An entry's descriptors and data sectors (MS-VHDX 2.3.1.2-2.3.1.4), checked once its
// checksum held: descriptor signatures, sequence numbers and 4 KiB alignment, the data
// sectors' signature and split sequence number. Only the descriptor sectors and the 12
// header/trailer bytes of each data sector are read.
#include <cstring>

#include "log_internal.h"
#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/work_budget.h"

namespace vhdx::detail {

namespace {
constexpr uint64_t kSector = layout::logSectorSize;
constexpr size_t kDescriptorSize = 32;
constexpr size_t kDescriptorsPerSector = kSector / kDescriptorSize;
constexpr size_t kHeaderSlots = 2; // the 64-byte entry header takes the first two slots

// "" when the descriptor is fine; counts it as data or zero.
std::string descriptorProblem(const uint8_t* d, uint64_t index, LogEntry& e) {
    const bool isData = std::memcmp(d, "desc", 4) == 0;
    const bool isZero = std::memcmp(d, "zero", 4) == 0;
    isData ? ++e.dataDescriptors : ++e.zeroDescriptors;
    const std::string which = "descriptor " + std::to_string(index);
    if (!isData && !isZero)
        return which + " has no signature";
    if (le64(d + 24) != e.sequenceNumber)
        return which + " carries another sequence number";
    if (le64(d + 16) % kSector || (isZero && le64(d + 8) % kSector))
        return which + " is not 4 KiB aligned";
    return {};
}
} // namespace

bool checkDescriptors(const ByteSource& src, const Log& log, LogEntry& e, WorkBudget& budget) {
    const uint64_t sectors = e.length / kSector;
    const uint64_t descSectors =
        (uint64_t(e.descriptorCount) + kHeaderSlots + kDescriptorsPerSector - 1) /
        kDescriptorsPerSector;
    if (descSectors > sectors) {
        e.problem = std::to_string(e.descriptorCount) + " descriptors do not fit the entry";
        return true;
    }
    std::vector<uint8_t> sector(kSector);
    uint64_t index = 0;
    for (uint64_t s = 0; s < descSectors; ++s) {
        if (!budget.takeLogBytes(kSector))
            return false;
        if (!readWrapped(src, log, e.offset + s * kSector, sector.data(), kSector)) {
            e.problem = "could not be read";
            return true;
        }
        for (size_t slot = s == 0 ? kHeaderSlots : 0;
             slot < kDescriptorsPerSector && index < e.descriptorCount; ++slot, ++index)
            if (std::string p = descriptorProblem(sector.data() + slot * kDescriptorSize, index, e);
                !p.empty()) {
                e.problem = std::move(p);
                return true;
            }
    }
    if (descSectors + e.dataDescriptors > sectors) {
        e.problem = std::to_string(e.dataDescriptors) + " data sectors do not fit the entry";
        return true;
    }
    for (uint64_t k = 0; k < e.dataDescriptors; ++k) {
        const uint64_t at = e.offset + (descSectors + k) * kSector;
        uint8_t head[8], trail[4];
        if (!budget.takeLogBytes(sizeof head + sizeof trail))
            return false;
        if (!readWrapped(src, log, at, head, sizeof head) ||
            !readWrapped(src, log, at + kSector - sizeof trail, trail, sizeof trail)) {
            e.problem = "could not be read";
            return true;
        }
        const uint64_t seq = uint64_t(le32(head + 4)) << 32 | le32(trail);
        if (std::memcmp(head, "data", 4) != 0 || seq != e.sequenceNumber) {
            e.problem =
                "data sector " + std::to_string(k) + " has a bad signature or sequence number";
            return true;
        }
    }
    return true;
}

} // namespace vhdx::detail
