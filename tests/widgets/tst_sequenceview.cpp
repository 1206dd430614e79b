// SPDX-License-Identifier: GPL-3.0-or-later
#include "messages.h"
#include "pictures.h"
#include "playbackclock.h"
#include "sequenceview.h"
#include "testrun.h"
#include "tracequeries.h"

#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

// A point on the arrow, a little way in from its start, where no other arrow is likely.
QPoint onArrow(const QLineF& line)
{
    return line.pointAt(0.4).toPoint();
}

} // namespace

class TestSequenceView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void liveRunDrawsArrowsAndClickSelects()
    {
        auto run = startRun(QStringLiteral("request-response"),
            { QStringLiteral("latency=40ms"), QStringLiteral("interval=150ms"), QStringLiteral("processing=20ms") });
        QVERIFY(run);
        PlaybackClock clock;
        clock.setTrace(run->trace());
        clock.setRecording(true);
        SequenceView view;
        view.resize(900, 600);
        view.setClock(&clock);
        view.setTrace(run->trace());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil([&] { return deliveredCount(trace) >= 6; }));
        QVERIFY(stopAndWait(*run));
        clock.setRecording(false);
        QCoreApplication::processEvents();

        // The first request's arrow goes from the client's lifeline to the server's, slanted by the latency.
        qint64 request = -1;
        for (const Message& m : trace.messages()) {
            if (m.kind == Message::Kind::HttpRequest && m.state == Message::State::Delivered) {
                request = m.seq;
                break;
            }
        }
        QVERIFY(request >= 0);
        view.setFollowing(false);
        view.selectMessage(request);
        const QLineF line = view.arrowInViewport(request);
        QVERIFY(!line.isNull());
        QVERIFY(line.x2() > line.x1()); // client is left of server
        QVERIFY(line.y2() > line.y1()); // later at the receiver
        QSignalSpy activated(&view, &SequenceView::messageActivated);
        QTest::mouseMove(view.viewport(), onArrow(line));
        QCOMPARE(view.hoveredMessage(), request);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, onArrow(line));
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().first().toLongLong(), request);
        QCOMPARE(view.selectedMessage(), request);
        // Clicking where there is no arrow clears the selection.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(20, 300));
        QCOMPARE(view.selectedMessage(), qint64(-1));
    }

    // Events 10 ms apart are a bundle at the default zoom: hovering it lists them, clicking it opens it into
    // single arrows with their own labels.
    void bundleShowsItsMessagesAndOpensOnClick()
    {
        Trace trace;
        const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        for (int i = 0; i < 20; ++i) {
            const Message m = makeMessage(server, client, Message::Kind::SseEvent,
                QStringLiteral("event: message · id %1").arg(i + 1), 1'000'000 + i * 10'000);
            trace.completeMessage(trace.addMessage(m), m.sentAt + 100'000);
        }
        SequenceView view;
        view.resize(800, 600);
        view.setTrace(&trace);
        view.setFollowing(false);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const auto bundle = [&]() -> const DiagramLayout::Item* {
            for (const DiagramLayout::Item& item : view.layout().items()) {
                if (item.isBundle())
                    return &item;
            }
            return nullptr;
        };
        QVERIFY(QTest::qWaitFor([&] { return bundle() != nullptr; }));
        QCOMPARE(bundle()->text, QStringLiteral("20 × event: message · id 1–20"));
        const QPoint label = view.contentToViewport(bundle()->label.center()).toPoint();
        const QString tip = view.toolTipAt(label);
        QVERIFY2(tip.contains(QStringLiteral("event: message · id 1\n")) && tip.contains(QStringLiteral("and 8 more")),
            qPrintable(tip));

        const double zoom = view.zoom();
        QSignalSpy activated(&view, &SequenceView::messageActivated);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, label);
        QCOMPARE(activated.count(), 0); // opening a bundle selects nothing
        QVERIFY(view.zoom() > zoom);
        QVERIFY(QTest::qWaitFor([&] { return !view.layout().items().empty() && !bundle(); }));
        qsizetype labelled = 0;
        for (const DiagramLayout::Item& item : view.layout().items())
            labelled += !item.label.isNull();
        QVERIFY(labelled >= 5);
    }

    void steppingBackUndrawsAndForwardRedraws()
    {
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        for (int i = 0; i < 3; ++i) {
            Message m;
            m.from = i % 2 ? b : a;
            m.to = i % 2 ? a : b;
            m.label = QStringLiteral("message %1").arg(i);
            m.sentAt = 500'000 + i * 500'000;
            trace.completeMessage(trace.addMessage(m), m.sentAt + 200'000);
        }
        PlaybackClock clock;
        clock.setTrace(&trace);
        SequenceView view;
        view.resize(700, 500);
        view.setClock(&clock);
        view.setTrace(&trace);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCoreApplication::processEvents();
        const QImage all = view.viewport()->grab().toImage();
        QVERIFY(!view.arrowInViewport(2).isNull());

        clock.stepBack(); // to the last message's send: it has just left
        clock.stepBack(); // to the second one's arrival: the third is not sent yet
        QCOMPARE(clock.position(), TimeUs(1'200'000));
        QCoreApplication::processEvents();
        QVERIFY(view.arrowInViewport(2).isNull());
        QVERIFY(!view.arrowInViewport(1).isNull());
        const QImage fewer = view.viewport()->grab().toImage();
        QVERIFY(pixelDifference(all, fewer) > 100);

        clock.stepForward();
        clock.stepForward();
        QTRY_VERIFY(!view.isAnimating()); // the step's arrow has flown
        QVERIFY(!view.arrowInViewport(2).isNull());
        // Halfway through the last flight the arrow is only partly drawn.
        clock.seek(1'600'000);
        const QLineF partial = view.arrowInViewport(2);
        QVERIFY(!partial.isNull());
        QVERIFY(partial.length() < view.arrowInViewport(1).length());
        QVERIFY(!view.isAnimating()); // paused: no frames
    }

    void stepForwardFliesTheArrowToItsArrival()
    {
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        trace.completeMessage(
            trace.addMessage(makeMessage(a, b, Message::Kind::HttpRequest, {}, 1'000'000)), 3'000'000);
        PlaybackClock clock;
        clock.setTrace(&trace);
        clock.setSpeed(PlaybackClock::MinSpeed); // 2 s of flight would take 20 s: capped at MaxStepFlightMs
        SequenceView view;
        view.resize(600, 400);
        view.setClock(&clock);
        view.setTrace(&trace);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        clock.seek(1'000'000); // paused at the send
        const qreal leftAt = view.arrowInViewport(0).length();

        QElapsedTimer wall;
        wall.start();
        clock.stepForward();
        QCOMPARE(clock.position(), TimeUs(3'000'000)); // the clock, the caption and the table are at the arrival
        // The picture is not there yet: it plays its way there.
        QVERIFY(view.drawnTime() < clock.position());
        QVERIFY(view.isAnimating());
        QVERIFY(QTest::qWaitFor([&] { return view.arrowInViewport(0).length() > leftAt; }));
        QTRY_VERIFY(!view.isAnimating());
        QVERIFY(wall.elapsed() >= SequenceView::MaxStepFlightMs);
        QCOMPARE(view.drawnTime(), clock.position());

        // Stepping back jumps, and a seek during a flight ends it.
        clock.stepBack();
        QCOMPARE(view.drawnTime(), TimeUs(1'000'000));
        clock.stepForward();
        QVERIFY(view.isAnimating());
        clock.seek(2'000'000);
        QCOMPARE(view.drawnTime(), TimeUs(2'000'000));
    }

    void zoomAndAxesChangeTheLayout()
    {
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        trace.completeMessage(
            trace.addMessage(makeMessage(a, b, Message::Kind::HttpRequest, {}, 1'000'000)), 1'300'000);
        SequenceView view;
        view.resize(600, 400);
        view.setTrace(&trace);
        view.setFollowing(false);
        const double slant = view.arrowInViewport(0).dy();
        view.zoomIn();
        QVERIFY(view.arrowInViewport(0).dy() > slant);
        QTest::keyClick(&view, Qt::Key_Minus);
        QTest::keyClick(&view, Qt::Key_Minus);
        QVERIFY(view.arrowInViewport(0).dy() < slant);
        view.setAxis(SequenceGeometry::Axis::Compact);
        QCOMPARE(view.arrowInViewport(0).dy(), 0.0); // one row: horizontal
    }

    // The kinds filter: hidden kinds leave the picture (no arrow, no hover, no row), and come back.
    void kindFilterHidesArrows()
    {
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        const qint64 request = trace.addMessage(makeMessage(a, b, Message::Kind::HttpRequest, {}, 1'000'000));
        trace.completeMessage(request, 1'300'000);
        const qint64 ping = trace.addMessage(makeMessage(b, a, Message::Kind::WsPing, {}, 2'100'000));
        trace.completeMessage(ping, 2'400'000);
        SequenceView view;
        view.resize(600, 400);
        view.setTrace(&trace);
        view.setFollowing(false);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QLineF line = view.arrowInViewport(ping);
        QVERIFY(!line.isNull());
        view.selectMessage(ping);
        QTest::mouseMove(view.viewport(), onArrow(line));
        QCOMPARE(view.hoveredMessage(), ping);

        view.setKindFilter([](const Message& m) { return m.kind != Message::Kind::WsPing; });
        QVERIFY(view.arrowInViewport(ping).isNull());
        QVERIFY(!view.arrowInViewport(request).isNull());
        QCOMPARE(view.selectedMessage(), -1); // what is not drawn is not selected
        QTest::mouseMove(view.viewport(), onArrow(line) + QPoint(1, 0));
        QCOMPARE(view.hoveredMessage(), -1);
        view.setAxis(SequenceGeometry::Axis::Compact);
        QCOMPARE(view.geometry().rows(), std::vector<qint64>({ request }));

        view.setKindFilter({});
        QVERIFY(!view.arrowInViewport(ping).isNull());
        QCOMPARE(view.geometry().rows().size(), size_t(2));
    }

    // The fold threshold: folds follow the setting, live as the trace grows, and never a held request.
    void foldThresholdFollowsTheSetting()
    {
        Trace trace;
        const int a = trace.addParticipant(QStringLiteral("A"), Participant::Role::Client);
        const int b = trace.addParticipant(QStringLiteral("B"), Participant::Role::Server);
        const auto exchange = [&](TimeUs at) {
            trace.completeMessage(trace.addMessage(makeMessage(a, b, Message::Kind::HttpRequest, {}, at)), at + 10'000);
        };
        exchange(0);
        exchange(3'010'000); // 3 s idle
        SequenceView view;
        view.resize(600, 400);
        view.setTrace(&trace);
        QCOMPARE(view.foldAfter(), SequenceGeometry::FoldAfter);
        QVERIFY(view.geometry().folds().empty());
        view.setFoldAfter(2'000'000);
        QCOMPARE(view.geometry().folds().size(), size_t(1));
        view.setFoldAfter(0);
        QVERIFY(view.geometry().folds().empty());
        view.setFoldAfter(2'000'000);

        // Live: a 5 s hold, then the answer; then 10 s idle and another request.
        exchange(3'100'000);
        const qint64 hold = trace.beginActivation(b, QStringLiteral("holding the poll"), 3'110'000);
        trace.endActivation(hold, 8'110'000);
        exchange(8'110'000);
        QCOMPARE(view.geometry().folds().size(), size_t(1)); // the hold is not idle
        exchange(18'200'000);
        QCOMPARE(view.geometry().folds().size(), size_t(2));
        QCOMPARE(view.geometry().folds().back().start, 8'120'000 + SequenceGeometry::FoldMargin);
        QVERIFY(!view.geometry().foldAt(5'000'000));
    }
};

QTEST_MAIN(TestSequenceView)
#include "tst_sequenceview.moc"
