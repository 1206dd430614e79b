// SPDX-License-Identifier: GPL-3.0-or-later
// The comparison view runs the patterns it was asked for, each on its own trace, draws them on one clock
// (pausing one pauses all, scrolling one scrolls all), shows each one's figures, and exports the whole view.
#include "comparedialog.h"
#include "comparisoncharts.h"
#include "comparison.h"
#include "comparisonview.h"
#include "comparisonwindow.h"
#include "metrics.h"
#include "playbackclock.h"
#include "run.h"
#include "sequenceview.h"
#include "waituntil.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace PatternScope;
using PatternScope::Test::waitUntil;

namespace {

// Quick items on a quick link, so a few seconds hold several deliveries per pattern.
Workload quick(quint64 seed)
{
    Workload w;
    w.seed = seed;
    w.durationMs = 30'000;
    w.settings = { { QStringLiteral("latency"), QStringLiteral("30ms") },
        { QStringLiteral("produce"), QStringLiteral("150ms") }, { QStringLiteral("poll"), QStringLiteral("300ms") },
        { QStringLiteral("clients"), QStringLiteral("1") } };
    return w;
}

const QStringList kThree { QStringLiteral("short-polling"), QStringLiteral("long-polling"),
    QStringLiteral("server-sent-events") };

bool everyTraceHasDeliveries(const ComparisonWindow& window, int atLeast)
{
    for (int i = 0; i < window.count(); ++i) {
        if (computeMetrics(*window.run(i)->trace()).deliveries < atLeast)
            return false;
    }
    return true;
}

} // namespace

class TestComparisonWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    void startsOneRunPerPatternEachInItsOwnDiagram()
    {
        ComparisonWindow window;
        QString error;
        QVERIFY2(window.start(kThree, quick(7), &error), qPrintable(error));
        window.show();
        QCOMPARE(window.count(), 3);
        QCOMPARE(window.view()->count(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(window.run(i)->info().id, kThree.at(i));
            QVERIFY(window.run(i)->isRunning());
            QCOMPARE(window.view()->diagram(i)->trace(), window.run(i)->trace());
            // One time axis: no diagram folds an idle gap of its own.
            QCOMPARE(window.view()->diagram(i)->foldAfter(), TimeUs(0));
        }
        // The charts under the diagrams are of the same runs.
        QCOMPARE(window.view()->charts()->count(), 3);
        // The same seed, so the same producer schedule for each.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(window.run(i)->seed(), quint64(7));
        QVERIFY(waitUntil([&] { return everyTraceHasDeliveries(window, 2); }, 15000));
        QSignalSpy finished(&window, &ComparisonWindow::finished);
        window.stop();
        QVERIFY(finished.wait(10000) || !finished.isEmpty());
        QVERIFY(!window.isRunning());
        QVERIFY(!window.view()->clock()->isRecording());
        // Stopped, the traces hold still: the headers' figures are the traces' own.
        window.view()->refreshFigures();
        for (int i = 0; i < 3; ++i) {
            const Metrics metrics = computeMetrics(*window.run(i)->trace());
            const QString text = window.view()->figuresLabel(i)->text();
            QVERIFY2(text.startsWith(QStringLiteral("%1 items").arg(metrics.deliveries)), qPrintable(text));
            const QString perItem = QString::number(double(metrics.requests) / double(metrics.deliveries), 'f', 1);
            QVERIFY2(text.contains(perItem + QStringLiteral(" req/item")), qPrintable(text));
        }
    }

    void refusesWhatCannotBeCompared()
    {
        ComparisonWindow window;
        QString error;
        QVERIFY(!window.start({ QStringLiteral("short-polling") }, Workload(), &error));
        QVERIFY2(error.contains(QStringLiteral("2 to 5")), qPrintable(error));
        error.clear();
        QVERIFY(
            !window.start({ QStringLiteral("short-polling"), QStringLiteral("request-response") }, Workload(), &error));
        QVERIFY2(error.contains(QStringLiteral("request-response")) && error.contains(QStringLiteral("long-polling")),
            qPrintable(error));
        QCOMPARE(window.count(), 0);
    }

    void oneClockPausesEveryDiagram()
    {
        ComparisonWindow window;
        QString error;
        QVERIFY2(window.start(kThree, quick(3), &error), qPrintable(error));
        window.resize(900, 420); // diagrams shorter than the three seconds recorded below: they scroll
        window.show();
        QVERIFY(waitUntil([&] { return everyTraceHasDeliveries(window, 1); }, 15000));
        QVERIFY(waitUntil([&] { return window.run(0)->trace()->now() > 3'000'000; }, 15000));
        ComparisonView* view = window.view();
        for (int i = 0; i < view->count(); ++i)
            QVERIFY(view->diagram(i)->isFollowing());
        view->clock()->pause();
        const TimeUs paused = view->clock()->position();
        for (int i = 0; i < view->count(); ++i)
            QCOMPARE(view->diagram(i)->drawnTime(), paused);
        // The runs keep recording, the picture stays where it was paused, in every diagram.
        const size_t before = window.run(0)->trace()->messages().size();
        QVERIFY(waitUntil([&] { return window.run(0)->trace()->messages().size() > before + 2; }, 10000));
        for (int i = 0; i < view->count(); ++i)
            QCOMPARE(view->diagram(i)->drawnTime(), paused);
        QVERIFY(window.run(0)->trace()->now() > paused);

        // Scrolling one diagram scrolls the others to the same height, which is the same time.
        SequenceView* first = view->diagram(0);
        QVERIFY(first->verticalScrollBar()->maximum() > 60);
        first->verticalScrollBar()->setValue(first->verticalScrollBar()->value() - 50);
        for (int i = 1; i < view->count(); ++i) {
            QCOMPARE(view->diagram(i)->verticalScrollBar()->value(), first->verticalScrollBar()->value());
            QVERIFY(!view->diagram(i)->isFollowing());
        }
        // Zoom too.
        first->zoomIn();
        for (int i = 1; i < view->count(); ++i)
            QCOMPARE(view->diagram(i)->zoom(), first->zoom());

        // Live again: every diagram follows the head.
        view->clock()->goLive();
        for (int i = 0; i < view->count(); ++i)
            QVERIFY(view->diagram(i)->isFollowing());
        QVERIFY(view->diagram(1)->drawnTime() > paused);
    }

    void exportsTheWholeViewAsSvgAndPng()
    {
        ComparisonWindow window;
        window.resize(1280, 720);
        QString error;
        QVERIFY2(window.start(kThree, quick(5), &error), qPrintable(error));
        window.show();
        QVERIFY(waitUntil([&] { return everyTraceHasDeliveries(window, 1); }, 15000));
        window.view()->refreshFigures();
        QTemporaryDir dir;
        const QString svg = dir.filePath(QStringLiteral("comparison.svg"));
        const QString png = dir.filePath(QStringLiteral("comparison.png"));
        QVERIFY2(window.exportView(svg, &error), qPrintable(error));
        QVERIFY2(window.exportView(png, &error), qPrintable(error));

        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.contains(QStringLiteral("<svg")));
        // The headers are in the picture as text: each pattern's name.
        for (int i = 0; i < window.count(); ++i)
            QVERIFY2(text.contains(window.run(i)->info().title), qPrintable(window.run(i)->info().title));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), window.view()->size() * window.view()->devicePixelRatioF());

        QVERIFY(!window.exportView(dir.filePath(QStringLiteral("comparison.bmp")), &error));
        QVERIFY2(error.contains(QStringLiteral(".svg")), qPrintable(error));
        QVERIFY(!window.exportView(dir.filePath(QStringLiteral("missing/dir/c.svg")), &error));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("missing/dir/c.svg"))));
    }

    void theDialogAsksForTwoToFive()
    {
        CompareDialog dialog(ComparisonWindow::comparablePatterns());
        dialog.setPatterns({ QStringLiteral("websockets") });
        auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        dialog.setPatterns(ComparisonWindow::comparablePatterns());
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.patterns(), ComparisonWindow::comparablePatterns());
        // Poll is short polling's alone: asked for only when short polling runs.
        const auto has = [&](const char* name) {
            for (const auto& setting : dialog.workload().settings) {
                if (setting.first == QLatin1String(name))
                    return true;
            }
            return false;
        };
        QVERIFY(has("latency") && has("poll"));
        dialog.setPatterns({ QStringLiteral("websockets"), QStringLiteral("long-polling") });
        QVERIFY(has("latency") && !has("poll"));
        QString error;
        QVERIFY2(ComparisonRun::validate(dialog.patterns(), dialog.workload(), &error), qPrintable(error));
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestComparisonWindow)
#include "tst_comparisonwindow.moc"
