// Carrying out a set-parent plan: open CHILD for writing and lock it, check it is the file
// planned for, optional backup (first MiB and the sectors that change), the log transaction
// (log_writer.cpp), then parse the file again and check that its locator reads as planned
// and its log is inactive.
#include "header_update_internal.h"
#include "vhdx/image.h"
#include "vhdx/metadata.h"
#include "vhdx/set_parent.h"

namespace vhdx {

namespace {

// The file as it reads now, through the open descriptor: locator as planned, log inactive.
std::string verifyResult(FileWriter& file, const SetParentPlan& plan) {
    FileStat st;
    if (!file.stat(st))
        return "cannot stat the file to verify it";
    ParseOptions options;
    options.resolveParent = false;
    const auto image = Image::parse(
        std::make_shared<detail::DescriptorSource>(file, st.size, plan.childPath), options);
    const Header* h = image->headers().currentHeader();
    if (!h || !h->logGuid.isNull() || image->log().replayState != LogReplayState::None)
        return "the headers do not read back with the log closed";
    const auto& locator = image->metadata().parentLocator;
    if (!locator || !locator->valid || locator->entries.size() != plan.newLocator.size())
        return "the parent locator does not read back as written";
    for (size_t i = 0; i < plan.newLocator.size(); ++i)
        if (locator->entries[i].key != plan.newLocator[i].first ||
            locator->entries[i].value != plan.newLocator[i].second)
            return "the parent locator entry " + plan.newLocator[i].first +
                   " does not read back as written";
    return {};
}

} // namespace

SetParentResult applySetParent(const SetParentPlan& plan, const SetParentOptions& options,
                               FileWriter* writer) {
    SetParentResult result;
    result.plan = plan;
    auto refuse = [&](std::string why) {
        result.refused = true;
        result.error = std::move(why);
        return result;
    };
    if (!plan.allowed)
        return refuse(plan.refusal);
    if (plan.log.entry.empty() || plan.log.sectors.empty())
        return refuse("internal error: incomplete plan");
    std::unique_ptr<PosixFileWriter> own;
    std::string error;
    if (!writer) {
        own = PosixFileWriter::open(plan.childPath, error);
        if (!own)
            return refuse(error);
        writer = own.get();
    }
    if (!writer->lock(error))
        return refuse(error);
    if (std::string why = detail::changedSincePlan(*writer, plan.header.fingerprint); !why.empty())
        return refuse(why);
    if (!options.backupPath.empty()) {
        std::vector<FileRange> pieces{{0, plan.header.fingerprint.head}};
        for (const SectorWrite& s : plan.edit.oldSectors)
            pieces.push_back({s.fileOffset, s.bytes});
        if (!detail::writeBackup(options.backupPath, pieces, error))
            return refuse(error);
        result.backupWritten = true;
        // Immediately before the first write.
        if (std::string why = detail::changedSincePlan(*writer, plan.header.fingerprint);
            !why.empty())
            return refuse(why);
    }
    result.write = writeThroughLog(*writer, plan.log, options.onStep);
    if (!result.write.ok) {
        result.refused = !result.write.anyWriteIssued;
        result.error = result.write.error;
        return result;
    }
    if (std::string why = verifyResult(*writer, plan); !why.empty()) {
        result.error = "verification failed: " + why;
        return result;
    }
    result.ok = true;
    return result;
}

SetParentResult setParentLocator(const std::string& childPath, const std::string& parentPath,
                                 const SetParentOptions& options, FileWriter* writer) {
    return applySetParent(planSetParent(childPath, parentPath, options), options, writer);
}

} // namespace vhdx
