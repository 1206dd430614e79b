// SPDX-License-Identifier: GPL-3.0-or-later
// The export format table that the command line and the dialog share: its rows, and that every row
// writes its file, refuses an unwritable path with the Io code and stops on a cancel with the
// Cancelled code, leaving no file behind.
#include "exchanges.h"
#include "exportformats.h"
#include "videoexport.h"

#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::fillExchanges;

namespace {

void addEveryFormat()
{
    QTest::addColumn<QString>("id");
    for (const ExportFormat& format : ExportFormats::all())
        QTest::addRow("%s", qPrintable(format.id)) << format.id;
}

} // namespace

// WebM and MP4 are encoded by ffmpeg; without it they fail with MissingTool (tst_videoexport).
#define skipWithoutFfmpeg(id)                                                                                          \
    do {                                                                                                               \
        if ((id == QLatin1String("webm") || id == QLatin1String("mp4")) && VideoExport::ffmpegProgram().isEmpty())     \
            QSKIP("ffmpeg is not installed (Debian package ffmpeg)");                                                  \
    } while (false)

class TestExportFormats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The rows users meet, in the order the dialog lists them.
    void rows_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QString>("suffix");
        QTest::addColumn<bool>("picture");
        QTest::addColumn<bool>("splits");
        QTest::addRow("mermaid") << QStringLiteral("mermaid") << QStringLiteral("Mermaid sequence diagram")
                                 << QStringLiteral("mmd") << false << true;
        QTest::addRow("plantuml") << QStringLiteral("plantuml") << QStringLiteral("PlantUML") << QStringLiteral("puml")
                                  << false << false;
        QTest::addRow("csv") << QStringLiteral("csv") << QStringLiteral("CSV table") << QStringLiteral("csv") << false
                             << false;
        QTest::addRow("har") << QStringLiteral("har") << QStringLiteral("HAR 1.2 (browsers' network log)")
                             << QStringLiteral("har") << false << false;
        QTest::addRow("svg") << QStringLiteral("svg") << QStringLiteral("SVG picture") << QStringLiteral("svg") << true
                             << false;
        QTest::addRow("png") << QStringLiteral("png") << QStringLiteral("PNG picture") << QStringLiteral("png") << true
                             << false;
        QTest::addRow("pdf") << QStringLiteral("pdf") << QStringLiteral("PDF document") << QStringLiteral("pdf") << true
                             << false;
        QTest::addRow("webm") << QStringLiteral("webm") << QStringLiteral("WebM video (VP9, by ffmpeg)")
                              << QStringLiteral("webm") << false << false;
        QTest::addRow("mp4") << QStringLiteral("mp4") << QStringLiteral("MP4 video (H.264, by ffmpeg)")
                             << QStringLiteral("mp4") << false << false;
        QTest::addRow("apng") << QStringLiteral("apng") << QStringLiteral("Animated PNG") << QStringLiteral("apng")
                              << false << false;
        QTest::addRow("vtt") << QStringLiteral("vtt")
                             << QStringLiteral("WebVTT captions (for a video at the same speed)")
                             << QStringLiteral("vtt") << false << false;
    }

    void rows()
    {
        QFETCH(QString, id);
        QFETCH(QString, title);
        QFETCH(QString, suffix);
        QFETCH(bool, picture);
        QFETCH(bool, splits);
        const ExportFormat* format = ExportFormats::find(id);
        QVERIFY(format);
        QCOMPARE(format->title, title);
        QCOMPARE(format->suffix, suffix);
        QCOMPARE(format->kind == ExportFormat::Kind::Picture, picture);
        QCOMPARE(bool(format->split), splits);
        QVERIFY(format->takesRange);
        QVERIFY(format->write);
    }

    void orderAndNothingElse()
    {
        QCOMPARE(ExportFormats::ids(),
            QStringList({ QStringLiteral("mermaid"), QStringLiteral("plantuml"), QStringLiteral("csv"),
                QStringLiteral("har"), QStringLiteral("svg"), QStringLiteral("png"), QStringLiteral("pdf"),
                QStringLiteral("webm"), QStringLiteral("mp4"), QStringLiteral("apng"), QStringLiteral("vtt") }));
        QCOMPARE(ExportFormats::find(u"gif"), nullptr);
        // The text rows come from the files layer as they are.
        for (const ExportFormat& text : Export::textFormats())
            QCOMPARE(ExportFormats::find(text.id)->kind, ExportFormat::Kind::Text);
    }

    void writesItsFile_data() { addEveryFormat(); }

    void writesItsFile()
    {
        QFETCH(QString, id);
        const QHash<QString, QByteArray> starts { { QStringLiteral("mermaid"), "sequenceDiagram" },
            { QStringLiteral("plantuml"), "@startuml" }, { QStringLiteral("csv"), "seq," },
            { QStringLiteral("har"), "{" }, { QStringLiteral("svg"), "<?xml" }, { QStringLiteral("png"), "\x89PNG" },
            { QStringLiteral("pdf"), "%PDF" }, { QStringLiteral("webm"), "\x1a\x45\xdf\xa3" },
            { QStringLiteral("apng"), "\x89PNG" }, { QStringLiteral("mp4"), QByteArray() },
            { QStringLiteral("vtt"), "WEBVTT" } };
        QVERIFY2(starts.contains(id), "a new format needs a line here");
        skipWithoutFfmpeg(id);
        Trace trace;
        fillExchanges(trace, 20, 1'000);
        QTemporaryDir dir;
        const ExportFormat& format = *ExportFormats::find(id);
        const QString path = dir.filePath(QStringLiteral("out.") + format.suffix);
        FileError error;
        QList<double> progress;
        QVERIFY2(format.write(trace, {}, { 0, 10'000 }, {}, path, &error,
                     [&](double done) {
                         progress.append(done);
                         return true;
                     }),
            qPrintable(error.message));
        QCOMPARE(error.code, FileError::Code::None);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray head = file.read(32);
        // An MP4 starts with the size of its first box, then "ftyp".
        QVERIFY(id == QLatin1String("mp4") ? head.mid(4, 4) == "ftyp" : head.startsWith(starts.value(id)));
        QVERIFY(!progress.isEmpty());
    }

    void unwritablePathGivesTheIoCode_data() { addEveryFormat(); }

    void unwritablePathGivesTheIoCode()
    {
        QFETCH(QString, id);
        Trace trace;
        fillExchanges(trace, 2, 1'000);
        const QString path = QStringLiteral("/nonexistent/dir/out.") + id;
        FileError error;
        QVERIFY(!ExportFormats::find(id)->write(trace, {}, {}, {}, path, &error, {}));
        QCOMPARE(error.code, FileError::Code::Io);
        QVERIFY2(
            error.message.startsWith(QStringLiteral("cannot write /nonexistent/dir/out.")), qPrintable(error.message));
    }

    // Large enough that every format asks for progress before it ends (CSV every 4096 rows, HAR
    // every 256 exchanges); the dialog says nothing after a cancel, so the code must say so.
    void cancelGivesTheCancelledCode_data() { addEveryFormat(); }

    void cancelGivesTheCancelledCode()
    {
        QFETCH(QString, id);
        skipWithoutFfmpeg(id);
        Trace trace;
        fillExchanges(trace, 3'000, 1'000);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cancelled.") + id);
        FileError error;
        QVERIFY(!ExportFormats::find(id)->write(trace, {}, {}, {}, path, &error, [](double) { return false; }));
        QCOMPARE(error.code, FileError::Code::Cancelled);
        QVERIFY(error.message.endsWith(QStringLiteral("cancelled")));
        QVERIFY(!QFile::exists(path));
    }

    void tooLargeMermaidSplits()
    {
        Trace trace;
        fillExchanges(trace, 3'000, 1'000);
        const ExportFormat& mermaid = *ExportFormats::find(u"mermaid");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.mmd"));
        FileError error;
        QVERIFY(!mermaid.write(trace, {}, {}, {}, path, &error, {}));
        QCOMPARE(error.code, FileError::Code::TooLarge);
        QVERIFY(!QFile::exists(path));
        const QList<ExportRange> pieces = mermaid.split(trace, {}, {});
        QVERIFY(pieces.size() > 1);
        for (const ExportRange& piece : pieces)
            QVERIFY2(mermaid.write(trace, {}, piece, {}, path, &error, {}), qPrintable(error.message));
    }
};

QTEST_MAIN(TestExportFormats)
#include "tst_exportformats.moc"
