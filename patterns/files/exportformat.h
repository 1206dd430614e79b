// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exports.h"

#include <QList>
#include <QString>
#include <functional>

namespace PatternScope {

// One way to export a trace, as `patternscope export --format` and File → Export… both offer it.
// The formats are one table (ExportFormats::all() in the widgets layer) so that the command line and
// the dialog cannot disagree about which formats exist or how each is written.
struct ExportFormat {
    enum class Kind { Text, Picture, Video };

    // Writes the export of `range` to the file at `path`, whole or not at all: after a failure or a
    // cancel the file is as it was.
    using Writer = std::function<bool(const Trace& trace, const TraceHeader& header, const ExportRange& range,
        const ExportOptions& options, const QString& path, FileError* error, const ExportProgress& progress)>;
    // Cuts a range whose export fails as TooLarge into consecutive ranges that each fit.
    using Splitter
        = std::function<QList<ExportRange>(const Trace& trace, const ExportRange& range, const ExportOptions& options)>;

    QString id; // what --format takes: "mermaid"
    QString title; // what the dialog lists: "Mermaid sequence diagram"
    QString suffix; // the file name's ending, without the dot: "mmd"
    Kind kind = Kind::Text;
    bool takesRange = true; // false: always the whole trace; --from and --to are refused
    bool takesDetail = false; // a diagram, drawn at ExportOptions::detail; false: --detail is refused
    Writer write;
    Splitter split; // empty: the format has no size limit
};

namespace Export {

// The formats this layer writes, all text: Mermaid, PlantUML, CSV, HAR. Pictures need a painter,
// so the widgets layer adds them (PictureExport::formats()).
const QList<ExportFormat>& textFormats();

} // namespace Export

} // namespace PatternScope
