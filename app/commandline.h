// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace PatternScope {

// The commands that run without a window. Each prints errors as one line on stderr.
namespace CommandLine {

// True if the arguments name a command-line subcommand (or ask for help or the version),
// so main() can create a QCoreApplication instead of a QApplication.
bool wantsConsole(int argc, char** argv);
// True if the subcommand draws (export to a picture needs fonts): main() then creates an offscreen
// QGuiApplication rather than a QCoreApplication.
bool wantsGui(int argc, char** argv);
// Runs the subcommand in QCoreApplication::arguments(); returns the process exit code.
int run();

} // namespace CommandLine

} // namespace PatternScope
