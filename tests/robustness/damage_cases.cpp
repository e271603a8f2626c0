#include "damage_cases.h"

#include "vhdx/bytes.h"

namespace vhdx::test::damage {

BuiltImage baseImage(Base base) {
    ImageSpec spec;
    spec.blockSize = 1024 * 1024;
    spec.virtualSize = 64ull * 1024 * 1024;
    if (base == Base::Log) {
        spec.blocks = {{0, bat::FullyPresent}, {1, bat::Zero}};
        spec.logGuid = Guid::parse("01234567-89ab-cdef-0123-456789abcdef").value();
        LogEntrySpec e;
        e.sequenceNumber = 10;
        e.data = {{4ull * 1024 * 1024, {}}};
        spec.logEntries = {e};
    } else {
        spec.hasParent = true;
        spec.parentLocator = {{"parent_linkage", "{66666666-7777-8888-9999-aaaaaaaaaaaa}"},
                              {"relative_path", "parent.vhdx"}};
        spec.blocks = {{0, bat::PartiallyPresent}};
        spec.sectorBitmaps = {0};
    }
    return buildImage(spec);
}

std::function<void(BuiltImage&)> flip(std::function<uint64_t(const BuiltImage&)> at) {
    return [at](BuiltImage& b) { b.bytes.at(at(b)) ^= 0xFF; };
}

std::function<void(BuiltImage&)> truncateAt(std::function<uint64_t(const BuiltImage&)> at) {
    return [at](BuiltImage& b) { b.bytes.resize(at(b)); };
}

Expect error(FindingCode code, std::string structure) {
    return {code, std::move(structure), Severity::Error, 1};
}
Expect warning(FindingCode code, std::string structure) {
    return {code, std::move(structure), Severity::Warning, 0};
}
Expect info(FindingCode code, std::string structure) {
    return {code, std::move(structure), Severity::Info, 0};
}
Expect nothing(std::string structure, int exitCode) {
    return {std::nullopt, std::move(structure), Severity::Info, exitCode};
}

std::vector<Case> allCases() {
    std::vector<Case> out;
    addFrontCases(out);
    addRegionCases(out);
    return out;
}

} // namespace vhdx::test::damage
