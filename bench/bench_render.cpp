// SPDX-License-Identifier: GPL-3.0-or-later
// Drawing cost of the sequence view: one frame with 100k messages in the trace against one with 100
// (painting must touch only the visible range), and the frame rate of a live Server-Sent Events run
// at 50 events/s. Offscreen at 1920x1080.
#include "exchanges.h"
#include "playbackclock.h"
#include "run.h"
#include "sequenceview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cstdio>

using namespace PatternScope;
using PatternScope::Test::fillPolling;

namespace {

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;
constexpr int kFrames = 300;
constexpr double kRatioTarget = 1.5;
constexpr double kFrameTargetMs = 8.0;
constexpr double kFpsTarget = 50.0;
// Requests and answers between two clients and a server, an exchange every 200 ms, with
// processing activations and a note now and then: what a long recording looks like.
constexpr TimeUs kEvery = 200'000;

// Median time to draw the view's viewport, scrolled to the end of the trace, into an image.
double frameMs(int messages)
{
    Trace trace;
    fillPolling(trace, messages, kEvery);
    PlaybackClock clock;
    clock.setTrace(&trace);
    SequenceView view;
    view.resize(kWidth, kHeight);
    view.setClock(&clock);
    view.setTrace(&trace);
    view.show();
    QCoreApplication::processEvents();
    QImage image(view.viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    std::vector<double> times;
    for (int i = 0; i < kFrames; ++i) {
        QElapsedTimer timer;
        timer.start();
        QPainter painter(&image);
        view.viewport()->render(&painter);
        painter.end();
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// Frames the view paints per second while a real SSE run pushes 50 events a second.
double liveFps()
{
    const PatternInfo* info = PatternRegistry::find(QStringLiteral("server-sent-events"));
    ParameterSet parameters(info->parameters);
    QString error;
    for (const char* a : { "produce=20ms", "arrivals=fixed", "latency=100ms", "heartbeat=5s" })
        parameters.assign(QString::fromLatin1(a), &error);
    Run run;
    if (!run.start(*info, parameters, 1, &error)) {
        std::fprintf(stderr, "cannot start: %s\n", qPrintable(error));
        return 0;
    }
    PlaybackClock clock;
    clock.setTrace(run.trace());
    clock.setRecording(true);
    SequenceView view;
    view.resize(kWidth, kHeight);
    view.setClock(&clock);
    view.setTrace(run.trace());
    view.show();

    struct Counter : QObject {
        int frames = 0;
        bool eventFilter(QObject*, QEvent* event) override
        {
            frames += event->type() == QEvent::Paint;
            return false;
        }
    } counter;
    view.viewport()->installEventFilter(&counter);
    // Warm up, then count for five seconds.
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 1000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    counter.frames = 0;
    timer.restart();
    while (timer.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const double fps = counter.frames * 1000.0 / double(timer.elapsed());
    std::printf("live SSE: %lld messages recorded, %d frames in %.1f s\n", qint64(run.trace()->messages().size()),
        counter.frames, double(timer.elapsed()) / 1000.0);
    run.stop(0);
    return fps;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const double small = frameMs(100);
    const double large = frameMs(100'000);
    const double ratio = large / small;
    std::printf("frame at %dx%d: %.2f ms with 100 messages, %.2f ms with 100k (ratio %.2f, target <= %.1f; "
                "target <= %.0f ms)\n",
        kWidth, kHeight, small, large, ratio, kRatioTarget, kFrameTargetMs);
    const double fps = liveFps();
    std::printf("live SSE at 50 events/s: %.1f frames/s (target >= %.0f)\n", fps, kFpsTarget);
    const bool ok = ratio <= kRatioTarget && large <= kFrameTargetMs && fps >= kFpsTarget;
    std::printf("%s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
