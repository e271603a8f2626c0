// Extents of the virtual disk (what sparse export walks): each level's BAT is read forward
// once in 256 KiB runs; runs of blocks a level leaves to its parent are asked of the parent.
#include <algorithm>

#include "bat_window.h"
#include "vhdx/image.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/virtual_disk.h"

namespace vhdx {

class VirtualDisk::ExtentWalk {
  public:
    ExtentWalk(const VirtualDisk& disk, const std::function<bool(const VirtualExtent&)>& visit)
        : m_disk(disk), m_visit(visit) {
        for (const Level& l : disk.m_levels)
            m_windows.emplace_back(*l.image->batReader());
    }

    void walk(size_t level, uint64_t from, uint64_t to) {
        if (m_stopped || from >= to)
            return;
        if (level == m_disk.m_levels.size()) {
            emit(from, to, VirtualExtent::Kind::MissingParent);
            return;
        }
        const Level& l = m_disk.m_levels[level];
        const uint64_t end = std::min(to, l.size);
        uint64_t pos = from;
        while (pos < end && !m_stopped) {
            const uint64_t block = pos / l.blockSize;
            const Class cls = classify(level, block);
            const uint64_t lastBlock = (end - 1) / l.blockSize;
            const uint64_t runBlocks = sameClassRun(level, block, lastBlock, cls);
            const uint64_t runEnd = std::min(end, (block + runBlocks) * l.blockSize);
            if (cls == Class::Inherit)
                walk(level + 1, pos, runEnd);
            else
                emit(pos, runEnd,
                     cls == Class::Data ? VirtualExtent::Kind::Data : VirtualExtent::Kind::Zero);
            pos = runEnd;
        }
        if (pos < to && !m_stopped)
            emit(std::max(pos, end), to,
                 VirtualExtent::Kind::Zero); // an ancestor smaller than its child
    }

    void finish() {
        if (!m_stopped && m_pending.length)
            m_visit(m_pending);
    }

  private:
    enum class Class { Data, Zero, Inherit };

    // Unreadable entries and undefined states count as data: reading them fails with the reason.
    [[nodiscard]] static Class classOf(uint64_t raw, bool hasParent) {
        switch (raw & 7) {
        case bat_state::notPresent:
        case bat_state::undefined:
            return hasParent ? Class::Inherit : Class::Zero;
        case bat_state::zero:
        case bat_state::unmapped:
            return Class::Zero;
        default:
            return Class::Data;
        }
    }

    [[nodiscard]] Class classify(size_t level, uint64_t block) {
        const Level& l = m_disk.m_levels[level];
        const BatGeometry& geo = l.image->batReader()->geometry();
        const auto e = m_windows[level].at(geo.payloadIndexOfBlock(block));
        return e ? classOf(e->raw, l.hasParent) : Class::Data;
    }

    // Blocks from `block` (of class cls) up to lastBlock that share its class. The hot loop
    // of a sparse export: walks BAT indices directly (no division per entry), skipping the
    // sector-bitmap slots, reading the window's entries in place.
    [[nodiscard]] uint64_t sameClassRun(size_t level, uint64_t block, uint64_t lastBlock,
                                        Class cls) {
        const Level& l = m_disk.m_levels[level];
        const BatGeometry& geo = l.image->batReader()->geometry();
        detail::BatWindow& window = m_windows[level];
        Class table[8];
        for (uint64_t st = 0; st < 8; ++st)
            table[st] = classOf(st, l.hasParent);
        uint64_t index = geo.payloadIndexOfBlock(block);
        uint64_t posInChunk = block % geo.chunkRatio;
        uint64_t b = block;
        while (b < lastBlock) {
            ++index;
            if (++posInChunk == geo.chunkRatio) {
                ++index; // the chunk's sector-bitmap slot
                posInChunk = 0;
            }
            if (index >= window.end() || index < window.first()) {
                if (!window.load(index)) {
                    if (cls != Class::Data) // unreadable entries count as data
                        break;
                    ++b;
                    continue;
                }
            }
            if (table[window.entries()[index - window.first()].raw & 7] != cls)
                break;
            ++b;
        }
        return b - block + 1;
    }

    void emit(uint64_t from, uint64_t to, VirtualExtent::Kind kind) {
        if (m_pending.length && m_pending.kind == kind &&
            m_pending.offset + m_pending.length == from) {
            m_pending.length += to - from;
            return;
        }
        if (m_pending.length && !m_visit(m_pending)) {
            m_stopped = true;
            return;
        }
        m_pending = {from, to - from, kind};
    }

    const VirtualDisk& m_disk;
    const std::function<bool(const VirtualExtent&)>& m_visit;
    std::vector<detail::BatWindow> m_windows;
    VirtualExtent m_pending{0, 0, VirtualExtent::Kind::Zero};
    bool m_stopped = false;
};

void VirtualDisk::extents(uint64_t from, uint64_t to,
                          const std::function<bool(const VirtualExtent&)>& visit) const {
    to = std::min(to, size());
    if (from >= to)
        return;
    ExtentWalk walk(*this, visit);
    walk.walk(0, from, to);
    walk.finish();
}

} // namespace vhdx
