#pragma once
// What a replay of the active log sequence writes (MS-VHDX 2.3.3), without the
// data itself: every descriptor in replay order, with a reference to where its data sits in
// the log, and the file ranges each one finally owns once later descriptors have overwritten
// earlier ones. Memory is O(descriptors); the 4084 data bytes of a data descriptor stay in the
// log and are read on demand (ReplayedSource, the guarded replay).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vhdx {

class ByteSource;
struct Log;

// One descriptor of the active sequence.
struct ReplayWrite {
    bool isData = false;          // "desc": 4 KiB of data; else "zero": length zero bytes
    uint64_t sequenceNumber = 0;  // of its entry
    uint32_t descriptorIndex = 0; // within its entry
    uint64_t entryLogOffset = 0;  // where its entry starts, relative to the log start
    uint64_t lastFileOffset = 0;  // its entry's LastFileOffset
    uint64_t fileOffset = 0;      // where it writes
    uint64_t length = 0;          // 4096 for data, ZeroLength for zero
    // Data descriptors: the log-relative offset of the data sector whose bytes 8..4091 are
    // the bytes written at fileOffset+8..+4091 (a log sector never wraps: the log is a
    // multiple of 1 MiB and sectors are 4 KiB aligned).
    uint64_t dataLogOffset = 0;
    uint64_t leadingBytes = 0;  // the first 8 bytes written, as stored in the descriptor
    uint32_t trailingBytes = 0; // the last 4 bytes written
    [[nodiscard]] uint64_t end() const { return fileOffset + length; }
};

// A file range whose bytes after the replay come from writes[write] (the last descriptor to
// write them). Overlays are disjoint and sorted by offset.
struct ReplayOverlay {
    uint64_t offset = 0;
    uint64_t length = 0;
    size_t write = 0;
    [[nodiscard]] uint64_t end() const { return offset + length; }
};

// In-memory replay limits: a hostile log must not make the view unbounded. A full 64 MiB
// log of data descriptors holds about 16,000; 2^18 zero descriptors fill 8 MiB of log.
constexpr size_t maxReplayWrites = size_t(1) << 18;
// The largest replayed file the view accepts: 64 TiB of payload plus a 512 MiB BAT fit well
// below it, and the BAT scan's occupancy bitmap stays at 16 MiB.
constexpr uint64_t maxReplayedSize = uint64_t(128) << 40;

class ReplayPlan {
  public:
    // Reads the descriptors of log.activeSequence's entries from src (the file as stored).
    // Always returns a plan; !buildable() tells why no replayed view can be made from it.
    [[nodiscard]] static std::shared_ptr<const ReplayPlan> build(const ByteSource& src,
                                                                 const Log& log);

    [[nodiscard]] const std::vector<ReplayWrite>& writes() const { return m_writes; }
    [[nodiscard]] const std::vector<ReplayOverlay>& overlays() const { return m_overlays; }
    [[nodiscard]] const std::vector<uint64_t>& entrySequence() const { return m_entries; }
    [[nodiscard]] uint64_t logOffset() const { return m_logOffset; }
    [[nodiscard]] uint64_t logLength() const { return m_logLength; }
    [[nodiscard]] uint64_t storedSize() const { return m_storedSize; }
    // The file size after the replay: the stored size, grown to the head entry's
    // LastFileOffset and to the end of any descriptor that writes past it.
    [[nodiscard]] uint64_t replayedSize() const { return m_replayedSize; }
    [[nodiscard]] uint64_t headLastFileOffset() const { return m_headLastFileOffset; }
    [[nodiscard]] uint64_t headFlushedFileOffset() const { return m_headFlushedFileOffset; }
    // Bytes the replay writes (descriptor lengths added up, overlaps counted each time).
    [[nodiscard]] uint64_t bytesWritten() const { return m_bytesWritten; }

    // False when the view cannot be built: too many descriptors, a descriptor range that
    // overflows, a replayed size above maxReplayedSize, or descriptors that could not be read.
    [[nodiscard]] bool buildable() const { return m_problem.empty(); }
    [[nodiscard]] const std::string& problem() const { return m_problem; }

    // The overlay covering fileOffset, or null when the byte is as stored.
    [[nodiscard]] const ReplayOverlay* overlayAt(uint64_t fileOffset) const;
    // Index of the first overlay that ends after offset (overlays().size() when none).
    [[nodiscard]] size_t firstOverlayEndingAfter(uint64_t offset) const;

  private:
    void addWrite(const ReplayWrite& w);
    void flatten();

    std::vector<ReplayWrite> m_writes;
    std::vector<ReplayOverlay> m_overlays;
    std::vector<uint64_t> m_entries;
    uint64_t m_logOffset = 0, m_logLength = 0;
    uint64_t m_storedSize = 0, m_replayedSize = 0;
    uint64_t m_headLastFileOffset = 0, m_headFlushedFileOffset = 0;
    uint64_t m_bytesWritten = 0;
    std::string m_problem;
};

} // namespace vhdx
