#pragma once
// What the chain forest's source files share (not part of the public API).
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "vhdx/chain_forest.h"

namespace vhdx::detail {

// The .vhdx/.avhdx files below a folder (names compared case-insensitively), relative to it,
// in path order. Directories are not followed through symlinks; a symlink to a file is listed.
struct FolderListing {
    std::vector<std::string> files; // at most maxImages: the first ones in path order
    size_t filesPastLimit = 0;      // further matching files, not listed
    std::vector<std::pair<std::string, std::string>> unreadableDirectories; // path, reason
};

// False with error set when the folder itself cannot be read. Memory stays O(maxImages)
// however many files the folder holds.
[[nodiscard]] bool listImageFiles(const std::string& folder, bool recursive, size_t maxImages,
                                  FolderListing& out, std::string& error);

// Adds the CHAIN_* findings of a mapped forest (chain_findings.cpp).
void addChainFindings(ChainForest& forest, const FolderListing& listing);

} // namespace vhdx::detail
