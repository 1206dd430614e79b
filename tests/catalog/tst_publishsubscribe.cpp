// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkemulator.h"
#include "metrics.h"
#include "publishsubscribe.h"
#include "testrun.h"
#include "tracequeries.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

using namespace PatternScope;
using namespace PatternScope::Test;
using State = PublishSubscribe::SubscriberState;

namespace {

PublishSubscribe* psOf(Run& run)
{
    return qobject_cast<PublishSubscribe*>(run.pattern());
}

QString topicOf(const Message& publish)
{
    return publish.fields.name; // the topic
}

// The items a subscriber should get: every item on one of its topics, up to `last`.
QSet<qint64> itemsFor(const State& state, qint64 last, int topicCount)
{
    QSet<qint64> items;
    for (qint64 id = 1; id <= last; ++id) {
        if (state.topics.contains(PublishSubscribe::topicNames().at(int((id - 1) % topicCount))))
            items.insert(id);
    }
    return items;
}

} // namespace

class TestPublishSubscribe : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void eachPublishReachesExactlyItsTopicsSubscribers()
    {
        auto run = startRun(QStringLiteral("publish-subscribe"),
            { QStringLiteral("latency=20ms"), QStringLiteral("produce=60ms"), QStringLiteral("arrivals=fixed") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        PublishSubscribe* ps = psOf(*run);
        QVERIFY(waitUntil([&] { return messagesOf(trace, Message::Kind::Publish).size() >= 10; }));
        ps->producer()->stop();
        const qint64 last = ps->producer()->lastId();
        QVERIFY(waitUntil([&] {
            return std::all_of(ps->subscribers().begin(), ps->subscribers().end(), [&](WebSocketClient* s) {
                return ps->subscriberState(s).processed.size() == itemsFor(ps->subscriberState(s), last, 2).size();
            });
        }));
        QVERIFY(stopAndWait(*run));

        // Defaults: A on prices, B on news, C on both.
        QHash<int, QSet<QString>> topicsOf;
        for (WebSocketClient* s : ps->subscribers())
            topicsOf.insert(s->participant(),
                QSet<QString>(ps->subscriberState(s).topics.begin(), ps->subscriberState(s).topics.end()));
        QCOMPARE(topicsOf.size(), 3);
        QCOMPARE(topicsOf.value(trace.participants().at(2).id), QSet<QString> { QStringLiteral("prices") });
        QCOMPARE(topicsOf.value(trace.participants().at(3).id), QSet<QString> { QStringLiteral("news") });
        QCOMPARE(topicsOf.value(trace.participants().at(4).id),
            (QSet<QString> { QStringLiteral("prices"), QStringLiteral("news") }));

        const auto deliveries = messagesOf(trace, Message::Kind::Deliver);
        for (const Message* publish : messagesOf(trace, Message::Kind::Publish)) {
            QCOMPARE(publish->to, ps->brokerId());
            QCOMPARE(publish->state, Message::State::Delivered);
            QSet<int> expected;
            for (auto it = topicsOf.cbegin(); it != topicsOf.cend(); ++it) {
                if (it->contains(topicOf(*publish)))
                    expected.insert(it.key());
            }
            QSet<int> reached;
            for (const Message* deliver : deliveries) {
                if (deliver->correlation != publish->correlation)
                    continue;
                QVERIFY2(!reached.contains(deliver->to), qPrintable(deliver->label)); // one arrow each
                reached.insert(deliver->to);
                QCOMPARE(deliver->from, ps->brokerId());
                QCOMPARE(deliver->firstItem, publish->firstItem);
                QVERIFY(deliver->sentAt >= publish->receivedAt); // fan-out after the publish arrived
                QCOMPARE(deliver->state, Message::State::Delivered);
            }
            QCOMPARE(reached, expected);
        }
        for (WebSocketClient* s : ps->subscribers())
            QCOMPARE(ps->subscriberState(s).processed.size(), itemsFor(ps->subscriberState(s), last, 2).size());
        QVERIFY(messagesOf(trace, Message::Kind::WsText).size() >= 3); // the subscriptions
    }

    void atMostOnceCountsWhatCutOffSubscribersMiss()
    {
        auto run = startRun(QStringLiteral("publish-subscribe"),
            { QStringLiteral("latency=15ms"), QStringLiteral("produce=25ms"), QStringLiteral("arrivals=fixed"),
                QStringLiteral("reconnect=80ms"), QStringLiteral("guarantee=at-most-once") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        PublishSubscribe* ps = psOf(*run);
        QVERIFY(waitUntil([&] { return ps->producer()->lastId() >= 2; }));
        QSet<int> subscribers;
        for (WebSocketClient* s : ps->subscribers())
            subscribers.insert(s->participant());
        QVERIFY(cutRepeatedly(*run, subscribers, 6, 300));

        // Let every subscriber hear from each of its topics again, so every gap shows, then stop.
        QHash<WebSocketClient*, qint64> before;
        for (WebSocketClient* s : ps->subscribers())
            before.insert(s, ps->subscriberState(s).processed.size());
        QVERIFY(waitUntil([&] {
            return std::all_of(ps->subscribers().begin(), ps->subscribers().end(),
                [&](WebSocketClient* s) { return ps->subscriberState(s).processed.size() >= before.value(s) + 6; });
        }));
        ps->producer()->stop();
        // The publisher was never cut: the broker gets every item, and each subscriber hears of the last.
        QVERIFY(waitUntil([&] {
            return ps->topicSeq(QStringLiteral("prices")) + ps->topicSeq(QStringLiteral("news"))
                == ps->producer()->lastId()
                && std::all_of(ps->subscribers().begin(), ps->subscribers().end(), [&](WebSocketClient* s) {
                       const State& state = ps->subscriberState(s);
                       return std::all_of(state.topics.begin(), state.topics.end(),
                           [&](const QString& t) { return state.lastSeq.value(t) == ps->topicSeq(t); });
                   });
        }));
        QVERIFY(stopAndWait(*run));

        // Whatever a subscriber did not get, it counted: received + missed = published, per topic.
        qint64 missed = 0;
        for (WebSocketClient* s : ps->subscribers()) {
            const State& state = ps->subscriberState(s);
            qint64 received = 0;
            for (const QString& topic : state.topics) {
                const QList<qint64>& seqs = state.seqs.value(topic);
                QVERIFY(std::is_sorted(seqs.begin(), seqs.end()));
                received += seqs.size();
            }
            qint64 published = 0;
            for (const QString& topic : state.topics)
                published += ps->topicSeq(topic);
            QCOMPARE(received + state.missed, published);
            QCOMPARE(state.duplicates, qint64(0));
            missed += state.missed;
        }
        QVERIFY2(missed > 0, "six cuts while publishing every 25 ms must cost something");
        QVERIFY(hasNote(trace, QStringLiteral("missed ")));
        QVERIFY(!messagesOf(trace, Message::Kind::Deliver).isEmpty());
    }

    void atLeastOnceLosesNothingAcrossCuts()
    {
        auto run = startRun(QStringLiteral("publish-subscribe"),
            { QStringLiteral("latency=15ms"), QStringLiteral("produce=30ms"), QStringLiteral("arrivals=fixed"),
                QStringLiteral("reconnect=50ms"), QStringLiteral("guarantee=at-least-once") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        PublishSubscribe* ps = psOf(*run);
        QVERIFY(waitUntil([&] { return ps->producer()->lastId() >= 2; }));
        QVERIFY(cutRepeatedly(*run, {}, 6, 300)); // publisher and subscribers alike
        ps->producer()->stop();
        const qint64 last = ps->producer()->lastId();
        QVERIFY(last >= 30);
        QVERIFY(waitUntil(
            [&] {
                return ps->unconfirmedPublishes() == 0
                    && std::all_of(ps->subscribers().begin(), ps->subscribers().end(), [&](WebSocketClient* s) {
                           return ps->subscriberState(s).processed.size()
                               == itemsFor(ps->subscriberState(s), last, 2).size();
                       });
            },
            20000));
        QVERIFY(stopAndWait(*run));

        qsizetype cutConnections = 0;
        for (const Connection& c : trace.connections())
            cutConnections += c.closeReason == QStringLiteral("cut");
        QVERIFY2(cutConnections >= 6 * 4, qPrintable(QString::number(cutConnections)));
        for (WebSocketClient* s : ps->subscribers()) {
            const State& state = ps->subscriberState(s);
            QCOMPARE(state.missed, qint64(0));
            QSet<qint64> items;
            for (const QString& key : state.processed)
                items.insert(key.section(u'/', 1).toLongLong());
            QCOMPARE(items, itemsFor(state, last, 2));
        }
        // Acks both ways: subscribers confirm deliveries, the broker confirms publishes.
        QVERIFY(std::any_of(trace.messages().begin(), trace.messages().end(),
            [&](const Message& m) { return m.label.startsWith(QStringLiteral("ack #")) && m.to == ps->brokerId(); }));
        QVERIFY(std::any_of(trace.messages().begin(), trace.messages().end(),
            [&](const Message& m) { return m.label.startsWith(QStringLiteral("ack #")) && m.from == ps->brokerId(); }));
        // Every item reached each of its subscribers on the wire too, redeliveries counted apart.
        const Metrics metrics = computeMetrics(trace);
        qint64 expected = 0;
        for (WebSocketClient* s : ps->subscribers())
            expected += itemsFor(ps->subscriberState(s), last, 2).size();
        QCOMPARE(metrics.deliveries, expected);
    }

    void badEnvelopesAreClosedAndOthersKeepBeingServed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("note");
        QTest::addRow("publish without a topic") << QStringLiteral("{\"type\":\"publish\",\"id\":\"x\",\"payload\":1}")
                                                 << 1007 << QStringLiteral("publish needs a \"topic\" and an \"id\"");
        QTest::addRow("topics not names") << QStringLiteral("{\"type\":\"subscribe\",\"topics\":[1,2]}") << 1007
                                          << QStringLiteral("\"topics\" must list 1 to 32 topic names");
        QTest::addRow("ack without id") << QStringLiteral("{\"type\":\"ack\"}") << 1007
                                        << QStringLiteral("ack without an id");
        QTest::addRow("unknown type") << QStringLiteral("{\"type\":\"flush\"}") << 1003
                                      << QStringLiteral("unknown message type \"flush\"");
        QTest::addRow("not JSON") << QStringLiteral("subscribe prices") << 1007
                                  << QStringLiteral("malformed envelope: not JSON");
    }

    void badEnvelopesAreClosedAndOthersKeepBeingServed()
    {
        QFETCH(QString, text);
        QFETCH(int, code);
        QFETCH(QString, note);
        auto run = startRun(
            QStringLiteral("publish-subscribe"), { QStringLiteral("latency=10ms"), QStringLiteral("produce=40ms") });
        QVERIFY(run);
        PublishSubscribe* ps = psOf(*run);
        QWebSocket bad;
        bad.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(ps->hub()->port())));
        QVERIFY(waitUntil([&] { return bad.state() == QAbstractSocket::ConnectedState; }));
        bad.sendTextMessage(text);
        QVERIFY(waitUntil([&] { return bad.state() == QAbstractSocket::UnconnectedState; }));
        QCOMPARE(int(bad.closeCode()), code);
        QVERIFY2(hasNote(*run->trace(), note), qPrintable(note));
        WebSocketClient* a = ps->subscribers().constFirst();
        const qsizetype had = ps->subscriberState(a).processed.size();
        QVERIFY(waitUntil([&] { return ps->subscriberState(a).processed.size() >= had + 3; }));
        QVERIFY(stopAndWait(*run));
    }

    void outsideSubscriberGetsOnlyItsTopic()
    {
        const PatternInfo* info = PatternRegistry::find(QStringLiteral("publish-subscribe"));
        ParameterSet parameters(info->parameters);
        QString error;
        QVERIFY(parameters.assign(QStringLiteral("latency=10ms"), &error));
        QVERIFY(parameters.assign(QStringLiteral("produce=40ms"), &error));
        Run run;
        run.setServe(0);
        QVERIFY2(run.start(*info, parameters, 3, &error), qPrintable(error));
        QWebSocket alice;
        QList<QJsonObject> received;
        connect(&alice, &QWebSocket::textMessageReceived, this,
            [&](const QString& text) { received.append(envelopeOf(text.toUtf8())); });
        connect(&alice, &QWebSocket::connected, this,
            [&] { alice.sendTextMessage(QStringLiteral("{\"type\":\"subscribe\",\"topics\":[\"news\"]}")); });
        alice.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/?client=alice").arg(run.pattern()->publicPort())));
        QVERIFY(waitUntil([&] { return received.size() >= 4; }));
        for (const QJsonObject& envelope : received) {
            QCOMPARE(envelope.value(QStringLiteral("type")).toString(), QStringLiteral("deliver"));
            QCOMPARE(envelope.value(QStringLiteral("topic")).toString(), QStringLiteral("news"));
        }
        const Trace& trace = *run.trace();
        const auto alices = std::find_if(trace.participants().begin(), trace.participants().end(),
            [](const Participant& p) { return p.name == QStringLiteral("alice"); });
        QVERIFY(alices != trace.participants().end());
        QCOMPARE(alices->role, Participant::Role::Subscriber);
        QVERIFY(std::any_of(trace.messages().begin(), trace.messages().end(), [&](const Message& m) {
            return m.kind == Message::Kind::Deliver && m.to == alices->id && m.state == Message::State::Delivered;
        }));
        QSignalSpy finished(&run, &Run::finished);
        run.stop();
        QVERIFY(waitUntil([&] { return alice.state() == QAbstractSocket::UnconnectedState; }));
        QVERIFY(waitUntil([&] { return finished.count() == 1; }));
        // She was let go: the connection is closed, and any close frame the server sent says 1001.
        // (In about one stop in ten here, Qt 6.4 closed the server's socket without writing that
        // frame, not yet understood; the trace then shows only the TCP close.)
        const int her = alices->id;
        QVERIFY(std::none_of(trace.connections().begin(), trace.connections().end(),
            [her](const Connection& c) { return c.client == her && c.isOpen(); }));
        QVERIFY(std::all_of(trace.messages().begin(), trace.messages().end(), [her](const Message& m) {
            return m.kind != Message::Kind::WsClose || m.to != her
                || m.label.startsWith(QStringLiteral("close 1001 (going away)"));
        }));
    }
};

QTEST_GUILESS_MAIN(TestPublishSubscribe)
#include "tst_publishsubscribe.moc"
