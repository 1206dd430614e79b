// SPDX-License-Identifier: GPL-3.0-or-later
// patternscope export: a recorded trace (or a browser's HAR) to Mermaid, PlantUML, CSV, HAR or a picture.
#include "cliutil.h"
#include "exportformats.h"
#include "exports.h"
#include "parameters.h"
#include "theme.h"
#include "tracefile.h"
#include "videoexport.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTextStream>
#include <cmath>
#include <cstdio>

namespace PatternScope::CommandLine {

namespace {

bool readInput(const QString& path, Trace* trace, TraceHeader* header, FileError* error, QStringList* warnings)
{
    if (Import::isHar(path))
        return Import::har(path, trace, header, error, {}, warnings);
    TraceReader reader;
    if (!reader.read(path, trace, header)) {
        *error = reader.error();
        return false;
    }
    *warnings = reader.warnings();
    return true;
}

// A time of the run, to the microsecond: "2.5s", "7126.431ms" (what the Mermaid split prints).
bool parseTime(const QCommandLineParser& parser, const QCommandLineOption& option, TimeUs* out, QString* error)
{
    if (!parser.isSet(option))
        return true;
    const QString text = parser.value(option).trimmed();
    const QString name = QStringLiteral("--") + option.names().constLast();
    qint64 ms = 0;
    QString reason;
    if (!parseDurationMs(text, &ms, &reason)) {
        *error = name + QStringLiteral(": ") + reason;
        return false;
    }
    // The parser above checks the form; the value keeps its fraction of a millisecond.
    const bool inMs = text.endsWith(QStringLiteral("ms"));
    const double value = text.chopped(inMs ? 2 : 1).trimmed().toDouble();
    *out = TimeUs(std::llround(value * (inMs ? 1e3 : 1e6)));
    return true;
}

// `-o -`: the export goes to standard output, so it can be piped (`| mmdc`, `| gzip`, over ssh). Every
// format writes through a file it can seek in and commit (QSaveFile; ffmpeg's MP4), so it is written to
// a temporary file first and then copied out whole; a failed export writes nothing to stdout.
bool copyToStdout(const QString& path, FileError* failure)
{
    QFile in(path);
    QFile stdoutFile;
    if (!in.open(QIODevice::ReadOnly) || !stdoutFile.open(stdout, QIODevice::WriteOnly)) {
        failure->message = QStringLiteral("cannot write to standard output");
        return false;
    }
    while (!in.atEnd()) {
        const QByteArray block = in.read(1 << 16);
        if (block.isEmpty() || stdoutFile.write(block) != block.size()) {
            failure->message = QStringLiteral("writing to standard output failed (%1)").arg(stdoutFile.errorString());
            return false;
        }
    }
    if (!stdoutFile.flush()) {
        failure->message = QStringLiteral("writing to standard output failed (%1)").arg(stdoutFile.errorString());
        return false;
    }
    return true;
}

} // namespace

int exportCommand(const QStringList& arguments)
{
    const QString command = QStringLiteral("export");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Exports a recorded trace (.pstrace.jsonl) or a browser's HAR file as a diagram, a table or "
                       "HAR."));
    parser.addPositionalArgument(QStringLiteral("input"), QStringLiteral("A trace file, or a .har file."));
    const QCommandLineOption format({ QStringLiteral("f"), QStringLiteral("format") },
        QStringLiteral("One of: %1.").arg(ExportFormats::ids().join(QStringLiteral(", "))), QStringLiteral("format"));
    const QCommandLineOption output({ QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("Where to write; - for standard output."), QStringLiteral("file"));
    const QCommandLineOption from(QStringLiteral("from"),
        QStringLiteral("Only messages sent from this time of the run on (e.g. 2.5s)."), QStringLiteral("time"));
    const QCommandLineOption to(
        QStringLiteral("to"), QStringLiteral("Only messages sent up to this time of the run."), QStringLiteral("time"));
    const QCommandLineOption theme(QStringLiteral("theme"),
        QStringLiteral(
            "Pictures and videos: print (light, for paper; the default), window (the theme the window is set "
            "to), or one of the window's: light, dark, contrast."),
        QStringLiteral("theme"), QStringLiteral("print"));
    const QCommandLineOption detail(QStringLiteral("detail"),
        QStringLiteral("Diagrams only: wire (every message as it went over the wire, the default) or textbook (the "
                       "steps a textbook draws, in its words; connects, pings and heartbeats left out)."),
        QStringLiteral("level"));
    const QCommandLineOption speed(QStringLiteral("speed"),
        QStringLiteral("Videos: how fast the trace plays, times real time (%1 to %2; default 1).")
            .arg(ExportOptions::MinSpeed)
            .arg(ExportOptions::MaxSpeed),
        QStringLiteral("factor"));
    const QCommandLineOption size(QStringLiteral("size"),
        QStringLiteral("Videos: WIDTHxHEIGHT in pixels (default 1280x720; even for webm and mp4)."),
        QStringLiteral("WxH"));
    const QCommandLineOption captions(QStringLiteral("captions"),
        QStringLiteral("Videos: the narration burned in under the diagram (burn, the default), written beside the "
                       "video as OUT.vtt (vtt), or left out (none)."),
        QStringLiteral("how"));
    parser.addOptions({ format, output, from, to, theme, detail, speed, size, captions });
    if (int code = parseOptions(parser, command, arguments); code >= 0)
        return code;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return fail(command,
            positional.isEmpty() ? QStringLiteral("missing the trace to export (a .pstrace.jsonl or .har file)")
                                 : QStringLiteral("one input at a time, not %1").arg(positional.size()),
            Usage);
    const QString formatNames = ExportFormats::ids().join(QStringLiteral(", "));
    if (!parser.isSet(format))
        return fail(command, QStringLiteral("missing --format (one of: %1)").arg(formatNames), Usage);
    const QString name = parser.value(format).toLower();
    const ExportFormat* chosen = ExportFormats::find(name);
    if (!chosen)
        return fail(
            command, QStringLiteral("unknown format '%1' (one of: %2)").arg(parser.value(format), formatNames), Usage);
    if (!chosen->takesRange && (parser.isSet(from) || parser.isSet(to)))
        return fail(command, QStringLiteral("--format %1 exports the whole trace: no --from or --to").arg(name), Usage);
    if (!parser.isSet(output))
        return fail(command, QStringLiteral("missing -o FILE: where should the export go? (- for standard output)"),
            Usage);
    const bool toStdout = parser.value(output) == QLatin1String("-");
    ExportOptions options;
    const QString themeName = parser.value(theme).toLower();
    Theme::Scheme scheme = Theme::windowScheme();
    if (themeName == QLatin1String("window") || Theme::schemeFromName(themeName, &scheme))
        options.theme = ExportOptions::Theme::Window;
    else if (themeName != QLatin1String("print"))
        return fail(command,
            QStringLiteral("--theme: unknown theme '%1' (one of: print, window, light, dark, contrast)")
                .arg(parser.value(theme)),
            Usage);
    if (parser.isSet(theme) && chosen->kind == ExportFormat::Kind::Text)
        return fail(
            command, QStringLiteral("--format %1 has no colours: --theme is for pictures and videos").arg(name), Usage);
    const bool video = chosen->kind == ExportFormat::Kind::Video;
    // WebVTT captions are timed for a video at a speed.
    const bool timed = video || name == QLatin1String("vtt");
    for (const QCommandLineOption* videoOnly : { &speed, &size, &captions }) {
        if (parser.isSet(*videoOnly) && !video && !(videoOnly == &speed && timed))
            return fail(command,
                QStringLiteral("--format %1 is not a video: no --%2").arg(name, videoOnly->names().constFirst()),
                Usage);
    }
    if (parser.isSet(speed)) {
        bool number = false;
        options.speed = parser.value(speed).trimmed().toDouble(&number);
        if (!number)
            return fail(command,
                QStringLiteral("--speed must be a number between %1 and %2 (times real time), not '%3'")
                    .arg(ExportOptions::MinSpeed)
                    .arg(ExportOptions::MaxSpeed)
                    .arg(parser.value(speed)),
                Usage);
    }
    if (parser.isSet(captions)) {
        const QString how = parser.value(captions).toLower();
        if (how == QLatin1String("burn"))
            options.captions = ExportOptions::Captions::Burn;
        else if (how == QLatin1String("vtt"))
            options.captions = ExportOptions::Captions::Vtt;
        else if (how == QLatin1String("none"))
            options.captions = ExportOptions::Captions::None;
        else
            return fail(command,
                QStringLiteral("--captions: unknown value '%1' (one of: burn, vtt, none)").arg(parser.value(captions)),
                Usage);
    }
    if (toStdout && options.captions == ExportOptions::Captions::Vtt)
        return fail(command,
            QStringLiteral("--captions vtt writes OUT.vtt beside the video: give -o a file, not -"), Usage);
    if (name == QLatin1String("vtt")
        && !(options.speed >= ExportOptions::MinSpeed && options.speed <= ExportOptions::MaxSpeed))
        return fail(command,
            QStringLiteral("--speed must be between %1 and %2 (times real time), not %3")
                .arg(ExportOptions::MinSpeed)
                .arg(ExportOptions::MaxSpeed)
                .arg(options.speed),
            Usage);
    if (parser.isSet(size) && !VideoExport::parseSize(parser.value(size), &options.width, &options.height))
        return fail(command,
            QStringLiteral("--size must be WIDTHxHEIGHT in pixels (e.g. 1280x720, within %1x%2 and %3x%4), not '%5'")
                .arg(VideoExport::MinWidth)
                .arg(VideoExport::MinHeight)
                .arg(VideoExport::MaxWidth)
                .arg(VideoExport::MaxHeight)
                .arg(parser.value(size)),
            Usage);
    if (video) {
        const VideoExport::Format videoFormat = name == QLatin1String("webm") ? VideoExport::Format::WebM
            : name == QLatin1String("mp4")                                    ? VideoExport::Format::Mp4
                                                                              : VideoExport::Format::Apng;
        if (const QString wrong = VideoExport::checkOptions(options, videoFormat); !wrong.isEmpty())
            return fail(command, wrong, Usage);
        // Before reading and painting anything: the one thing that cannot work.
        if (videoFormat != VideoExport::Format::Apng && VideoExport::ffmpegProgram().isEmpty())
            return fail(command, VideoExport::ffmpegMissingMessage());
    }
    if (parser.isSet(detail)) {
        if (!Textbook::detailFromName(parser.value(detail), &options.detail))
            return fail(command,
                QStringLiteral("--detail: unknown level '%1' (one of: %2)")
                    .arg(parser.value(detail), Textbook::detailNames().join(QStringLiteral(", "))),
                Usage);
        if (!chosen->takesDetail)
            return fail(command, QStringLiteral("--format %1 is not a diagram: no --detail").arg(name), Usage);
    }
    // The window's theme is the one it is set to (or named), not whatever palette this console process got from
    // the desktop.
    if (options.theme == ExportOptions::Theme::Window && qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
        QGuiApplication::setPalette(Theme::windowPalette(scheme));
    ExportRange range;
    QString error;
    if (!parseTime(parser, from, &range.from, &error) || !parseTime(parser, to, &range.to, &error))
        return fail(command, error, Usage);
    if (range.to != NoTime && range.to < range.from)
        return fail(command, QStringLiteral("--to must not be before --from"), Usage);

    Trace trace;
    TraceHeader header;
    QStringList warnings;
    FileError readError;
    if (!readInput(positional.constFirst(), &trace, &header, &readError, &warnings))
        return fail(command, readError.message);
    if (!warnings.isEmpty())
        err() << QStringLiteral("patternscope export: %1 %2 skipped, first: %3")
                     .arg(warnings.size())
                     .arg(Import::isHar(positional.constFirst()) ? QStringLiteral("part(s) of the HAR")
                                                                 : QStringLiteral("line(s)"))
                     .arg(warnings.constFirst())
              << Qt::endl;

    QTemporaryDir stdoutDir;
    if (toStdout && !stdoutDir.isValid())
        return fail(command, QStringLiteral("no temporary directory for -o -: %1").arg(stdoutDir.errorString()));
    const QString path = toStdout ? stdoutDir.filePath(QStringLiteral("export.") + chosen->suffix)
                                  : parser.value(output);
    FileError failure;
    // A video takes a while: say how far it got on stderr, about every 5 %.
    ExportProgress progress;
    QElapsedTimer clock;
    clock.start();
    int reported = 0;
    if (video) {
        progress = [&](double done) {
            const int percent = int(done * 100);
            if (percent >= reported + 5) {
                reported = percent - percent % 5;
                err() << QStringLiteral("patternscope export: %1 %2 % (%3 s)")
                             .arg(name)
                             .arg(reported)
                             .arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1)
                      << Qt::endl;
            }
            return true;
        };
    }
    const bool ok = chosen->write(trace, header, range, options, path, &failure, progress);
    if (!ok && failure.code == FileError::Code::TooLarge && chosen->split) {
        // Offer the split rather than a file that would not render.
        const QList<ExportRange> pieces = chosen->split(trace, range, options);
        fail(command, failure.message);
        err() << QStringLiteral("patternscope export: in %1 pieces that each render:").arg(pieces.size()) << Qt::endl;
        for (const ExportRange& piece : pieces) {
            const TimeUs end = piece.to == NoTime ? trace.endTime() : piece.to;
            err() << QStringLiteral("  --from %1ms --to %2ms")
                         .arg(double(piece.from) / 1000.0, 0, 'f', 3)
                         .arg(double(end) / 1000.0, 0, 'f', 3)
                  << Qt::endl;
        }
        return Failed;
    }
    if (!ok || (toStdout && !copyToStdout(path, &failure)))
        return fail(command, failure.message);
    // With -o - standard output is the export: what was done goes to stderr.
    QTextStream& summary = toStdout ? err() : out();
    const QString where = toStdout ? QStringLiteral("standard output") : path;
    const qsizetype exported
        = trace.messagesSentBetween(range.from, range.to == NoTime ? trace.endTime() : range.to).size();
    if (video) {
        ExportOptions counted = options; // only counting frames: no captions to make
        counted.captions = ExportOptions::Captions::None;
        const VideoExport::Frames frames(trace, range, counted);
        if (options.captions == ExportOptions::Captions::Vtt)
            summary << QStringLiteral("captions written to %1").arg(VideoExport::vttPath(path)) << Qt::endl;
        summary << QStringLiteral("exported %1 messages as %2 to %3: %4 frames at %5 fps (%6 s), %7x%8, in %9 s")
                     .arg(exported)
                     .arg(name, where)
                     .arg(frames.count())
                     .arg(VideoExport::FramesPerSecond)
                     .arg(double(frames.count()) / VideoExport::FramesPerSecond, 0, 'f', 2)
                     .arg(options.width)
                     .arg(options.height)
                     .arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1)
              << Qt::endl;
        return Ok;
    }
    summary << QStringLiteral("exported %1 messages as %2 to %3").arg(exported).arg(name, where) << Qt::endl;
    return Ok;
}

} // namespace PatternScope::CommandLine
