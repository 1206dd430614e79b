// SPDX-License-Identifier: GPL-3.0-or-later
#include "cliutil.h"

#include "trace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>
#include <csignal>
#include <unistd.h>

namespace PatternScope::CommandLine {

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

int fail(const QString& command, const QString& message, int code)
{
    err() << QStringLiteral("patternscope") << (command.isEmpty() ? QString() : u' ' + command) << QStringLiteral(": ")
          << message << Qt::endl;
    return code;
}

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

namespace {

int g_signalPipe[2] = { -1, -1 };

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

QString participantName(const Trace& trace, int id)
{
    const Participant* p = trace.participant(id);
    return p ? p->name : QStringLiteral("?");
}

} // namespace

void onStopSignal(QObject* context, std::function<void()> stop)
{
    if (g_signalPipe[0] < 0 && ::pipe(g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [stop = std::move(stop)] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        stop();
    });
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

void printMessages(const Trace& trace)
{
    QObject::connect(&trace, &Trace::messageUpdated, QCoreApplication::instance(), [&trace](const Message& m) {
        out() << QStringLiteral("%1 s  ").arg(double(m.sentAt) / 1e6, 8, 'f', 3) << participantName(trace, m.from)
              << QStringLiteral(" -> ") << participantName(trace, m.to) << QStringLiteral("  ")
              << (m.label.isEmpty() ? kindName(m.kind) : m.label.toString())
              << (m.state == Message::State::Lost ? QStringLiteral("  (lost)") : QString()) << Qt::endl;
    });
}

} // namespace PatternScope::CommandLine
