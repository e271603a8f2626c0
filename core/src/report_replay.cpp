// log.replay (JSON) and the "Log replay" text section: every descriptor of the active
// sequence with where it lands, the BAT entries before -> after, the structures whose bytes
// change and the file size before -> after.
#include "vhdx/report_replay.h"

#include <algorithm>
#include <sstream>

#include "vhdx/bat.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/json_writer.h"
#include "vhdx/printable.h"

namespace vhdx {

namespace {

// The class of a BAT entry in its slot (the state table's one rule): JSON takes its key
// ("fully_present"), the text its label ("fully present").
const BatClassInfo& batClassOf(const Image& img, uint64_t index, uint64_t raw) {
    const BatGeometry& g = img.batGeometry();
    const BatEntry e{raw};
    return batClassInfo(g.valid ? g.classify(index, e)
                                : classifyBatState(e.state(), SlotKind::Payload, false));
}

void writeTargets(JsonWriter& w, const std::vector<ReplayTarget>& targets) {
    w.key("lands_in").beginArray();
    for (const ReplayTarget& t : targets) {
        w.beginObject().field("kind", replayTargetKindName(t.kind)).field("name", t.name);
        if (t.kind == ReplayTargetKind::Bat)
            w.field("first_entry", t.first).field("last_entry", t.last);
        if (t.kind == ReplayTargetKind::PayloadBlock ||
            t.kind == ReplayTargetKind::SectorBitmapBlock)
            w.field("block", t.first).field("bat_index", t.last);
        w.endObject();
    }
    w.endArray();
}

} // namespace

std::string replayTargetText(const ReplayTarget& t) {
    switch (t.kind) {
    case ReplayTargetKind::Bat:
        return t.first == t.last
                   ? "BAT entry " + std::to_string(t.first)
                   : "BAT entries " + std::to_string(t.first) + ".." + std::to_string(t.last);
    case ReplayTargetKind::MetadataItem:
        return "metadata item " + t.name;
    case ReplayTargetKind::PayloadBlock:
    case ReplayTargetKind::SectorBitmapBlock:
        return t.name + " " + std::to_string(t.first) + " (BAT entry " + std::to_string(t.last) +
               ")";
    default:
        return t.name;
    }
}

std::string_view replayBatClassLabel(const Image& image, uint64_t index, uint64_t raw) {
    return batClassOf(image, index, raw).label;
}

const char* viewName(const Image& image) {
    return image.viewKind() == ReadView::Replayed ? "replayed" : "stored";
}

void writeReplayJson(JsonWriter& w, const Image& img) {
    const ReplayEffects* fx = img.replay();
    if (!fx) {
        w.null();
        return;
    }
    const ReplayPlan& plan = *fx->plan;
    w.beginObject()
        .field("replayable", fx->replayable)
        .field("problem", fx->notReplayable)
        .field("applied", fx->applied);
    w.key("entries").beginArray();
    for (uint64_t s : plan.entrySequence())
        w.value(s);
    w.endArray();
    w.field("descriptor_count", uint64_t(plan.writes().size()))
        .field("bytes_written", plan.bytesWritten())
        .field("flushed_file_offset", plan.headFlushedFileOffset())
        .field("last_file_offset", plan.headLastFileOffset())
        .field("size_before", fx->sizeBefore)
        .field("size_after", fx->sizeAfter);
    w.key("descriptors").beginArray();
    // targets is empty when the plan could not be built: nothing is listed then.
    const size_t listed = std::min(fx->targets.size(), maxListedReplayDescriptors);
    for (size_t i = 0; i < listed; ++i) {
        const ReplayWrite& d = plan.writes()[i];
        w.beginObject()
            .field("kind", d.isData ? "data" : "zero")
            .field("sequence_number", d.sequenceNumber)
            .field("index", uint64_t(d.descriptorIndex))
            .field("entry_offset", d.entryLogOffset)
            .field("file_offset", d.fileOffset)
            .field("length", d.length);
        writeTargets(w, fx->targets[i]);
        w.endObject();
    }
    w.endArray();
    w.field("descriptors_listed", uint64_t(listed));
    w.key("bat_changes")
        .beginObject()
        .field("compared", fx->batCompared)
        .field("count", fx->batChangeCount);
    w.key("listed").beginArray();
    for (const BatEntryChange& c : fx->batChanges)
        w.beginObject()
            .field("index", c.index)
            .field("before", c.before)
            .field("after", c.after)
            .field("before_state", batClassOf(img, c.index, c.before).key)
            .field("after_state", batClassOf(img, c.index, c.after).key)
            .field("before_file_offset", BatEntry{c.before}.fileOffset())
            .field("after_file_offset", BatEntry{c.after}.fileOffset())
            .endObject();
    w.endArray().endObject();
    w.key("changed_structures").beginArray();
    for (const ByteRangeChange& c : fx->changedStructures)
        w.beginObject()
            .field("name", c.name)
            .field("offset", c.offset)
            .field("length", c.length)
            .endObject();
    w.endArray().endObject();
}

std::string replayText(const Image& img) {
    const ReplayEffects* fx = img.replay();
    if (!fx)
        return {};
    const ReplayPlan& plan = *fx->plan;
    std::ostringstream out;
    auto line = [&](const std::string& label, const std::string& value) {
        out << "  " << label << ':' << std::string(label.size() < 28 ? 28 - label.size() : 1, ' ')
            << terminalSafe(value) << '\n';
    };
    out << "\nLog replay\n";
    line("view",
         std::string(viewName(img)) + (fx->applied ? " (structures shown as after the replay)"
                                                   : " (structures shown as stored)"));
    line("replayable", fx->replayable ? "yes" : "NO (" + fx->notReplayable + ")");
    std::string entries;
    for (uint64_t s : plan.entrySequence())
        entries += (entries.empty() ? "" : ", ") + std::to_string(s);
    line("entries", entries.empty() ? "-" : entries);
    line("descriptors", std::to_string(plan.writes().size()) + " (" +
                            std::to_string(plan.bytesWritten()) + " bytes written)");
    line("file size", std::to_string(fx->sizeBefore) + " -> " + std::to_string(fx->sizeAfter));
    // targets is empty when the plan could not be built: nothing is listed then.
    const size_t listed = std::min(fx->targets.size(), maxListedReplayDescriptors);
    for (size_t i = 0; i < listed; ++i) {
        const ReplayWrite& d = plan.writes()[i];
        std::string where;
        for (const ReplayTarget& t : fx->targets[i])
            where += (where.empty() ? "" : ", ") + replayTargetText(t);
        line("entry " + std::to_string(d.sequenceNumber) + " descriptor " +
                 std::to_string(d.descriptorIndex),
             std::string(d.isData ? "data " : "zero ") + std::to_string(d.length) + " bytes at " +
                 std::to_string(d.fileOffset) + " -> " + where);
    }
    if (listed < plan.writes().size())
        line("not listed",
             countOf(plan.writes().size() - listed, "more descriptor", "more descriptors"));
    line("BAT entries changed",
         fx->batCompared ? std::to_string(fx->batChangeCount) : std::string("not compared"));
    for (const BatEntryChange& c : fx->batChanges)
        line("BAT entry " + std::to_string(c.index),
             std::string(batClassOf(img, c.index, c.before).label) + " @" +
                 std::to_string(BatEntry{c.before}.fileOffset()) + " -> " +
                 std::string(batClassOf(img, c.index, c.after).label) + " @" +
                 std::to_string(BatEntry{c.after}.fileOffset()));
    for (const ByteRangeChange& c : fx->changedStructures)
        line("changed",
             c.name + " [" + std::to_string(c.offset) + ", +" + std::to_string(c.length) + ")");
    return out.str();
}

} // namespace vhdx
