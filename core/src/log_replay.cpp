// Planning the guarded log replay (MS-VHDX 2.3): read the file through one descriptor, check
// the guards of the header update and those of the replay, and keep the descriptors and the
// LogGuid-clearing header blocks. Nothing here writes; log_replay_apply.cpp does.
#include "vhdx/log_replay.h"

#include "header_update_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/replay_backup.h"

namespace vhdx {

namespace {
LogReplayPlan refuse(LogReplayPlan plan, std::string why) {
    plan.allowed = false;
    plan.refusal = std::move(why);
    return plan;
}

HeaderUpdateOptions headerOptions(const LogReplayOptions& options) {
    HeaderUpdateOptions h;
    h.logGuid = Guid(); // cleared: the log is inactive once the replay is done
    h.backupPath = options.backupPath;
    h.fileWriteGuid = options.fileWriteGuid;
    h.budget = options.budget;
    return h;
}
} // namespace

LogReplayPlan planLogReplay(const std::string& path, const LogReplayOptions& options) {
    LogReplayPlan plan;
    plan.path = path;
    const HeaderUpdateOptions hopt = headerOptions(options);
    detail::PlanningRead planned;
    if (!detail::readForPlanning(path, hopt.budget, plan.headers, planned)) {
        plan.openFailed = plan.headers.openFailed;
        return refuse(std::move(plan), plan.headers.refusal);
    }
    const Image& image = *planned.image;
    if (!image.isVhdx())
        return refuse(std::move(plan), "not a VHDX file (no \"vhdxfile\" signature)");
    if (!image.identifier().signatureValid)
        return refuse(std::move(plan), "the file identifier is damaged (no \"vhdxfile\" "
                                       "signature at offset 0): write it back first");
    const Log& log = image.log();
    const bool headersOk = detail::planHeaderSteps(image, hopt, plan.headers);
    const bool unambiguous =
        image.headers().current != 0 && !image.findings().has(FindingCode::HeaderSequenceTie);
    if (unambiguous && log.replayState == LogReplayState::None && !(log.present && !log.readable)) {
        // A clean image: nothing to write, whatever a header guard would say about a write.
        plan.nothingToReplay = true;
        plan.sizeBefore = plan.sizeAfter = plan.headers.fingerprint.stat.size;
        return refuse(std::move(plan), "the log holds nothing to replay");
    }
    if (!headersOk)
        return refuse(std::move(plan), plan.headers.refusal);
    if (log.present && !log.readable)
        return refuse(std::move(plan), "the active sequence is not replayable: the log area named "
                                       "by the current header lies outside the file");
    if (log.replayState == LogReplayState::Unknown)
        return refuse(std::move(plan), "replay state unknown: " + log.replayUnknownReason);

    const ReplayEffects* fx = image.replay();
    if (!fx)
        return refuse(std::move(plan), "internal error: no replay plan for an active sequence");
    plan.replay = fx->plan;
    plan.sizeBefore = fx->sizeBefore;
    plan.sizeAfter = fx->sizeAfter;
    const std::string notReplayable = "the active sequence is not replayable: ";
    if (!fx->replayable)
        return refuse(std::move(plan), notReplayable + fx->notReplayable);
    // The view shows such descriptors applied (as QEMU's replay would), but writing them
    // could destroy the headers or the log the replay itself depends on.
    if (fx->writesIntoHeaderSection)
        return refuse(
            std::move(plan),
            notReplayable + countOf(fx->writesIntoHeaderSection, "descriptor", "descriptors") +
                " would write into the header section (LOG_REPLAY_WRITES_HEADER_SECTION)");
    if (fx->writesIntoLog)
        return refuse(std::move(plan),
                      notReplayable + countOf(fx->writesIntoLog, "descriptor", "descriptors") +
                          " would write into the log itself (LOG_REPLAY_WRITES_LOG)");
    for (const auto& [offset, length] : backupRanges(*fx->plan, plan.sizeBefore))
        plan.backupBytes += length;
    if (!options.backupPath.empty() && plan.backupBytes > options.maxBackupBytes)
        return refuse(std::move(plan), "the backup would keep " + std::to_string(plan.backupBytes) +
                                           " bytes, more than the " +
                                           std::to_string(options.maxBackupBytes) +
                                           " it may hold; copy the whole file instead");
    plan.allowed = true;
    return plan;
}

LogReplayResult replayLog(const std::string& path, const LogReplayOptions& options,
                          FileWriter* writer) {
    const LogReplayPlan plan = planLogReplay(path, options);
    return applyLogReplay(plan, options, writer);
}

} // namespace vhdx
