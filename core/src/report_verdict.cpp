// The verdict in the reports: the JSON "verdict" object (usable, clean, summary, the problem
// groups with their codes, findings and next steps) and the text report's opening lines.
#include "report_verdict.h"

#include "vhdx/image.h"
#include "vhdx/json_writer.h"

namespace vhdx::detail {

namespace {

void writeStep(JsonWriter& w, const NextStep& s) {
    w.beginObject().field("text", s.text);
    w.key("action");
    if (s.action == StepAction::None)
        w.null();
    else
        w.value(stepActionKey(s.action));
    w.key("command");
    if (s.command.empty())
        w.null();
    else
        w.value(s.command);
    w.endObject();
}

void writeGroup(JsonWriter& w, const Image& image, const ProblemGroup& g) {
    w.beginObject()
        .field("cause", codeName(g.cause))
        .field("severity", severityName(g.severity))
        .field("effect", usabilityKey(g.effect))
        .field("structure", structureKey(g.where, image.metadata()))
        .field("title", g.title)
        .field("meaning", g.meaning);
    w.key("codes").beginArray();
    for (FindingCode c : g.codes)
        w.value(codeName(c));
    w.endArray();
    w.key("findings").beginArray();
    for (size_t i : g.findings)
        w.value(uint64_t(i));
    w.endArray();
    w.key("next_steps").beginArray();
    for (const NextStep& s : g.steps)
        writeStep(w, s);
    w.endArray().endObject();
}

} // namespace

void writeVerdictJson(JsonWriter& w, const Image& image, const Verdict& v) {
    w.beginObject()
        .field("usable", usabilityKey(v.usable))
        .field("clean", v.clean)
        .field("word", verdictWord(v))
        .field("summary", v.summary);
    w.key("groups").beginArray();
    for (const ProblemGroup& g : v.groups)
        writeGroup(w, image, g);
    w.endArray().endObject();
}

std::vector<std::string> verdictTextLines(const Image& image, const Verdict& v) {
    std::vector<std::string> out;
    out.push_back("Verdict: " + std::string(verdictWord(v)));
    out.push_back("  " + v.summary);
    for (const ProblemGroup& g : v.groups) {
        out.emplace_back();
        out.push_back("  [" + std::string(severityName(g.severity)) + "] " + g.title + " (" +
                      structureTitle(g.where, image.metadata()) + ")");
        out.push_back("    " + g.meaning);
        std::string codes;
        for (FindingCode c : g.codes)
            codes += (codes.empty() ? "" : ", ") + std::string(codeName(c));
        out.push_back("    codes: " + codes);
        for (const NextStep& s : g.steps) {
            out.push_back("    next: " + s.text);
            if (!s.command.empty())
                out.push_back("      $ " + s.command);
        }
    }
    return out;
}

} // namespace vhdx::detail
