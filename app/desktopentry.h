// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QIcon>
#include <QString>

namespace PatternScope::DesktopEntry {

// The application id: the name of the .desktop file, the AppStream component and the icon
// (resources/org.patternscope.PatternScope.*).
QString id();

// The app's icon: the installed theme's if there is one (a desktop's icon theme may restyle it), else the
// one compiled into the app from resources/ (patternscope.qrc), in every size it is drawn at.
QIcon icon();

// Ties the running window application to its launcher entry: the desktop file name (Wayland's app id, what
// a taskbar matches windows against) and the icon every window and dialog shows.
void apply();

} // namespace PatternScope::DesktopEntry
