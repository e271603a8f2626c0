#pragma once
// The reports of --chains: the forest drawn as an indented tree with statuses (text), or its
// nodes, edges and findings (JSON, stable snake_case keys; README "Chains of a folder").
#include <string>

namespace vhdx {

struct ChainForest;

[[nodiscard]] std::string chainsJson(const ChainForest& forest);
[[nodiscard]] std::string chainsText(const ChainForest& forest);
// 0 = no error finding, 1 = at least one.
[[nodiscard]] int exitCodeFor(const ChainForest& forest);

} // namespace vhdx
