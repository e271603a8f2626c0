// Planning the header update (format §5): read the file, check the guards, build the two
// 4 KiB blocks. Nothing here writes; applyHeaderUpdate (header_update_apply.cpp) does.
#include "vhdx/header_update.h"

#include <cstring>
#include <limits>

#include "header_update_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/header.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"

namespace vhdx {

namespace {
// The plan reads everything it checks through the one descriptor its fingerprint came from:
// a second open by path could meet another file (a symlink swapped in between).
class DescriptorSource final : public ByteSource {
  public:
    DescriptorSource(HeaderWriter& file, uint64_t size, std::string path)
        : m_file(file), m_size(size), m_path(std::move(path)) {}
    [[nodiscard]] uint64_t size() const override { return m_size; }
    [[nodiscard]] ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        if (!contains(offset, len))
            return ReadStatus::PastEnd;
        return len == 0 || m_file.pread(buf, len, offset) ? ReadStatus::Ok : ReadStatus::IoError;
    }
    [[nodiscard]] std::string path() const override { return m_path; }

  private:
    HeaderWriter& m_file;
    uint64_t m_size;
    std::string m_path;
};

HeaderUpdatePlan refuse(HeaderUpdatePlan plan, std::string why) {
    plan.allowed = false;
    plan.refusal = std::move(why);
    return plan;
}

Header headerFromHead(const std::vector<uint8_t>& head, int index) {
    const uint64_t off = layout::headerOffset[index - 1];
    if (head.size() < off + layout::headerSize) {
        Header h;
        h.index = index;
        h.offset = off;
        return h; // not readable
    }
    return decodeHeader(head.data() + off, index, off);
}

HeaderSlotPlan slotPlan(const Header& old, const std::vector<uint8_t>& block) {
    const Header next = decodeHeader(block.data(), old.index, old.offset);
    HeaderSlotPlan s;
    s.slot = old.index;
    s.offset = old.offset;
    s.oldValid = old.valid();
    s.oldProblem = old.valid() ? std::string() : old.problem();
    s.oldSequence = old.sequenceNumber;
    s.oldFileWriteGuid = old.fileWriteGuid;
    s.oldDataWriteGuid = old.dataWriteGuid;
    s.newSequence = next.sequenceNumber;
    s.newFileWriteGuid = next.fileWriteGuid;
    s.newDataWriteGuid = next.dataWriteGuid;
    s.newBlock = block;
    return s;
}
} // namespace

std::array<std::vector<uint8_t>, 2> buildHeaderBlocks(const uint8_t* current4k,
                                                      const Guid& fileWriteGuid,
                                                      const std::optional<Guid>& newDataGuid) {
    std::array<std::vector<uint8_t>, 2> blocks;
    // Step 1-3 of §5: the current block with every byte kept (reserved ones included), the
    // sequence advanced, this session's FileWriteGuid, the checksum recomputed.
    Header h = decodeHeader(current4k, 1, layout::headerOffset[0]);
    std::vector<uint8_t> block(current4k, current4k + layout::headerSize);
    for (int i = 0; i < 2; ++i) {
        h.sequenceNumber += 1;
        h.fileWriteGuid = fileWriteGuid;
        if (newDataGuid)
            h.dataWriteGuid = *newDataGuid;
        encodeHeader(h, block.data()); // rewrites only the fields, then the checksum
        blocks[i] = block;
    }
    return blocks;
}

HeaderUpdatePlan planHeaderUpdate(const std::string& path, const HeaderUpdateOptions& options) {
    HeaderUpdatePlan plan;
    plan.path = path;

    std::string error;
    auto file = FileHeaderWriter::openReadOnly(path, error);
    if (!file) {
        plan.openFailed = true;
        return refuse(std::move(plan), error);
    }
    if (!detail::readFingerprint(*file, plan.fingerprint, error)) {
        plan.openFailed = true;
        return refuse(std::move(plan), "cannot read '" + path + "': " + error);
    }
    ParseOptions parseOptions;
    parseOptions.resolveParent = false; // the update never concerns the parent
    parseOptions.budget = options.budget;
    auto image = Image::parse(
        std::make_shared<DescriptorSource>(*file, plan.fingerprint.stat.size, path), parseOptions);
    // The structures below were parsed from the file in the state the fingerprint records.
    FileFingerprint after;
    if (!detail::readFingerprint(*file, after, error))
        return refuse(std::move(plan), error);
    if (const std::string diff = detail::fingerprintDifference(plan.fingerprint, after);
        !diff.empty())
        return refuse(std::move(plan), "the file changed while it was being read: " + diff);

    if (!image->isVhdx())
        return refuse(std::move(plan), "not a VHDX file (no \"vhdxfile\" signature)");
    if (!image->identifier().signatureValid)
        return refuse(std::move(plan), "the file identifier is damaged (no \"vhdxfile\" "
                                       "signature at offset 0): write it back first");

    const Header h1 = headerFromHead(plan.fingerprint.head, 1);
    const Header h2 = headerFromHead(plan.fingerprint.head, 2);
    if (!h1.readable || !h2.readable)
        return refuse(std::move(plan), "the file is too short to hold both header slots");
    bool tie = false;
    plan.currentSlot = chooseCurrentHeader(h1, h2, &tie);
    if (plan.currentSlot == 0)
        return refuse(std::move(plan), "no valid header (header 1: " + h1.problem() +
                                           "; header 2: " + h2.problem() + ")");
    if (tie)
        return refuse(std::move(plan), "both headers are valid with sequence number " +
                                           std::to_string(h1.sequenceNumber) +
                                           " but differ: which one is current is ambiguous");

    const Log& log = image->log();
    if (log.present && !log.readable)
        return refuse(std::move(plan), "the log area named by the current header lies outside "
                                       "the file, so a pending log replay cannot be ruled out");
    if (log.replayState == LogReplayState::Unknown)
        return refuse(std::move(plan), "whether the log needs a replay is unknown (" +
                                           log.replayUnknownReason +
                                           "), so a pending replay cannot be ruled out");
    if (log.replayNeeded)
        return refuse(std::move(plan), "log replay needed: the log holds " +
                                           countOf(log.activeSequence.size(), "entry", "entries") +
                                           " not yet applied; replay it first (e.g. by opening the "
                                           "image read-write in QEMU or Hyper-V)");

    const Header& cur = plan.currentSlot == 1 ? h1 : h2;
    const Header& other = plan.currentSlot == 1 ? h2 : h1;
    if (cur.sequenceNumber > std::numeric_limits<uint64_t>::max() - 2)
        return refuse(std::move(plan), "the sequence number " + std::to_string(cur.sequenceNumber) +
                                           " would overflow");
    if (!options.backupPath.empty() && detail::pathExists(options.backupPath))
        return refuse(std::move(plan), "backup '" + options.backupPath +
                                           "' already exists (it is never overwritten)");

    const Guid fileWriteGuid = options.fileWriteGuid.value_or(Guid::random());
    std::optional<Guid> dataWriteGuid;
    if (options.newDataWriteGuid)
        dataWriteGuid = options.dataWriteGuid.value_or(Guid::random());
    const auto blocks = buildHeaderBlocks(cur.raw.data(), fileWriteGuid, dataWriteGuid);
    plan.steps[0] = slotPlan(other, blocks[0]);
    plan.steps[1] = slotPlan(cur, blocks[1]);
    plan.allowed = true;
    return plan;
}

HeaderUpdateResult updateHeaders(const std::string& path, const HeaderUpdateOptions& options,
                                 HeaderWriter* writer) {
    const HeaderUpdatePlan plan = planHeaderUpdate(path, options);
    return applyHeaderUpdate(plan, options, writer);
}

} // namespace vhdx
