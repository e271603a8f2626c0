#pragma once
// A tab page that fits a small window (1024x700, or 800x500 logical at scale 2) by
// scrolling, instead of forcing the window's minimum size up to its content's.
#include <QFrame>
#include <QScrollArea>
#include <QVBoxLayout>

namespace vhdx::ui {

// Fills owner with a frameless, resizable scroll area and returns the widget inside it, on
// which the page puts its layout.
inline QWidget* scrollingPage(QWidget* owner) {
    auto* scroll = new QScrollArea(owner);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* inner = new QWidget(scroll);
    scroll->setWidget(inner);
    auto* outer = new QVBoxLayout(owner);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    return inner;
}

} // namespace vhdx::ui
