#pragma once
// Validity as the viewer shows it: one status scale, with its icon, colour and word, shared
// by the structure tree, the findings panel and the header comparison.
#include <QColor>
#include <QIcon>
#include <QString>

#include "vhdx/document/node.h"

namespace vhdx::ui {

// The status scale is core's (vhdx::NodeStatus, ordered: larger is worse).
[[nodiscard]] QString statusText(NodeStatus status);
// Text colour for the status (readable on the default light and dark palettes).
[[nodiscard]] QColor statusColor(NodeStatus status);
// A small painted icon (no image plugin needed): check, i, !, x in a coloured disc.
[[nodiscard]] QIcon statusIcon(NodeStatus status);

} // namespace vhdx::ui
