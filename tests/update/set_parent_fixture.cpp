#include "set_parent_fixture.h"

#include "log_inspection.h"
#include "update_test_util.h"
#include "vhdx/image.h"
#include "vhdx/layout.h"

namespace vhdx::test {

namespace {
LocatorEntries entriesOf(const Image& image) {
    LocatorEntries out;
    if (const auto& pl = image.metadata().parentLocator)
        for (const ParentLocatorEntry& e : pl->entries)
            out.emplace_back(e.key, e.value);
    return out;
}

std::unique_ptr<Image> parseBytes(std::vector<uint8_t> bytes) {
    ParseOptions options;
    options.resolveParent = false;
    return Image::parse(std::make_shared<MemorySource>(std::move(bytes)), options);
}
} // namespace

ReconnectCase makeReconnectCase(const QString& dir, void (*child)(ImageSpec&)) {
    ReconnectCase c;
    c.dir = dir;
    c.parent = writeSpec(dir, "vms/base.vhdx", baseImage(chainGuid(1)));
    ImageSpec spec = childImage(chainGuid(2), chainGuid(1), ".\\old\\base.vhdx");
    spec.parentLocator.push_back(
        {"volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\old\\base.vhdx"});
    spec.parentLocator.push_back({"vendor_note", "kept as it was"});
    if (child)
        child(spec);
    c.child = writeSpec(dir, "child.avhdx", spec);
    c.oldLocator = spec.parentLocator;
    return c;
}

LocatorEntries storedLocator(const QString& path) {
    return entriesOf(*parseBytes(readWholeFile(path)));
}

QByteArray digestOutsideWrites(const QString& path) {
    const auto image = parseBytes(readWholeFile(path));
    const Header* h = image->headers().currentHeader();
    std::vector<std::pair<uint64_t, uint64_t>> masked;
    if (h)
        masked.emplace_back(h->logOffset, h->logLength);
    if (image->regions().metadata)
        masked.emplace_back(image->regions().metadata->fileOffset,
                            image->regions().metadata->length);
    return digestOutside(path, masked);
}

const char* locatorStateName(LocatorState s) {
    switch (s) {
    case LocatorState::Old:
        return "old";
    case LocatorState::LogPending:
        return "log pending";
    case LocatorState::New:
        return "new";
    case LocatorState::Broken:
        return "broken";
    }
    return "?";
}

LocatorState locatorState(const QString& path, const LocatorEntries& oldLocator,
                          const SetParentPlan& plan, QString* why) {
    auto broken = [&](const QString& reason) {
        if (why)
            *why = reason;
        return LocatorState::Broken;
    };
    std::vector<uint8_t> bytes = readWholeFile(path);
    const auto image = parseBytes(bytes);
    if (!image->headers().currentHeader() || image->findings().has(FindingCode::HeaderSequenceTie))
        return broken("no single valid current header");
    const Log& log = image->log();
    if (log.replayState == LogReplayState::Unknown)
        return broken("log replay state unknown");
    if (log.replayState == LogReplayState::None) {
        const LocatorEntries now = entriesOf(*image);
        if (now == oldLocator)
            return LocatorState::Old;
        if (now == plan.newLocator)
            return LocatorState::New;
        return broken("no active log and the locator is neither the old nor the new one");
    }
    std::string reason;
    const std::vector<SectorWrite> logged = activeLogSectors(*image, &reason);
    if (logged.size() != plan.log.sectors.size())
        return broken("the active log does not hold the planned sectors: " +
                      QString::fromStdString(reason));
    for (size_t i = 0; i < logged.size(); ++i)
        if (logged[i].fileOffset != plan.log.sectors[i].fileOffset ||
            logged[i].bytes != plan.log.sectors[i].bytes)
            return broken("logged sector " + QString::number(i) + " differs from the plan's");
    // The replay, in memory: the sectors in place, then a header update clearing the LogGuid
    // (the current header, sequence + 1, into the other slot).
    for (const SectorWrite& s : logged)
        std::copy(s.bytes.begin(), s.bytes.end(), bytes.begin() + long(s.fileOffset));
    const Header& current = *image->headers().currentHeader();
    const int other = 3 - current.index;
    uint8_t* block = bytes.data() + layout::headerOffset[other - 1];
    std::copy(current.raw.begin(), current.raw.end(), block);
    Header cleared = current;
    cleared.logGuid = Guid();
    cleared.sequenceNumber += 1;
    encodeHeader(cleared, block);
    if (entriesOf(*parseBytes(std::move(bytes))) != plan.newLocator)
        return broken("replaying the log does not give the new locator");
    return LocatorState::LogPending;
}

} // namespace vhdx::test
