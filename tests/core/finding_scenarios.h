#pragma once
// For each finding code name, a scenario that builds (or writes into dir and opens) an image
// producing that code.
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core_test_helpers.h"

namespace vhdx::test {

using Scenario = std::function<std::unique_ptr<Image>(const QString& dir)>;
[[nodiscard]] const std::map<std::string, Scenario>& findingScenarios();

} // namespace vhdx::test
