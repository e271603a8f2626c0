#pragma once
// Builder images for chain tests (--chains, --set-parent): small bases and differencing
// children linked by DataWriteGuid and found by relative_path, written into folders.
#include <QString>

#include <string>

#include "image_builder.h"

namespace vhdx::test {

// "0000000<n>-0000-4000-8000-000000000000": readable GUIDs for the cases.
[[nodiscard]] Guid chainGuid(int n);
// "{guid}", as parent_linkage holds it.
[[nodiscard]] std::string braced(const Guid& g);

// A dynamic disk: 64 MiB virtual, 1 MiB blocks, DataWriteGuid dataWriteGuid (4 MiB sparse file).
[[nodiscard]] ImageSpec baseImage(const Guid& dataWriteGuid);
// A differencing disk of the same geometry made from the parent whose DataWriteGuid was
// parentDataWriteGuid, its relative_path as given ("" for none).
[[nodiscard]] ImageSpec childImage(const Guid& dataWriteGuid, const Guid& parentDataWriteGuid,
                                   const std::string& relativePath);

// Writes the image into dir/relativePath, creating subfolders; the path, or "" on failure.
[[nodiscard]] QString writeSpec(const QString& dir, const QString& relativePath,
                                const ImageSpec& spec);

} // namespace vhdx::test
