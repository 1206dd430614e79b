// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a big trace in the window, as `patternscope FILE` does: how long from the process's start until the
// diagram's first frame is painted, the longest the main thread stalls (a heartbeat timer's longest gap) from
// then until the whole trace is read, adopted, narrated and settled, and the resident memory at the end.
//
//   bench_window FILE                  FILE: e.g. from `bench_open --generate /tmp/big.pstrace.jsonl`
//
// Runs on the display there is (xvfb-run for a virtual one), offscreen without one.
#include "mainwindow.h"
#include "openfiles.h"
#include "sequenceview.h"
#include "trace.h"
#include "traceloading.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QTimer>
#include <cstdio>
#include <ctime>
#include <unistd.h>

using namespace PatternScope;

namespace {

constexpr double kFirstFrameTargetMs = 1000;
constexpr double kStallTargetMs = 100;
constexpr double kBytesTarget = 250;
constexpr int kHeartbeatMs = 5;
constexpr int kSettleMs = 3000; // after the whole trace is adopted: deferred work shows up here

// Milliseconds since this process started (its start time in /proc, in clock ticks since boot).
double sinceProcessStartMs()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    const double startedS = fields.value(19).toDouble() / double(sysconf(_SC_CLK_TCK)); // field 22 of the whole line
    timespec now {};
    clock_gettime(CLOCK_BOOTTIME, &now);
    return (double(now.tv_sec) + double(now.tv_nsec) / 1e9 - startedS) * 1000.0;
}

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}

bool report(const char* what, double value, const char* unit, double target)
{
    const bool met = value >= 0 && value <= target;
    std::printf("%s: %.0f %s (target <= %.0f %s: %s)\n", what, value, unit, target, unit, met ? "met" : "MISSED");
    return met;
}

// The first paint of the diagram's viewport once the trace is in.
class FirstFrame : public QObject {
public:
    double ms = -1;
    bool armed = false;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (armed && ms < 0 && event->type() == QEvent::Paint)
            ms = sinceProcessStartMs();
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PatternScope bench")); // not the user's settings
    const QString path = app.arguments().value(1);
    if (path.isEmpty() || !QFile::exists(path)) {
        std::fprintf(stderr, "usage: bench_window FILE (make one with bench_open --generate FILE)\n");
        return 2;
    }

    MainWindow window;
    FirstFrame first;
    window.findChild<SequenceView*>()->viewport()->installEventFilter(&first);
    auto* loading = window.findChild<TraceLoading*>();

    // The heartbeat: its longest gap is the longest the event loop was kept from it.
    QElapsedTimer beat;
    double longestGapMs = 0;
    double longestAtMs = 0;
    QElapsedTimer clock;
    clock.start();
    QTimer heart;
    heart.setTimerType(Qt::PreciseTimer);
    heart.setInterval(kHeartbeatMs);
    QObject::connect(&heart, &QTimer::timeout, [&] {
        const double gap = double(beat.nsecsElapsed()) / 1e6;
        if (gap > longestGapMs) {
            longestGapMs = gap;
            longestAtMs = double(clock.nsecsElapsed()) / 1e6;
        }
        beat.start();
    });

    window.show();
    first.armed = true;
    const OpenFiles::Result opened = OpenFiles::open(&window, { path });
    if (!opened.failures.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.failures.join(u'\n')));
        return 2;
    }
    // From here on the window is on its own: the event loop must keep beating.
    beat.start();
    heart.start();
    double wholeMs = -1;
    double captionsMs = -1;
    const auto settle = [&] { QTimer::singleShot(kSettleMs, &app, &QCoreApplication::quit); };
    if (loading->isLoading()) {
        QObject::connect(
            loading, &TraceLoading::finished, &app,
            [&] {
                wholeMs = sinceProcessStartMs();
                if (!loading->isNarrating())
                    settle();
            },
            Qt::QueuedConnection);
        QObject::connect(
            loading, &TraceLoading::narrated, &app,
            [&] {
                captionsMs = sinceProcessStartMs();
                settle();
            },
            Qt::QueuedConnection);
    } else {
        settle();
    }
    QApplication::exec();

    const qint64 messages = window.trace() ? qint64(window.trace()->messages().size()) : 0;
    const qint64 resident = residentBytes();
    std::printf("%s: %lld messages in the window\n", qPrintable(path), static_cast<long long>(messages));
    bool met = report("first frame on screen, from the process's start", first.ms, "ms", kFirstFrameTargetMs);
    std::printf("whole trace read and shown: %.0f ms from the process's start\n", wholeMs);
    std::printf("its captions written (on the loading thread): %.0f ms from the process's start\n", captionsMs);
    met = report("longest main-thread stall while loading, adopting and settling", longestGapMs, "ms",
              kStallTargetMs)
        && met;
    std::printf("  (at %.0f ms after the open returned; heartbeat every %d ms)\n", longestAtMs, kHeartbeatMs);
    std::printf("resident at the end: %.0f MB\n", double(resident) / 1e6);
    met = report("resident per message at the end (window and all)", messages ? double(resident) / double(messages) : -1,
              "B", kBytesTarget)
        && met;
    window.close();
    return met ? 0 : 1;
}
