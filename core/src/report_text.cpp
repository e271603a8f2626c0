// The human-readable report: the verdict first (is the disk usable, what is wrong, what to
// do), then the facts of the JSON report as aligned "label: value" lines.
#include <algorithm>
#include <set>
#include <sstream>

#include "report_verdict.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/printable.h"
#include "vhdx/report.h"
#include "vhdx/report_replay.h"
#include "vhdx/schema/bat_states.h"
#include "vhdx/verdict.h"
#include "vhdx/virtual_disk_report.h"

namespace vhdx {

namespace {

class TextReport {
  public:
    void section(const std::string& title) {
        if (!m_out.str().empty())
            m_out << '\n';
        m_out << terminalSafe(title) << '\n';
    }
    // Every label and value may hold text from the file (creator, locator, paths): each
    // passes through terminalSafe, so no escape sequence or forged line reaches a terminal.
    template <class T> void line(const std::string& label, const T& v, int indent = 2) {
        std::ostringstream value;
        value << v;
        const std::string safeLabel = terminalSafe(label);
        m_out << std::string(indent, ' ') << safeLabel << ':'
              << std::string(safeLabel.size() + indent < 30 ? 30 - safeLabel.size() - indent : 1,
                             ' ')
              << terminalSafe(value.str()) << '\n';
    }
    void raw(const std::string& s) { m_out << terminalSafe(s) << '\n'; }
    void sectionText(const std::string& safeText) { m_out << safeText; } // already escaped
    std::string str() const { return m_out.str(); }

  private:
    std::ostringstream m_out;
};

const char* yesNo(bool b) {
    return b ? "yes" : "no";
}
std::string validity(bool valid, const std::string& problem) {
    return valid ? "valid" : "INVALID (" + problem + ")";
}

std::string size(uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    uint64_t v = bytes;
    while (u < 4 && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        ++u;
    }
    return std::to_string(bytes) + (u ? " (" + std::to_string(v) + " " + units[u] + ")" : "");
}

void headers(TextReport& r, const Image& img) {
    for (const auto& h : img.headers().headers) {
        const bool cur = img.headers().current == h.index;
        r.section("Header " + std::to_string(h.index) + " at " + std::to_string(h.offset) +
                  (cur ? " (current)" : ""));
        r.line("status", validity(h.valid(), h.problem()));
        if (!h.readable)
            continue;
        r.line("checksum", hex32(h.checksum) + " (computed " + hex32(h.checksumComputed) + ")");
        r.line("sequence number", h.sequenceNumber);
        r.line("file write guid", h.fileWriteGuid.toString());
        r.line("data write guid", h.dataWriteGuid.toString());
        r.line("log guid", h.logGuid.toString());
        r.line("version / log version",
               std::to_string(h.version) + " / " + std::to_string(h.logVersion));
        r.line("log offset / length",
               std::to_string(h.logOffset) + " / " + std::to_string(h.logLength));
    }
}

void regions(TextReport& r, const Image& img) {
    for (const auto& t : img.regions().tables) {
        r.section("Region table " + std::to_string(t.index) + " at " + std::to_string(t.offset) +
                  (img.regions().used == t.index ? " (used)" : ""));
        r.line("status", validity(t.valid(), t.problem()));
        if (!t.readable)
            continue;
        r.line("entry count", t.entryCount);
        for (const auto& e : t.entries)
            r.line(e.name, e.guid.toString() + " offset " + std::to_string(e.fileOffset) +
                               " length " + std::to_string(e.length) +
                               (e.required() ? " required" : ""));
    }
}

void metadata(TextReport& r, const Metadata& m) {
    r.section("Metadata at " + std::to_string(m.regionOffset));
    r.line("signature", m.signatureValid ? "valid" : "INVALID");
    for (const auto& e : m.entries)
        r.line("item " + e.name,
               "offset " + std::to_string(e.offset) + " length " + std::to_string(e.length) +
                   (e.isRequired() ? " required" : "") +
                   (e.isVirtualDisk() ? " virtual-disk" : "") + (e.isUser() ? " user" : ""));
    if (m.blockSize)
        r.line("block size", size(*m.blockSize));
    r.line("disk type", diskTypeName(diskType(m)));
    if (m.virtualDiskSize)
        r.line("virtual disk size", size(*m.virtualDiskSize));
    if (m.virtualDiskId)
        r.line("virtual disk id", m.virtualDiskId->toString());
    if (m.logicalSectorSize)
        r.line("logical sector size", *m.logicalSectorSize);
    if (m.physicalSectorSize)
        r.line("physical sector size", *m.physicalSectorSize);
    if (m.parentLocator) {
        r.line("parent locator", validity(m.parentLocator->valid, m.parentLocator->problem));
        for (const auto& e : m.parentLocator->entries)
            r.line(e.key, e.value, 4);
    }
}

void bat(TextReport& r, const Image& img) {
    const BatGeometry& g = img.batGeometry();
    r.section("BAT");
    if (!g.valid) {
        r.line("status", "not decoded (no valid geometry)");
        return;
    }
    r.line("entries", std::to_string(g.totalEntries) + " (" + std::to_string(g.dataBlocks) +
                          " payload + " + std::to_string(g.sectorBitmapBlocks) + " sector bitmap)");
    r.line("chunk ratio", g.chunkRatio);
    if (!img.batScan())
        return;
    // Every class with entries, named as in the JSON ("invalid" for an undefined state),
    // except the sector bitmaps' not present, which is the normal case.
    const BatStateCounts& c = img.batScan()->counts;
    for (const BatClassInfo& info : batClasses()) {
        const uint64_t n = c.of(info.cls);
        if (!n || info.cls == BatClass::BitmapNotPresent)
            continue;
        std::string key(info.key);
        std::replace(key.begin(), key.end(), '_', ' ');
        r.line((info.kind == SlotKind::Payload ? "payload " : "sector bitmap ") + key, n);
    }
}

void log(TextReport& r, const Log& l) {
    r.section("Log");
    r.line("in use", l.present ? "yes (LogGuid " + l.logGuid.toString() + ")" : std::string("no"));
    r.line("replay needed", l.replayState == LogReplayState::Unknown
                                ? "UNKNOWN (" + l.replayUnknownReason + ")"
                                : std::string(yesNo(l.replayNeeded)));
    for (const auto& e : l.entries)
        r.line("entry at " + std::to_string(e.offset),
               "seq " + std::to_string(e.sequenceNumber) + ", " + std::to_string(e.length) +
                   " bytes, " + (e.valid ? "valid" : "invalid: " + e.problem) +
                   (e.active ? ", active" : ""));
}

} // namespace

std::string reportText(const Image& img) {
    TextReport r;
    const Verdict verdict = assessImage(img, img.findings().items());
    for (const std::string& line : detail::verdictTextLines(img, verdict))
        r.raw(line);
    r.section("File");
    r.line("path", img.path().empty() ? "(memory)" : img.path());
    r.line("size", size(img.fileSize()));
    namespace is = schema::identifier;
    r.line("signature",
           img.identifier().signatureValid ? std::string(is::signature.magic)
           : img.isVhdx()
               ? "DAMAGED (\"" +
                     schema::signatureText(img.identifier().signature.data(), is::signature) + "\")"
               : std::string("MISSING (not a VHDX)"));
    if (img.isVhdx()) {
        r.line("creator", img.identifier().creator);
        headers(r, img);
        regions(r, img);
        if (img.metadata().readable)
            metadata(r, img.metadata());
        bat(r, img);
        if (img.headers().current)
            log(r, img.log());
        r.sectionText(replayText(img));
        for (const auto& l : img.parentChain()) {
            r.section("Parent");
            r.line("path", l.found ? l.path : "NOT FOUND");
            r.line("linkage", !l.readable        ? "not checked (parent not read)"
                              : l.linkageMatches ? "matches"
                                                 : "MISMATCH");
        }
        if (const auto lines = virtualDiskTextLines(img); !lines.empty()) {
            r.section("Virtual disk");
            for (const auto& [label, value] : lines)
                r.line(label, value);
        }
    }
    const Findings& f = img.findings();
    r.section("Findings (" + std::to_string(f.count(Severity::Error)) + " errors, " +
              std::to_string(f.count(Severity::Warning)) + " warnings, " +
              std::to_string(f.count(Severity::Info)) + " notes)");
    // In the verdict's order (each cause before its symptoms); what a code means, once.
    std::set<FindingCode> explained;
    for (size_t i : findingOrder(verdict)) {
        const Finding& x = f.items()[i];
        r.raw("  " + std::string(severityName(x.severity)) + "  " + std::string(codeName(x.code)) +
              "  " + structureKey(x.where, img.metadata()) + " @" + std::to_string(x.offset) +
              "  " + x.message + (x.spec.empty() ? "" : " [MS-VHDX " + x.spec + "]"));
        if (explained.insert(x.code).second)
            r.raw("      advice: " + std::string(codeAdvice(x.code)));
    }
    return r.str();
}

} // namespace vhdx
