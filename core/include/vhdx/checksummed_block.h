#pragma once
// What headers and region tables share: a fixed-size block at a fixed offset with a 4-byte
// signature and a CRC-32C at offset 4 over the whole block (MS-VHDX 2.2.2, 2.2.3).
#include <cstdint>
#include <string>
#include <vector>

#include "vhdx/byte_source.h"
#include "vhdx/findings.h"
#include "vhdx/schema/field.h"

namespace vhdx {

struct ChecksummedBlock {
    int index = 1;                               // copy 1 or 2
    uint64_t offset = 0;                         // file offset
    bool readable = false;                       // the whole block was read
    ReadStatus readStatus = ReadStatus::PastEnd; // why not, when !readable
    bool signatureValid = false;
    bool checksumValid = false;
    uint32_t checksum = 0;
    uint32_t checksumComputed = 0;
    std::vector<uint8_t> raw; // the block (empty if not readable)

    // Fills the fields above from the block's bytes.
    void decodeBlock(const uint8_t* block, size_t size, const schema::Field& signature, int index,
                     uint64_t offset);
    // Why the common part is not valid ("" when it is): "lies beyond end of file", "could not
    // be read (I/O error)", "signature is \"xxxx\", not \"head\"", "stored CRC .., computed ..".
    [[nodiscard]] std::string blockProblem(const schema::Field& signature) const;
};

// "stored CRC 0x1234abcd, computed 0x89ab0000": the one wording of a checksum mismatch.
[[nodiscard]] std::string checksumText(uint32_t stored, uint32_t computed);

// Reads size bytes at offset into block. On failure adds FILE_TRUNCATED or IO_ERROR for the
// structure `where` titled title ("Header 1") and returns the status.
[[nodiscard]] ReadStatus readChecksummedBlock(const ByteSource& src, uint64_t offset, size_t size,
                                              std::vector<uint8_t>& block, StructureRef where,
                                              const std::string& title, const char* spec,
                                              Findings& findings);

// Adds the signature and checksum findings of one copy: warnings while the other copy is
// valid, errors when none is.
void reportBlockProblems(const ChecksummedBlock& b, const schema::Field& signature, bool otherValid,
                         StructureRef where, const std::string& title, const char* spec,
                         FindingCode signatureCode, FindingCode checksumCode, Findings& findings);

} // namespace vhdx
