#include "vhdx/checksummed_block.h"

#include <cstring>

#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"

namespace vhdx {

void ChecksummedBlock::decodeBlock(const uint8_t* b, size_t size, const schema::Field& signature,
                                   int copy, uint64_t at) {
    index = copy;
    offset = at;
    readable = true;
    readStatus = ReadStatus::Ok;
    raw.assign(b, b + size);
    signatureValid = schema::hasSignature(b, signature);
    checksum = le32(b + 4);
    checksumComputed = structureChecksum(b, size);
    checksumValid = checksum == checksumComputed;
}

std::string checksumText(uint32_t stored, uint32_t computed) {
    return "stored CRC " + hex32(stored) + ", computed " + hex32(computed);
}

std::string ChecksummedBlock::blockProblem(const schema::Field& signature) const {
    if (!readable)
        return readStatus == ReadStatus::IoError ? "could not be read (I/O error)"
                                                 : "lies beyond end of file";
    if (!signatureValid)
        return "signature is not \"" + std::string(signature.magic) + "\"";
    if (!checksumValid)
        return checksumText(checksum, checksumComputed);
    return {};
}

ReadStatus readChecksummedBlock(const ByteSource& src, uint64_t offset, size_t size,
                                std::vector<uint8_t>& block, StructureRef where,
                                const std::string& title, const char* spec, Findings& findings) {
    block.resize(size);
    const ReadStatus st = src.read(offset, block.data(), size);
    if (st == ReadStatus::Ok)
        return st;
    const bool io = st == ReadStatus::IoError;
    findings.add(
        Severity::Error, io ? FindingCode::IoError : FindingCode::FileTruncated, where, offset,
        title + (io ? " could not be read (I/O error)" : " lies beyond end of file"), spec);
    return st;
}

void reportBlockProblems(const ChecksummedBlock& b, const schema::Field& signature, bool otherValid,
                         StructureRef where, const std::string& title, const char* spec,
                         FindingCode signatureCode, FindingCode checksumCode, Findings& f) {
    if (!b.readable)
        return; // reported when the read failed
    const Severity sev = otherValid ? Severity::Warning : Severity::Error;
    if (!b.signatureValid)
        f.add(sev, signatureCode, where, b.offset,
              title + " signature is not \"" + std::string(signature.magic) + "\"", spec);
    if (!b.checksumValid)
        f.add(sev, checksumCode, where, b.offset,
              title + " checksum " + hex32(b.checksum) + " does not match computed " +
                  hex32(b.checksumComputed),
              spec);
}

} // namespace vhdx
