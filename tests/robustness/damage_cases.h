#pragma once
// The damage matrix: for each structure of an image and each kind of damage, the finding
// (code, structure, severity) the report must carry and the exit code of the contract
// (README). Cases are generated from readable tables in damage_cases_*.cpp.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "image_builder.h"
#include "vhdx/findings.h"

namespace vhdx::test::damage {

enum class Base {
    Log,          // dynamic, 1 MiB blocks, block 0 present, one active log entry
    Differencing, // HasParent with a parent locator, a partially present block and its bitmap
};

struct Expect {
    std::optional<FindingCode> code; // none: no warning/error finding names the structure
    std::string structure;
    Severity severity = Severity::Error;
    int exitCode = 1;
};

struct Case {
    std::string name; // "header1 flip @66"
    Base base = Base::Log;
    std::function<void(BuiltImage&)> damage;
    Expect expect;
};

[[nodiscard]] BuiltImage baseImage(Base base);

// Building blocks for the tables.
std::function<void(BuiltImage&)> flip(std::function<uint64_t(const BuiltImage&)> at);
std::function<void(BuiltImage&)> truncateAt(std::function<uint64_t(const BuiltImage&)> at);

// Expectation shorthands: an error (exit 1), a warning or info alone (exit 0), nothing.
Expect error(FindingCode code, std::string structure);
Expect warning(FindingCode code, std::string structure);
Expect info(FindingCode code, std::string structure);
Expect nothing(std::string structure, int exitCode = 0);

void addFrontCases(std::vector<Case>& out);  // identifier, headers, region tables
void addRegionCases(std::vector<Case>& out); // metadata table and items, BAT, log

[[nodiscard]] std::vector<Case> allCases();

} // namespace vhdx::test::damage
