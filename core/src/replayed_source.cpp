// Reads through the replay layer: the stored file where no descriptor writes, the last
// descriptor's bytes where one does (replay_plan.cpp has already resolved the order).
#include "vhdx/replayed_source.h"

#include <algorithm>
#include <cstring>

#include "vhdx/bytes.h"
#include "vhdx/layout.h"

namespace vhdx {

namespace {
constexpr uint64_t kSector = layout::logSectorSize;
constexpr uint64_t kLeading = 8, kTrailing = 4;
} // namespace

ReplayedSource::ReplayedSource(std::shared_ptr<const ByteSource> file,
                               std::shared_ptr<const ReplayPlan> plan)
    : m_file(std::move(file)), m_plan(std::move(plan)) {}

ReadStatus ReplayedSource::readWrite(const ReplayWrite& w, uint64_t from, uint8_t* out,
                                     size_t len) const {
    if (!w.isData) {
        std::memset(out, 0, len);
        return ReadStatus::Ok;
    }
    uint8_t edges[kLeading + kTrailing];
    putLe64(edges, w.leadingBytes);
    putLe32(edges + kLeading, w.trailingBytes);
    const uint64_t to = from + len;
    // Leading bytes [0, 8)
    if (from < kLeading) {
        const uint64_t n = std::min(to, kLeading) - from;
        std::memcpy(out, edges + from, n);
        out += n;
        from += n;
    }
    // Data bytes [8, 4092): at the same position of the data sector in the log.
    if (from < to && from < kSector - kTrailing) {
        const uint64_t n = std::min(to, kSector - kTrailing) - from;
        const ReadStatus s = m_file->read(m_plan->logOffset() + w.dataLogOffset + from, out, n);
        if (s != ReadStatus::Ok)
            return s == ReadStatus::PastEnd ? ReadStatus::IoError : s;
        out += n;
        from += n;
    }
    // Trailing bytes [4092, 4096)
    if (from < to)
        std::memcpy(out, edges + kLeading + (from - (kSector - kTrailing)), to - from);
    return ReadStatus::Ok;
}

ReadStatus ReplayedSource::read(uint64_t offset, void* buf, size_t len) const {
    if (!contains(offset, len))
        return ReadStatus::PastEnd;
    auto* out = static_cast<uint8_t*>(buf);
    const uint64_t end = offset + len;
    // The stored bytes first (zeros past the stored end), then every overlay on top.
    const uint64_t stored = m_file->size();
    if (offset < stored) {
        const uint64_t n = std::min(end, stored) - offset;
        if (const ReadStatus s = m_file->read(offset, out, n); s != ReadStatus::Ok)
            return s;
        if (n < len)
            std::memset(out + n, 0, len - n);
    } else {
        std::memset(out, 0, len);
    }
    const auto& overlays = m_plan->overlays();
    const auto& writes = m_plan->writes();
    for (size_t i = m_plan->firstOverlayEndingAfter(offset);
         i < overlays.size() && overlays[i].offset < end; ++i) {
        const ReplayOverlay& o = overlays[i];
        const uint64_t from = std::max(offset, o.offset);
        const uint64_t to = std::min(end, o.end());
        const ReplayWrite& w = writes[o.write];
        if (const ReadStatus s =
                readWrite(w, from - w.fileOffset, out + (from - offset), to - from);
            s != ReadStatus::Ok)
            return s;
    }
    return ReadStatus::Ok;
}

uint64_t ReplayedSource::nextData(uint64_t offset) const {
    // A hole of the file is data when an overlay writes into it.
    const uint64_t fileData = offset < m_file->size() ? m_file->nextData(offset) : size();
    const size_t i = m_plan->firstOverlayEndingAfter(offset);
    uint64_t overlay = size();
    if (i < m_plan->overlays().size())
        overlay = std::max(offset, m_plan->overlays()[i].offset);
    return std::min({fileData, overlay, size()});
}

} // namespace vhdx
