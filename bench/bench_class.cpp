// SPDX-License-Identifier: GPL-3.0-or-later
// A class joins a run served from the window (File > Serve to a class…; here on 127.0.0.1): N students open
// their event streams at once, as N join pages would, and stay while the diagram grows live. Is the window
// still smooth? The students are a second process (this program started with --join) so that the window's
// thread carries only the window's work, as on a teacher's machine whose students are elsewhere. Figures:
// the longest gap of a 5 ms heartbeat on the window's thread from the moment the class joins (the target is
// the window's: 100 ms), the 99th percentile gap, the lifelines drawn and how many students received items.
//
//   bench_class [--students 30] [--seconds 30] [--set name=value …]   (server-sent events)
//
// Runs on the display there is (xvfb-run for a virtual one), offscreen without one.
#include "classbar.h"
#include "mainwindow.h"
#include "pattern.h"
#include "patternregistry.h"
#include "run.h"
#include "trace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QProcess>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace PatternScope;

namespace {

constexpr double kStallTargetMs = 100;
constexpr int kHeartbeatMs = 5;

// The students' side: N event streams on the door, named student-01…; prints how many events each got.
int join(const QString& base, const QString& token, int count, int seconds)
{
    struct Student {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray buffer;
        int events = 0;
    };
    const QUrl url(base);
    std::vector<Student> students(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        Student& s = students[size_t(i)];
        s.socket = std::make_unique<QTcpSocket>();
        QTcpSocket* socket = s.socket.get();
        const QByteArray request = QStringLiteral("GET /events?client=student-%1&token=%2 HTTP/1.1\r\nHost: %3:%4\r\n"
                                                  "Accept: text/event-stream\r\n\r\n")
                                       .arg(i + 1, 2, 10, QLatin1Char('0'))
                                       .arg(token, url.host())
                                       .arg(url.port())
                                       .toLatin1();
        QObject::connect(socket, &QTcpSocket::connected, socket, [socket, request] { socket->write(request); });
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [&s] {
            s.buffer += s.socket->readAll();
            // An event ends at a blank line; the answer's head does too, and is not counted.
            qsizetype end = 0;
            while ((end = s.buffer.indexOf("\n\n")) >= 0 || (end = s.buffer.indexOf("\r\n\r\n")) >= 0) {
                if (s.buffer.startsWith("data:") || s.buffer.contains("\ndata:") || s.buffer.startsWith("id:"))
                    ++s.events;
                s.buffer.remove(0, end + 2);
            }
        });
        socket->connectToHost(url.host(), quint16(url.port()));
    }
    QTimer::singleShot(seconds * 1000, QCoreApplication::instance(), &QCoreApplication::quit);
    QCoreApplication::exec();
    int least = -1;
    int received = 0;
    for (const Student& s : students) {
        least = least < 0 ? s.events : std::min(least, s.events);
        received += s.events >= 2;
    }
    std::printf("%d %d\n", received, least);
    return 0;
}

bool report(const char* what, double value, const char* unit, double target)
{
    const bool met = value >= 0 && value <= target;
    std::printf("%s: %.0f %s (target <= %.0f %s: %s)\n", what, value, unit, target, unit, met ? "met" : "MISSED");
    return met;
}

} // namespace

int main(int argc, char** argv)
{
    const bool students = argc > 1 && qstrcmp(argv[1], "--join") == 0;
    if (students) {
        QCoreApplication app(argc, argv);
        const QStringList a = app.arguments();
        return join(a.value(2), a.value(3), a.value(4).toInt(), a.value(5).toInt());
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PatternScope bench")); // not the user's settings
    QCommandLineParser parser;
    const QCommandLineOption studentsOption(
        QStringLiteral("students"), QStringLiteral("Students (1 to 250)."), QStringLiteral("N"), QStringLiteral("30"));
    const QCommandLineOption secondsOption(
        QStringLiteral("seconds"), QStringLiteral("How long they stay."), QStringLiteral("S"), QStringLiteral("30"));
    const QCommandLineOption set(
        QStringLiteral("set"), QStringLiteral("A parameter of the served run."), QStringLiteral("name=value"));
    parser.addOptions({ studentsOption, secondsOption, set });
    parser.addHelpOption();
    parser.process(app);
    const int count = parser.value(studentsOption).toInt();
    const int seconds = parser.value(secondsOption).toInt();
    if (count < 1 || count > 250 || seconds < 1) {
        std::fprintf(stderr, "bench_class: --students 1 to 250, --seconds at least 1\n");
        return 2;
    }

    const PatternInfo* info = PatternRegistry::find(QStringLiteral("server-sent-events"));
    MainWindow window;
    window.resize(1440, 900);
    window.selectPattern(info->id);
    ParameterSet parameters(info->parameters);
    for (const QString& assignment : parser.values(set)) {
        QString reason;
        if (!parameters.assign(assignment, &reason)) {
            std::fprintf(stderr, "bench_class: --set: %s\n", qPrintable(reason));
            return 2;
        }
    }
    window.setRunSettings(parameters, 1);
    window.show();
    ServeDoor door;
    door.addresses = { QHostAddress(QHostAddress::LocalHost) };
    door.maxClients = 250;
    door.maxPerAddress = 64; // every student comes from 127.0.0.1
    if (!window.serveToClass(*info, 0, door))
        return 2;
    const QUrl joinUrl(window.classBar()->joinUrl());
    const QString token = QUrlQuery(joinUrl).queryItemValue(QStringLiteral("token"));

    // The heartbeat: its gaps are how long the event loop was kept from it.
    std::vector<double> gaps;
    QElapsedTimer beat;
    QTimer heart;
    heart.setTimerType(Qt::PreciseTimer);
    heart.setInterval(kHeartbeatMs);
    QObject::connect(&heart, &QTimer::timeout, [&] {
        gaps.push_back(double(beat.nsecsElapsed()) / 1e6);
        beat.start();
    });

    QProcess studentsProcess;
    studentsProcess.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QObject::connect(&studentsProcess, &QProcess::finished, &app, [&] { window.stopRun(); });
    QObject::connect(window.run(), &Run::finished, &app, &QCoreApplication::quit);
    studentsProcess.start(QCoreApplication::applicationFilePath(),
        { QStringLiteral("--join"), joinUrl.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString(), token,
            QString::number(count), QString::number(seconds) });
    beat.start();
    heart.start();
    QApplication::exec();
    heart.stop();

    const QList<QByteArray> result = studentsProcess.readAllStandardOutput().trimmed().split(' ');
    const int received = result.value(0).toInt();
    const int least = result.value(1).toInt();
    const Trace& trace = *window.trace();
    const auto lifelines = std::count_if(trace.participants().begin(), trace.participants().end(),
        [](const Participant& p) { return p.name.startsWith(QLatin1String("student-")); });
    QStringList values;
    for (const auto& [name, value] : parameters.formatted())
        values.append(name + u'=' + value);
    std::sort(gaps.begin(), gaps.end());
    const double p99 = gaps.empty() ? -1 : gaps[size_t(double(gaps.size() - 1) * 0.99)];
    const double longest = gaps.empty() ? -1 : gaps.back();
    std::printf("%d students joined a served run of server-sent events for %d s (%s)\n", count, seconds,
        qPrintable(values.join(QStringLiteral(", "))));
    std::printf("%d of %d received two items or more (fewest %d); %lld student lifelines drawn, %lld messages\n",
        received, count, least, static_cast<long long>(lifelines), static_cast<long long>(trace.messages().size()));
    std::printf("heartbeat gaps: p50 %.1f ms, p99 %.1f ms\n", gaps.empty() ? -1 : gaps[gaps.size() / 2], p99);
    bool met = report("longest main-thread stall while the class is joined", longest, "ms", kStallTargetMs);
    met = received == count && lifelines == count && met;
    window.close();
    return met ? 0 : 1;
}
