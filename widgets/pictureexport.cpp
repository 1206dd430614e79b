// SPDX-License-Identifier: GPL-3.0-or-later
#include "pictureexport.h"

#include "pngrows.h"
#include "sequencepainter.h"

#include <QBuffer>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImage>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>
#include <future>
#include <vector>

namespace PatternScope::PictureExport {

namespace {

constexpr double kColumnWidth = 180.0;
constexpr double kMostColumnWidth = 420.0; // wider labels reach past their lifelines
constexpr double kRulerWidth = SequenceGeometry::ViewRulerWidth;
constexpr double kTopMargin = 24.0;
constexpr double kBottomMargin = 40.0;
// A quiet stretch (arrows may pass through, but nothing starts or ends) taller than this is folded: a
// picture's height, and so the work of drawing it, follows what it shows, not the time it spans.
constexpr double kQuietFoldPixels = 3000.0;
// A PNG is painted a band at a time, each band with this many rows more above and below it, painted and left out:
// what crosses the band's edges and is smaller than this (a label, a note, a fold) is drawn whole, as in the whole
// picture. What is longer (lifelines, arrows, streams, activations) the painter draws from fills, which the edges
// do not change (SequencePainter::setBanded).
constexpr int kBandMargin = 256;
// A PNG's bands hold about this many bytes of pixels.
constexpr qint64 kBandBytes = 16 * 1024 * 1024;
constexpr qint64 kSmallPngPixels = 16'000'000;

// A picture has no zoom control: choose the scale at which typical consecutive messages and notes
// sit a label's height apart. Gaps under 2 ms (a fan-out, a request and its TCP connect) do not count, nor
// messages the picture leaves out (`shown`).
double readableScale(const Trace& trace, bool (*shown)(const Message&))
{
    // Notes count too: a note needs its own line under the arrow that led to it.
    std::vector<TimeUs> times;
    times.reserve(trace.sentOrder().size() + trace.notes().size());
    for (qint64 seq : trace.sentOrder()) {
        if (shown(trace.message(seq)))
            times.push_back(trace.message(seq).sentAt);
    }
    for (const Note& note : trace.notes()) {
        if (note.item < 0)
            times.push_back(note.at);
    }
    std::sort(times.begin(), times.end());
    std::vector<TimeUs> gaps;
    for (size_t i = 1; i < times.size(); ++i) {
        if (times[i] - times[i - 1] >= 2'000)
            gaps.push_back(times[i] - times[i - 1]);
    }
    if (gaps.empty())
        return 120.0;
    std::nth_element(gaps.begin(), gaps.begin() + qsizetype(gaps.size() / 2), gaps.end());
    const double median = double(gaps[gaps.size() / 2]) / 1e6;
    return std::clamp(24.0 / median, 120.0, 3000.0);
}

bool everyMessage(const Message&)
{
    return true;
}

// The application's font under the name of the family it resolves to ("Sans Serif" is only fontconfig's alias
// for one): the name an SVG can pass on to a browser.
QFont pictureFont()
{
    QFont font = QGuiApplication::font();
    font.setFamily(QFontInfo(font).family());
    return font;
}

// The CSS font-family for the SVG: the family, then the generic family a browser without it falls back to
// ("DejaVu Sans, sans-serif"). A name CSS could misread as something else is quoted.
QString cssFontFamily(const QFont& font)
{
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_-]*( [A-Za-z_][A-Za-z0-9_-]*)*$"));
    const QString family = font.family();
    const QString name = plainName.match(family).hasMatch()
        ? family
        : u'\'' + QString(family).replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'")) + u'\'';
    const QString generic = QFontInfo(font).fixedPitch() ? QStringLiteral("monospace") : QStringLiteral("sans-serif");
    return name + QStringLiteral(", ") + generic;
}

// QSvgGenerator names the family alone; the attribute gets the fallback too.
QByteArray withFontFallback(QByteArray svg, const QFont& font)
{
    const QByteArray written = "font-family=\"" + font.family().toHtmlEscaped().toUtf8() + '"';
    const QByteArray wanted = "font-family=\"" + cssFontFamily(font).toHtmlEscaped().toUtf8() + '"';
    return svg.replace(written, wanted);
}

// The diagram of one range, laid out once; pages or a single picture are slices of it.
class Layout {
public:
    Layout(const Trace& trace, const ExportRange& range, const ExportOptions& options)
        : m_font(pictureFont())
        , m_theme(options.theme == ExportOptions::Theme::Window ? Theme::fromPalette(QGuiApplication::palette())
                                                                : Theme::print())
        , m_painter(m_geometry, m_theme)
    {
        const bool textbook = options.detail == DetailLevel::Textbook;
        m_geometry.setTrace(&trace);
        if (textbook)
            m_geometry.setMessageFilter(&Textbook::shown);
        m_painter.setDetail(options.detail);
        m_geometry.setColumns(kRulerWidth, kColumnWidth);
        m_painter.setFont(m_font);
        // Lanes as wide as their notes need (wrapped past a width): a picture elides nothing.
        m_notes.setWrap(true);
        m_painter.setNotesLane(&m_notes);
        m_geometry.setPixelsPerSecond(readableScale(trace, textbook ? &Textbook::shown : &everyMessage));
        m_geometry.foldIdleGaps();
        m_geometry.foldQuietStretches(kQuietFoldPixels);
        const auto lanes = m_painter.notesLane().neededWidths(m_geometry);
        m_geometry.setLanes(lanes.first, lanes.second);
        // Down to where the last arrow of the range arrives, not just to its last send.
        TimeUs end = range.to == NoTime ? trace.endTime() : std::min(range.to, trace.endTime());
        if (range.to != NoTime) {
            for (qint64 seq : trace.messagesSentBetween(range.from, range.to)) {
                const Message& m = trace.message(seq);
                end = std::max(end, m.receivedAt == NoTime ? trace.endTime() : m.receivedAt);
            }
        }
        m_top = m_geometry.timeToY(range.from) - kTopMargin;
        m_bottom = m_geometry.timeToY(end) + kBottomMargin;
        m_painter.setFont(m_font);
        m_painter.setElide(false); // a picture keeps every label whole
        m_painter.setAsOf(trace.endTime());
        // Columns as wide as the labels between them need, and room above for the first ones: a picture
        // never elides a label.
        const QRectF all(0, m_top, width(), m_bottom - m_top);
        const double wanted = m_painter.layOut(all).wantedColumnWidth();
        m_geometry.setColumns(kRulerWidth, std::clamp(wanted, kColumnWidth, kMostColumnWidth));
        // Laid out again at those widths: the layout a PNG's bands keep (prepareBands).
        m_top = std::min(m_top, std::floor(m_painter.layOut(QRectF(0, m_top, width(), m_bottom - m_top)).labelsTop()) - 4.0);
    }

    const QFont& font() const { return m_font; }
    double width() const { return m_geometry.contentWidth() + 16.0; }

    // Wider columns until the diagram is `wanted` wide; never narrower. Text keeps its size.
    void widenTo(double wanted)
    {
        const double ruler = m_geometry.rulerWidth();
        double narrow = m_geometry.columnWidth();
        if (width() >= wanted)
            return;
        // Searched, not computed: the lanes beside the outer lifelines give way as columns widen, so the
        // diagram's width is not one straight line of the columns'.
        double wide = narrow;
        do {
            wide *= 2;
            m_geometry.setColumns(ruler, wide);
        } while (width() < wanted && wide < wanted);
        for (int i = 0; i < 40 && wide - narrow > 0.01; ++i) {
            const double middle = (narrow + wide) / 2;
            m_geometry.setColumns(ruler, middle);
            (width() > wanted ? wide : narrow) = middle;
        }
        m_geometry.setColumns(ruler, narrow);
    }

    double bodyHeight() const { return m_bottom - m_top; }
    double height() const { return SequencePainter::HeaderHeight + bodyHeight(); }

    // Content rows [from, from + rows) under the participant headers, at the painter's origin.
    void paint(QPainter& p, double from, double rows) const
    {
        const double header = SequencePainter::HeaderHeight;
        p.setFont(m_font); // from the first element on: an SVG names no other family
        p.fillRect(QRectF(0, 0, width(), header + rows), m_theme.background);
        p.save();
        p.setClipRect(QRectF(0, header, width(), rows));
        p.translate(0, header - (m_top + from));
        m_painter.paintContent(p, QRectF(0, m_top + from, width(), rows));
        p.restore();
        m_painter.paintRuler(p, m_top + from, header, rows);
        m_painter.paintHeaders(p, 0, width());
    }

    // Before paintRows: the arrows and labels stay where the constructor laid them out for the whole picture (not
    // after widenTo), the stream labels pinned at its top, long lines drawn so that a band's edge does not move them.
    void prepareBands()
    {
        m_painter.setBanded(true);
        m_painter.setPinTop(m_top);
    }

    // Rows [y0, y0 + rows) of the whole picture (the headers, then the content) at the painter's origin. A band
    // painted so has the same pixels as that part of the whole picture except near its top and bottom edges, where
    // what the edges cut is drawn from where they cut it: keep the middle (see kBandMargin).
    void paintRows(QPainter& p, int y0, int rows) const
    {
        const double header = SequencePainter::HeaderHeight;
        p.setFont(m_font);
        // To the last whole pixel: the picture is as wide as width() rounded up.
        p.fillRect(QRectF(0, 0, std::ceil(width()), rows), m_theme.background);
        p.save();
        p.translate(0, -y0);
        const double from = std::max(double(y0), header);
        const double to = std::min(double(y0) + rows, header + bodyHeight());
        if (to > from) {
            p.save();
            p.setClipRect(QRectF(0, header, width(), bodyHeight()));
            p.save();
            p.translate(0, header - m_top);
            m_painter.paintContent(p, QRectF(0, m_top + from - header, width(), to - from));
            p.restore();
            m_painter.paintRuler(p, m_top + from - header, from, to - from);
            p.restore();
        }
        if (y0 < header)
            m_painter.paintHeaders(p, 0, width());
        p.restore();
    }

private:
    QFont m_font;
    SequenceGeometry m_geometry;
    Theme m_theme;
    SequencePainter m_painter;
    NotesLane m_notes;
    double m_top = 0;
    double m_bottom = 0;
};

constexpr int kPdfResolution = 96; // a diagram pixel is a screen pixel: text has its point size on paper

QPageLayout pdfPageLayout()
{
    // Landscape: diagrams are wide. 10 mm margins: what office printers leave blank anyway.
    return QPageLayout(
        QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF(10, 10, 10, 10), QPageLayout::Millimeter);
}

PdfPages pagesFor(Layout& layout)
{
    PdfPages pages;
    pages.printable = pdfPageLayout().paintRectPixels(kPdfResolution).size();
    layout.widenTo(pages.printable.width());
    pages.diagramWidth = layout.width();
    pages.scale = std::min(1.0, pages.printable.width() / pages.diagramWidth);
    pages.rows = pages.printable.height() / pages.scale - SequencePainter::HeaderHeight;
    // Three lines of text: a wrapped label or a note.
    pages.overlap = std::min(pages.rows / 4, 3 * QFontMetricsF(layout.font()).lineSpacing());
    pages.count = 1 + std::max(0, int(std::ceil((layout.bodyHeight() - pages.rows) / (pages.rows - pages.overlap))));
    return pages;
}

bool cancelled(const ExportProgress& progress, double done)
{
    return progress && !progress(done);
}

bool finish(QSaveFile& file, FileError* error)
{
    if (file.commit())
        return true;
    return FileError::fail(
        error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()));
}

bool cancel(FileError* error)
{
    return FileError::fail(error, FileError::Code::Cancelled, QStringLiteral("cancelled"));
}

ExportFormat pictureFormat(const QString& id, const QString& title, Format format)
{
    ExportFormat row;
    row.id = id;
    row.title = title;
    row.suffix = id;
    row.kind = ExportFormat::Kind::Picture;
    row.takesDetail = true;
    row.write = [format](const Trace& trace, const TraceHeader&, const ExportRange& range, const ExportOptions& options,
                    const QString& path, FileError* error, const ExportProgress& progress) {
        return PictureExport::write(trace, range, format, path, error, progress, options);
    };
    return row;
}

} // namespace

bool write(const Trace& trace, const ExportRange& range, Format format, const QString& path, FileError* error,
    const ExportProgress& progress, const ExportOptions& options)
{
    return write(trace, range, format, path, error, progress, options, 0);
}

bool write(const Trace& trace, const ExportRange& range, Format format, const QString& path, FileError* error,
    const ExportProgress& progress, const ExportOptions& options, int pngBandRows)
{
    Layout layout(trace, range, options);
    const QSize size(int(std::ceil(layout.width())), int(std::ceil(layout.height())));
    if (format == Format::Png && std::max(size.width(), size.height()) > MaxPngSide) {
        return FileError::fail(error, FileError::Code::TooLarge,
            QStringLiteral("a PNG of this diagram would be %1 x %2 pixels, over the %3 rows or columns image viewers "
                           "open: export a time range (--from, --to), or SVG or PDF, which have no limit")
                .arg(size.width())
                .arg(size.height())
                .arg(QLocale(QLocale::English, QLocale::UnitedStates).toString(MaxPngSide)));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (cancelled(progress, 0.0))
        return cancel(error);

    switch (format) {
    case Format::Svg: {
        QBuffer drawn;
        drawn.open(QIODevice::WriteOnly);
        QSvgGenerator svg;
        svg.setOutputDevice(&drawn);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QStringLiteral("Sequence diagram"));
        svg.setDescription(QStringLiteral("Drawn by PatternScope from a recorded trace"));
        QPainter painter;
        if (!painter.begin(&svg))
            return FileError::fail(error, FileError::Code::Io, QStringLiteral("cannot draw the SVG"));
        layout.paint(painter, 0, layout.bodyHeight());
        painter.end();
        const QByteArray bytes = withFontFallback(drawn.buffer(), layout.font());
        if (file.write(bytes) != bytes.size())
            return FileError::fail(
                error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        break;
    }
    case Format::Png: {
        // In bands: memory follows the band, not the picture. Two bands in turn: while one is painted, the other is
        // filtered and deflated on a second thread.
        const int bandRows = pngBandRows > 0 ? pngBandRows : int(std::max<qint64>(256, kBandBytes / (4 * size.width())));
        const QSize bandSize(size.width(), std::min(bandRows, size.height()) + 2 * kBandMargin);
        QImage bands[2] = { QImage(bandSize, QImage::Format_ARGB32_Premultiplied),
            QImage(bandSize, QImage::Format_ARGB32_Premultiplied) };
        if (bands[0].isNull() || bands[1].isNull())
            return FileError::fail(error, FileError::Code::TooLarge,
                QStringLiteral("not enough memory for a %1-pixel-wide PNG").arg(size.width()));
        layout.prepareBands();
        PngRows png(&file);
        // A picture for a document is deflated harder; a tall one as fast as zlib goes.
        bool written = png.begin(size, qint64(size.width()) * size.height() <= kSmallPngPixels);
        std::future<bool> compressing;
        const auto compressed = [&compressing, &written] {
            if (compressing.valid())
                written = compressing.get() && written;
            return written;
        };
        for (int y = 0, k = 0; written && y < size.height(); y += bandRows, ++k) {
            const int rows = std::min(bandRows, size.height() - y);
            QImage& band = bands[k % 2];
            QPainter painter(&band);
            painter.setRenderHint(QPainter::TextAntialiasing);
            layout.paintRows(painter, y - kBandMargin, rows + 2 * kBandMargin);
            painter.end();
            if (!compressed())
                break;
            compressing = std::async(std::launch::async, [&png, &band, rows] { return png.write(band, kBandMargin, rows); });
            if (cancelled(progress, 0.99 * y / size.height())) {
                compressed();
                return cancel(error);
            }
        }
        if (!compressed() || !png.finish())
            return FileError::fail(
                error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, png.errorString()));
        break;
    }
    case Format::Pdf: {
        // Each page repeats the participants; the diagram is as wide as a page's printable width (see PdfPages).
        QPdfWriter pdf(&file);
        pdf.setTitle(QStringLiteral("Sequence diagram"));
        pdf.setCreator(QStringLiteral("PatternScope"));
        pdf.setPageLayout(pdfPageLayout());
        pdf.setResolution(kPdfResolution);
        QPainter painter;
        if (!painter.begin(&pdf))
            return FileError::fail(error, FileError::Code::Io, QStringLiteral("cannot draw the PDF"));
        const PdfPages pages = pagesFor(layout);
        for (int i = 0; i < pages.count; ++i) {
            if (i > 0)
                pdf.newPage();
            painter.save();
            painter.scale(pages.scale, pages.scale);
            layout.paint(painter, pages.top(i), std::min(pages.rows, layout.bodyHeight() - pages.top(i)));
            painter.restore();
            if (cancelled(progress, double(i + 1) / pages.count)) {
                painter.end();
                return cancel(error);
            }
        }
        painter.end();
        break;
    }
    }
    if (cancelled(progress, 1.0))
        return cancel(error);
    return finish(file, error);
}

PdfPages pdfPages(const Trace& trace, const ExportRange& range, const ExportOptions& options)
{
    Layout layout(trace, range, options);
    return pagesFor(layout);
}

const QList<ExportFormat>& formats()
{
    static const QList<ExportFormat> formats {
        pictureFormat(QStringLiteral("svg"), QStringLiteral("SVG picture"), Format::Svg),
        pictureFormat(QStringLiteral("png"), QStringLiteral("PNG picture"), Format::Png),
        pictureFormat(QStringLiteral("pdf"), QStringLiteral("PDF document"), Format::Pdf),
    };
    return formats;
}

} // namespace PatternScope::PictureExport
