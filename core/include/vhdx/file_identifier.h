#pragma once
// File type identifier at offset 0 (MS-VHDX 2.2.1).
#include <array>
#include <cstdint>
#include <string>

#include "vhdx/schema/structures.h"

namespace vhdx {

class ByteSource;
class Findings;

struct FileIdentifier {
    bool readable = false;       // the 8-byte signature could be read
    bool signatureValid = false; // "vhdxfile"
    // The signature's bytes as found (all zero when they could not be read).
    std::array<uint8_t, schema::identifier::signature.size> signature{};
    std::string creator; // UTF-8, NULs trimmed
};

// Reads the identifier; adds IO_ERROR when it cannot be read and IDENTIFIER_CREATOR_INVALID.
// Whether a file without the signature is a damaged VHDX or no VHDX at all is the image's
// call (Image::parse): it looks at the headers and region tables too.
[[nodiscard]] FileIdentifier readFileIdentifier(const ByteSource& src, Findings& findings);

} // namespace vhdx
