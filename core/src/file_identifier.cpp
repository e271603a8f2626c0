#include "vhdx/file_identifier.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/findings.h"
#include "vhdx/schema/structures.h"

namespace vhdx {

namespace is = schema::identifier;

FileIdentifier readFileIdentifier(const ByteSource& src, Findings& findings) {
    FileIdentifier id;
    uint8_t sig[is::signature.size];
    const ReadStatus st = src.read(is::signature.offset, sig, sizeof sig);
    if (st == ReadStatus::IoError) {
        findings.add(Severity::Error, FindingCode::IoError, ref::identifier(), 0,
                     "The file identifier could not be read (I/O error)", "2.2.1");
        return id;
    }
    if (st != ReadStatus::Ok) {
        findings.add(Severity::Error, FindingCode::NotVhdx, ref::identifier(), 0,
                     "File is " + std::to_string(src.size()) +
                         " bytes long, too short for the \"vhdxfile\" signature",
                     "2.2.1");
        return id;
    }
    id.readable = true;
    static_assert(is::signature.offset == 0, "sig holds the structure's first bytes");
    id.signatureValid = schema::hasSignature(sig, is::signature);
    if (!id.signatureValid) {
        findings.add(Severity::Error, FindingCode::NotVhdx, ref::identifier(), 0,
                     "The file does not start with the \"vhdxfile\" signature: not a VHDX file",
                     "2.2.1");
        return id;
    }
    uint8_t creator[is::creator.size];
    if (src.read(is::creator.offset, creator, sizeof creator) == ReadStatus::Ok) {
        id.creator = utf16leToUtf8(creator, sizeof creator, true);
        if (id.creator.find("\xEF\xBF\xBD") != std::string::npos)
            findings.add(Severity::Info, FindingCode::IdentifierCreatorInvalid, ref::identifier(),
                         is::creator.offset, "The creator string holds invalid UTF-16", "2.2.1");
    }
    return id;
}

} // namespace vhdx
