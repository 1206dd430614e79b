// SPDX-License-Identifier: GPL-3.0-or-later
// patternscope proxy: a user's own client and server, through the link emulator, recorded.
#include "cliutil.h"
#include "httpproxy.h"
#include "linkemulator.h"
#include "metrics.h"
#include "parameters.h"
#include "proxysettings.h"
#include "trace.h"
#include "tracefile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTimer>
#include <unistd.h>

namespace PatternScope::CommandLine {

namespace {

const QString kCommand = QStringLiteral("proxy");

struct ProxyOptions {
    ProxyEndpoints endpoints;
    ParameterSet parameters { ProxySettings::parameters() };
    quint64 seed = 1;
    qint64 durationMs = 0; // 0: until interrupted
    QString output;
};

int parseProxyOptions(const QStringList& arguments, ProxyOptions* options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Relays your own client and server through the link emulator and records what crosses: HTTP/1.1\n"
        "exchanges, event-stream events and WebSocket frames, one lifeline per client connection. Bytes\n"
        "pass on unchanged. While it runs, type 'cut', 'stall [2s]' or 'set latency=100ms' and Enter."));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Your server, HOST:PORT (e.g. 127.0.0.1:3000)."),
        QStringLiteral("host:port"));
    const QCommandLineOption listen(QStringLiteral("listen"),
        QStringLiteral("Where clients connect, ADDRESS:PORT (default 127.0.0.1:8080; port 0: any free). An address "
                       "other than loopback lets other machines in."),
        QStringLiteral("address:port"), QStringLiteral("127.0.0.1:8080"));
    const QCommandLineOption set(QStringLiteral("set"),
        QStringLiteral("latency, jitter or bandwidth, e.g. latency=100ms, bandwidth=64KiB (per second; 0: no cap). "
                       "Repeatable."),
        QStringLiteral("name=value"));
    const QCommandLineOption output({ QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("The trace file to write (.pstrace.jsonl)."), QStringLiteral("file"));
    const QCommandLineOption duration(QStringLiteral("duration"),
        QStringLiteral("Stop after this long (default: until Ctrl+C)."), QStringLiteral("time"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed for the link's jitter and for ids."),
        QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption rewriteHost(QStringLiteral("rewrite-host"),
        QStringLiteral(
            "Give requests the server's HOST:PORT as their Host field (by default every byte passes as sent)."));
    parser.addOptions({ to, listen, rewriteHost, set, output, duration, seed });
    if (int code = parseOptions(parser, kCommand, arguments); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return fail(
            kCommand, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()), Usage);

    QString reason;
    if (!parser.isSet(to))
        return fail(kCommand, QStringLiteral("missing --to HOST:PORT: where is your server?"), Usage);
    if (!ProxySettings::parseUpstream(parser.value(to), &options->endpoints, &reason))
        return fail(kCommand, QStringLiteral("--to: ") + reason, Usage);
    if (!ProxySettings::parseListen(parser.value(listen), &options->endpoints, &reason))
        return fail(kCommand, QStringLiteral("--listen: ") + reason, Usage);
    for (const QString& assignment : parser.values(set)) {
        if (!options->parameters.assign(assignment, &reason))
            return fail(kCommand, QStringLiteral("--set: ") + reason, Usage);
    }
    if (parser.isSet(duration) && !parseRunDuration(parser.value(duration), &options->durationMs, &reason))
        return fail(kCommand, reason, Usage);
    if (!parseSeed(parser.value(seed), &options->seed, &reason))
        return fail(kCommand, reason, Usage);
    options->output = parser.value(output);
    options->endpoints.rewriteHost = parser.isSet(rewriteHost);
    return -1;
}

// Lines typed while the proxy runs: the emulator's fault buttons, and live link settings.
void readCommands(LinkEmulator* links, ParameterSet* parameters, QObject* context)
{
    auto* notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, context);
    auto* pending = new QByteArray;
    QObject::connect(notifier, &QObject::destroyed, [pending] { delete pending; });
    QObject::connect(notifier, &QSocketNotifier::activated, context, [=] {
        char buffer[256];
        const auto got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got <= 0) {
            notifier->setEnabled(false); // no more input: the proxy runs on
            return;
        }
        pending->append(buffer, qsizetype(got));
        qsizetype end;
        while ((end = pending->indexOf('\n')) >= 0) {
            const QString line = QString::fromUtf8(pending->left(end)).simplified();
            pending->remove(0, end + 1);
            QString reason;
            if (line == QLatin1String("cut")) {
                out() << QStringLiteral("cutting %1 open connections").arg(links->openConnectionCount()) << Qt::endl;
                links->cutAll();
            } else if (line.startsWith(QLatin1String("stall"))) {
                qint64 ms = 2000;
                const QString text = line.mid(5).trimmed();
                if (!text.isEmpty() && !parseDurationMs(text, &ms, &reason)) {
                    err() << QStringLiteral("stall: ") << reason << Qt::endl;
                    continue;
                }
                out() << QStringLiteral("stalling the link for %1").arg(formatDurationMs(ms)) << Qt::endl;
                links->stallAll(ms * 1000);
            } else if (line.startsWith(QLatin1String("set "))) {
                if (!parameters->assign(line.mid(4).trimmed(), &reason)) {
                    err() << QStringLiteral("set: ") << reason << Qt::endl;
                    continue;
                }
                links->setSettings(ProxySettings::linkSettings(*parameters));
                out() << QStringLiteral("link: ") << ProxySettings::describe(*parameters) << Qt::endl;
            } else if (!line.isEmpty()) {
                err() << QStringLiteral("'%1'? type cut, stall [2s] or set latency=100ms").arg(line) << Qt::endl;
            }
        }
    });
}

} // namespace

int proxyCommand(const QStringList& arguments)
{
    ProxyOptions options;
    if (int code = parseProxyOptions(arguments, &options); code >= 0)
        return code;

    Trace trace;
    LinkEmulator links(&trace, options.seed);
    links.setSettings(ProxySettings::linkSettings(options.parameters));
    HttpProxy proxy(&trace, &links, options.endpoints, options.seed);
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    trace.startClock();
    QString reason;
    if (!proxy.start(&reason))
        return fail(kCommand, QStringLiteral("--listen: ") + reason);
    // Only once the proxy listens is the output touched: an address in use leaves a trace already at that
    // path as it was.
    TraceWriter writer;
    if (!options.output.isEmpty()) {
        TraceHeader header;
        header.appVersion = QCoreApplication::applicationVersion();
        header.pattern = kCommand;
        header.parameters = options.parameters.formatted();
        header.parameters.append({ QStringLiteral("to"), options.endpoints.upstreamName });
        header.seed = options.seed;
        header.startedAt = startedAt;
        if (!writer.open(options.output, header))
            return fail(kCommand, writer.errorString());
        writer.attach(&trace);
    }

    const QHostAddress listen = options.endpoints.listenAddress;
    out() << QStringLiteral("proxying http://%1:%2 -> %3 (Ctrl+C to stop)")
                 .arg(ProxySettings::hostText(listen))
                 .arg(proxy.port())
                 .arg(options.endpoints.upstreamName)
          << u'\n' << QStringLiteral("link: ") << ProxySettings::describe(options.parameters)
          << (options.endpoints.rewriteHost ? QStringLiteral("; Host rewritten to ") + options.endpoints.upstreamName
                                            : QString())
          << u'\n' << ProxySettings::exposure(listen) << u'\n'
          << QStringLiteral("type cut, stall [2s] or set latency=100ms and Enter to change the link") << u'\n'
          << Qt::endl;
    printMessages(trace);

    // Stopping cuts what is still open, so the trace ends with every connection closed.
    auto stop = [&] {
        const int open = links.openConnectionCount();
        if (open > 0)
            trace.addNote(-1, QStringLiteral("proxy stopped: %1 open connections cut").arg(open));
        links.cutAll();
        const TimeUs now = trace.now();
        for (qint64 seq : trace.inFlight())
            trace.loseMessage(seq, now);
        QCoreApplication::quit();
    };
    QString writeError;
    QObject::connect(&writer, &TraceWriter::writeFailed, &proxy, [&](const QString& error) {
        writeError = error;
        stop();
    });
    onStopSignal(&proxy, stop);
    readCommands(&links, &options.parameters, &proxy);
    if (options.durationMs > 0)
        QTimer::singleShot(int(options.durationMs), &proxy, stop);
    QCoreApplication::exec();

    if (writer.isOpen()) {
        writer.detach();
        if (!writer.close() || !writeError.isEmpty()) {
            return fail(kCommand,
                QStringLiteral("writing '%1' failed: %2 (what was written before is kept)")
                    .arg(options.output, writeError.isEmpty() ? writer.errorString() : writeError));
        }
    }
    const Metrics metrics = computeMetrics(trace);
    out() << QStringLiteral("recorded %1 messages (%2 lost) over %3 connections in %4")
                 .arg(metrics.messages)
                 .arg(metrics.lost)
                 .arg(metrics.connections)
                 .arg(QString::number(double(trace.endTime()) / 1e6, 'f', 1) + QStringLiteral(" s"))
          << (options.output.isEmpty() ? QString() : QStringLiteral(" to ") + options.output) << Qt::endl;
    return Ok;
}

} // namespace PatternScope::CommandLine
