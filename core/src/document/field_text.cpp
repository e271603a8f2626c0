#include "vhdx/document/field_text.h"

#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

namespace vhdx {

std::string guidText(const Guid& g) {
    return g.isNull() ? "(zero)" : g.toString();
}

std::string headerFieldText(const Header& h, const schema::Field& f) {
    namespace hs = schema::header;
    if (!h.readable)
        return {};
    if (&f == &hs::signature)
        return schema::signatureText(h.raw.data(), f);
    if (&f == &hs::checksum)
        return hex32(h.checksum);
    if (&f == &hs::sequenceNumber)
        return std::to_string(h.sequenceNumber);
    if (&f == &hs::fileWriteGuid)
        return guidText(h.fileWriteGuid);
    if (&f == &hs::dataWriteGuid)
        return guidText(h.dataWriteGuid);
    if (&f == &hs::logGuid)
        return guidText(h.logGuid);
    if (&f == &hs::logVersion)
        return std::to_string(h.logVersion);
    if (&f == &hs::version)
        return std::to_string(h.version);
    if (&f == &hs::logLength)
        return formatSize(h.logLength);
    if (&f == &hs::logOffset)
        return formatOffset(h.logOffset);
    return {};
}

} // namespace vhdx
