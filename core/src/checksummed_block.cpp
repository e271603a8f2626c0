#include "vhdx/checksummed_block.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"

namespace vhdx {

void ChecksummedBlock::decodeBlock(const uint8_t* b, size_t size, const char* signature, int copy,
                                   uint64_t at) {
    index = copy;
    offset = at;
    readable = true;
    raw.assign(b, b + size);
    signatureValid = std::memcmp(b, signature, 4) == 0;
    checksum = le32(b + 4);
    checksumComputed = structureChecksum(b, size);
    checksumValid = checksum == checksumComputed;
}

std::string ChecksummedBlock::blockProblem(const char* signature) const {
    if (!readable)
        return "lies beyond end of file";
    if (!signatureValid)
        return std::string("signature is not \"") + signature + "\"";
    if (!checksumValid)
        return "stored CRC " + hex32(checksum) + ", computed " + hex32(checksumComputed);
    return {};
}

bool readChecksummedBlock(const ByteSource& src, uint64_t offset, size_t size,
                          std::vector<uint8_t>& block, const std::string& structure,
                          const std::string& title, const char* spec, Findings& findings) {
    block.resize(size);
    const ReadStatus st = src.read(offset, block.data(), size);
    if (st == ReadStatus::Ok)
        return true;
    const bool io = st == ReadStatus::IoError;
    findings.add(
        Severity::Error, io ? FindingCode::IoError : FindingCode::FileTruncated, structure, offset,
        title + (io ? " could not be read (I/O error)" : " lies beyond end of file"), spec);
    return false;
}

void reportBlockProblems(const ChecksummedBlock& b, const char* signature, bool otherValid,
                         const std::string& structure, const std::string& title, const char* spec,
                         FindingCode signatureCode, FindingCode checksumCode, Findings& f) {
    if (!b.readable)
        return; // reported when the read failed
    const Severity sev = otherValid ? Severity::Warning : Severity::Error;
    if (!b.signatureValid)
        f.add(sev, signatureCode, structure, b.offset,
              title + " signature is not \"" + signature + "\"", spec);
    if (!b.checksumValid)
        f.add(sev, checksumCode, structure, b.offset,
              title + " checksum " + hex32(b.checksum) + " does not match computed " +
                  hex32(b.checksumComputed),
              spec);
}

} // namespace vhdx
