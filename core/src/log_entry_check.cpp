// An entry's descriptors and data sectors (MS-VHDX 2.3.1.2-2.3.1.4), checked once its
// checksum held: descriptor signatures, sequence numbers and 4 KiB alignment, the data
// sectors' signature and split sequence number. Only the descriptor sectors and the 12
// header/trailer bytes of each data sector are read.
#include <cstring>

#include "log_internal.h"
#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"
#include "vhdx/work_budget.h"

namespace vhdx::detail {

namespace {
namespace dd = schema::data_descriptor;
namespace zd = schema::zero_descriptor;
namespace da = schema::descriptor_area;
namespace ds = schema::data_sector;
constexpr uint64_t kSector = layout::logSectorSize;

// "" when the descriptor is fine; counts it as data or zero.
std::string descriptorProblem(const uint8_t* d, uint64_t index, LogEntry& e) {
    const bool isData = schema::hasSignature(d, dd::signature);
    const bool isZero = schema::hasSignature(d, zd::signature);
    isData ? ++e.dataDescriptors : ++e.zeroDescriptors;
    const std::string which = "descriptor " + std::to_string(index);
    if (!isData && !isZero)
        return which + " has no signature";
    // Both kinds keep FileOffset and SequenceNumber at the same place.
    static_assert(dd::fileOffset.offset == zd::fileOffset.offset &&
                  dd::sequenceNumber.offset == zd::sequenceNumber.offset);
    if (schema::read<dd::sequenceNumber>(d) != e.sequenceNumber)
        return which + " carries another sequence number";
    if (schema::read<dd::fileOffset>(d) % kSector ||
        (isZero && schema::read<zd::zeroLength>(d) % kSector))
        return which + " is not 4 KiB aligned";
    return {};
}
} // namespace

bool checkDescriptors(const ByteSource& src, const Log& log, LogEntry& e, WorkBudget& budget) {
    const uint64_t sectors = e.length / kSector;
    const uint64_t descSectors = da::sectorsFor(e.descriptorCount);
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
            e.readFailedAt = e.offset + s * kSector;
            e.problem = "its descriptor sector at log offset " +
                        formatRelativeOffset(*e.readFailedAt) + " could not be read";
            return true;
        }
        for (size_t slot = s == 0 ? da::headerSlots : 0;
             slot < da::slotsPerSector && index < e.descriptorCount; ++slot, ++index)
            if (std::string p = descriptorProblem(sector.data() + slot * da::slotSize, index, e);
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
        // The signature and SequenceHigh lead the sector, SequenceLow ends it.
        uint8_t head[ds::data.offset], trail[ds::sequenceLow.size];
        if (!budget.takeLogBytes(sizeof head + sizeof trail))
            return false;
        if (!readWrapped(src, log, at, head, sizeof head) ||
            !readWrapped(src, log, at + ds::sequenceLow.offset, trail, sizeof trail)) {
            e.readFailedAt = at;
            e.problem = "its data sector " + std::to_string(k) + " at log offset " +
                        formatRelativeOffset(at) + " could not be read";
            return true;
        }
        const uint64_t seq = uint64_t(schema::read<ds::sequenceHigh>(head)) << 32 | le32(trail);
        if (!schema::hasSignature(head, ds::signature) || seq != e.sequenceNumber) {
            e.problem =
                "data sector " + std::to_string(k) + " has a bad signature or sequence number";
            return true;
        }
    }
    return true;
}

} // namespace vhdx::detail
