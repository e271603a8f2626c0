// On-demand decoding of one log entry's descriptors (MS-VHDX 2.3.1.2, 2.3.1.3), for display
// and for the replay.
#include <algorithm>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/log.h"
#include "vhdx/schema/structures.h"

namespace vhdx {

std::vector<LogDescriptor> readLogDescriptors(const ByteSource& src, const Log& log,
                                              const LogEntry& entry, size_t limit) {
    namespace dd = schema::data_descriptor;
    namespace zd = schema::zero_descriptor;
    namespace da = schema::descriptor_area;
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
        for (size_t slot = s == 0 ? da::headerSlots : 0;
             slot < da::slotsPerSector && index < entry.descriptorCount && out.size() < limit;
             ++slot, ++index) {
            const uint8_t* d = sector.data() + slot * da::slotSize;
            LogDescriptor ld;
            ld.isData = schema::hasSignature(d, dd::signature);
            ld.signatureValid = ld.isData || schema::hasSignature(d, zd::signature);
            std::copy_n(d + dd::signature.offset, ld.signature.size(), ld.signature.begin());
            if (ld.isData) {
                ld.trailingBytes = le32(d + dd::trailingBytes.offset);
                ld.leadingBytes = le64(d + dd::leadingBytes.offset);
            } else {
                ld.zeroLength = schema::read<zd::zeroLength>(d);
            }
            ld.targetOffset = schema::read<dd::fileOffset>(d);
            ld.sequenceNumber = schema::read<dd::sequenceNumber>(d);
            out.push_back(ld);
        }
    }
    return out;
}

} // namespace vhdx
