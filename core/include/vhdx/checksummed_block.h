#pragma once
// What headers and region tables share: a fixed-size block at a fixed offset with a 4-byte
// signature and a CRC-32C at offset 4 over the whole block (format §3, §5, §6).
#include <cstdint>
#include <string>
#include <vector>

#include "vhdx/findings.h"

namespace vhdx {

class ByteSource;

struct ChecksummedBlock {
    int index = 1;         // copy 1 or 2
    uint64_t offset = 0;   // file offset
    bool readable = false; // the whole block lies inside the file and was read
    bool signatureValid = false;
    bool checksumValid = false;
    uint32_t checksum = 0;
    uint32_t checksumComputed = 0;
    std::vector<uint8_t> raw; // the block (empty if not readable)

    // Fills the fields above from the block's bytes.
    void decodeBlock(const uint8_t* block, size_t size, const char* signature, int index,
                     uint64_t offset);
    // Why the common part is not valid ("" when it is), e.g. "stored CRC 0x.., computed 0x..".
    [[nodiscard]] std::string blockProblem(const char* signature) const;
};

// Reads size bytes at offset into block. On failure adds FILE_TRUNCATED or IO_ERROR for
// structure ("header1") titled title ("Header 1") and returns false.
[[nodiscard]] bool readChecksummedBlock(const ByteSource& src, uint64_t offset, size_t size,
                                        std::vector<uint8_t>& block, const std::string& structure,
                                        const std::string& title, const char* spec,
                                        Findings& findings);

// Adds the signature and checksum findings of one copy: warnings while the other copy is
// valid, errors when none is.
void reportBlockProblems(const ChecksummedBlock& b, const char* signature, bool otherValid,
                         const std::string& structure, const std::string& title, const char* spec,
                         FindingCode signatureCode, FindingCode checksumCode, Findings& findings);

} // namespace vhdx
