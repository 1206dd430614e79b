// SPDX-License-Identifier: GPL-3.0-or-later
// patternscope export: a recorded trace (or a browser's HAR) to Mermaid, PlantUML, CSV, HAR or a picture.
#include "cliutil.h"
#include "exportformats.h"
#include "exports.h"
#include "parameters.h"
#include "theme.h"
#include "tracefile.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QTextStream>
#include <cmath>

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
    const QCommandLineOption output(
        { QStringLiteral("o"), QStringLiteral("output") }, QStringLiteral("Where to write."), QStringLiteral("file"));
    const QCommandLineOption from(QStringLiteral("from"),
        QStringLiteral("Only messages sent from this time of the run on (e.g. 2.5s)."), QStringLiteral("time"));
    const QCommandLineOption to(
        QStringLiteral("to"), QStringLiteral("Only messages sent up to this time of the run."), QStringLiteral("time"));
    const QCommandLineOption theme(QStringLiteral("theme"),
        QStringLiteral("Pictures: print (light, for paper; the default) or window (the theme the window is set to)."),
        QStringLiteral("theme"), QStringLiteral("print"));
    const QCommandLineOption detail(QStringLiteral("detail"),
        QStringLiteral("Diagrams only: wire (every message as it went over the wire, the default) or textbook (the "
                       "steps a textbook draws, in its words; connects, pings and heartbeats left out)."),
        QStringLiteral("level"));
    parser.addOptions({ format, output, from, to, theme, detail });
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
        return fail(command, QStringLiteral("missing -o FILE: where should the export go?"), Usage);
    ExportOptions options;
    const QString themeName = parser.value(theme).toLower();
    if (themeName == QLatin1String("window"))
        options.theme = ExportOptions::Theme::Window;
    else if (themeName != QLatin1String("print"))
        return fail(command,
            QStringLiteral("--theme: unknown theme '%1' (one of: print, window)").arg(parser.value(theme)), Usage);
    if (parser.isSet(theme) && chosen->kind != ExportFormat::Kind::Picture)
        return fail(
            command, QStringLiteral("--format %1 has no colours: --theme is for svg, png and pdf").arg(name), Usage);
    if (parser.isSet(detail)) {
        if (!Textbook::detailFromName(parser.value(detail), &options.detail))
            return fail(command,
                QStringLiteral("--detail: unknown level '%1' (one of: %2)")
                    .arg(parser.value(detail), Textbook::detailNames().join(QStringLiteral(", "))),
                Usage);
        if (!chosen->takesDetail)
            return fail(command, QStringLiteral("--format %1 is not a diagram: no --detail").arg(name), Usage);
    }
    // The window's theme is the one it is set to, not whatever palette this console process got from the desktop.
    if (options.theme == ExportOptions::Theme::Window && qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
        QGuiApplication::setPalette(Theme::windowPalette(Theme::windowIsDark()));
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

    const QString path = parser.value(output);
    FileError failure;
    const bool ok = chosen->write(trace, header, range, options, path, &failure, {});
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
    if (!ok)
        return fail(command, failure.message);
    const qsizetype exported
        = trace.messagesSentBetween(range.from, range.to == NoTime ? trace.endTime() : range.to).size();
    out() << QStringLiteral("exported %1 messages as %2 to %3").arg(exported).arg(name, path) << Qt::endl;
    return Ok;
}

} // namespace PatternScope::CommandLine
