#pragma once
// File type identifier at offset 0 (format §4, MS-VHDX 2.2.1).
#include <cstdint>
#include <string>

namespace vhdx {

class ByteSource;
class Findings;

struct FileIdentifier {
    bool readable = false;       // the 8-byte signature could be read
    bool signatureValid = false; // "vhdxfile"
    std::string creator;         // UTF-8, NULs trimmed
};

[[nodiscard]] FileIdentifier readFileIdentifier(const ByteSource& src, Findings& findings);

} // namespace vhdx
