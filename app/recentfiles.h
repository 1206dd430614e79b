// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace PatternScope::RecentFiles {

// File → Open Recent: the traces and HAR files opened last, newest first, kept in QSettings (files/recent)
// so every window and the next start share them.
constexpr int maxCount = 10;

QStringList paths();
// Puts `path` (made absolute) first; an older entry for the same file goes, the list keeps maxCount.
void add(const QString& path);
void remove(const QString& path);
void clear();

} // namespace PatternScope::RecentFiles
