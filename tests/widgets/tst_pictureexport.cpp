// SPDX-License-Identifier: GPL-3.0-or-later
#include "exchanges.h"
#include "pictureexport.h"

#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::fillExchanges;
using PictureExport::Format;

namespace {

QByteArray read(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestPictureExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void svgHasTheWholeDiagram()
    {
        Trace trace;
        fillExchanges(trace, 20, 400'000);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("d.svg"));
        FileError error;
        QVERIFY2(PictureExport::write(trace, {}, Format::Svg, path, &error), qPrintable(error.message));
        const QByteArray svg = read(path);
        QVERIFY(svg.contains("<svg"));
        QVERIFY(svg.contains(">Client<") && svg.contains(">Server<"));
        QVERIFY(svg.contains(">GET /work/0<") && svg.contains(">GET /work/19<")); // first and last: nothing cropped
        // A range is a shorter picture with only its own arrows.
        const QString part = dir.filePath(QStringLiteral("part.svg"));
        QVERIFY(PictureExport::write(trace, { 0, 2'000'000 }, Format::Svg, part, &error));
        const QByteArray partial = read(part);
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
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("d.png"));
        FileError error;
        QVERIFY2(PictureExport::write(trace, {}, Format::Png, path, &error), qPrintable(error.message));
        const QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 400 && image.height() >= 300);
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 3) {
            for (int x = 0; x < image.width(); x += 3)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 10, qPrintable(QString::number(colours.size())));
    }

    void aLongDiagramGoesOnOverPdfPages()
    {
        Trace trace;
        fillExchanges(trace, 400, 500'000); // 200 s: far more than one page
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("d.pdf"));
        FileError error;
        QList<double> progress;
        QVERIFY2(PictureExport::write(trace, {}, Format::Pdf, path, &error,
                     [&](double done) {
                         progress.append(done);
                         return true;
                     }),
            qPrintable(error.message));
        const QByteArray pdf = read(path);
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
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("huge.png"));
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
        const QString cancelled = dir.filePath(QStringLiteral("c.pdf"));
        QVERIFY(!PictureExport::write(small, {}, Format::Pdf, cancelled, &error, [](double) { return false; }));
        QCOMPARE(error.message, QStringLiteral("cancelled"));
        QCOMPARE(error.code, FileError::Code::Cancelled);
        QVERIFY(!QFile::exists(cancelled));
    }
};

QTEST_MAIN(TestPictureExport)
#include "tst_pictureexport.moc"
