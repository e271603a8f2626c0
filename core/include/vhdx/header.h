#pragma once
// The two headers (MS-VHDX 2.2.2) and the choice of the current one.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vhdx/checksummed_block.h"
#include "vhdx/guid.h"

namespace vhdx {

class ByteSource;
class Findings;

// index 1 or 2, offset 64 KiB or 128 KiB, raw = the 4 KiB the checksum covers.
struct Header : ChecksummedBlock {
    bool versionValid = false; // Version == 1 and LogVersion == 0
    uint64_t sequenceNumber = 0;
    Guid fileWriteGuid;
    Guid dataWriteGuid;
    Guid logGuid;
    uint16_t logVersion = 0;
    uint16_t version = 0;
    uint32_t logLength = 0;
    uint64_t logOffset = 0;

    [[nodiscard]] bool valid() const {
        return readable && signatureValid && checksumValid && versionValid;
    }
    // Why it is not valid, "" when it is.
    [[nodiscard]] std::string problem() const;
};

// Decodes a 4 KiB header block (no findings, no I/O).
[[nodiscard]] Header decodeHeader(const uint8_t* block4k, int index, uint64_t offset);
// Encodes the fields (signature, sequence, GUIDs, log fields, versions) into a 4 KiB block
// whose other bytes are kept, and stores the checksum.
void encodeHeader(const Header& h, uint8_t* block4k);

struct HeaderPair {
    std::array<Header, 2> headers;
    int current = 0; // 1 or 2; 0 when neither is valid
    [[nodiscard]] const Header* currentHeader() const {
        return current ? &headers[current - 1] : nullptr;
    }
};

// Reads both headers, chooses the current one and adds findings (HEADER_*, NO_VALID_HEADER,
// HEADER_SEQUENCE_TIE, FILE_TRUNCATED).
[[nodiscard]] HeaderPair readHeaders(const ByteSource& src, Findings& findings);
// Pure choice of the current header (1, 2 or 0); tie set when both are valid with equal
// sequence numbers and different bytes.
[[nodiscard]] int chooseCurrentHeader(const Header& h1, const Header& h2, bool* tie = nullptr);

} // namespace vhdx
