// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandline.h"

#include "cliutil.h"
#include "lanserve.h"
#include "linkemulator.h"
#include "metrics.h"
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

QString overview()
{
    return QStringLiteral(
        "Usage: patternscope [COMMAND] [OPTIONS]\n"
        "\n"
        "Without a command, opens the window. Commands (no window needed):\n"
        "  list                         the patterns and their parameters\n"
        "  record PATTERN -o FILE       run a pattern headless and write its trace\n"
        "      [--duration 10s] [--seed N] [--set name=value ...]\n"
        "  serve PATTERN [--port N]     run only the server side on 127.0.0.1; outside clients\n"
        "      [-o FILE] [--duration D]   (curl, a browser) join as their own lifelines; at most\n"
        "      [--seed N] [--set name=value ...]  20 messages a second are printed, then a count\n"
        "      [--quiet]                    of the rest (--quiet: none)\n"
        "      [--lan [--listen ADDR ...]   let a class join from the LAN: a join page and token\n"
        "       [--max-clients N] [--max-per-address N]]\n"
        "  compare P1 P2 ...            run item-delivering patterns at once on one workload, write\n"
        "      [--duration 20s] [--seed N]  each trace to DIR and print delay, requests, bytes and\n"
        "      [--set name=value ...]       connections per item beside theory; --from DIR\n"
        "      [--cut T ...] [-o DIR] [--json]  recomputes them from the traces\n"
        "  proxy --to HOST:PORT         relay your own client and server through the link and record\n"
        "      [--listen ADDR:PORT]       HTTP, event streams and WebSockets, a lifeline per client\n"
        "      [--set latency=...]        connection (listens on 127.0.0.1:8080 unless told)\n"
        "      [-o FILE] [--duration D]\n"
        "  export IN --format F -o OUT  a trace (or a browser's .har) as mermaid, plantuml, csv,\n"
        "      [--from T] [--to T]        har, svg, png, pdf, webm, mp4 or apng; optionally a range\n"
        "      [--detail wire|textbook]   diagrams: every message, or the steps a textbook draws\n"
        "      [--speed 1] [--size 1280x720]  videos: webm, mp4 (by ffmpeg) or apng, played back\n"
        "\n"
        "Window:\n"
        "  [open] FILE...               replay recorded traces (or browsers' .har files): the first in\n"
        "                               the window, each further one in a window of its own\n"
        "  --pattern ID                 the pattern the window starts with\n"
        "  --set name=value ...         its parameters, as in 'patternscope list' (e.g. clients=5)\n"
        "  --seed N                     its seed: same seed and parameters, same schedule\n"
        "  --detail wire|textbook       every message, or the steps a textbook draws\n"
        "  --present                    presenter layout: the diagram gets the room (F11: full screen)\n"
        "  --compare P1,P2,...          run 2 to 5 patterns side by side on one clock (File > Compare)\n"
        "  --lan [--listen A] [--port N] [--max-clients N] [--max-per-address N]\n"
        "                               serve --pattern to a class, as serve --lan (File > Serve to a class)\n"
        "  --screenshot PNG [--after 3s]  render the window to a PNG (its real size) and exit\n"
        "\n"
        "'patternscope COMMAND --help' shows a command's options.\n"
        "  -h, --help       this help\n"
        "  -v, --version    the version\n");
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
                  << (p.unit == ParameterSpec::Unit::Choice        ? QStringLiteral("one of %1")
                             : p.unit == ParameterSpec::Unit::Text ? QStringLiteral("%1")
                                                                   : QStringLiteral("range %1"))
                         .arg(p.rangeText())
                         .leftJustified(26)
                  << u' ' << (p.live ? QStringLiteral("live ") : QStringLiteral("fixed")) << u' ' << p.description
                  << u'\n';
        }
        out() << u'\n';
    }
    out().flush();
    return Ok;
}

// What record and serve share: a pattern, its parameters, a seed, where the trace goes.
struct RunOptions {
    const PatternInfo* info = nullptr;
    ParameterSet parameters;
    quint64 seed = 1;
    qint64 durationMs = 0; // 0: until interrupted
    QString output;
    quint16 port = 0;
    bool quiet = false; // serve: no line per message
    ServeDoor door; // serve --lan
};

struct RunParser {
    QCommandLineParser parser;
    QCommandLineOption duration { QStringLiteral("duration"), {}, QStringLiteral("time") };
    QCommandLineOption seed { QStringLiteral("seed"),
        QStringLiteral("Seed for ids, jitter and data: same seed, same schedule."), QStringLiteral("N"),
        QStringLiteral("1") };
    QCommandLineOption set { QStringLiteral("set"), QStringLiteral("A parameter, e.g. latency=100ms (repeatable)."),
        QStringLiteral("name=value") };
    QCommandLineOption output { { QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("The trace file to write (.pstrace.jsonl)."), QStringLiteral("file") };
    QCommandLineOption port { QStringLiteral("port"),
        QStringLiteral("Port for outside clients, on 127.0.0.1 (with --lan: on the LAN addresses) (1 to 65535; "
                       "default: any free)."),
        QStringLiteral("N") };
    QCommandLineOption quiet { { QStringLiteral("q"), QStringLiteral("quiet") },
        QStringLiteral("Print no line per message (by default at most 20 a second, then a count of the rest).") };
    LanServe::Options lan;
};

// Checks every argument before anything is touched: a bad value leaves no file behind.
// Returns -1 to go on, or the exit code.
int parseRunOptions(
    RunParser& p, const QString& command, const QStringList& arguments, bool serving, RunOptions* options)
{
    p.parser.setApplicationDescription(serving
            ? QStringLiteral("Runs only the server side of PATTERN (with its producer) on 127.0.0.1, so clients "
                             "nobody here wrote can join; prints what crosses the wire.")
            : QStringLiteral("Runs PATTERN headless over loopback sockets and writes its trace (JSON Lines)."));
    p.parser.addPositionalArgument(QStringLiteral("pattern"), QStringLiteral("A pattern id, see 'patternscope list'."));
    p.duration.setDescription(serving ? QStringLiteral("Stop after this long (default: until Ctrl+C).")
                                      : QStringLiteral("How long clients keep starting exchanges (100ms to 24h)."));
    if (!serving)
        p.duration.setDefaultValue(QStringLiteral("10s"));
    p.parser.addOptions({ p.duration, p.seed, p.set, p.output });
    if (serving)
        p.parser.addOptions(QList<QCommandLineOption> { p.port, p.quiet } + p.lan.all());
    if (int code = parseOptions(p.parser, command, arguments); code >= 0)
        return code;

    const QStringList positional = p.parser.positionalArguments();
    const QString ids = PatternRegistry::ids().join(QStringLiteral(", "));
    if (positional.isEmpty())
        return fail(command, QStringLiteral("which pattern? (one of: %1)").arg(ids), Usage);
    if (positional.size() > 1)
        return fail(command, QStringLiteral("unexpected argument '%1'").arg(positional.at(1)), Usage);
    options->info = PatternRegistry::find(positional.constFirst());
    if (!options->info)
        return fail(
            command, QStringLiteral("unknown pattern '%1' (one of: %2)").arg(positional.constFirst(), ids), Usage);

    QString reason;
    if ((p.parser.isSet(p.duration) || !serving)
        && !parseRunDuration(p.parser.value(p.duration), &options->durationMs, &reason))
        return fail(command, reason, Usage);
    if (!parseSeed(p.parser.value(p.seed), &options->seed, &reason))
        return fail(command, reason, Usage);
    if (serving && p.parser.isSet(p.port) && !parsePort(p.parser.value(p.port), &options->port, &reason))
        return fail(command, reason, Usage);
    options->parameters = ParameterSet(options->info->parameters);
    for (const QString& assignment : p.parser.values(p.set)) {
        if (!options->parameters.assign(assignment, &reason))
            return fail(command, QStringLiteral("--set: ") + reason, Usage);
    }
    if (!serving && !p.parser.isSet(p.output))
        return fail(command, QStringLiteral("missing -o FILE: where should the trace go?"), Usage);
    options->output = p.parser.value(p.output);
    options->quiet = serving && p.parser.isSet(p.quiet);
    if (serving && !LanServe::parse(p.parser, p.lan, &options->door, &reason))
        return fail(command, reason, Usage);
    return -1;
}

void stopOnSignals(Run* run)
{
    onStopSignal(run, [run] { run->stop(1000); });
}

int executeRun(const QString& command, const RunOptions& options, bool serving)
{
    Run run;
    if (serving) {
        run.setServe(options.port);
        run.setServeDoor(options.door);
    }
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    QString reason;
    if (!run.start(*options.info, options.parameters, options.seed, &reason))
        return fail(command, QStringLiteral("cannot start %1: %2").arg(options.info->id, reason));
    // Only once the run is up is the output touched: a run that cannot start (its port taken, say) leaves
    // a trace already at that path as it was. What the start recorded is written first (attach()).
    TraceWriter writer;
    if (!options.output.isEmpty()) {
        TraceHeader header;
        header.appVersion = QCoreApplication::applicationVersion();
        header.pattern = options.info->id;
        header.parameters = options.parameters.formatted();
        header.seed = options.seed;
        header.startedAt = startedAt;
        if (!writer.open(options.output, header))
            return fail(command, writer.errorString());
        writer.attach(run.trace());
    }
    if (serving && options.door.isOpen()) {
        LanServe::printBanner(out(), *run.pattern(), options.info->id);
        if (!options.quiet)
            printMessages(*run.trace());
    } else if (serving) {
        out() << QStringLiteral("serving %1 on %2 (Ctrl+C to stop)").arg(options.info->id, run.pattern()->publicUrl())
              << u'\n' << QStringLiteral("only programs on this machine can connect (--lan lets a class join)") << u'\n'
              << QStringLiteral("try:") << u'\n';
        for (const QString& line : run.pattern()->tryItOut())
            out() << QStringLiteral("  ") << line << u'\n';
        out() << Qt::endl;
        if (!options.quiet)
            printMessages(*run.trace());
    }

    QString writeError;
    QObject::connect(&writer, &TraceWriter::writeFailed, &run, [&](const QString& error) {
        writeError = error;
        run.stop(0);
    });
    QObject::connect(&run, &Run::finished, QCoreApplication::instance(), &QCoreApplication::quit);
    stopOnSignals(&run);
    if (options.durationMs > 0)
        QTimer::singleShot(int(options.durationMs), &run, [&run] { run.stop(); });
    QCoreApplication::exec();

    if (writer.isOpen()) {
        writer.detach();
        if (!writer.close() || !writeError.isEmpty()) {
            return fail(command,
                QStringLiteral("writing '%1' failed: %2 (what was written before is kept)")
                    .arg(options.output, writeError.isEmpty() ? writer.errorString() : writeError));
        }
    }
    const Trace& trace = *run.trace();
    const Metrics metrics = computeMetrics(trace);
    out() << QStringLiteral("recorded %1 messages (%2 lost) over %3 connections in %4")
                 .arg(metrics.messages)
                 .arg(metrics.lost)
                 .arg(metrics.connections)
                 .arg(QString::number(double(trace.endTime()) / 1e6, 'f', 1) + QStringLiteral(" s"))
          << (options.output.isEmpty() ? QString() : QStringLiteral(" to ") + options.output) << Qt::endl;
    if (options.door.isOpen()) {
        const QHash<int, int> answers = run.pattern()->doorAnswers();
        out() << QStringLiteral("the door gave out %1 join pages and turned away %2 requests without the right token, "
                                "%3 connections over the limit per address (429) and %4 over the total (503)")
                     .arg(answers.value(200))
                     .arg(answers.value(403))
                     .arg(answers.value(429))
                     .arg(answers.value(503))
              << Qt::endl;
    }
    return Ok;
}

// record and serve: the same run, with or without our own clients.
int runCommand(const QString& command, const QStringList& arguments)
{
    const bool serving = command == QLatin1String("serve");
    RunParser parser;
    RunOptions options;
    if (int code = parseRunOptions(parser, command, arguments, serving, &options); code >= 0)
        return code;
    return executeRun(command, options, serving);
}

} // namespace

bool wantsGui(int argc, char** argv)
{
    return argc >= 2 && std::strcmp(argv[1], "export") == 0;
}

bool wantsConsole(int argc, char** argv)
{
    if (argc < 2)
        return false;
    // `patternscope open --help`, `patternscope --pattern x -h`: the window's options are in the overview.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0)
            return true;
    }
    // Qt's own window options (-platform offscreen, -style fusion, ...) mean the window.
    const char* const windowOptions[] = { "-platform", "-style", "-qwindowgeometry", "-qwindowtitle", "-reverse" };
    for (const char* option : windowOptions) {
        if (std::strcmp(argv[1], option) == 0)
            return false;
    }
    // The window's own: replaying a file, choosing the pattern, its parameters and the detail, taking a screenshot.
    const char* const windowArguments[] = { "open", "--pattern", "--set", "--seed", "--screenshot", "--after",
        "--detail", "--present", "--compare", "--lan", "--listen", "--port", "--max-clients", "--max-per-address" };
    for (const char* argument : windowArguments) {
        if (std::strncmp(argv[1], argument, std::strlen(argument)) == 0)
            return false;
    }
    // A file, as a launcher or a file manager passes it (Exec=patternscope %F): not a command's name, and
    // a path, a trace's or HAR's name, or something that is there. The window says if it cannot open it.
    const QString first = QString::fromLocal8Bit(argv[1]);
    const QStringList commands { QStringLiteral("list"), QStringLiteral("record"), QStringLiteral("serve"),
        QStringLiteral("export"), QStringLiteral("compare"), QStringLiteral("proxy"), QStringLiteral("help") };
    if (!first.startsWith(u'-') && !commands.contains(first)
        && (first.contains(u'/') || first.endsWith(QLatin1String(".jsonl"), Qt::CaseInsensitive)
            || first.endsWith(QLatin1String(".har"), Qt::CaseInsensitive) || QFileInfo::exists(first)))
        return false;
    // Commands, help, version and anything unknown are answered on the console, not with a window.
    return true;
}

int run()
{
    QStringList arguments = QCoreApplication::arguments();
    const QString first = arguments.value(1);
    const QStringList commands { QStringLiteral("list"), QStringLiteral("record"), QStringLiteral("serve"),
        QStringLiteral("export"), QStringLiteral("compare"), QStringLiteral("proxy") };
    const bool helpAsked = arguments.contains(QLatin1String("-h")) || arguments.contains(QLatin1String("--help"));
    // Help for the window (its options, `open FILE`) is the overview's Window section; a command's own help is
    // its parser's.
    if (first == QLatin1String("help") || (helpAsked && !commands.contains(first))) {
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
    if (first == QLatin1String("record") || first == QLatin1String("serve"))
        return runCommand(first, arguments);
    if (first == QLatin1String("export"))
        return exportCommand(arguments);
    if (first == QLatin1String("compare"))
        return compareCommand(arguments);
    if (first == QLatin1String("proxy"))
        return proxyCommand(arguments);
    if (first.startsWith(u'-'))
        return fail(QString(), QStringLiteral("unknown option '%1' (try --help)").arg(first), Usage);
    return fail(QString(), QStringLiteral("unknown command '%1' (try --help)").arg(first), Usage);
}

} // namespace PatternScope::CommandLine
