// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "exportformat.h"
#include "exports.h"

#include <QSizeF>

namespace PatternScope {

// The diagram as a picture, drawn by the same painter as the view: the whole trace or a time range,
// everything that happened in it shown as arrived (or lost). Nothing is silently cropped: SVG grows
// to fit, PDF continues on as many pages as it needs (the participants repeated at the top of each),
// and a PNG too large for memory is refused with the reason.
namespace PictureExport {

enum class Format { Svg, Png, Pdf };

// A PNG is painted and compressed a band at a time, so its size is not bound by this process's memory. Its height
// and width are bound by what PNG readers open: libpng, under most image viewers and Qt, refuses more than a million
// rows or columns by default.
constexpr int MaxPngSide = 1'000'000;

// Writes atomically: on failure or cancel the file at `path` is left as it was. Fails with Cancelled,
// TooLarge (a PNG taller or wider than MaxPngSide, or a band wider than the memory there is) or Io. Drawn in Theme::print() unless
// `options` ask for the window's theme (the application's palette). At the Textbook detail level the picture
// leaves out what Textbook::shown hides and says the rest in the textbook's words.
bool write(const Trace& trace, const ExportRange& range, Format format, const QString& path, FileError* error,
    const ExportProgress& progress = {}, const ExportOptions& options = {});
// The same, a PNG painted in bands of `pngBandRows` rows (0: as many as fit 16 MB): for the tests that check any
// band height gives the same picture.
bool write(const Trace& trace, const ExportRange& range, Format format, const QString& path, FileError* error,
    const ExportProgress& progress, const ExportOptions& options, int pngBandRows);

// How a PDF export lays the diagram on its pages (A4 landscape, 10 mm margins), in pixels at 96 per inch. A
// diagram narrower than a page's printable width gets wider columns to fill it, its text keeping its size (scaled
// up instead, two participants would have 20-point labels and a third of the time on a page); a wider one is
// scaled down to fit. Then as many pages as its height takes, each with the participants at its top, and each
// repeating the last few rows of the one before, so a label that a page break cuts is whole on the next page.
struct PdfPages {
    QSizeF printable; // one page's printable area
    double diagramWidth = 0; // the diagram as laid out for these pages
    double scale = 1; // diagram pixels to page pixels
    double rows = 0; // diagram rows under the participants per page
    double overlap = 0; // rows a page repeats from the end of the one before
    int count = 0;

    // The first diagram row (under the participants) on page `page`, from 0.
    double top(int page) const { return page * (rows - overlap); }
};
PdfPages pdfPages(const Trace& trace, const ExportRange& range, const ExportOptions& options = {});

// The rows of the export format table for SVG, PNG and PDF.
const QList<ExportFormat>& formats();

} // namespace PictureExport

} // namespace PatternScope
