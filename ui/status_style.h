#pragma once
// Validity as the viewer shows it: one status scale, with its icon, colour and word, shared
// by the structure tree, the findings panel, the verdict page and the header comparison.
// Colours come from the palette: each status keeps its hue and is made dark enough on a
// light palette, light enough on a dark one, for a contrast of at least 4.5:1 (WCAG AA)
// against every background it is drawn on.
#include <QColor>
#include <QGuiApplication>
#include <QIcon>
#include <QPalette>
#include <QString>

#include "vhdx/document/node.h"

namespace vhdx::ui {

inline constexpr double minimumContrast = 4.5;

// The status scale is core's (vhdx::NodeStatus, ordered: larger is worse).
[[nodiscard]] QString statusText(NodeStatus status);
// Text colour for the status, readable on the palette's Base, AlternateBase and Window and on
// markedRowBackground(); invalid for None.
[[nodiscard]] QColor statusColor(NodeStatus status,
                                 const QPalette& palette = QGuiApplication::palette());
// A small painted icon (no image plugin needed): check, i, !, x in a coloured disc.
[[nodiscard]] QIcon statusIcon(NodeStatus status);
// The background of a row marked for attention (headers that differ): the palette's base
// tinted towards amber, on which the palette's Text stays readable.
[[nodiscard]] QColor markedRowBackground(const QPalette& palette = QGuiApplication::palette());
// WCAG 2 contrast ratio of two colours (1 to 21).
[[nodiscard]] double contrastRatio(const QColor& a, const QColor& b);
// The palette is dark (light text on dark backgrounds).
[[nodiscard]] bool isDarkPalette(const QPalette& palette);

} // namespace vhdx::ui
