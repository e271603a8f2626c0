// The parent locator the set-parent writes (MS-VHDX 2.6.2.6.3), in the key order of Hyper-V's
// own writer (parent_linkage, absolute_win32_path, relative_path, volume_path,
// parent_linkage2), and the Set-VHD line that does the same on Windows.
#include <set>

#include "set_parent_internal.h"
#include "vhdx/metadata.h"
#include "vhdx/windows_paths.h"

namespace vhdx::detail {

std::optional<NewLocator> newLocatorFor(const ParentLocator& old, const std::string& childCanonical,
                                        const std::string& parentCanonical, std::string& why) {
    const auto relative = windowsRelativePath(childCanonical, parentCanonical);
    if (!relative) {
        why = "no relative path leads from the child's folder to the parent";
        return std::nullopt;
    }
    NewLocator out;
    auto keep = [&](const char* key) {
        if (const std::string* v = old.value(key))
            out.entries.emplace_back(key, *v);
    };
    keep("parent_linkage");
    out.entries.emplace_back("absolute_win32_path", windowsAbsolutePath(parentCanonical));
    out.entries.emplace_back("relative_path", *relative);
    keep("parent_linkage2");
    const std::set<std::string> known = {"parent_linkage", "parent_linkage2", "relative_path",
                                         "volume_path", "absolute_win32_path"};
    for (const ParentLocatorEntry& e : old.entries)
        if (!known.count(e.key))
            out.entries.emplace_back(e.key, e.value); // another writer's key: not ours to drop

    std::set<std::string> seen;
    for (const auto& [key, value] : out.entries) {
        seen.insert(key);
        const std::string* before = old.value(key);
        if (!before || *before != value)
            out.changes.push_back({key, before ? std::optional(*before) : std::nullopt, value});
    }
    for (const ParentLocatorEntry& e : old.entries)
        if (seen.insert(e.key).second) // dropped: volume_path
            out.changes.push_back({e.key, e.value, std::nullopt});
    return out;
}

std::string setVhdCommand(const std::string& childCanonical, const std::string& parentCanonical,
                          bool& windowsPathsKnown) {
    windowsPathsKnown = hasWindowsDrive(childCanonical) && hasWindowsDrive(parentCanonical);
    auto path = [&](const std::string& p) {
        return powershellQuoted(windowsPathsKnown ? windowsAbsolutePath(p) : p);
    };
    return "Set-VHD -Path " + path(childCanonical) + " -ParentPath " + path(parentCanonical);
}

} // namespace vhdx::detail
