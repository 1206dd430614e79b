// SPDX-License-Identifier: GPL-3.0-or-later
// Drawing cost of the comparison view: the five comparable patterns running live at once, side by side on
// one clock, at 1920x1080 and 1280x720 offscreen. Reports the frames (paint events) each diagram got per second (the
// slowest one counts; target >= 50 frames/s), the time one whole-view frame takes to draw, and what each part of
// it costs (so a miss says where to look).
//   cmake --preset bench && cmake --build --preset bench --target bench_compare && build/bench/bench/bench_compare
#include "comparison.h"
#include "comparisoncharts.h"
#include "comparisonview.h"
#include "playbackclock.h"
#include "run.h"
#include "sequenceview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace PatternScope;

namespace {

constexpr double kFpsTarget = 50.0;
const char* const kPatterns[]
    = { "short-polling", "long-polling", "server-sent-events", "websockets", "publish-subscribe" };

struct Counter : QObject {
    int frames = 0;
    bool eventFilter(QObject*, QEvent* event) override
    {
        frames += event->type() == QEvent::Paint;
        return false;
    }
};

struct Result {
    double slowestFps = 0;
    double meanFps = 0;
    std::vector<double> fps; // each diagram's
    double frameMs = 0; // median time to draw the whole view once
    std::vector<double> diagramMs; // median time to draw each diagram once
    double chartsMs = 0;
    qint64 messages = 0;
};

// The median time to draw a widget (and its children) into an image.
double medianDrawMs(QWidget* widget, int times)
{
    QImage image(widget->size(), QImage::Format_ARGB32_Premultiplied);
    std::vector<double> ms;
    for (int i = 0; i < times; ++i) {
        QElapsedTimer timer;
        timer.start();
        QPainter painter(&image);
        widget->render(&painter);
        painter.end();
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

Result measure(int width, int height)
{
    // An item every 100 ms on a 100 ms link: something is always in flight, so every diagram animates.
    Workload workload;
    workload.durationMs = 0; // until stopped
    workload.settings = { { QStringLiteral("produce"), QStringLiteral("100ms") },
        { QStringLiteral("latency"), QStringLiteral("100ms") }, { QStringLiteral("poll"), QStringLiteral("500ms") } };
    QStringList ids;
    for (const char* id : kPatterns)
        ids << QString::fromLatin1(id);
    ComparisonRun runs;
    QString error;
    if (!runs.start(ids, workload, &error)) {
        std::fprintf(stderr, "cannot start: %s\n", qPrintable(error));
        return {};
    }
    QList<ComparisonView::Pane> panes;
    for (int i = 0; i < runs.count(); ++i)
        panes.append({ runs.run(i)->info().title, runs.run(i)->trace(), runs.patternId(i), runs.parameters(i) });
    ComparisonView view;
    view.resize(width, height);
    view.setPanes(panes);
    view.setRecording(true);
    view.show();

    std::vector<std::unique_ptr<Counter>> counters;
    for (int i = 0; i < view.count(); ++i) {
        counters.push_back(std::make_unique<Counter>());
        view.diagram(i)->viewport()->installEventFilter(counters.back().get());
    }
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 1500)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    for (auto& counter : counters)
        counter->frames = 0;
    timer.restart();
    while (timer.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const double seconds = double(timer.elapsed()) / 1000.0;
    Result result;
    result.slowestFps = 1e9;
    for (const auto& counter : counters) {
        const double fps = counter->frames / seconds;
        result.fps.push_back(fps);
        result.slowestFps = std::min(result.slowestFps, fps);
        result.meanFps += fps / double(counters.size());
    }
    // One frame of the whole view (headers, five diagrams, charts, bar), drawn into an image, and its parts.
    result.frameMs = medianDrawMs(&view, 60);
    for (int i = 0; i < view.count(); ++i)
        result.diagramMs.push_back(medianDrawMs(view.diagram(i), 30));
    result.chartsMs = medianDrawMs(view.charts(), 30);
    for (int i = 0; i < runs.count(); ++i)
        result.messages += qint64(runs.run(i)->trace()->messages().size());
    view.setPanes({});
    for (int i = 0; i < runs.count(); ++i)
        runs.run(i)->stop(0);
    return result;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    bool ok = true;
    for (const QSize size : { QSize(1920, 1080), QSize(1280, 720) }) {
        const Result r = measure(size.width(), size.height());
        const bool met = r.slowestFps >= kFpsTarget;
        std::printf("five live diagrams at %dx%d: slowest %.1f frames/s, target >= %.0f frames/s: %s; mean %.1f "
                    "frames/s; %lld messages recorded\n",
            size.width(), size.height(), r.slowestFps, kFpsTarget, met ? "met" : "MISSED", r.meanFps, r.messages);
        std::printf("  each diagram, frames/s:");
        for (double fps : r.fps)
            std::printf(" %.1f", fps);
        std::printf("\n  one whole-view frame drawn in %.2f ms (%.0f frames/s of drawing); each diagram, ms:",
            r.frameMs, r.frameMs > 0 ? 1000.0 / r.frameMs : 0.0);
        for (double ms : r.diagramMs)
            std::printf(" %.2f", ms);
        std::printf("; charts %.2f ms\n", r.chartsMs);
        ok = ok && met;
    }
    std::printf("%s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
