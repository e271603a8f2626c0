// Planning the set-parent: read PARENT and CHILD (CHILD through the one descriptor its
// fingerprint comes from), check that PARENT is the disk CHILD was made from and that CHILD is
// sound, build the new locator and check that it leads to PARENT, place it in the metadata
// region, and build the log transaction (log entry, the header updates opening and closing
// the log). Nothing here writes.
#include <filesystem>
#include <limits>

#include "header_update_internal.h"
#include "set_parent_internal.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"
#include "vhdx/parent_chain.h"

namespace vhdx {

namespace fs = std::filesystem;

namespace {

class Planner {
  public:
    Planner(SetParentPlan& plan, const SetParentOptions& options)
        : m_plan(plan), m_options(options) {}

    void run() {
        if (!readParent() || !readChild() || !checkChild() || !checkRelation() || !buildLocator() ||
            !placeLocator() || !buildTransaction() || !fingerprintSectors())
            return;
        m_plan.allowed = true;
    }

  private:
    bool refuse(std::string why) {
        m_plan.allowed = false;
        m_plan.refusal = std::move(why);
        return false;
    }

    bool readParent() {
        std::string error;
        ParseOptions options;
        options.budget = m_options.budget; // the parent's own ancestors too (loop check)
        m_parent = Image::open(m_plan.parentPath, error, options);
        if (!m_parent) {
            m_plan.openFailed = true;
            return refuse("PARENT: " + error);
        }
        const Header* h = m_parent->headers().currentHeader();
        if (!m_parent->identifier().signatureValid || !h)
            return refuse("PARENT " + m_plan.parentPath + " is not a usable VHDX (" +
                          (h ? "no \"vhdxfile\" signature" : "no valid header") + ")");
        m_plan.parentDataWriteGuid = h->dataWriteGuid;
        return true;
    }

    bool readChild() {
        if (!detail::readForPlanning(m_plan.childPath, m_options.budget, m_plan.header, m_read)) {
            m_plan.openFailed = m_plan.header.openFailed;
            return refuse(m_plan.header.refusal);
        }
        // The header update opening the log carries the guards: VHDX, valid and unambiguous
        // headers, no pending or unknown log replay, backup path free.
        m_logGuid = m_options.logGuid.value_or(Guid::random());
        if (m_logGuid.isNull()) // a null LogGuid means "no log": the entry would be ignored
            return refuse("internal error: the log writer needs a non-zero LogGuid");
        HeaderUpdateOptions open;
        open.fileWriteGuid = m_options.fileWriteGuid.value_or(Guid::random());
        open.logGuid = m_logGuid;
        open.backupPath = m_options.backupPath;
        detail::planFromRead(m_read, open, m_plan.header);
        if (!m_plan.header.allowed)
            return refuse(m_plan.header.refusal);
        m_current = m_read.image->headers().currentHeader();
        // Four header writes: the log opened (+1, +2) and closed (+3, +4).
        if (m_current->sequenceNumber > std::numeric_limits<uint64_t>::max() - 4)
            return refuse("the sequence number " + std::to_string(m_current->sequenceNumber) +
                          " would overflow");
        return true;
    }

    bool checkChild() {
        const Image& child = *m_read.image;
        const Metadata& md = child.metadata();
        if (!md.hasParent)
            return refuse("CHILD " + m_plan.childPath +
                          " is not a differencing disk (HasParent is not set): it has no parent");
        if (!md.parentLocator)
            return refuse("CHILD has no parent locator item to rewrite");
        for (const Finding& f : child.findings().items())
            if (f.severity == Severity::Error && f.code != FindingCode::ParentLocatorInvalid)
                return refuse("CHILD has an error finding (" + std::string(codeName(f.code)) +
                              ": " + f.message +
                              "); only an otherwise sound image is rewritten (see --report)");
        if (m_current->logLength == 0)
            return refuse("CHILD has no log area, so the change cannot be made crash-safe");
        m_linkages = parentLinkages(*md.parentLocator);
        if (!m_linkages.linkage)
            return refuse("CHILD's parent_linkage is missing or not a GUID, so which disk is its "
                          "parent cannot be checked");
        return true;
    }

    bool checkRelation() {
        const Guid& dwg = m_plan.parentDataWriteGuid;
        if (!m_linkages.accepts(dwg)) {
            std::string expected = m_linkages.linkage->toString() + " (parent_linkage)";
            if (m_linkages.linkage2)
                expected += " or " + m_linkages.linkage2->toString() + " (parent_linkage2)";
            return refuse(
                "PARENT is not the disk CHILD was made from. When CHILD was created, its parent "
                "had DataWriteGuid " +
                expected + "; PARENT has " + dwg.toString() +
                ". Either PARENT is another disk, or it was written to after CHILD was made (a "
                "VM booted from it, it was mounted read-write, another checkpoint was merged into "
                "it, or its DataWriteGuid was renewed). CHILD holds only the blocks changed after "
                "the checkpoint; on top of a changed parent they would read as a mix of two "
                "different disks. Reconnecting cannot repair that, so it is not done. Look for "
                "the file with the right DataWriteGuid (vhdx-inspector --chains DIR)");
        }
        m_plan.linkageKey =
            m_linkages.linkage && *m_linkages.linkage == dwg ? "parent_linkage" : "parent_linkage2";
        const Metadata& c = m_read.image->metadata();
        const Metadata& p = m_parent->metadata();
        if (c.virtualDiskSize != p.virtualDiskSize || c.logicalSectorSize != p.logicalSectorSize)
            return refuse("PARENT's virtual size or logical sector size differs from CHILD's: a "
                          "differencing disk describes the same disk as its parent");
        const auto childId = fileIdentity(m_plan.childPath);
        if (childId == fileIdentity(m_plan.parentPath))
            return refuse("CHILD and PARENT are the same file");
        for (const ParentLink& l : m_parent->parentChain())
            if (l.found && fileIdentity(l.path) == childId)
                return refuse("CHILD is an ancestor of PARENT (" + l.path +
                              "): the chain would loop");
        return true;
    }

    bool buildLocator() {
        std::error_code ec1, ec2;
        const std::string child = fs::canonical(m_plan.childPath, ec1).string();
        const std::string parent = fs::canonical(m_plan.parentPath, ec2).string();
        if (ec1 || ec2)
            return refuse("cannot resolve the paths: " + (ec1 ? ec1 : ec2).message());
        std::string why;
        const auto locator =
            detail::newLocatorFor(*m_read.image->metadata().parentLocator, child, parent, why);
        if (!locator)
            return refuse(why);
        m_plan.newLocator = locator->entries;
        m_plan.changes = locator->changes;
        m_plan.setVhdCommand = detail::setVhdCommand(child, parent, m_plan.windowsPathsKnown);
        const auto item = encodeParentLocator(guids::parentLocatorTypeVhdx, m_plan.newLocator, why);
        if (!item)
            return refuse("the new locator cannot be written: " + why);
        m_item = *item;
        // What a reader of the new locator finds on this machine must be PARENT.
        const ParentLocator decoded = decodeParentLocator(m_item.data(), m_item.size());
        const LocatedParent located = locateParent(decoded, child);
        if (!decoded.valid || !located.found ||
            fileIdentity(located.path) != fileIdentity(m_plan.parentPath))
            return refuse("the new locator would not lead to PARENT on this machine (" +
                          (decoded.valid ? located.path : decoded.problem) + ")");
        return true;
    }

    bool placeLocator() {
        m_plan.edit = planMetadataItemEdit(m_read.image->source(), m_read.image->metadata(),
                                           guids::parentLocator, m_item);
        if (!m_plan.edit.ok)
            return refuse("the new locator cannot be placed: " + m_plan.edit.problem);
        if (m_plan.edit.sectors.empty()) {
            m_plan.nothingToDo = true;
            return refuse("the parent locator already reads exactly so: nothing to change");
        }
        return true;
    }

    bool buildTransaction() {
        LogWritePlan& log = m_plan.log;
        log.sectors = m_plan.edit.sectors;
        LogEntryFields fields;
        fields.logGuid = m_logGuid;
        // The log is new (a new LogGuid): its entries start at its head, offset 0, sequence 1.
        fields.sequenceNumber = m_plan.logSequence = 1;
        fields.tail = 0;
        fields.flushedFileOffset = fields.lastFileOffset = m_plan.header.fingerprint.stat.size;
        log.entry = encodeLogEntry(fields, log.sectors);
        log.entryFileOffset = m_current->logOffset;
        if (log.entry.size() > m_current->logLength)
            return refuse("the log entry (" + std::to_string(log.entry.size()) +
                          " bytes) is larger than the log (" +
                          std::to_string(m_current->logLength) + " bytes)");
        for (int i = 0; i < 2; ++i)
            log.open[i] = m_plan.header.steps[i];
        // Closing: from the header the opening made current, LogGuid cleared, same session
        // FileWriteGuid, again non-current slot first.
        const HeaderSlotPlan& first = log.open[0];
        const HeaderSlotPlan& second = log.open[1];
        const auto blocks = buildHeaderBlocks(second.newBlock.data(), second.newFileWriteGuid,
                                              std::nullopt, Guid());
        log.close[0] = headerSlotPlan(decodeHeader(first.newBlock.data(), first.slot, first.offset),
                                      blocks[0]);
        log.close[1] = headerSlotPlan(
            decodeHeader(second.newBlock.data(), second.slot, second.offset), blocks[1]);
        return true;
    }

    // The metadata sectors the plan read join the fingerprint: apply refuses when they change.
    bool fingerprintSectors() {
        FileFingerprint now;
        const uint64_t table = m_read.image->metadata().regionOffset;
        now.ranges.push_back({table, std::vector<uint8_t>(layout::metadataTableSize)});
        for (const SectorWrite& s : m_plan.edit.oldSectors)
            now.ranges.push_back({s.fileOffset, std::vector<uint8_t>(s.bytes.size())});
        std::string error;
        if (!detail::readFingerprint(*m_read.file, now, error))
            return refuse(error);
        bool same = now.stat == m_plan.header.fingerprint.stat &&
                    now.head == m_plan.header.fingerprint.head;
        for (size_t i = 0; i < m_plan.edit.oldSectors.size(); ++i)
            same = same && now.ranges[i + 1].bytes == m_plan.edit.oldSectors[i].bytes;
        if (!same)
            return refuse("the file changed while it was being read");
        m_plan.header.fingerprint.ranges = std::move(now.ranges);
        return true;
    }

    SetParentPlan& m_plan;
    const SetParentOptions& m_options;
    std::unique_ptr<Image> m_parent;
    detail::PlanningRead m_read;
    const Header* m_current = nullptr;
    Guid m_logGuid;
    ParentLinkages m_linkages;
    std::vector<uint8_t> m_item;
};

} // namespace

SetParentPlan planSetParent(const std::string& childPath, const std::string& parentPath,
                            const SetParentOptions& options) {
    SetParentPlan plan;
    plan.childPath = childPath;
    plan.parentPath = parentPath;
    Planner(plan, options).run();
    return plan;
}

} // namespace vhdx
