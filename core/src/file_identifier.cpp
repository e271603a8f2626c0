#include "vhdx/file_identifier.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/findings.h"

namespace vhdx {

FileIdentifier readFileIdentifier(const ByteSource& src, Findings& findings) {
    FileIdentifier id;
    uint8_t sig[8];
    const ReadStatus st = src.read(0, sig, sizeof sig);
    if (st != ReadStatus::Ok) {
        findings.add(Severity::Error, FindingCode::NotVhdx, "identifier", 0,
                     "File is " + std::to_string(src.size()) +
                         " bytes long, too short for the \"vhdxfile\" signature",
                     "2.2.1");
        return id;
    }
    id.readable = true;
    id.signatureValid = std::memcmp(sig, "vhdxfile", 8) == 0;
    if (!id.signatureValid) {
        findings.add(Severity::Error, FindingCode::NotVhdx, "identifier", 0,
                     "The file does not start with the \"vhdxfile\" signature: not a VHDX file",
                     "2.2.1");
        return id;
    }
    uint8_t creator[512];
    if (src.read(8, creator, sizeof creator) == ReadStatus::Ok) {
        id.creator = utf16leToUtf8(creator, sizeof creator, true);
        if (id.creator.find("\xEF\xBF\xBD") != std::string::npos)
            findings.add(Severity::Info, FindingCode::IdentifierCreatorInvalid, "identifier", 8,
                         "The creator string holds invalid UTF-16", "2.2.1");
    }
    return id;
}

} // namespace vhdx
