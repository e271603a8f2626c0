#include "vhdx/header.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/findings.h"
#include "vhdx/layout.h"

namespace vhdx {

std::string Header::problem() const {
    if (std::string p = blockProblem("head"); !p.empty())
        return p;
    if (!versionValid)
        return "Version " + std::to_string(version) + " (must be 1), LogVersion " +
               std::to_string(logVersion) + " (must be 0)";
    return {};
}

Header decodeHeader(const uint8_t* b, int index, uint64_t offset) {
    Header h;
    h.decodeBlock(b, layout::headerSize, "head", index, offset);
    h.sequenceNumber = le64(b + 8);
    h.fileWriteGuid = Guid::fromDisk(b + 16);
    h.dataWriteGuid = Guid::fromDisk(b + 32);
    h.logGuid = Guid::fromDisk(b + 48);
    h.logVersion = le16(b + 64);
    h.version = le16(b + 66);
    h.logLength = le32(b + 68);
    h.logOffset = le64(b + 72);
    h.versionValid = h.version == 1 && h.logVersion == 0;
    return h;
}

void encodeHeader(const Header& h, uint8_t* b) {
    std::memcpy(b, "head", 4);
    putLe64(b + 8, h.sequenceNumber);
    h.fileWriteGuid.toDisk(b + 16);
    h.dataWriteGuid.toDisk(b + 32);
    h.logGuid.toDisk(b + 48);
    putLe16(b + 64, h.logVersion);
    putLe16(b + 66, h.version);
    putLe32(b + 68, h.logLength);
    putLe64(b + 72, h.logOffset);
    putLe32(b + 4, 0);
    putLe32(b + 4, structureChecksum(b, layout::headerSize));
}

int chooseCurrentHeader(const Header& h1, const Header& h2, bool* tie) {
    if (tie)
        *tie = false;
    const bool v1 = h1.valid(), v2 = h2.valid();
    if (v1 && !v2)
        return 1;
    if (v2 && !v1)
        return 2;
    if (!v1 && !v2)
        return 0;
    if (h1.sequenceNumber > h2.sequenceNumber)
        return 1;
    if (h2.sequenceNumber > h1.sequenceNumber)
        return 2;
    // Equal numbers: Disk2VHD writes two identical headers; accept those, flag the rest.
    if (h1.raw != h2.raw && tie)
        *tie = true;
    return 1;
}

namespace {
void reportHeaderProblems(const Header& h, bool other, Findings& f) {
    // A bad header is a warning while the other one is valid, an error when none is.
    const Severity sev = other ? Severity::Warning : Severity::Error;
    const std::string name = "header" + std::to_string(h.index);
    const std::string title = "Header " + std::to_string(h.index);
    reportBlockProblems(h, "head", other, name, title, "2.2.2", FindingCode::HeaderSignatureBad,
                        FindingCode::HeaderChecksumBad, f);
    if (h.readable && !h.versionValid)
        f.add(sev, FindingCode::HeaderVersionBad, name, h.offset,
              title + " has Version " + std::to_string(h.version) + " and LogVersion " +
                  std::to_string(h.logVersion) + " (expected 1 and 0)",
              "2.2.2");
}
} // namespace

HeaderPair readHeaders(const ByteSource& src, Findings& findings) {
    HeaderPair pair;
    std::vector<uint8_t> block;
    for (int i = 0; i < 2; ++i) {
        const uint64_t off = layout::headerOffset[i];
        const std::string n = std::to_string(i + 1);
        if (readChecksummedBlock(src, off, layout::headerSize, block, "header" + n, "Header " + n,
                                 "2.2.2", findings)) {
            pair.headers[i] = decodeHeader(block.data(), i + 1, off);
        } else {
            pair.headers[i].index = i + 1;
            pair.headers[i].offset = off;
        }
    }
    bool tie = false;
    pair.current = chooseCurrentHeader(pair.headers[0], pair.headers[1], &tie);
    reportHeaderProblems(pair.headers[0], pair.headers[1].valid(), findings);
    reportHeaderProblems(pair.headers[1], pair.headers[0].valid(), findings);
    if (pair.current == 0) {
        findings.add(
            Severity::Error, FindingCode::NoValidHeader, "header1", layout::headerOffset[0],
            "Neither header is valid: the file cannot be used (header 1: " +
                pair.headers[0].problem() + "; header 2: " + pair.headers[1].problem() + ")",
            "2.2.2");
    } else if (tie) {
        findings.add(Severity::Error, FindingCode::HeaderSequenceTie, "header2",
                     layout::headerOffset[1],
                     "Both headers are valid with sequence number " +
                         std::to_string(pair.headers[0].sequenceNumber) +
                         " but their contents differ: the current header is ambiguous",
                     "2.2.2");
    }
    return pair;
}

} // namespace vhdx
