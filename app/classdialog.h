// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace PatternScope {

class MainWindow;

// File > Serve to a class…: which pattern, who can join (this machine's networks, or only this machine), on
// which port and within which limits; then the window serves the pattern with the parameters its panel
// shows, and each student who joins from the join page becomes a lifeline. The window form of
// `patternscope serve PATTERN --lan`.
void askServeToClass(MainWindow* window);

} // namespace PatternScope
