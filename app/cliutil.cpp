// SPDX-License-Identifier: GPL-3.0-or-later
#include "cliutil.h"

#include "parameters.h"
#include "trace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLocale>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTimer>
#include <csignal>
#include <unistd.h>

namespace PatternScope::CommandLine {

bool parseRunDuration(const QString& text, qint64* ms, QString* error)
{
    QString reason;
    if (!parseDurationMs(text, ms, &reason)) {
        *error = QStringLiteral("--duration: ") + reason;
        return false;
    }
    if (*ms < 100 || *ms > 24 * 3600 * 1000) {
        *error = QStringLiteral("--duration: %1 is out of range (100ms to 24h)").arg(formatDurationMs(*ms));
        return false;
    }
    return true;
}

bool parseSeed(const QString& text, quint64* seed, QString* error)
{
    bool ok = false;
    *seed = text.toULongLong(&ok);
    if (!ok)
        *error = QStringLiteral("--seed: '%1' is not a whole number from 0 to 18446744073709551615").arg(text);
    return ok;
}

bool parsePort(const QString& text, quint16* port, QString* error)
{
    bool ok = false;
    const uint value = text.toUInt(&ok);
    if (!ok || value < 1 || value > 65535) {
        *error = QStringLiteral("--port: '%1' is not a port number from 1 to 65535").arg(text);
        return false;
    }
    *port = quint16(value);
    return true;
}

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

namespace {

// Prints each message as it completes, like a packet log, as fast as a person can read: at most
// kLinesPerSecond lines each second. In a flood the rest are counted and summed up once a second
// ("… 4,180 more messages"), so printing costs the recording next to nothing; the trace has them all.
class MessagePrinter : public QObject {
public:
    static constexpr int kLinesPerSecond = 20;

    explicit MessagePrinter(const Trace& trace)
        : QObject(QCoreApplication::instance())
        , m_trace(trace)
    {
        m_window.start();
        m_summary.setInterval(1000);
        QObject::connect(&m_summary, &QTimer::timeout, this, [this] { summarize(); });
        QObject::connect(&trace, &Trace::messageUpdated, this, [this](const Message& m) { print(m); });
        // The count of the last second's messages, once the run is over.
        QObject::connect(&trace, &QObject::destroyed, this, [this] { summarize(); });
    }

private:
    void print(const Message& m)
    {
        if (m_window.elapsed() >= 1000 && m_skipped == 0) {
            m_window.restart();
            m_printed = 0;
        }
        if (m_printed >= kLinesPerSecond) {
            ++m_skipped;
            if (!m_summary.isActive())
                m_summary.start();
            return;
        }
        ++m_printed;
        out() << QStringLiteral("%1 s  ").arg(double(m.sentAt) / 1e6, 8, 'f', 3) << participantName(m_trace, m.from)
              << QStringLiteral(" -> ") << participantName(m_trace, m.to) << QStringLiteral("  ")
              << (m.label.isEmpty() ? kindName(m.kind) : m.label.toString())
              << (m.state == Message::State::Lost ? QStringLiteral("  (lost)") : QString()) << Qt::endl;
    }

    // Says how many lines were left out since the last summary, and opens a new second.
    void summarize()
    {
        if (m_skipped > 0)
            out() << QStringLiteral("  … %1 more messages").arg(QLocale::c().toString(m_skipped)) << Qt::endl;
        else
            m_summary.stop(); // a quiet second: lines are printed as they come again
        m_skipped = 0;
        m_printed = 0;
        m_window.restart();
    }

    const Trace& m_trace;
    QElapsedTimer m_window; // the second being counted
    QTimer m_summary;
    int m_printed = 0; // lines printed in this second
    qint64 m_skipped = 0; // messages completed in this second without a line
};

} // namespace

void printMessages(const Trace& trace)
{
    new MessagePrinter(trace);
}

} // namespace PatternScope::CommandLine
