// SPDX-License-Identifier: GPL-3.0-or-later
#include "exchanges.h"
#include "pictureexport.h"
#include "pictures.h"
#include "sequencepainter.h"
#include "theme.h"
#include "tracefiles.h"

#include <QDir>
#include <QFile>
#include <QFontInfo>
#include <QGuiApplication>
#include <QImage>
#include <QImageReader>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <cmath>

using namespace PatternScope;
using namespace PatternScope::Test;
using PictureExport::Format;

namespace {

// The colour of every text in an SVG that QSvgGenerator wrote (<text fill="#rrggbb" ...>).
QStringList textFills(const QString& svg)
{
    QStringList fills;
    QRegularExpressionMatchIterator it
        = QRegularExpression(QStringLiteral("<text fill=\"(#[0-9a-f]{6})\"")).globalMatch(svg);
    while (it.hasNext())
        fills.append(it.next().captured(1));
    fills.removeDuplicates();
    return fills;
}

// WCAG 2 contrast ratio against white.
double contrastOnWhite(const QColor& c)
{
    const auto linear = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    const double l = 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
    return 1.05 / (l + 0.05);
}

// Where the paper of a PDF's first page is drawn, in points: the page's width (MediaBox) and the left and right
// edges of the first rectangle filled (the diagram's background), from the page's content stream as Qt writes it
// (zlib-compressed, a base matrix from pixels to points, the diagram's scale if not 1, then "x y w h re").
struct PdfPaper {
    double pageWidth = 0;
    double left = 0;
    double right = 0;
};

PdfPaper firstPagePaper(const QByteArray& pdf)
{
    PdfPaper paper;
    const QRegularExpression mediaBox(QStringLiteral("/MediaBox \\[0 0 ([\\d.]+) [\\d.]+\\]"));
    paper.pageWidth = mediaBox.match(QString::fromLatin1(pdf)).captured(1).toDouble();
    const QRegularExpression base(QStringLiteral("([\\d.]+) 0 0 -[\\d.]+ ([\\d.]+) [\\d.]+ cm"));
    const QRegularExpression rect(QStringLiteral("(-?[\\d.]+) -?[\\d.]+ ([\\d.]+) [\\d.]+ re"));
    for (qsizetype at = pdf.indexOf("stream\n"); at >= 0; at = pdf.indexOf("stream\n", at + 1)) {
        const qsizetype begin = at + 7;
        const qsizetype end = pdf.indexOf("endstream", begin);
        if (end < 0 || pdf.mid(at - 3, 3) == "end")
            continue;
        QByteArray packed(4, '\0');
        qToBigEndian(quint32((end - begin) * 20), packed.data());
        const QString content = QString::fromLatin1(qUncompress(packed + pdf.mid(begin, end - begin)));
        const QRegularExpressionMatch matrix = base.match(content);
        const QRegularExpressionMatch fill = rect.match(content, matrix.capturedEnd());
        if (!matrix.hasMatch() || !fill.hasMatch())
            continue;
        double scale = matrix.captured(1).toDouble();
        // A diagram scaled down to the page: its own scale between the base matrix and the paper.
        const QRegularExpressionMatch scaled
            = QRegularExpression(QStringLiteral("([\\d.]+) 0 0 [\\d.]+ 0 0 cm")).match(content, matrix.capturedEnd());
        if (scaled.hasMatch() && scaled.capturedStart() < fill.capturedStart())
            scale *= scaled.captured(1).toDouble();
        paper.left = matrix.captured(2).toDouble() + scale * fill.captured(1).toDouble(); // x is 0 anyway
        paper.right = paper.left + scale * fill.captured(2).toDouble();
        return paper;
    }
    return paper;
}

// Pixels darker than any fill or line of the print theme: text.
qsizetype darkPixels(const QImage& image)
{
    qsizetype n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            n += qGray(image.pixel(x, y)) < 40;
    }
    return n;
}

} // namespace

class TestPictureExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // Writes the trace (or a range of it) as a picture into the scratch folder; the file's path, or
    // empty (with a warning that says why) when the export failed.
    QString written(const Trace& trace, Format format, const QString& name, const ExportRange& range = {},
        const ExportOptions& options = {})
    {
        const QString path = m_dir.filePath(name);
        FileError error;
        if (PictureExport::write(trace, range, format, path, &error, {}, options))
            return path;
        qWarning("export failed: %s", qPrintable(error.message));
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QImageReader::setAllocationLimit(1024); // MB: the dense fixtures' pictures are tall
    }
    void cleanup() { QGuiApplication::setPalette(Theme::windowPalette(Theme::Scheme::Light)); }

    // The window is dark, yet a picture is drawn for paper: white behind, and every text in a colour that reads
    // on white. Not a copy of the dark window with its colours inverted: the colours SVG names are checked.
    void printThemeWhateverTheWindowsTheme()
    {
        QGuiApplication::setPalette(Theme::windowPalette(Theme::Scheme::Dark));
        Trace trace;
        fillExchanges(trace, 6, 300'000);
        const QString svgPath = written(trace, Format::Svg, QStringLiteral("print.svg"));
        QVERIFY(!svgPath.isEmpty());
        const QString svg = QString::fromUtf8(readFile(svgPath));
        const QStringList texts = textFills(svg);
        QVERIFY2(texts.size() >= 3, qPrintable(texts.join(u' '))); // names, labels, ruler
        QVERIFY2(texts.contains(QStringLiteral("#000000")), qPrintable(texts.join(u' ')));
        for (const QString& fill : texts)
            QVERIFY2(contrastOnWhite(QColor(fill)) >= 4.5, qPrintable(fill));
        // The first thing painted is the paper.
        const QRegularExpressionMatch first = QRegularExpression(QStringLiteral("fill=\"(#[0-9a-f]{6})\"")).match(svg);
        QCOMPARE(first.captured(1), QStringLiteral("#ffffff"));

        const QImage png(written(trace, Format::Png, QStringLiteral("print.png")));
        QVERIFY(!png.isNull());
        QCOMPARE(png.pixelColor(png.width() - 1, png.height() - 1), QColor(Qt::white));
        QCOMPARE(png.pixelColor(png.width() / 2, png.height() - 2), QColor(Qt::white));
        QVERIFY2(darkPixels(png) > 50, qPrintable(QString::number(darkPixels(png)))); // black text
    }

    // Asked to keep the window's theme, a dark window's picture is dark.
    void windowThemeIsKeptWhenAskedFor()
    {
        QGuiApplication::setPalette(Theme::windowPalette(Theme::Scheme::Dark));
        const QColor base = QGuiApplication::palette().color(QPalette::Base);
        Trace trace;
        fillExchanges(trace, 6, 300'000);
        ExportOptions window;
        window.theme = ExportOptions::Theme::Window;
        const QImage png(written(trace, Format::Png, QStringLiteral("window.png"), {}, window));
        QVERIFY(!png.isNull());
        QCOMPARE(png.pixelColor(png.width() - 1, png.height() - 1), base);
        const QString svgPath = written(trace, Format::Svg, QStringLiteral("window.svg"), {}, window);
        QVERIFY(!svgPath.isEmpty());
        const QString svg = QString::fromUtf8(readFile(svgPath));
        QVERIFY(!textFills(svg).contains(QStringLiteral("#000000")));
        QVERIFY(textFills(svg).contains(QGuiApplication::palette().color(QPalette::Text).name()));
    }

    void svgHasTheWholeDiagram()
    {
        Trace trace;
        fillExchanges(trace, 20, 400'000);
        const QString path = written(trace, Format::Svg, QStringLiteral("d.svg"));
        QVERIFY(!path.isEmpty());
        const QByteArray svg = readFile(path);
        QVERIFY(svg.contains("<svg"));
        QVERIFY(svg.contains(">Client<") && svg.contains(">Server<"));
        QVERIFY(svg.contains(">GET /work/0<") && svg.contains(">GET /work/19<")); // first and last: nothing cropped
        // A range is a shorter picture with only its own arrows.
        const QString part = written(trace, Format::Svg, QStringLiteral("part.svg"), { 0, 2'000'000 });
        QVERIFY(!part.isEmpty());
        const QByteArray partial = readFile(part);
        QVERIFY(partial.contains(">GET /work/4<"));
        QVERIFY(!partial.contains(">GET /work/19<"));
        const auto height = [](const QByteArray& data) {
            return QRegularExpression(QStringLiteral("height=\"(\\d+)"))
                .match(QString::fromUtf8(data))
                .captured(1)
                .toInt();
        };
        QVERIFY(height(partial) > 0);
        QVERIFY(height(partial) < height(svg));
    }

    // Browsers read font-family as CSS: "Sans Serif" is no generic family there (they would fall back to a
    // serif). The SVG names the family the text was measured with, then the generic fallback.
    void svgNamesARealFontFamilyAndAFallback()
    {
        Trace trace;
        fillExchanges(trace, 3, 400'000);
        const QString path = written(trace, Format::Svg, QStringLiteral("font.svg"));
        QVERIFY(!path.isEmpty());
        const QString svg = QString::fromUtf8(readFile(path));
        QSet<QString> families;
        QRegularExpressionMatchIterator it
            = QRegularExpression(QStringLiteral("font-family=\"([^\"]*)\"")).globalMatch(svg);
        while (it.hasNext())
            families.insert(it.next().captured(1));
        QCOMPARE(families.size(), 1);
        const QString family = *families.cbegin();
        QVERIFY2(family.endsWith(QLatin1String(", sans-serif")), qPrintable(family));
        const QString named = family.chopped(int(qstrlen(", sans-serif")));
        QVERIFY2(named != QLatin1String("Sans Serif") && !named.isEmpty(), qPrintable(family));
        QCOMPARE(named, QFontInfo(QGuiApplication::font()).family()); // DejaVu Sans where CI runs
    }

    void pngIsThePaintedDiagram()
    {
        Trace trace;
        fillExchanges(trace, 10, 300'000);
        const QString path = written(trace, Format::Png, QStringLiteral("d.png"));
        QVERIFY(!path.isEmpty());
        const QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 400 && image.height() >= 300);
        const qsizetype colours = distinctColours(image, 3);
        QVERIFY2(colours > 10, qPrintable(QString::number(colours)));
    }

    // A PNG is painted and deflated a band at a time: however tall the bands, the same picture. The recorded dense
    // scenes have what crosses a band's edge: long held polls, streams, dashed answers, notes and their leaders, ruler
    // labels; 97 rows is no multiple of any dash pattern. Both themes, both detail levels.
    void pngBandsMakeOnePicture_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<bool>("textbook");
        const QStringList fixtures = QDir(QStringLiteral(PATTERNSCOPE_TEST_DATA))
                                         .entryList({ QStringLiteral("*.pstrace.jsonl") }, QDir::Files, QDir::Name);
        QVERIFY(fixtures.size() >= 7);
        for (const QString& name : fixtures) {
            QTest::newRow(qPrintable(name + QStringLiteral(" wire"))) << name << false;
            QTest::newRow(qPrintable(name + QStringLiteral(" textbook"))) << name << true;
        }
    }

    void pngBandsMakeOnePicture()
    {
        QFETCH(QString, fixture);
        QFETCH(bool, textbook);
        Trace trace;
        QCOMPARE(readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/") + fixture, &trace), QString());
        ExportOptions options;
        options.detail = textbook ? DetailLevel::Textbook : DetailLevel::Wire;
        QImage pictures[2];
        const int bands[2] = { 1 << 30, 97 };
        for (int i = 0; i < 2; ++i) {
            const QString path = m_dir.filePath(QStringLiteral("bands-%1.png").arg(bands[i]));
            FileError error;
            QVERIFY2(PictureExport::write(trace, {}, Format::Png, path, &error, {}, options, bands[i]),
                qPrintable(error.message));
            QVERIFY(pictures[i].load(path));
        }
        const QImage& whole = pictures[0];
        const QImage& banded = pictures[1];
        QVERIFY2(whole.height() > 3 * 97, qPrintable(QString::number(whole.height())));
        QCOMPARE(banded.size(), whole.size());
        QVERIFY2(distinctColours(whole, 3) > 10, "a picture, not a blank");
        int differing = 0;
        QPoint first;
        for (int y = 0; y < whole.height(); ++y) {
            const auto* a = reinterpret_cast<const QRgb*>(whole.constScanLine(y));
            const auto* b = reinterpret_cast<const QRgb*>(banded.constScanLine(y));
            for (int x = 0; x < whole.width(); ++x) {
                if (a[x] != b[x] && differing++ == 0)
                    first = QPoint(x, y);
            }
        }
        QVERIFY2(differing == 0,
            qPrintable(QStringLiteral("%1 pixels differ, the first at (%2, %3)").arg(differing).arg(first.x()).arg(first.y())));
        // The last column, in the margin beyond the notes, is paper or a grid line crossing it: it was left unpainted
        // (black in a whole picture, leftovers of the band before in a band).
        for (int y = 0; y < whole.height(); ++y)
            QVERIFY2(qGray(whole.pixel(whole.width() - 1, y)) > 200, qPrintable(QString::number(y)));
    }

    void aLongDiagramGoesOnOverPdfPages()
    {
        Trace trace;
        fillExchanges(trace, 400, 500'000); // 200 s: far more than one page
        const QString path = m_dir.filePath(QStringLiteral("d.pdf"));
        FileError error;
        QList<double> progress;
        QVERIFY2(PictureExport::write(trace, {}, Format::Pdf, path, &error,
                     [&](double done) {
                         progress.append(done);
                         return true;
                     }),
            qPrintable(error.message));
        const QByteArray pdf = readFile(path);
        QVERIFY(pdf.startsWith("%PDF"));
        const qsizetype pages = pdf.count("/Type /Page\n") + pdf.count("/Type /Page ") + pdf.count("/Type/Page\n");
        QVERIFY2(pages > 5, qPrintable(QString::number(pages)));
        QCOMPARE(pages, qsizetype(PictureExport::pdfPages(trace, {}).count));
        QVERIFY(progress.size() > 5);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        QCOMPARE(progress.last(), 1.0);
    }

    // The diagram uses a page's printable width: narrower, its columns widen and its text keeps its size; wider,
    // it is scaled down to fit. Checked on what the PDF draws, not only on the plan.
    void pdfUsesThePagesWidth_data()
    {
        QTest::addColumn<int>("participants");
        QTest::addColumn<bool>("notes"); // lanes beside the outer lifelines, which give way as columns widen
        QTest::addRow("two") << 2 << false;
        QTest::addRow("two, notes beside") << 2 << true;
        QTest::addRow("three") << 3 << false;
        QTest::addRow("twelve, wider than a page") << 12 << false;
    }

    void pdfUsesThePagesWidth()
    {
        QFETCH(int, participants);
        QFETCH(bool, notes);
        Trace trace;
        fillExchanges(trace, 30, 400'000);
        if (notes) {
            // Their lanes reach past the outer half columns at first, not once the columns are wider.
            trace.addNote(0, QStringLiteral("receiver down"), 1'000'000);
            trace.addNote(1, QStringLiteral("connection refused"), 2'000'000);
        }
        for (int i = 2; i < participants; ++i) {
            const int extra = trace.addParticipant(QStringLiteral("Peer %1").arg(i), Participant::Role::Client);
            trace.completeMessage(trace.addMessage(makeMessage(extra, 1, Message::Kind::HttpRequest,
                                      QStringLiteral("GET /peer/%1").arg(i), i * 10'000)),
                i * 10'000 + 200'000);
        }
        const PictureExport::PdfPages pages = PictureExport::pdfPages(trace, {});
        QVERIFY(pages.printable.width() > 900 && pages.printable.height() > 600); // A4 landscape at 96 per inch
        const double used = pages.diagramWidth * pages.scale;
        QVERIFY2(used > 0.98 * pages.printable.width() && used <= pages.printable.width() + 0.5,
            qPrintable(QStringLiteral("%1 of %2").arg(used).arg(pages.printable.width())));
        // Each page repeats a few rows of the one before, never so many that pages barely advance.
        QVERIFY2(pages.overlap >= 30 && pages.overlap < pages.rows / 4, qPrintable(QString::number(pages.overlap)));
        QCOMPARE(pages.top(1), pages.rows - pages.overlap);
        if (participants <= 3)
            QCOMPARE(pages.scale, 1.0); // widened, not magnified: the text keeps its size
        else
            QVERIFY(pages.scale < 1.0);

        const QString path = written(trace, Format::Pdf, QStringLiteral("wide%1.pdf").arg(participants));
        QVERIFY(!path.isEmpty());
        const PdfPaper paper = firstPagePaper(readFile(path));
        QVERIFY2(paper.pageWidth > 800, qPrintable(QString::number(paper.pageWidth))); // 842 pt
        const double margin = 10 / 25.4 * 72; // 10 mm in points
        const QString where
            = QStringLiteral("paper from %1 to %2 pt of %3").arg(paper.left).arg(paper.right).arg(paper.pageWidth);
        QVERIFY2(std::abs(paper.left - margin) < 1.0, qPrintable(where));
        QVERIFY2(std::abs(paper.right - (paper.pageWidth - margin)) < 0.02 * paper.pageWidth, qPrintable(where));
        QVERIFY2(paper.right <= paper.pageWidth - margin + 1.0, qPrintable(where));
    }

    // The ruler's ticks over a folded span: as many as fit in what is drawn, not one per step of the hidden time.
    void ticksSkipWhatAFoldHides()
    {
        constexpr TimeUs year = 365LL * 24 * 3600 * 1'000'000;
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        trace.completeMessage(
            trace.addMessage(makeMessage(a, b, Message::Kind::HttpRequest, QStringLiteral("x"), 0)), 10'000);
        trace.completeMessage(
            trace.addMessage(makeMessage(b, a, Message::Kind::HttpResponse, QStringLiteral("y"), 300 * year)),
            300 * year + 10'000);
        SequenceGeometry geometry;
        geometry.setTrace(&trace);
        geometry.setPixelsPerSecond(120); // a tick a second
        geometry.foldIdleGaps();
        QCOMPARE(geometry.folds().size(), size_t(1));
        const Theme theme = Theme::fromPalette(QGuiApplication::palette());
        const SequencePainter painter(geometry, theme);
        const double height = geometry.contentHeight(trace.endTime());
        QVERIFY2(height < 400, qPrintable(QString::number(height)));
        const std::vector<TimeUs> ticks = painter.ticks(0, height);
        // 0 s and 1 s before the fold, 300 years and a second after it; none inside.
        QVERIFY2(ticks.size() >= 2 && ticks.size() <= 6, qPrintable(QString::number(ticks.size())));
        for (const TimeUs t : ticks)
            QVERIFY(!geometry.foldAt(t));
        QVERIFY(ticks.back() >= 300 * year);
    }

    // Two messages 300 years apart, and one that takes 300 years to arrive: every picture format is written,
    // and its height follows what is drawn, not the centuries between.
    void aSpanOfCenturiesIsDrawnAsWhatHappened_data()
    {
        QTest::addColumn<bool>("slowArrow");
        QTest::addRow("idle centuries") << false;
        QTest::addRow("an arrow on its way for centuries") << true;
    }

    void aSpanOfCenturiesIsDrawnAsWhatHappened()
    {
        QFETCH(bool, slowArrow);
        constexpr TimeUs year = 365LL * 24 * 3600 * 1'000'000;
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("Browser"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        trace.completeMessage(
            trace.addMessage(makeMessage(a, b, Message::Kind::HttpRequest, QStringLiteral("GET /then"), 0)),
            slowArrow ? 300 * year : 10'000);
        trace.completeMessage(
            trace.addMessage(makeMessage(b, a, Message::Kind::HttpResponse, QStringLiteral("200 OK"), 300 * year)),
            300 * year + 10'000);
        const QString svgPath = written(trace, Format::Svg, QStringLiteral("centuries.svg"));
        QVERIFY(!svgPath.isEmpty());
        const QByteArray svg = readFile(svgPath);
        QVERIFY(svg.contains(">GET /then<") && svg.contains(">200 OK<"));
        const QRegularExpressionMatch viewBox
            = QRegularExpression(QStringLiteral("viewBox=\"0 0 (\\d+) (\\d+)\"")).match(QString::fromUtf8(svg));
        QVERIFY(viewBox.hasMatch());
        const int height = viewBox.captured(2).toInt();
        QVERIFY2(height > 0 && height < 8000, qPrintable(QString::number(height)));
        QVERIFY2(svg.count("<text") < 40, qPrintable(QString::number(svg.count("<text"))));
        const QString png = written(trace, Format::Png, QStringLiteral("centuries.png"));
        QVERIFY(!png.isEmpty());
        QCOMPARE(QImage(png).height(), height);
        const QString pdf = written(trace, Format::Pdf, QStringLiteral("centuries.pdf"));
        QVERIFY(!pdf.isEmpty());
        QVERIFY(readFile(pdf).count("/Type /Page\n") + readFile(pdf).count("/Type /Page ") <= 12);
    }

    void tooBigOrUnwritableIsRefusedAndLeavesNoFile()
    {
        Trace trace;
        fillExchanges(trace, 5000, 2'000'000); // hours of diagram: a PNG taller than image viewers open
        const QString path = m_dir.filePath(QStringLiteral("huge.png"));
        FileError error;
        QVERIFY(!PictureExport::write(trace, {}, Format::Png, path, &error));
        QVERIFY2(error.message.contains(QStringLiteral("over the 1,000,000 rows or columns image viewers open")),
            qPrintable(error.message));
        QCOMPARE(error.code, FileError::Code::TooLarge);
        QVERIFY(!QFile::exists(path));

        Trace small;
        fillExchanges(small, 2, 100'000);
        QVERIFY(!PictureExport::write(small, {}, Format::Svg, QStringLiteral("/nonexistent/dir/d.svg"), &error));
        QVERIFY2(
            error.message.startsWith(QStringLiteral("cannot write /nonexistent/dir/d.svg")), qPrintable(error.message));
        QCOMPARE(error.code, FileError::Code::Io);

        // Cancelled: nothing written.
        const QString cancelled = m_dir.filePath(QStringLiteral("c.pdf"));
        QVERIFY(!PictureExport::write(small, {}, Format::Pdf, cancelled, &error, [](double) { return false; }));
        QCOMPARE(error.message, QStringLiteral("cancelled"));
        QCOMPARE(error.code, FileError::Code::Cancelled);
        QVERIFY(!QFile::exists(cancelled));
        // A PNG too, with a band being deflated on the other thread when the answer comes.
        const QString png = m_dir.filePath(QStringLiteral("c.png"));
        QVERIFY(!PictureExport::write(small, {}, Format::Png, png, &error, [](double done) { return done <= 0; }, {}, 50));
        QCOMPARE(error.code, FileError::Code::Cancelled);
        QVERIFY(!QFile::exists(png));
    }
};

QTEST_MAIN(TestPictureExport)
#include "tst_pictureexport.moc"
