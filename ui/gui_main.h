#pragma once
// Entry point of the GUI (ui library), called by app/main.cpp.
#include <string>
#include <vector>

namespace vhdx::ui {

// Creates the QApplication, opens one main window per file (or an empty one), runs the loop.
int runGui(int argc, char** argv, const std::vector<std::string>& files);

} // namespace vhdx::ui
