#include "vhdx/file_identifier.h"

#include <cstring>

#include "vhdx/byte_source.h"
#include "vhdx/bytes.h"
#include "vhdx/findings.h"

namespace vhdx {

namespace is = schema::identifier;

FileIdentifier readFileIdentifier(const ByteSource& src, Findings& findings) {
    FileIdentifier id;
    static_assert(is::signature.offset == 0, "id.signature holds the structure's first bytes");
    const ReadStatus st = src.read(is::signature.offset, id.signature.data(), id.signature.size());
    if (st == ReadStatus::IoError) {
        findings.add(Severity::Error, FindingCode::IoError, ref::identifier(), 0,
                     "The file identifier could not be read (I/O error)", "2.2.1");
        return id;
    }
    if (st != ReadStatus::Ok) {
        id.signature.fill(0);
        return id; // too short: NOT_VHDX, says the image
    }
    id.readable = true;
    id.signatureValid = schema::hasSignature(id.signature.data(), is::signature);
    uint8_t creator[is::creator.size];
    if (src.read(is::creator.offset, creator, sizeof creator) == ReadStatus::Ok) {
        id.creator = utf16leToUtf8(creator, sizeof creator, true);
        if (id.signatureValid && id.creator.find("\xEF\xBF\xBD") != std::string::npos)
            findings.add(Severity::Info, FindingCode::IdentifierCreatorInvalid, ref::identifier(),
                         is::creator.offset, "The creator string holds invalid UTF-16", "2.2.1");
    }
    return id;
}

} // namespace vhdx
