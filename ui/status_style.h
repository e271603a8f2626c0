#pragma once
// Validity as the viewer shows it: one status scale, with its icon, colour and word, shared
// by the structure tree, the findings panel and the header comparison.
#include <QColor>
#include <QIcon>
#include <QString>

#include "vhdx/findings.h"

namespace vhdx::ui {

// Ordered: a larger value is worse, so max() combines statuses.
enum class NodeStatus { None, Ok, Info, Warning, Error };

[[nodiscard]] NodeStatus statusOf(Severity severity);
[[nodiscard]] QString statusText(NodeStatus status);
// Text colour for the status (readable on the default light and dark palettes).
[[nodiscard]] QColor statusColor(NodeStatus status);
// Soft row tint for problems, invalid QColor for None/Ok.
[[nodiscard]] QColor statusBackground(NodeStatus status);
// A small painted icon (no image plugin needed): check, i, !, x in a coloured disc.
[[nodiscard]] QIcon statusIcon(NodeStatus status);

} // namespace vhdx::ui
