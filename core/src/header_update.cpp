// Planning the header update (MS-VHDX 2.2.2): read the file, check the guards, build the two
// 4 KiB blocks. Nothing here writes; applyHeaderUpdate (header_update_apply.cpp) does.
#include "vhdx/header_update.h"

#include <cstring>
#include <limits>

#include "header_update_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/chain_forest.h"
#include "vhdx/header.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"

namespace vhdx {

namespace {
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

} // namespace

HeaderSlotPlan headerSlotPlan(const Header& old, const std::vector<uint8_t>& block) {
    const Header next = decodeHeader(block.data(), old.index, old.offset);
    HeaderSlotPlan s;
    s.slot = old.index;
    s.offset = old.offset;
    s.oldValid = old.valid();
    s.oldProblem = old.valid() ? std::string() : old.problem();
    s.oldSequence = old.sequenceNumber;
    s.oldFileWriteGuid = old.fileWriteGuid;
    s.oldDataWriteGuid = old.dataWriteGuid;
    s.oldLogGuid = old.logGuid;
    s.newSequence = next.sequenceNumber;
    s.newFileWriteGuid = next.fileWriteGuid;
    s.newDataWriteGuid = next.dataWriteGuid;
    s.newLogGuid = next.logGuid;
    s.newBlock = block;
    return s;
}

std::array<std::vector<uint8_t>, 2> buildHeaderBlocks(const uint8_t* current4k,
                                                      const Guid& fileWriteGuid,
                                                      const std::optional<Guid>& newDataGuid,
                                                      const std::optional<Guid>& newLogGuid) {
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
        if (newLogGuid)
            h.logGuid = *newLogGuid;
        encodeHeader(h, block.data()); // rewrites only the fields, then the checksum
        blocks[i] = block;
    }
    return blocks;
}

namespace detail {

PlanningRead::PlanningRead() = default;
PlanningRead::~PlanningRead() = default;
PlanningRead::PlanningRead(PlanningRead&&) noexcept = default;

bool readForPlanning(const std::string& path, const std::shared_ptr<WorkBudget>& budget,
                     HeaderUpdatePlan& plan, PlanningRead& out) {
    plan.path = path;
    std::string error;
    out.file = PosixFileWriter::openReadOnly(path, error);
    if (!out.file) {
        plan.openFailed = true;
        plan.refusal = error;
        return false;
    }
    if (!readFingerprint(*out.file, plan.fingerprint, error)) {
        plan.openFailed = true;
        plan.refusal = "cannot read '" + path + "': " + error;
        return false;
    }
    ParseOptions parseOptions;
    parseOptions.resolveParent = false; // a plan never concerns the parent's contents
    parseOptions.budget = budget;
    out.image = Image::parse(
        std::make_shared<DescriptorSource>(*out.file, plan.fingerprint.stat.size, path),
        parseOptions);
    // The structures below were parsed from the file in the state the fingerprint records.
    FileFingerprint after;
    if (!readFingerprint(*out.file, after, error)) {
        plan.refusal = error;
        return false;
    }
    if (const std::string diff = fingerprintDifference(plan.fingerprint, after); !diff.empty()) {
        plan.refusal = "the file changed while it was being read: " + diff;
        return false;
    }
    return true;
}

namespace {
bool refused(HeaderUpdatePlan& plan, std::string why) {
    plan.allowed = false;
    plan.refusal = std::move(why);
    return false;
}

// The guards on the headers themselves: a VHDX with both slots, a valid current header that
// is not ambiguous.
bool headerGuards(const Image& image, HeaderUpdatePlan& plan) {
    if (!image.isVhdx())
        return refused(plan, "not a VHDX file (no \"vhdxfile\" signature)");
    if (!image.identifier().signatureValid)
        return refused(plan, "the file identifier is damaged (no \"vhdxfile\" signature at "
                             "offset 0): write it back first");
    const Header h1 = headerFromHead(plan.fingerprint.head, 1);
    const Header h2 = headerFromHead(plan.fingerprint.head, 2);
    if (!h1.readable || !h2.readable)
        return refused(plan, "the file is too short to hold both header slots");
    bool tie = false;
    plan.currentSlot = chooseCurrentHeader(h1, h2, &tie);
    if (plan.currentSlot == 0)
        return refused(plan, "no valid header (header 1: " + h1.problem() +
                                 "; header 2: " + h2.problem() + ")");
    if (tie)
        return refused(plan, "both headers are valid with sequence number " +
                                 std::to_string(h1.sequenceNumber) +
                                 " but differ: which one is current is ambiguous");
    return true;
}

// The two blocks of the update, and the guards on writing them.
bool buildSteps(const HeaderUpdateOptions& options, HeaderUpdatePlan& plan) {
    const Header h1 = headerFromHead(plan.fingerprint.head, 1);
    const Header h2 = headerFromHead(plan.fingerprint.head, 2);
    const Header& cur = plan.currentSlot == 1 ? h1 : h2;
    const Header& other = plan.currentSlot == 1 ? h2 : h1;
    if (cur.sequenceNumber > std::numeric_limits<uint64_t>::max() - 2)
        return refused(plan, "the sequence number " + std::to_string(cur.sequenceNumber) +
                                 " would overflow");
    if (!options.backupPath.empty() && pathExists(options.backupPath))
        return refused(plan, "backup '" + options.backupPath +
                                 "' already exists (it is never overwritten)");
    const Guid fileWriteGuid = options.fileWriteGuid.value_or(Guid::random());
    std::optional<Guid> dataWriteGuid;
    if (options.newDataWriteGuid)
        dataWriteGuid = options.dataWriteGuid.value_or(Guid::random());
    const auto blocks =
        buildHeaderBlocks(cur.raw.data(), fileWriteGuid, dataWriteGuid, options.logGuid);
    plan.steps[0] = headerSlotPlan(other, blocks[0]);
    plan.steps[1] = headerSlotPlan(cur, blocks[1]);
    plan.allowed = true;
    return true;
}
} // namespace

bool logAllowsWrite(const Image& image, HeaderUpdatePlan& plan) {
    const Log& log = image.log();
    if (log.present && !log.readable)
        return refused(plan, "the log area named by the current header lies outside the file, "
                             "so a pending log replay cannot be ruled out");
    if (log.replayState == LogReplayState::Unknown)
        return refused(plan, "whether the log needs a replay is unknown (" +
                                 log.replayUnknownReason +
                                 "), so a pending replay cannot be ruled out; replay the log "
                                 "first (--replay-log, or opening the image read-write in "
                                 "Hyper-V or QEMU, or `qemu-img check -r all`)");
    if (log.replayNeeded)
        return refused(plan, "log replay needed: the log holds " +
                                 countOf(log.activeSequence.size(), "entry", "entries") +
                                 " not yet applied; replay it first with --replay-log (it shows "
                                 "its plan and changes nothing without --yes; opening the image "
                                 "read-write in Hyper-V or QEMU, or `qemu-img check -r all`, "
                                 "replays it too)");
    return true;
}

bool planHeaderSteps(const Image& image, const HeaderUpdateOptions& options,
                     HeaderUpdatePlan& plan) {
    return headerGuards(image, plan) && buildSteps(options, plan);
}

void planFromRead(const PlanningRead& read, const HeaderUpdateOptions& options,
                  HeaderUpdatePlan& plan) {
    const Image& image = *read.image;
    if (headerGuards(image, plan) && logAllowsWrite(image, plan))
        buildSteps(options, plan);
}

} // namespace detail

HeaderUpdatePlan planHeaderUpdate(const std::string& path, const HeaderUpdateOptions& options) {
    HeaderUpdatePlan plan;
    detail::PlanningRead read;
    if (!detail::readForPlanning(path, options.budget, plan, read))
        return plan;
    detail::planFromRead(read, options, plan);
    if (!plan.allowed || !options.newDataWriteGuid)
        return plan;
    // A new DataWriteGuid is what orphans a differencing disk (MS-VHDX 2.6.2.6.3): look for
    // the children made from this image in its folder.
    plan.orphanedChildren = childrenInFolder(path);
    if (!plan.orphanedChildren.empty() && !options.allowOrphaningChildren) {
        std::string names;
        for (const std::string& c : plan.orphanedChildren)
            names += (names.empty() ? "" : ", ") + c;
        plan.allowed = false;
        plan.refusal =
            "a new DataWriteGuid would orphan " +
            countOf(plan.orphanedChildren.size(), "differencing disk", "differencing disks") +
            " of its folder made from this image (" + names +
            "): they check the parent's DataWriteGuid and would no longer accept it. "
            "Merge or remove them first, or add --force to orphan them anyway";
    }
    return plan;
}

HeaderUpdateResult updateHeaders(const std::string& path, const HeaderUpdateOptions& options,
                                 FileWriter* writer) {
    const HeaderUpdatePlan plan = planHeaderUpdate(path, options);
    return applyHeaderUpdate(plan, options, writer);
}

} // namespace vhdx
