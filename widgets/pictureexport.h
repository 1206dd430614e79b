// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exportformat.h"
#include "exports.h"

namespace PatternScope {

// The diagram as a picture, drawn by the same painter as the view: the whole trace or a time range,
// everything that happened in it shown as arrived (or lost). Nothing is silently cropped: SVG grows
// to fit, PDF continues on as many pages as it needs (the participants repeated at the top of each),
// and a PNG too large for memory is refused with the reason.
namespace PictureExport {

enum class Format { Svg, Png, Pdf };

constexpr qint64 MaxPngPixels = 120'000'000; // about 480 MB at 4 bytes a pixel

// Writes atomically: on failure or cancel the file at `path` is left as it was. Fails with Cancelled,
// TooLarge (a PNG over MaxPngPixels or over the memory there is) or Io. Drawn in Theme::print() unless
// `options` ask for the window's theme (the application's palette).
bool write(const Trace& trace, const ExportRange& range, Format format, const QString& path, FileError* error,
    const ExportProgress& progress = {}, const ExportOptions& options = {});

// The rows of the export format table for SVG, PNG and PDF.
const QList<ExportFormat>& formats();

} // namespace PictureExport

} // namespace PatternScope
