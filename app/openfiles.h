// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QStringList>

class QWidget;

namespace PatternScope {

class MainWindow;

// Opening files the way a launcher, a drop or File → Open Recent hands them over: several at once, some
// perhaps missing or broken. Each goes through MainWindow::openTrace (a trace, or a browser's HAR).
namespace OpenFiles {

struct Result {
    QList<MainWindow*> windows; // the windows now showing one of the files, in the order of the files
    QStringList failures; // one line per file that did not open: "FILE: reason" or "FILE:LINE: reason"
    QStringList missing; // the files of `failures` that do not exist (any more)
};

// The first file that opens goes into `window`; each further one into a new window of its own, shown,
// placed a little below and right of the one before, deleted when closed. A file that cannot be opened
// is skipped and the others still open. A HAR import the user cancelled is neither opened nor a failure.
Result open(MainWindow* window, const QStringList& paths);

// Tells what did not open: one "patternscope: …" line each on stderr and, over `window` if there is one,
// a message box that does not block.
void report(QWidget* window, const QStringList& failures);

// Whether `path` is something the window opens: a trace (*.jsonl) or a HAR (*.har, or a JSON file whose
// content is one); for accepting a drop before anything is read.
bool isOpenable(const QString& path);

} // namespace OpenFiles

} // namespace PatternScope
