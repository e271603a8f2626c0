#include "vhdx/header.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/findings.h"
#include "vhdx/layout.h"
#include "vhdx/schema/structures.h"

namespace vhdx {

namespace hs = schema::header;

std::string Header::problem() const {
    if (std::string p = blockProblem(hs::signature); !p.empty())
        return p;
    if (!versionValid)
        return "Version " + std::to_string(version) + " (must be 1), Log version " +
               std::to_string(logVersion) + " (must be 0)";
    return {};
}

Header decodeHeader(const uint8_t* b, int index, uint64_t offset) {
    Header h;
    h.decodeBlock(b, hs::layout.size, hs::signature, index, offset);
    h.sequenceNumber = schema::read<hs::sequenceNumber>(b);
    h.fileWriteGuid = schema::read<hs::fileWriteGuid>(b);
    h.dataWriteGuid = schema::read<hs::dataWriteGuid>(b);
    h.logGuid = schema::read<hs::logGuid>(b);
    h.logVersion = schema::read<hs::logVersion>(b);
    h.version = schema::read<hs::version>(b);
    h.logLength = schema::read<hs::logLength>(b);
    h.logOffset = schema::read<hs::logOffset>(b);
    h.versionValid = h.version == 1 && h.logVersion == 0;
    return h;
}

void encodeHeader(const Header& h, uint8_t* b) {
    std::memcpy(b + hs::signature.offset, hs::signature.magic.data(), hs::signature.size);
    schema::write<hs::sequenceNumber>(b, h.sequenceNumber);
    schema::write<hs::fileWriteGuid>(b, h.fileWriteGuid);
    schema::write<hs::dataWriteGuid>(b, h.dataWriteGuid);
    schema::write<hs::logGuid>(b, h.logGuid);
    schema::write<hs::logVersion>(b, h.logVersion);
    schema::write<hs::version>(b, h.version);
    schema::write<hs::logLength>(b, h.logLength);
    schema::write<hs::logOffset>(b, h.logOffset);
    schema::write<hs::checksum>(b, 0);
    schema::write<hs::checksum>(b, structureChecksum(b, hs::layout.size));
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
    const std::string title = "Header " + std::to_string(h.index);
    reportBlockProblems(h, hs::signature, other, ref::header(h.index), title, "2.2.2",
                        FindingCode::HeaderSignatureBad, FindingCode::HeaderChecksumBad, f);
    if (h.readable && !h.versionValid)
        f.add(sev, FindingCode::HeaderVersionBad, ref::header(h.index), h.offset,
              title + " has Version " + std::to_string(h.version) + " and Log version " +
                  std::to_string(h.logVersion) + " (expected 1 and 0)",
              "2.2.2");
}
} // namespace

HeaderPair readHeaders(const ByteSource& src, Findings& findings) {
    HeaderPair pair;
    std::vector<uint8_t> block;
    for (int i = 0; i < 2; ++i) {
        const uint64_t off = layout::headerOffset[i];
        const ReadStatus st =
            readChecksummedBlock(src, off, hs::layout.size, block, ref::header(i + 1),
                                 "Header " + std::to_string(i + 1), "2.2.2", findings);
        if (st == ReadStatus::Ok) {
            pair.headers[i] = decodeHeader(block.data(), i + 1, off);
        } else {
            pair.headers[i].index = i + 1;
            pair.headers[i].offset = off;
            pair.headers[i].readStatus = st;
        }
    }
    bool tie = false;
    pair.current = chooseCurrentHeader(pair.headers[0], pair.headers[1], &tie);
    reportHeaderProblems(pair.headers[0], pair.headers[1].valid(), findings);
    reportHeaderProblems(pair.headers[1], pair.headers[0].valid(), findings);
    if (pair.current == 0) {
        findings.add(
            Severity::Error, FindingCode::NoValidHeader, ref::header(1), layout::headerOffset[0],
            "Neither header is valid: the file cannot be used (header 1: " +
                pair.headers[0].problem() + "; header 2: " + pair.headers[1].problem() + ")",
            "2.2.2");
    } else if (tie) {
        findings.add(Severity::Error, FindingCode::HeaderSequenceTie, ref::header(2),
                     layout::headerOffset[1],
                     "Both headers are valid with sequence number " +
                         std::to_string(pair.headers[0].sequenceNumber) +
                         " but their contents differ: the current header is ambiguous",
                     "2.2.2");
    }
    return pair;
}

} // namespace vhdx
