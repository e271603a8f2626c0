#pragma once
// What the set-parent's source files share (not part of the public API).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vhdx/set_parent.h"

namespace vhdx {
struct ParentLocator;
}

namespace vhdx::detail {

struct NewLocator {
    std::vector<std::pair<std::string, std::string>> entries; // in item order
    std::vector<LocatorChange> changes;
};

// The locator CHILD gets, in the order Hyper-V writes its keys: parent_linkage (kept),
// absolute_win32_path and relative_path (to PARENT), parent_linkage2 (kept when present), then
// any other key kept as it was; volume_path is dropped. Paths canonical. nullopt + why when no
// relative path exists.
[[nodiscard]] std::optional<NewLocator> newLocatorFor(const ParentLocator& old,
                                                      const std::string& childCanonical,
                                                      const std::string& parentCanonical,
                                                      std::string& why);

// "Set-VHD -Path '...' -ParentPath '...'"; windowsPathsKnown tells whether both paths could be
// given in Windows form (a WSL drive mount), else they are this machine's.
[[nodiscard]] std::string setVhdCommand(const std::string& childCanonical,
                                        const std::string& parentCanonical,
                                        bool& windowsPathsKnown);

} // namespace vhdx::detail
