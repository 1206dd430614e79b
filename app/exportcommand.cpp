// SPDX-License-Identifier: GPL-3.0-or-later
// patternscope export: a recorded trace (or a browser's HAR) to Mermaid, PlantUML, CSV, HAR or a picture.
#include "cliutil.h"
#include "exportcommon.h"
#include "exports.h"
#include "parameters.h"
#include "pictureexport.h"
#include "tracefile.h"

#include <QCommandLineParser>
#include <QSaveFile>
#include <QTextStream>
#include <cmath>

namespace PatternScope::CommandLine {

namespace {

const QStringList& formatNames()
{
    static const QStringList names { QStringLiteral("mermaid"), QStringLiteral("plantuml"), QStringLiteral("csv"),
        QStringLiteral("har"), QStringLiteral("svg"), QStringLiteral("png"), QStringLiteral("pdf") };
    return names;
}

bool readInput(const QString& path, Trace* trace, TraceHeader* header, QString* error, QStringList* warnings)
{
    if (path.endsWith(QStringLiteral(".har"), Qt::CaseInsensitive))
        return Import::har(path, trace, header, error);
    TraceReader reader;
    if (!reader.read(path, trace, header)) {
        *error = reader.errorString();
        return false;
    }
    *warnings = reader.warnings();
    return true;
}

// A text export, written whole or not at all.
bool writeText(const QString& format, const Trace& trace, const TraceHeader& header, const ExportRange& range,
    const QString& path, FileError* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    bool ok = false;
    if (format == QLatin1String("mermaid"))
        ok = Export::mermaid(trace, range, &file, error);
    else if (format == QLatin1String("plantuml"))
        ok = Export::plantUml(trace, range, &file, error);
    else if (format == QLatin1String("csv"))
        ok = Export::csv(trace, range, &file, error);
    else
        ok = ExportCommon::withCode({}, FileError::Code::Io, error,
            [&](const ExportProgress&, QString* reason) { return Export::har(trace, header, range, &file, reason); });
    if (!ok)
        return false;
    if (!file.commit())
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
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
        QStringLiteral("One of: %1.").arg(formatNames().join(QStringLiteral(", "))), QStringLiteral("format"));
    const QCommandLineOption output(
        { QStringLiteral("o"), QStringLiteral("output") }, QStringLiteral("Where to write."), QStringLiteral("file"));
    const QCommandLineOption from(QStringLiteral("from"),
        QStringLiteral("Only messages sent from this time of the run on (e.g. 2.5s)."), QStringLiteral("time"));
    const QCommandLineOption to(
        QStringLiteral("to"), QStringLiteral("Only messages sent up to this time of the run."), QStringLiteral("time"));
    parser.addOptions({ format, output, from, to });
    if (int code = parseOptions(parser, command, arguments); code >= 0)
        return code;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return fail(command,
            positional.isEmpty() ? QStringLiteral("missing the trace to export (a .pstrace.jsonl or .har file)")
                                 : QStringLiteral("one input at a time, not %1").arg(positional.size()),
            Usage);
    if (!parser.isSet(format))
        return fail(command,
            QStringLiteral("missing --format (one of: %1)").arg(formatNames().join(QStringLiteral(", "))), Usage);
    const QString name = parser.value(format).toLower();
    if (!formatNames().contains(name))
        return fail(command,
            QStringLiteral("unknown format '%1' (one of: %2)")
                .arg(parser.value(format), formatNames().join(QStringLiteral(", "))),
            Usage);
    if (!parser.isSet(output))
        return fail(command, QStringLiteral("missing -o FILE: where should the export go?"), Usage);
    ExportRange range;
    QString error;
    if (!parseTime(parser, from, &range.from, &error) || !parseTime(parser, to, &range.to, &error))
        return fail(command, error, Usage);
    if (range.to != NoTime && range.to < range.from)
        return fail(command, QStringLiteral("--to must not be before --from"), Usage);

    Trace trace;
    TraceHeader header;
    QStringList warnings;
    if (!readInput(positional.constFirst(), &trace, &header, &error, &warnings))
        return fail(command, error);
    if (!warnings.isEmpty())
        err() << QStringLiteral("patternscope export: %1 line(s) skipped, first: %2")
                     .arg(warnings.size())
                     .arg(warnings.constFirst())
              << Qt::endl;

    const QString path = parser.value(output);
    PictureExport::Format picture;
    FileError failure;
    const bool ok = PictureExport::formatFromName(name, &picture)
        ? PictureExport::write(trace, range, picture, path, &failure)
        : writeText(name, trace, header, range, path, &failure);
    if (!ok && name == QLatin1String("mermaid") && failure.code == FileError::Code::TooLarge) {
        // Offer the split rather than a file that would not render.
        const QList<ExportRange> pieces = Export::splitForMermaid(trace, range);
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
