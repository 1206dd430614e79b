// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparisonview.h"
#include "messages.h"
#include "playbackclock.h"
#include "sequenceview.h"

#include <QEvent>
#include <QTest>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

// Counts the paint events a widget gets.
struct PaintCounter : QObject {
    int paints = 0;
    bool eventFilter(QObject*, QEvent* event) override
    {
        paints += event->type() == QEvent::Paint;
        return false;
    }
};

// A client and a server on a running clock.
std::unique_ptr<Trace> liveTrace()
{
    auto trace = std::make_unique<Trace>();
    trace->startClock();
    trace->addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    trace->addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    return trace;
}

} // namespace

class TestComparisonView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void oneFrameTickDrawsEveryDiagram()
    {
        // One pattern has a packet in flight, the other is quiet: both are drawn on the one tick, so the quiet
        // one scrolls along on the shared time axis and the window paints them in one pass.
        auto busy = liveTrace();
        auto quiet = liveTrace();
        busy->addMessage(makeMessage(0, 1, Message::Kind::HttpRequest, QStringLiteral("GET /"), NoTime));
        ComparisonView view;
        view.resize(900, 600);
        view.setPanes(
            { { QStringLiteral("Busy"), busy.get(), {}, {} }, { QStringLiteral("Quiet"), quiet.get(), {}, {} } });
        view.setRecording(true);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY(view.diagram(0)->isAnimating());
        QVERIFY(!view.diagram(1)->isAnimating()); // nothing of its own moves

        PaintCounter busyPaints;
        PaintCounter quietPaints;
        view.diagram(0)->viewport()->installEventFilter(&busyPaints);
        view.diagram(1)->viewport()->installEventFilter(&quietPaints);
        QTRY_VERIFY_WITH_TIMEOUT(busyPaints.paints >= 10, 20'000);
        // The same tick marks both: at most a frame or two apart (the trace's own repaints add to the busy one).
        QVERIFY2(quietPaints.paints >= busyPaints.paints - 2,
            qPrintable(QStringLiteral("busy %1, quiet %2").arg(busyPaints.paints).arg(quietPaints.paints)));

        // Once nothing moves, no diagram asks for frames.
        busy->completeMessage(0, busy->now());
        QTRY_VERIFY(!view.diagram(0)->isAnimating());
        QVERIFY(!view.diagram(1)->isAnimating());
    }
};

QTEST_MAIN(TestComparisonView)
#include "tst_comparisonview.moc"
