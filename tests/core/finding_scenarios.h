#pragma once
// For each finding code name, a scenario that builds (or writes into dir and opens) an image
// producing that code; for the codes of the chains of a folder (CHAIN_*), a scenario that
// writes a folder into dir and maps it.
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core_test_helpers.h"

namespace vhdx::test {

using Scenario = std::function<std::unique_ptr<Image>(const QString& dir)>;
[[nodiscard]] const std::map<std::string, Scenario>& findingScenarios();

// The findings of the folder's forest (empty when the folder could not be written or mapped).
using FolderScenario = std::function<ChainFindings(const QString& dir)>;
[[nodiscard]] const std::map<std::string, FolderScenario>& folderScenarios();

} // namespace vhdx::test
