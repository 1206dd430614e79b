// SPDX-License-Identifier: GPL-3.0-or-later
#include "exchanges.h"
#include "pictureexport.h"
#include "pictures.h"
#include "tracefiles.h"

#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;
using PictureExport::Format;

class TestPictureExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // Writes the trace (or a range of it) as a picture into the scratch folder; the file's path, or
    // empty (with a warning that says why) when the export failed.
    QString written(const Trace& trace, Format format, const QString& name, const ExportRange& range = {})
    {
        const QString path = m_dir.filePath(name);
        FileError error;
        if (PictureExport::write(trace, range, format, path, &error))
            return path;
        qWarning("export failed: %s", qPrintable(error.message));
        return {};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

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
        QVERIFY(progress.size() > 5);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        QCOMPARE(progress.last(), 1.0);
    }

    void tooBigOrUnwritableIsRefusedAndLeavesNoFile()
    {
        Trace trace;
        fillExchanges(trace, 5000, 2'000'000); // hours of diagram: a PNG of it would not fit in memory
        const QString path = m_dir.filePath(QStringLiteral("huge.png"));
        FileError error;
        QVERIFY(!PictureExport::write(trace, {}, Format::Png, path, &error));
        QVERIFY2(error.message.contains(QStringLiteral("megapixel limit")), qPrintable(error.message));
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
    }
};

QTEST_MAIN(TestPictureExport)
#include "tst_pictureexport.moc"
