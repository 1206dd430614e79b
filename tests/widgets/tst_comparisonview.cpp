// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparisonview.h"
#include "messages.h"
#include "paintcounter.h"
#include "playbackclock.h"
#include "sequenceview.h"
#include "tracefiles.h"

#include <QFontMetricsF>
#include <QTest>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

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
    // Five patterns side by side at 1280×720 leave a pane ~240 px wide: publish-subscribe's three lifelines
    // were headed "Pu…", "Br…", "Su…" because the notes lanes took their room. The lanes yield first. Here
    // five lifelines (three subscribers) in ~400 px: the old fit gave them 51 px columns, "Br…".
    void narrowPanesKeepTheNamesBeforeTheNotes()
    {
        Trace trace;
        QCOMPARE(readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/pubsub-fast.pstrace.jsonl"), &trace), QString());
        SequenceView view;
        view.setSideBySide(true, false);
        view.setTrace(&trace);
        view.resize(416, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const SequenceGeometry& g = view.geometry();
        QVERIFY2(g.contentWidth() <= view.viewport()->width() + 0.5, qPrintable(QString::number(g.contentWidth())));
        // The header box is the column less 16 px, its name elided to the box less 10 (SequencePainter).
        const QFontMetricsF fm(view.font());
        const QString broker = QStringLiteral("Broker");
        QVERIFY2(fm.horizontalAdvance(broker) <= g.columnWidth() - 26.0,
            qPrintable(QStringLiteral("column %1 px for '%2' in %3 px")
                           .arg(g.columnWidth())
                           .arg(broker)
                           .arg(view.viewport()->width())));
        // Every lane still has at least the half column beside its lifeline for the notes.
        using Lane = SequenceGeometry::Lane;
        QVERIFY(
            g.laneRight(Lane::Left) - g.laneLeft(Lane::Left) >= g.columnWidth() / 2 - SequenceGeometry::LaneGap - 0.5);
        QVERIFY(g.laneRight(Lane::Right) - g.laneLeft(Lane::Right)
            >= g.columnWidth() / 2 - SequenceGeometry::LaneGap - 0.5);
    }

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

        PaintCounter busyPaints(view.diagram(0)->viewport());
        PaintCounter quietPaints(view.diagram(1)->viewport());
        QTRY_VERIFY_WITH_TIMEOUT(busyPaints.paints >= 10, 20'000);
        // The same tick marks both: at most a frame or two apart (the trace's own repaints add to the busy one).
        QVERIFY2(quietPaints.paints >= busyPaints.paints - 2,
            qPrintable(QStringLiteral("busy %1, quiet %2").arg(busyPaints.paints).arg(quietPaints.paints)));

        // Once nothing moves, no diagram asks for frames.
        busy->completeMessage(0, busy->now());
        QTRY_VERIFY(!view.diagram(0)->isAnimating());
        QVERIFY(!view.diagram(1)->isAnimating());
    }

    void stepsGoThroughEveryPatternsEvents()
    {
        // Two recorded runs whose events interleave: A sends at 1 s (arrives 1.5 s), B at 1.2 s (arrives 2 s).
        Trace a;
        Trace b;
        for (Trace* t : { &a, &b }) {
            t->addParticipant(QStringLiteral("Client"), Participant::Role::Client);
            t->addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        }
        a.completeMessage(
            a.addMessage(makeMessage(0, 1, Message::Kind::HttpRequest, QStringLiteral("GET a"), 1'000'000)), 1'500'000);
        b.completeMessage(
            b.addMessage(makeMessage(0, 1, Message::Kind::HttpRequest, QStringLiteral("GET b"), 1'200'000)), 2'000'000);
        ComparisonView view;
        view.resize(900, 600);
        view.setPanes({ { QStringLiteral("A"), &a, {}, {} }, { QStringLiteral("B"), &b, {}, {} } });
        view.setRecording(false);
        PlaybackClock* clock = view.clock();
        QCOMPARE(clock->head(), TimeUs(2'000'000)); // the later run's end, not the first's
        clock->seek(0);

        const QList<TimeUs> expected { 1'000'000, 1'200'000, 1'500'000, 2'000'000 };
        // At each stop, the diagram with an event there selects it; the other selects nothing.
        const QList<std::pair<qint64, qint64>> selected { { 0, -1 }, { -1, 0 }, { 0, -1 }, { -1, 0 } };
        for (qsizetype i = 0; i < expected.size(); ++i) {
            clock->stepForward();
            QCOMPARE(clock->position(), expected[i]);
            QCOMPARE(view.diagram(0)->selectedMessage(), selected[i].first);
            QCOMPARE(view.diagram(1)->selectedMessage(), selected[i].second);
        }
        for (qsizetype i = expected.size() - 2; i >= 0; --i) {
            clock->stepBack();
            QCOMPARE(clock->position(), expected[i]);
            QCOMPARE(view.diagram(0)->selectedMessage(), selected[i].first);
            QCOMPARE(view.diagram(1)->selectedMessage(), selected[i].second);
        }
    }
};

QTEST_MAIN(TestComparisonView)
#include "tst_comparisonview.moc"
