// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandline.h"

#include "linkemulator.h"
#include "parameters.h"
#include "pattern.h"
#include "run.h"
#include "trace.h"
#include "tracefile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <QTimer>
#include <cstring>

namespace PatternScope::CommandLine {

namespace {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2 };

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

// Every error is one line: "patternscope record: what went wrong".
int fail(const QString& command, const QString& message, int code = Failed)
{
    err() << QStringLiteral("patternscope") << (command.isEmpty() ? QString() : u' ' + command) << QStringLiteral(": ")
          << message << Qt::endl;
    return code;
}

QString overview()
{
    return QStringLiteral("Usage: patternscope [COMMAND] [OPTIONS]\n"
                          "\n"
                          "Without a command, opens the window. Commands (no window needed):\n"
                          "  list                         the patterns and their parameters\n"
                          "  record PATTERN -o FILE       run a pattern headless and write its trace\n"
                          "      [--duration 10s] [--seed N] [--set name=value ...]\n"
                          "\n"
                          "'patternscope COMMAND --help' shows a command's options.\n"
                          "  -h, --help       this help\n"
                          "  -v, --version    the version\n");
}

// Parses the options of one subcommand; prints help or errors itself. Returns -1 to go on.
int parseOptions(QCommandLineParser& parser, const QString& command, const QStringList& arguments)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("This help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return fail(command, parser.errorText(), Usage);
    if (parser.isSet(help)) {
        // Qt names the program by the path it was started with; the command reads better.
        out() << parser.helpText().replace(
            QCoreApplication::arguments().constFirst(), QStringLiteral("patternscope ") + command);
        return Ok;
    }
    return -1;
}

int listCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists the patterns and their parameters."));
    if (int code = parseOptions(parser, QStringLiteral("list"), arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("list"),
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()), Usage);

    for (const PatternInfo& info : PatternRegistry::all()) {
        out() << info.id << QStringLiteral(" - ") << info.title << u'\n';
        out() << QStringLiteral("    ") << info.description << u'\n';
        out() << QStringLiteral("    participants: ") << info.participants.join(QStringLiteral(", ")) << u'\n';
        out() << QStringLiteral("    parameters:") << u'\n';
        for (const ParameterSpec& p : info.parameters) {
            out() << QStringLiteral("      ") << p.name.leftJustified(12) << u' '
                  << QStringLiteral("default %1").arg(p.format(p.defaultValue)).leftJustified(16) << u' '
                  << QStringLiteral("range %1").arg(p.rangeText()).leftJustified(26) << u' '
                  << (p.live ? QStringLiteral("live ") : QStringLiteral("fixed")) << u' ' << p.description << u'\n';
        }
        out() << u'\n';
    }
    out().flush();
    return Ok;
}

int recordCommand(const QStringList& arguments)
{
    const QString command = QStringLiteral("record");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs PATTERN headless over loopback sockets and writes its trace (JSON Lines)."));
    parser.addPositionalArgument(QStringLiteral("pattern"), QStringLiteral("A pattern id, see 'patternscope list'."));
    const QCommandLineOption duration(QStringLiteral("duration"),
        QStringLiteral("How long clients keep starting exchanges (100ms to 24h)."), QStringLiteral("time"),
        QStringLiteral("10s"));
    const QCommandLineOption seed(QStringLiteral("seed"),
        QStringLiteral("Seed for ids, jitter and data: same seed, same schedule."), QStringLiteral("N"),
        QStringLiteral("1"));
    const QCommandLineOption set(QStringLiteral("set"), QStringLiteral("A parameter, e.g. latency=100ms (repeatable)."),
        QStringLiteral("name=value"));
    const QCommandLineOption output({ QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("The trace file to write (.pstrace.jsonl)."), QStringLiteral("file"));
    parser.addOptions({ duration, seed, set, output });
    if (int code = parseOptions(parser, command, arguments); code >= 0)
        return code;

    // Everything is checked before the output is touched: a bad value leaves no file behind.
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return fail(command,
            QStringLiteral("which pattern? (one of: %1)").arg(PatternRegistry::ids().join(QStringLiteral(", "))),
            Usage);
    if (positional.size() > 1)
        return fail(command, QStringLiteral("unexpected argument '%1'").arg(positional.at(1)), Usage);
    const PatternInfo* info = PatternRegistry::find(positional.constFirst());
    if (!info)
        return fail(command,
            QStringLiteral("unknown pattern '%1' (one of: %2)")
                .arg(positional.constFirst(), PatternRegistry::ids().join(QStringLiteral(", "))),
            Usage);

    qint64 durationMs = 0;
    QString reason;
    if (!parseDurationMs(parser.value(duration), &durationMs, &reason))
        return fail(command, QStringLiteral("--duration: ") + reason, Usage);
    if (durationMs < 100 || durationMs > 24 * 3600 * 1000)
        return fail(command,
            QStringLiteral("--duration: %1 is out of range (100ms to 24h)").arg(formatDurationMs(durationMs)), Usage);

    bool seedOk = false;
    const quint64 seedValue = parser.value(seed).toULongLong(&seedOk);
    if (!seedOk)
        return fail(command,
            QStringLiteral("--seed: '%1' is not a whole number from 0 to 18446744073709551615").arg(parser.value(seed)),
            Usage);

    ParameterSet parameters(info->parameters);
    for (const QString& assignment : parser.values(set)) {
        if (!parameters.assign(assignment, &reason))
            return fail(command, QStringLiteral("--set: ") + reason, Usage);
    }
    if (!parser.isSet(output))
        return fail(command, QStringLiteral("missing -o FILE: where should the trace go?"), Usage);
    const QString path = parser.value(output);

    Run run;
    TraceHeader header;
    header.appVersion = QCoreApplication::applicationVersion();
    header.pattern = info->id;
    header.parameters = parameters.formatted();
    header.seed = seedValue;
    header.startedAt = QDateTime::currentDateTimeUtc();
    TraceWriter writer;
    if (!writer.open(path, header))
        return fail(command, writer.errorString());
    writer.attach(run.trace());

    if (!run.start(*info, parameters, seedValue, &reason)) {
        writer.close();
        QFile::remove(path);
        return fail(command, QStringLiteral("cannot start %1: %2").arg(info->id, reason));
    }

    QString writeError;
    QObject::connect(&writer, &TraceWriter::writeFailed, &run, [&](const QString& error) {
        writeError = error;
        run.stop(0);
    });
    QObject::connect(&run, &Run::finished, QCoreApplication::instance(), &QCoreApplication::quit);
    QTimer::singleShot(int(durationMs), &run, [&run] { run.stop(); });
    QCoreApplication::exec();

    writer.detach();
    if (!writer.close() || !writeError.isEmpty()) {
        return fail(command,
            QStringLiteral("writing '%1' failed: %2 (what was written before is kept)")
                .arg(path, writeError.isEmpty() ? writer.errorString() : writeError));
    }
    const Trace& trace = *run.trace();
    qint64 delivered = 0;
    qint64 lost = 0;
    for (const Message& m : trace.messages()) {
        delivered += m.state == Message::State::Delivered;
        lost += m.state == Message::State::Lost;
    }
    out() << QStringLiteral("recorded %1 messages (%2 delivered, %3 lost) over %4 connections in %5 to %6")
                 .arg(trace.messages().size())
                 .arg(delivered)
                 .arg(lost)
                 .arg(trace.connections().size())
                 .arg(QString::number(double(trace.endTime()) / 1e6, 'f', 1) + QStringLiteral(" s"), path)
          << Qt::endl;
    return Ok;
}

} // namespace

bool wantsConsole(int argc, char** argv)
{
    if (argc < 2)
        return false;
    // Qt's own window options (-platform offscreen, -style fusion, ...) mean the window.
    const char* const windowOptions[] = { "-platform", "-style", "-qwindowgeometry", "-qwindowtitle", "-reverse" };
    for (const char* option : windowOptions) {
        if (std::strcmp(argv[1], option) == 0)
            return false;
    }
    // Commands, help, version and anything unknown are answered on the console, not with a window.
    return true;
}

int run()
{
    QStringList arguments = QCoreApplication::arguments();
    const QString first = arguments.value(1);
    if (first == QLatin1String("-h") || first == QLatin1String("--help") || first == QLatin1String("help")) {
        out() << overview();
        return Ok;
    }
    if (first == QLatin1String("-v") || first == QLatin1String("--version")) {
        out() << QStringLiteral("patternscope ") << QCoreApplication::applicationVersion() << Qt::endl;
        return Ok;
    }
    // The subcommand's parser sees "patternscope" followed by the subcommand's own arguments.
    arguments.removeAt(1);
    if (first == QLatin1String("list"))
        return listCommand(arguments);
    if (first == QLatin1String("record"))
        return recordCommand(arguments);
    if (first.startsWith(u'-'))
        return fail(QString(), QStringLiteral("unknown option '%1' (try --help)").arg(first), Usage);
    return fail(QString(), QStringLiteral("unknown command '%1' (try --help)").arg(first), Usage);
}

} // namespace PatternScope::CommandLine
