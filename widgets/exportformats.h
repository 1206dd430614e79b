// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exportformat.h"

#include <QList>
#include <QStringList>
#include <QStringView>

// The export format table, assembled in one place for `patternscope export` and File → Export…:
// the text formats of the files layer, then the pictures drawn by the view's painter. It lives here
// because the pictures need QtGui's painter, which the files layer does not link.
namespace PatternScope::ExportFormats {

// Every format, in the order the dialog lists them and the command line names them.
const QList<ExportFormat>& all();
// The format whose id is `id` (as --format takes it), or nullptr.
const ExportFormat* find(QStringView id);
// Every id, in order.
QStringList ids();

} // namespace PatternScope::ExportFormats
