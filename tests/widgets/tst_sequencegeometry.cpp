// SPDX-License-Identifier: GPL-3.0-or-later
#include "messages.h"
#include "sequencegeometry.h"

#include <QTest>

using namespace PatternScope;
using PatternScope::Test::makeMessage;
using Axis = SequenceGeometry::Axis;

namespace {

constexpr TimeUs ms(double v)
{
    return TimeUs(v * 1000.0);
}

// Three lifelines and a few messages at known times.
struct Fixture {
    Trace trace;
    SequenceGeometry g;
    int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
    int proxy = trace.addParticipant(QStringLiteral("Proxy"), Participant::Role::Server);
    int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);

    Fixture()
    {
        g.setTrace(&trace);
        g.setColumns(60, 200);
        g.setPixelsPerSecond(100); // 1 ms = 0.1 px
    }

    qint64 send(int from, int to, TimeUs sentAt)
    {
        return trace.addMessage(makeMessage(from, to, Message::Kind::HttpRequest, QStringLiteral("m"), sentAt));
    }
};

} // namespace

class TestSequenceGeometry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lifelinesAndColumns()
    {
        Fixture f;
        QCOMPARE(f.g.xOf(f.client), 160.0);
        QCOMPARE(f.g.xOf(f.proxy), 360.0);
        QCOMPARE(f.g.xOf(f.server), 560.0);
        QCOMPARE(f.g.xOf(42), -1.0);
        QCOMPARE(f.g.participantAt(170), f.client);
        QCOMPARE(f.g.participantAt(459), f.proxy);
        QCOMPARE(f.g.participantAt(30), -1); // the ruler
        QCOMPARE(f.g.participantAt(700), -1); // past the last column
        QCOMPARE(f.g.contentWidth(), 660.0); // the notes lanes fit in the outer half columns
    }

    void lanesBesideTheOuterLifelines()
    {
        Fixture f;
        using Lane = SequenceGeometry::Lane;
        const double gap = SequenceGeometry::LaneGap;
        // Narrow lanes take the outer half columns and widen nothing.
        f.g.setLanes(50, 50);
        QCOMPARE(f.g.laneLeft(Lane::Left), 60.0);
        QCOMPARE(f.g.laneRight(Lane::Left), 160.0 - gap);
        QCOMPARE(f.g.laneLeft(Lane::Right), 560.0 + gap);
        QCOMPARE(f.g.laneRight(Lane::Right), 660.0);
        QCOMPARE(f.g.contentWidth(), 660.0);
        // Wide ones push the lifelines right and the diagram wider, never into a span between lifelines.
        f.g.setLanes(200, 300);
        const double pad = 200 + gap - 100;
        QCOMPARE(f.g.xOf(f.client), 160.0 + pad);
        QCOMPARE(f.g.laneLeft(Lane::Left), 60.0);
        QCOMPARE(f.g.laneRight(Lane::Left), f.g.xOf(f.client) - gap);
        QCOMPARE(f.g.laneLeft(Lane::Right), f.g.xOf(f.server) + gap);
        QCOMPARE(f.g.laneRight(Lane::Right), f.g.xOf(f.server) + gap + 300);
        QCOMPARE(f.g.contentWidth(), f.g.laneRight(Lane::Right));
        QCOMPARE(f.g.participantAt(f.g.xOf(f.proxy) + 10), f.proxy);
        QCOMPARE(f.g.participantAt(100), -1); // the left lane
    }

    void fittingKeepsEveryLifelineInView_data()
    {
        QTest::addColumn<double>("width");
        QTest::addColumn<int>("participants");
        QTest::addColumn<bool>("fits");
        // The diagram's viewport in the window at 1280×720 (about 700 px) and 1440×900, and a video frame.
        QTest::newRow("700 px, 3") << 700.0 << 3 << true;
        QTest::newRow("700 px, 5 (four clients and a server)") << 700.0 << 5 << true;
        // Six need more than the narrowest columns give: it scrolls rather than squeezing them further.
        QTest::newRow("700 px, 6") << 700.0 << 6 << false;
        QTest::newRow("830 px, 5") << 830.0 << 5 << true;
        QTest::newRow("1280 px, 5") << 1280.0 << 5 << true;
    }

    void fittingKeepsEveryLifelineInView()
    {
        QFETCH(double, width);
        QFETCH(int, participants);
        QFETCH(bool, fits);
        Trace trace;
        for (int i = 0; i < participants; ++i)
            trace.addParticipant(QStringLiteral("P%1").arg(i), Participant::Role::Client);
        SequenceGeometry g;
        g.setTrace(&trace);
        g.fitToWidth(width, participants);
        // Where the comfortable widths fit, they are kept; otherwise lanes and columns narrow so nothing
        // scrolls sideways.
        QVERIFY2((g.contentWidth() <= width + 0.5) == fits,
            qPrintable(QStringLiteral("%1 px wide in %2 px").arg(g.contentWidth()).arg(width)));
        if (fits)
            QVERIFY(g.columnWidth() >= 96.0);
        else
            QCOMPARE(g.columnWidth(), 96.0);
        using Lane = SequenceGeometry::Lane;
        QVERIFY(g.laneRight(Lane::Right) - g.laneLeft(Lane::Right) >= 100.0);
        QVERIFY(g.laneRight(Lane::Left) - g.laneLeft(Lane::Left) >= 100.0);
        if (width >= 1280)
            QCOMPARE(g.columnWidth() >= SequenceGeometry::MinColumnWidth, true);
    }

    void clientsLeftServersMiddleSubscribersRight()
    {
        Trace trace;
        const int broker = trace.addParticipant(QStringLiteral("Broker"), Participant::Role::Broker);
        const int a = trace.addParticipant(QStringLiteral("Subscriber A"), Participant::Role::Subscriber);
        const int publisher = trace.addParticipant(QStringLiteral("Publisher"), Participant::Role::Publisher);
        SequenceGeometry g;
        g.setTrace(&trace);
        QCOMPARE(g.columnOf(publisher), 0);
        QCOMPARE(g.columnOf(broker), 1);
        QCOMPARE(g.columnOf(a), 2);
        // Someone joining later takes the place of their group.
        const int alice = trace.addParticipant(QStringLiteral("alice"), Participant::Role::External);
        QCOMPARE(g.columnOf(alice), 1);
        QCOMPARE(g.columnOf(broker), 2);
        QCOMPARE(g.participantInColumn(3), a);
    }

    void timeAxisIsProportional()
    {
        Fixture f;
        QCOMPARE(f.g.timeToY(0), 0.0);
        QCOMPARE(f.g.timeToY(ms(1500)), 150.0);
        QCOMPARE(f.g.yToTime(150.0), ms(1500));
        f.g.setPixelsPerSecond(400);
        QCOMPARE(f.g.timeToY(ms(1500)), 600.0);
        for (TimeUs t : { TimeUs(0), ms(3), ms(777), ms(123456) })
            QVERIFY(std::abs(f.g.yToTime(f.g.timeToY(t)) - t) <= 2);
    }

    void foldsHideIdleTimeBehindABreak()
    {
        Fixture f;
        f.g.setFoldHeight(30);
        QVERIFY(f.g.addFold(ms(5000), ms(15000)));
        QVERIFY(!f.g.addFold(ms(14000), ms(16000))); // overlapping: refused
        QVERIFY(f.g.addFold(ms(20000), ms(40000)));
        QCOMPARE(f.g.timeToY(ms(4000)), 400.0);
        QCOMPARE(f.g.timeToY(ms(5000)), 500.0);
        QCOMPARE(f.g.timeToY(ms(10000)), 515.0); // halfway through the break
        QCOMPARE(f.g.timeToY(ms(15000)), 530.0);
        QCOMPARE(f.g.timeToY(ms(16000)), 630.0);
        QCOMPARE(f.g.timeToY(ms(20000)), 1030.0);
        QCOMPARE(f.g.timeToY(ms(41000)), 1030.0 + 30.0 + 100.0);
        for (double y : { 0.0, 499.0, 515.0, 530.0, 631.0, 1045.0, 1200.0 })
            QVERIFY2(std::abs(f.g.timeToY(f.g.yToTime(y)) - y) < 0.01, qPrintable(QString::number(y)));
        QVERIFY(f.g.foldAt(ms(7000)));
        QVERIFY(!f.g.foldAt(ms(17000)));
        f.g.setFoldsShown(false);
        QCOMPARE(f.g.timeToY(ms(16000)), 1600.0);
        QVERIFY(!f.g.foldAt(ms(7000)));
    }

    // A picture folds quiet stretches even with an arrow on its way through; the idle folds stay as they were.
    void quietStretchesFoldForPictures()
    {
        Fixture f;
        f.g.setFoldHeight(30);
        constexpr TimeUs year = 365LL * 24 * 3600 * 1'000'000;
        const qint64 slow = f.send(f.client, f.server, 0); // on its way for 300 years
        f.trace.completeMessage(slow, 300 * year);
        f.trace.completeMessage(f.send(f.server, f.client, 300 * year + ms(5)), 300 * year + ms(15));
        f.trace.completeMessage(f.send(f.client, f.proxy, 301 * year), 301 * year + ms(10)); // a year idle
        f.trace.completeMessage(f.send(f.client, f.proxy, 301 * year + ms(100)), 301 * year + ms(10'000));

        f.g.foldIdleGaps();
        QCOMPARE(f.g.folds().size(), size_t(1)); // only the idle year: the slow arrow keeps its 300 years open
        QVERIFY(f.g.folds().front().idle);
        QVERIFY(f.g.timeToY(300 * year) > 1e11);

        f.g.foldQuietStretches(3000); // 30 s at 100 px/s
        QCOMPARE(f.g.folds().size(), size_t(2));
        const SequenceGeometry::Fold quiet = f.g.folds().front();
        QVERIFY(!quiet.idle);
        QCOMPARE(quiet.start, SequenceGeometry::FoldMargin);
        QCOMPARE(quiet.end, 300 * year - SequenceGeometry::FoldMargin);
        QVERIFY(f.g.folds().back().idle);
        QCOMPARE(f.g.folds().back().start, 300 * year + ms(15) + SequenceGeometry::FoldMargin);
        // The 10 s arrow at the end is under 3000 px: kept at full length.
        const double end = f.g.timeToY(301 * year + ms(10'000));
        QVERIFY2(end < 2 * 100.0 + 2 * 30.0 + 1000.0 + 10.0, qPrintable(QString::number(end)));
        QVERIFY(f.g.timeToY(301 * year + ms(10'000)) - f.g.timeToY(301 * year + ms(100)) > 980.0);
    }

    // The diagram's filter: hidden messages have no arrow, are never hit, and take no compact row.
    void filterHidesMessages()
    {
        Fixture f;
        const qint64 a = f.send(f.client, f.server, ms(1000));
        f.trace.completeMessage(a, ms(1400));
        const qint64 ping = f.trace.addMessage(
            makeMessage(f.server, f.client, Message::Kind::WsPing, QStringLiteral("ping"), ms(1100)));
        f.trace.completeMessage(ping, ms(1300));
        const qint64 c = f.send(f.client, f.proxy, ms(2000));
        const TimeUs asOf = ms(5000);
        QCOMPARE(f.g.messagesInBand(115, 125, asOf), QList<qint64>({ a, ping }));
        QCOMPARE(f.g.messageAt(QPointF(460, 115), asOf, ms(250)), ping);

        f.g.setMessageFilter([](const Message& m) { return m.kind != Message::Kind::WsPing; });
        QVERIFY(!f.g.isShown(f.trace.message(ping)));
        QVERIFY(f.g.isShown(f.trace.message(a)));
        QCOMPARE(f.g.messagesInBand(115, 125, asOf), QList<qint64>({ a }));
        QCOMPARE(f.g.messageAt(QPointF(460, 115), asOf, ms(250)), -1);
        QVERIFY(f.g.arrow(f.trace.message(ping), asOf, ms(250)).line.isNull());

        f.g.setAxis(Axis::Compact);
        f.g.setRowHeight(20);
        QCOMPARE(f.g.rows(), std::vector<qint64>({ a, c }));
        QCOMPARE(f.g.rowOf(c), 1);
        QCOMPARE(f.g.rowOf(ping), -1);
        QCOMPARE(f.g.contentHeight(asOf), 40.0);
        QCOMPARE(f.g.messagesInBand(20, 39, asOf), QList<qint64>({ c }));
        QCOMPARE(f.g.messageAt(QPointF(260, f.g.rowY(1)), asOf, ms(250)), c);
        // Rows follow the trace as it grows, in and out of order.
        const qint64 late = f.send(f.client, f.server, ms(3000));
        const qint64 early = f.send(f.client, f.server, ms(500));
        f.trace.addMessage(makeMessage(f.server, f.client, Message::Kind::WsPing, QStringLiteral("ping"), ms(3100)));
        QCOMPARE(f.g.rows(), std::vector<qint64>({ early, a, c, late }));
        QCOMPARE(f.g.yToTime(f.g.rowY(3)), ms(3000));

        f.g.setMessageFilter({});
        QCOMPARE(f.g.rows().size(), f.trace.sentOrder().size());
        QCOMPARE(f.g.rowOf(ping), 2);
    }

    // Streams: an event-stream answer or a 101 keeps its connection open for more, until it closes.
    void streamsFollowTheirConnections()
    {
        Fixture f;
        QVERIFY(f.g.streams().empty());
        const int sseConnection = f.trace.openConnection(f.client, f.server, ms(0));
        Message get = makeMessage(f.client, f.server, Message::Kind::HttpRequest, QStringLiteral("GET /events"), ms(10),
            sseConnection, QStringLiteral("c1"));
        f.trace.completeMessage(f.trace.addMessage(get), ms(260));
        Message plain = makeMessage(f.server, f.client, Message::Kind::HttpResponse, QStringLiteral("200 OK"), ms(20),
            sseConnection, QStringLiteral("other"));
        plain.fields.status = 200;
        plain.setHeaders({ { "Content-Type", "application/json" } });
        f.trace.addMessage(plain); // not a stream
        Message answer = makeMessage(f.server, f.client, Message::Kind::HttpResponse,
            QStringLiteral("200 OK · event stream"), ms(270), sseConnection, QStringLiteral("c1"));
        answer.fields.status = 200;
        answer.setHeaders({ { "content-type", "text/event-stream; charset=utf-8" } });
        const qint64 answerSeq = f.trace.addMessage(answer);
        QCOMPARE(f.g.streams().size(), size_t(1));
        {
            const SequenceGeometry::Stream& s = f.g.streams().front();
            QCOMPARE(s.client, f.client);
            QCOMPARE(s.server, f.server);
            QCOMPARE(s.connection, sseConnection);
            QCOMPARE(s.openedAt, ms(270));
            QCOMPARE(s.closedAt, NoTime);
            QCOMPARE(s.openingSeq, answerSeq);
            QCOMPARE(s.label, QStringLiteral("GET /events"));
        }

        // A WebSocket on another connection, cut by the link.
        const int wsConnection = f.trace.openConnection(f.proxy, f.server, ms(1000));
        Message upgraded = makeMessage(f.server, f.proxy, Message::Kind::HttpResponse,
            QStringLiteral("101 Switching Protocols"), ms(1200), wsConnection, QStringLiteral("u"));
        upgraded.fields.status = 101;
        const qint64 upgradedSeq = f.trace.addMessage(upgraded);
        QCOMPARE(f.g.streams().size(), size_t(2));
        QCOMPARE(f.g.streams().back().label, QStringLiteral("101 Switching Protocols"));
        QCOMPARE(f.g.streams().back().openingSeq, upgradedSeq);
        QCOMPARE(f.g.streams().back().client, f.proxy);
        QVERIFY(f.trace.closeConnection(wsConnection, 0, 0, QStringLiteral("cut"), ms(4000)));
        QCOMPARE(f.g.streams().back().closedAt, ms(4000));
        QCOMPARE(f.g.streams().front().closedAt, NoTime);
        QVERIFY(f.trace.closeConnection(sseConnection, 0, 0, QStringLiteral("server"), ms(6000)));
        QCOMPARE(f.g.streams().front().closedAt, ms(6000));

        // Another trace (or this one cleared): worked out afresh.
        Trace other;
        f.g.setTrace(&other);
        QVERIFY(f.g.streams().empty());
        f.g.setTrace(&f.trace);
        QCOMPARE(f.g.streams().size(), size_t(2));
        f.trace.clear();
        QVERIFY(f.g.streams().empty());
    }

    void compactAxisHasOneRowPerMessage()
    {
        Fixture f;
        f.g.setAxis(Axis::Compact);
        f.g.setRowHeight(20);
        const qint64 a = f.send(f.client, f.server, ms(100));
        const qint64 b = f.send(f.server, f.client, ms(5000));
        const qint64 c = f.send(f.client, f.proxy, ms(5000)); // same time: next row
        QCOMPARE(f.g.rowOf(a), 0);
        QCOMPARE(f.g.rowOf(b), 1);
        QCOMPARE(f.g.rowOf(c), 2);
        QCOMPARE(f.g.rowY(2), 50.0);
        QCOMPARE(f.g.contentHeight(ms(9000)), 60.0);
        // Other moments map to the row of the next message sent.
        QCOMPARE(f.g.timeToY(ms(2000)), 20.0);
        QCOMPARE(f.g.yToTime(45.0), ms(5000));
    }

    void arrowsAsOfAPlaybackTime()
    {
        Fixture f;
        const qint64 seq = f.send(f.client, f.server, ms(1000));
        f.trace.completeMessage(seq, ms(1250));
        const Message& m = f.trace.message(seq);
        QVERIFY(f.g.arrow(m, ms(999), ms(250)).line.isNull()); // not sent yet
        const auto half = f.g.arrow(m, ms(1125), ms(999)); // the real flight time wins over the guess
        QVERIFY(!half.arrived);
        QCOMPARE(half.progress, 0.5);
        QCOMPARE(half.line.p1(), QPointF(160, 100));
        QCOMPARE(half.line.p2(), QPointF(360, 112.5));
        const auto done = f.g.arrow(m, ms(3000), ms(250));
        QVERIFY(done.arrived);
        QCOMPARE(done.line.p2(), QPointF(560, 125));

        // In flight with an unknown end: placed by the expected delay, never quite at the receiver.
        const qint64 flying = f.send(f.server, f.client, ms(2000));
        const auto guess = f.g.arrow(f.trace.message(flying), ms(2100), ms(400));
        QCOMPARE(guess.progress, 0.25);
        QCOMPARE(guess.line.p2().x(), 560.0 - 0.25 * 400.0);
        QVERIFY(f.g.arrow(f.trace.message(flying), ms(9000), ms(400)).progress <= 0.95);

        // Lost: the arrow ends where and when the loss was noticed, with no head.
        f.trace.loseMessage(flying, ms(2200));
        const auto lost = f.g.arrow(f.trace.message(flying), ms(5000), ms(400));
        QVERIFY(lost.lost);
        QVERIFY(!lost.arrived);
        QCOMPARE(lost.line.p2().y(), 220.0);
    }

    void hitTestingFindsTheNearestArrow()
    {
        Fixture f;
        const qint64 a = f.send(f.client, f.server, ms(1000));
        f.trace.completeMessage(a, ms(1400)); // y 100 -> 140, x 160 -> 560
        const qint64 b = f.send(f.server, f.client, ms(1100));
        f.trace.completeMessage(b, ms(1300)); // y 110 -> 130, x 560 -> 160: crosses a
        const TimeUs asOf = ms(5000);
        QCOMPARE(f.g.messageAt(QPointF(260, 110), asOf, ms(250)), a);
        QCOMPARE(f.g.messageAt(QPointF(460, 115), asOf, ms(250)), b);
        QCOMPARE(f.g.messageAt(QPointF(260, 160), asOf, ms(250)), -1);
        QCOMPARE(f.g.messageAt(QPointF(260, 110), ms(1050), ms(250)), -1); // a has not got that far yet
        QCOMPARE(f.g.messagesInBand(95, 105, asOf), QList<qint64>({ a }));
        QCOMPARE(f.g.messagesInBand(115, 125, asOf), QList<qint64>({ a, b }));
        f.g.setAxis(Axis::Compact);
        f.g.setRowHeight(20);
        QCOMPARE(f.g.messageAt(QPointF(300, f.g.rowY(1)), asOf, ms(250)), b);
    }
};

QTEST_GUILESS_MAIN(TestSequenceGeometry)
#include "tst_sequencegeometry.moc"
