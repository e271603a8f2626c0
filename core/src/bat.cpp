#include "vhdx/bat.h"

#include <algorithm>
#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"

namespace vhdx {

BatGeometry BatGeometry::compute(uint64_t blockSize, uint64_t logicalSectorSize,
                                 uint64_t virtualDiskSize, bool hasParent) {
    BatGeometry g;
    g.blockSize = blockSize;
    g.logicalSectorSize = logicalSectorSize;
    g.virtualDiskSize = virtualDiskSize;
    g.hasParent = hasParent;
    const bool blockOk = blockSize >= layout::minBlockSize && blockSize <= layout::maxBlockSize &&
                         !(blockSize & (blockSize - 1));
    const bool sectorOk = logicalSectorSize == 512 || logicalSectorSize == 4096;
    const bool sizeOk = virtualDiskSize > 0 && virtualDiskSize <= layout::maxVirtualDiskSize;
    if (!blockOk || !sectorOk || !sizeOk)
        return g;
    g.chunkRatio = ((uint64_t(1) << 23) * logicalSectorSize) / blockSize;
    g.dataBlocks = (virtualDiskSize + blockSize - 1) / blockSize;
    if (hasParent)
        g.totalEntries = ((g.dataBlocks + g.chunkRatio - 1) / g.chunkRatio) * (g.chunkRatio + 1);
    else
        g.totalEntries = g.dataBlocks + (g.dataBlocks - 1) / g.chunkRatio;
    // A differencing disk's table is whole chunks: the last one may have unused payload slots.
    g.sectorBitmapBlocks =
        hasParent ? g.totalEntries / (g.chunkRatio + 1) : g.totalEntries - g.dataBlocks;
    g.valid = true;
    return g;
}

std::optional<uint64_t> BatGeometry::indexOfVirtualOffset(uint64_t virtualOffset) const {
    if (!valid || virtualOffset >= virtualDiskSize)
        return std::nullopt;
    return payloadIndexOfBlock(virtualOffset / blockSize);
}

namespace {
constexpr uint64_t kPageEntries = 8192; // 64 KiB of entries
constexpr size_t kCachePages = 64;      // 4 MiB
} // namespace

BatReader::BatReader(const ByteSource& src, uint64_t batOffset, uint64_t batLength, BatGeometry geo)
    : m_src(src), m_offset(batOffset), m_geo(geo) {
    uint64_t inFile = batOffset < src.size() ? (src.size() - batOffset) / 8 : 0;
    m_readable = std::min({geo.totalEntries, batLength / 8, inFile});
}

std::optional<BatEntry> BatReader::entry(uint64_t index) const {
    if (index >= m_readable)
        return std::nullopt;
    const uint64_t pageNo = index / kPageEntries;
    std::lock_guard lock(m_mutex);
    Page* page = nullptr;
    for (auto& p : m_pages)
        if (p.number == pageNo) {
            page = &p;
            break;
        }
    if (!page) {
        if (m_pages.size() < kCachePages) {
            page = &m_pages.emplace_back();
        } else {
            page = &*std::min_element(
                m_pages.begin(), m_pages.end(),
                [](const Page& a, const Page& b) { return a.lastUse < b.lastUse; });
        }
        const uint64_t first = pageNo * kPageEntries;
        const uint64_t count = std::min(kPageEntries, m_readable - first);
        page->bytes.resize(count * 8);
        if (m_src.read(m_offset + first * 8, page->bytes.data(), page->bytes.size()) !=
            ReadStatus::Ok) {
            page->number = UINT64_MAX;
            return std::nullopt;
        }
        page->number = pageNo;
    }
    page->lastUse = ++m_clock;
    return BatEntry{le64(page->bytes.data() + (index - pageNo * kPageEntries) * 8)};
}

std::optional<uint64_t> BatReader::indexAtFileOffset(uint64_t fileOffset) const {
    if (fileOffset < m_offset)
        return std::nullopt;
    const uint64_t index = (fileOffset - m_offset) / schema::bat_entry::size;
    return index < m_geo.totalEntries ? std::optional<uint64_t>(index) : std::nullopt;
}

std::string_view batProblemText(BatProblem p) {
    switch (p) {
    case BatProblem::InvalidState:
        return "its state is not defined for this slot";
    case BatProblem::ReservedBits:
        return "reserved bits 3-19 are set";
    case BatProblem::BeyondEof:
        return "its block ends beyond the end of the file";
    case BatProblem::OverlapsStructure:
        return "its block overlaps a structure of the file";
    case BatProblem::OverlapsBlock:
        return "its block overlaps another block";
    case BatProblem::SectorBitmapMissing:
        return "its chunk has partially present blocks but this sector bitmap is not present";
    case BatProblem::Count:
        break;
    }
    return {};
}

FindingCode batProblemCode(BatProblem p) {
    switch (p) {
    case BatProblem::InvalidState:
        return FindingCode::BatEntryStateInvalid;
    case BatProblem::ReservedBits:
        return FindingCode::BatEntryReservedBits;
    case BatProblem::BeyondEof:
        return FindingCode::BatEntryBeyondEof;
    case BatProblem::OverlapsStructure:
    case BatProblem::OverlapsBlock:
        return FindingCode::BatEntryOverlap;
    case BatProblem::SectorBitmapMissing:
    case BatProblem::Count:
        break;
    }
    return FindingCode::BatSectorBitmapMissing;
}

uint32_t BatScanResult::problemsOf(uint64_t index) const {
    uint32_t mask = 0;
    for (size_t p = 0; p < batProblemCount; ++p)
        if (std::binary_search(problems[p].listed.begin(), problems[p].listed.end(), index))
            mask |= 1u << p;
    return mask;
}

bool BatReader::readRange(uint64_t first, uint64_t count, std::vector<BatEntry>& out) const {
    out.clear();
    if (first >= m_readable || count > m_readable - first)
        return false;
    out.resize(count);
    std::vector<uint8_t> buf(count * 8);
    if (m_src.read(m_offset + first * 8, buf.data(), buf.size()) != ReadStatus::Ok)
        return false;
    for (uint64_t i = 0; i < count; ++i)
        out[i].raw = le64(buf.data() + i * 8);
    return true;
}

} // namespace vhdx
