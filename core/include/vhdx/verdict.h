#pragma once
// The answer to the user's question: is the disk usable as it is (as Hyper-V would treat it),
// what is wrong, grouped by root cause, and what to do about each problem, with the exact
// action (this tool's Update Headers, Replay Log, a dd command, Set-VHD, qemu-img). The JSON
// report's "verdict", the text report's first lines and the viewer's verdict page render it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vhdx/findings.h"

namespace vhdx {

class Image;

// Ordered: a larger value is worse, so the disk's usability is the worst of its problems'.
enum class Usability : uint8_t {
    Yes,         // opens as it is (warnings at most)
    AfterReplay, // opens once its log is replayed, which Hyper-V does when it opens the disk
    Unknown,     // could not be fully checked (read errors, a cancelled scan)
    Damaged,     // may open, but some data is wrong or unreadable
    No,          // will not open until repaired
};

// What a next step asks for, when this tool (or the viewer) can do it.
enum class StepAction : uint8_t {
    None,
    UpdateHeaders,   // Tools > Update Headers, --update-headers
    ReplayLog,       // Replay Log, --replay-log
    SetParent,       // --set-parent
    CompareHeaders,  // View > Compare Headers
    ShowBatProblems, // the BAT map's problem entries
    Reload,          // File > Reload: read and scan again
};

struct NextStep {
    std::string text; // plain words
    StepAction action = StepAction::None;
    std::string command; // an exact command line, or empty
};

// One problem: a root cause and the findings it explains.
struct ProblemGroup {
    FindingCode cause = FindingCode::NotVhdx; // the root cause's code
    Severity severity = Severity::Info;       // the worst of its findings
    Usability effect = Usability::Yes;        // what it does to the disk
    StructureRef where;                       // where to look first (the cause's structure)
    std::string title;                        // "Header 1 is damaged; header 2 is intact"
    std::string meaning;                      // what it means for the disk
    std::vector<size_t> findings;             // indexes into the findings, the cause first
    std::vector<FindingCode> codes;           // distinct codes, the cause first
    std::vector<NextStep> steps;
};

struct Verdict {
    Usability usable = Usability::Yes;
    // No warning or error, no replay pending, everything checked: the only "clean".
    bool clean = true;
    std::string summary;              // one sentence
    std::vector<ProblemGroup> groups; // most severe first
};

// The verdict on an image with these findings (the image's own, or the snapshot a viewer
// holds while the BAT scan runs). Reads only what the parse produced, never the scan's
// results, so it may run while the scan does.
[[nodiscard]] Verdict assessImage(const Image& image, const std::vector<Finding>& findings);

[[nodiscard]] std::string_view usabilityKey(Usability u); // "yes", "after_replay", ...
// The verdict in a few words: "clean", "usable, with warnings", "usable after log replay",
// "not fully checked", "damaged", "NOT USABLE".
[[nodiscard]] std::string_view verdictWord(const Verdict& v);
[[nodiscard]] std::string_view stepActionKey(StepAction a); // "update_headers"; "" for None
// The findings in the verdict's order: group by group, each cause before its symptoms.
[[nodiscard]] std::vector<size_t> findingOrder(const Verdict& v);

} // namespace vhdx
