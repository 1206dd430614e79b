// SPDX-License-Identifier: GPL-3.0-or-later
#include "trace.h"

#include <QSignalSpy>
#include <QTest>

using namespace PatternScope;

class TestTrace : public QObject {
    Q_OBJECT

private:
    static Message messageAt(int from, int to, TimeUs sent, const QString& corr = {})
    {
        Message m;
        m.from = from;
        m.to = to;
        m.sentAt = sent;
        m.correlation = corr;
        m.label = QStringLiteral("m@%1").arg(sent);
        return m;
    }

private Q_SLOTS:
    void appendAssignsSequenceAndSignals()
    {
        Trace trace;
        QSignalSpy added(&trace, &Trace::messageAdded);
        QSignalSpy updated(&trace, &Trace::messageUpdated);
        const int c = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        const int s = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        QCOMPARE(c, 0);
        QCOMPARE(s, 1);

        const qint64 first = trace.addMessage(messageAt(c, s, 100, QStringLiteral("a")));
        const qint64 second = trace.addMessage(messageAt(s, c, 200, QStringLiteral("a")));
        QCOMPARE(first, 0);
        QCOMPARE(second, 1);
        QCOMPARE(added.count(), 2);
        QCOMPARE(trace.message(first).state, Message::State::InFlight);

        QVERIFY(trace.completeMessage(first, 150, 7));
        QCOMPARE(updated.count(), 1);
        const Message& done = trace.message(first);
        QCOMPARE(done.state, Message::State::Delivered);
        QCOMPARE(done.receivedAt, 150);
        QCOMPARE(done.connection, 7);
        QCOMPARE(done.oneWayDelay(), 50);
        // Completed once only; a second completion or a loss afterwards is refused.
        QVERIFY(!trace.completeMessage(first, 180));
        QVERIFY(!trace.loseMessage(first, 190));
        QVERIFY(!trace.completeMessage(42, 1));

        QVERIFY(trace.loseMessage(second, 260));
        QCOMPARE(trace.message(second).state, Message::State::Lost);
        QCOMPARE(trace.message(second).oneWayDelay(), NoTime);
        QCOMPARE(trace.endTime(), 260);
    }

    void inFlightLookupByCorrelationAndReceiver()
    {
        Trace trace;
        const qint64 toB = trace.addMessage(messageAt(0, 1, 10, QStringLiteral("p1")));
        const qint64 toC = trace.addMessage(messageAt(0, 2, 10, QStringLiteral("p1")));
        QCOMPARE(trace.findInFlight(QStringLiteral("p1"), 1), toB);
        QCOMPARE(trace.findInFlight(QStringLiteral("p1"), 2), toC);
        QCOMPARE(trace.findInFlight(QStringLiteral("p1"), 3), -1);
        QVERIFY(trace.completeMessage(toB, 20));
        QCOMPARE(trace.findInFlight(QStringLiteral("p1"), 1), -1);
        QCOMPARE(trace.findInFlight(QStringLiteral("p1"), 2), toC);
    }

    void timeQueries_data()
    {
        QTest::addColumn<TimeUs>("from");
        QTest::addColumn<TimeUs>("to");
        QTest::addColumn<QList<qint64>>("sent");
        QTest::addColumn<QList<qint64>>("overlapping");

        // Messages (seq: sent -> received): 0: 0->50, 1: 100->400, 2: 200->210, 3: 300->(in flight), 4: 500->520
        QTest::addRow("everything") << TimeUs(0) << TimeUs(1000) << QList<qint64> { 0, 1, 2, 3, 4 }
                                    << QList<qint64> { 0, 1, 2, 3, 4 };
        QTest::addRow("inside a long arrow") << TimeUs(250) << TimeUs(260) << QList<qint64> {} << QList<qint64> { 1 };
        QTest::addRow("window with in-flight")
            << TimeUs(450) << TimeUs(510) << QList<qint64> { 4 } << QList<qint64> { 3, 4 };
        QTest::addRow("exact bounds") << TimeUs(100) << TimeUs(200) << QList<qint64> { 1, 2 } << QList<qint64> { 1, 2 };
        QTest::addRow("before anything") << TimeUs(-100) << TimeUs(-1) << QList<qint64> {} << QList<qint64> {};
        QTest::addRow("after the arrival of 0") << TimeUs(51) << TimeUs(99) << QList<qint64> {} << QList<qint64> {};
    }

    void timeQueries()
    {
        QFETCH(TimeUs, from);
        QFETCH(TimeUs, to);
        QFETCH(QList<qint64>, sent);
        QFETCH(QList<qint64>, overlapping);

        Trace trace;
        const TimeUs sends[] = { 0, 100, 200, 300, 500 };
        const TimeUs arrivals[] = { 50, 400, 210, NoTime, 520 };
        for (int i = 0; i < 5; ++i) {
            const qint64 seq = trace.addMessage(messageAt(0, 1, sends[i]));
            if (arrivals[i] != NoTime)
                trace.completeMessage(seq, arrivals[i]);
        }
        QCOMPARE(trace.messagesSentBetween(from, to), sent);
        QCOMPARE(trace.messagesOverlapping(from, to), overlapping);
    }

    void outOfOrderRestoreKeepsTimeIndexSorted()
    {
        Trace trace;
        const TimeUs sends[] = { 300, 100, 200, 50 };
        for (int i = 0; i < 4; ++i) {
            Message m = messageAt(0, 1, sends[i]);
            m.seq = i;
            m.state = Message::State::Delivered;
            m.receivedAt = sends[i] + 10;
            QVERIFY(trace.restoreMessage(m));
        }
        QCOMPARE(trace.messagesSentBetween(0, 1000), (QList<qint64> { 3, 1, 2, 0 }));
        QCOMPARE(trace.messagesSentBetween(100, 250), (QList<qint64> { 1, 2 }));
        Message gap = messageAt(0, 1, 10);
        gap.seq = 9;
        QVERIFY(!trace.restoreMessage(gap));
    }

    void activationsNotesConnections()
    {
        Trace trace;
        QSignalSpy ended(&trace, &Trace::activationEnded);
        const qint64 a = trace.beginActivation(1, QStringLiteral("processing"), 10);
        QVERIFY(trace.endActivation(a, 30));
        QVERIFY(!trace.endActivation(a, 40));
        QCOMPARE(ended.count(), 1);
        QCOMPARE(trace.activations().at(0).end, 30);

        trace.addNote(1, QStringLiteral("item 1 produced"), 35);
        QCOMPARE(trace.notes().size(), size_t(1));

        const int conn = trace.openConnection(0, 1, 5);
        QVERIFY(trace.connections().at(0).isOpen());
        QVERIFY(trace.closeConnection(conn, 100, 200, QStringLiteral("cut"), 60));
        QVERIFY(!trace.closeConnection(conn, 1, 1, QStringLiteral("client"), 70));
        const Connection& c = trace.connections().at(0);
        QCOMPARE(c.bytesUp, 100);
        QCOMPARE(c.bytesDown, 200);
        QCOMPARE(c.closeReason, QStringLiteral("cut"));
        QCOMPARE(trace.endTime(), 60);
    }

    void namesRoundTrip()
    {
        for (int k = 0; k <= int(Message::Kind::Close); ++k) {
            const auto kind = Message::Kind(k);
            Message::Kind back;
            QVERIFY(kindFromName(kindName(kind), &back));
            QCOMPARE(back, kind);
        }
        Message::Kind unused;
        QVERIFY(!kindFromName(u"telepathy", &unused));
        Message::State state;
        QVERIFY(stateFromName(u"lost", &state));
        QCOMPARE(state, Message::State::Lost);
    }
};

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
