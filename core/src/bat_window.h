#pragma once
// A forward-moving window over BAT entries: walks of the whole table (extents, sector-bitmap
// counts) read it in 256 KiB runs instead of entry by entry through the reader's cache.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "vhdx/bat.h"

namespace vhdx::detail {

class BatWindow {
  public:
    static constexpr uint64_t runEntries = 32768; // 256 KiB

    explicit BatWindow(const BatReader& reader) : m_reader(reader) {}
    // The entry at index; nullopt when it is beyond what the file holds or cannot be read.
    [[nodiscard]] std::optional<BatEntry> at(uint64_t index) {
        if (!load(index))
            return std::nullopt;
        return m_entries[index - m_first];
    }
    // Makes index part of the window; false when it is beyond the file or cannot be read.
    // Hot loops then read entries()[index - first()] up to end().
    [[nodiscard]] bool load(uint64_t index) {
        if (index - m_first < m_entries.size())
            return true;
        if (index >= m_reader.readableEntries())
            return false;
        const uint64_t n = std::min(runEntries, m_reader.readableEntries() - index);
        if (!m_reader.readRange(index, n, m_entries)) {
            m_entries.clear();
            return false;
        }
        m_first = index;
        return true;
    }
    [[nodiscard]] const BatEntry* entries() const { return m_entries.data(); }
    [[nodiscard]] uint64_t first() const { return m_first; }
    [[nodiscard]] uint64_t end() const { return m_first + m_entries.size(); }

  private:
    const BatReader& m_reader;
    uint64_t m_first = 0;
    std::vector<BatEntry> m_entries;
};

} // namespace vhdx::detail
