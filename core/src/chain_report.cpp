// The --chains reports. Every path and value may come from a file name or a locator: the text
// passes through terminalSafe, the JSON writer escapes and keeps only valid UTF-8.
#include "vhdx/chain_report.h"

#include <set>
#include <sstream>

#include "vhdx/bytes.h"
#include "vhdx/chain_forest.h"
#include "vhdx/json_writer.h"
#include "vhdx/printable.h"

namespace vhdx {

namespace {

const char* replayName(LogReplayState s) {
    return s == LogReplayState::Needed    ? "needed"
           : s == LogReplayState::Unknown ? "unknown"
                                          : "none";
}

template <class T> void optionalNumber(JsonWriter& w, const char* key, const std::optional<T>& v) {
    w.key(key);
    v ? w.value(uint64_t(*v)) : w.null();
}

void optionalText(JsonWriter& w, const char* key, bool present, const std::string& v) {
    w.key(key);
    present ? w.value(v) : w.null();
}

void writeNode(JsonWriter& w, const ChainForest& f, size_t i) {
    const ChainNode& n = f.nodes[i];
    w.beginObject()
        .field("id", uint64_t(i))
        .field("path", n.displayPath)
        .field("in_folder", n.inFolder)
        .key("aliases")
        .beginArray();
    for (const auto& a : n.aliases)
        w.value(a);
    w.endArray().field("status", chainNodeStatusName(n.status)).field("vhdx", n.vhdx);
    optionalText(w, "problem", !n.vhdx, n.problem);
    if (n.vhdx) {
        w.field("differencing", n.hasParent).field("data_write_guid", n.dataWriteGuid.toString());
        optionalNumber(w, "virtual_disk_size", n.virtualDiskSize);
        optionalNumber(w, "block_size", n.blockSize);
        optionalNumber(w, "logical_sector_size", n.logicalSectorSize);
        optionalNumber(w, "physical_sector_size", n.physicalSectorSize);
        w.field("log_replay", replayName(n.logReplay))
            .field("error_findings", uint64_t(n.errorFindings));
    }
    if (n.hasLocator) {
        w.field("followed", n.followed).field("parent_linkage", n.linkageText);
        optionalText(w, "parent_linkage2", n.linkages.linkage2.has_value(),
                     n.linkages.linkage2 ? n.linkages.linkage2->toString() : "");
        w.key("locator")
            .beginObject()
            .field("found", n.located.found)
            .field("key", n.located.locatorKey)
            .field("path", n.located.path)
            .key("tried")
            .beginArray();
        for (const auto& t : n.located.tried)
            w.value(t);
        w.endArray().endObject();
    }
    w.key("parent");
    n.parent >= 0 ? w.value(n.parent) : w.null();
    w.key("children").beginArray();
    for (int c : n.children)
        w.value(c);
    w.endArray().endObject();
}

std::string sizeText(const std::optional<uint64_t>& bytes) {
    if (!bytes)
        return "size unknown";
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    uint64_t v = *bytes;
    int u = 0;
    while (u < 4 && v >= 1024 && v % 1024 == 0)
        v /= 1024, ++u;
    return std::to_string(v) + " " + units[u];
}

class TreeText {
  public:
    static constexpr size_t kMaxIndent = 32;

    explicit TreeText(const ChainForest& f) : m_f(f) {}

    // Depth first, with an explicit stack: a chain of 100,000 disks must not overflow the
    // call stack. Indentation stops growing at kMaxIndent levels (deeper lines say their
    // level), or such a chain would print gigabytes of spaces.
    void draw(int root) {
        struct Item {
            int node;
            std::string lead, connector;
            size_t level;
        };
        std::vector<Item> stack{{root, "", "", 0}};
        while (!stack.empty()) {
            const Item item = std::move(stack.back());
            stack.pop_back();
            const ChainNode& node = m_f.nodes[size_t(item.node)];
            const std::string level =
                item.level > kMaxIndent ? "(level " + std::to_string(item.level) + ") " : "";
            m_out << terminalSafe(item.lead + item.connector + level + node.displayPath) << "  "
                  << status(node);
            if (!m_drawn.insert(item.node).second) {
                m_out << "  (drawn above: the chain loops)\n";
                continue;
            }
            m_out << '\n';
            std::string lead = item.lead;
            if (item.level > 0 && item.level < kMaxIndent)
                lead += item.connector == "`-- " ? "    " : "|   ";
            for (size_t k = node.children.size(); k-- > 0;)
                stack.push_back({node.children[k], lead,
                                 k + 1 == node.children.size() ? "`-- " : "+-- ", item.level + 1});
        }
    }
    [[nodiscard]] std::string str() const { return m_out.str(); }
    std::ostringstream& out() { return m_out; }

  private:
    static std::string status(const ChainNode& n) {
        std::string s = "[";
        switch (n.status) {
        case ChainNodeStatus::Ok:
            s += !n.hasParent ? "base"
                 : n.followed ? "ok, via " + n.located.locatorKey
                              : "differencing";
            break;
        case ChainNodeStatus::ParentElsewhere:
            s += "PARENT ELSEWHERE: the locator " +
                 std::string(n.locatedNode < 0 ? "finds no file" : "leads to another file");
            break;
        case ChainNodeStatus::Orphan:
            s += "ORPHAN: no parent with the DataWriteGuid it expects";
            break;
        case ChainNodeStatus::Loop:
            s += "LOOP";
            break;
        case ChainNodeStatus::Skipped:
            s += "not mapped";
            break;
        }
        s += ", " + sizeText(n.virtualDiskSize) + "]";
        if (!n.inFolder)
            s += " (outside the folder)";
        if (!n.followed)
            s += " (its parent was not looked for: too far outside the folder)";
        if (n.logReplay == LogReplayState::Needed)
            s += " (log replay needed: the locator may change when it is replayed)";
        else if (n.logReplay == LogReplayState::Unknown)
            s += " (log not checked to its end)";
        if (n.errorFindings)
            s += " (" + std::to_string(n.errorFindings) + " error findings: see --report)";
        return terminalSafe(s);
    }

    const ChainForest& m_f;
    std::ostringstream m_out;
    std::set<int> m_drawn;
};

} // namespace

std::string chainsJson(const ChainForest& f) {
    JsonWriter w;
    w.beginObject()
        .field("folder", f.folder)
        .field("images_in_folder", uint64_t(f.imagesInFolder))
        .key("nodes")
        .beginArray();
    for (size_t i = 0; i < f.nodes.size(); ++i)
        writeNode(w, f, i);
    w.endArray().key("edges").beginArray();
    for (const ChainEdge& e : f.edges)
        w.beginObject()
            .field("child", e.child)
            .field("parent", e.parent)
            .field("kind", e.kind == ChainEdge::Kind::Locator ? "locator" : "guid")
            .field("key", e.key)
            .field("linkage_matches", e.linkageMatches)
            .endObject();
    w.endArray().key("loops").beginArray();
    for (const auto& loop : f.loops) {
        w.beginArray();
        for (int n : loop)
            w.value(n);
        w.endArray();
    }
    w.endArray().key("findings").beginArray();
    for (const ChainFinding& x : f.findings.sorted())
        w.beginObject()
            .field("severity", severityName(x.severity))
            .field("code", codeName(x.code))
            .field("path", x.path)
            .field("message", x.message)
            .field("spec", x.spec)
            .field("advice", codeAdvice(x.code))
            .endObject();
    w.endArray().endObject();
    return w.str() + "\n";
}

std::string chainsText(const ChainForest& f) {
    TreeText t(f);
    size_t skipped = 0, opened = 0, outside = 0;
    for (const ChainNode& n : f.nodes) {
        skipped += n.status == ChainNodeStatus::Skipped;
        (n.inFolder ? opened : outside) += 1 + (n.inFolder ? n.aliases.size() : 0);
    }
    t.out() << "Chains of " << terminalSafe(f.folder) << ": "
            << countOf(f.imagesInFolder, "image", "images") << " below it (" << opened
            << " opened), " << outside << " outside it, " << skipped << " not mapped\n\n";
    for (int root : f.roots())
        t.draw(root);
    if (skipped) {
        t.out() << "\nNot mapped:\n";
        for (const ChainNode& n : f.nodes)
            if (n.status == ChainNodeStatus::Skipped)
                t.out() << "  " << terminalSafe(n.displayPath + ": " + n.problem) << '\n';
    }
    const ChainFindings& fs = f.findings;
    t.out() << "\nFindings (" << fs.count(Severity::Error) << " errors, "
            << fs.count(Severity::Warning) << " warnings, " << fs.count(Severity::Info)
            << " notes)\n";
    std::set<FindingCode> explained; // what a code means, once
    for (const ChainFinding& x : fs.sorted()) {
        t.out() << terminalSafe("  " + std::string(severityName(x.severity)) + "  " +
                                std::string(codeName(x.code)) + "  " + x.path + "  " + x.message +
                                " [MS-VHDX " + x.spec + "]")
                << '\n';
        if (explained.insert(x.code).second)
            t.out() << "      advice: " << codeAdvice(x.code) << '\n';
    }
    t.out() << "\nVerdict: " << (fs.hasErrors() ? "ERRORS FOUND" : "no chain problems") << '\n';
    return t.str();
}

int exitCodeFor(const ChainForest& forest) {
    return forest.findings.hasErrors() ? 1 : 0;
}

} // namespace vhdx
