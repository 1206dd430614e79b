// SPDX-License-Identifier: GPL-3.0-or-later
// Publish-subscribe on real brokers: a Mosquitto and a Redis started here on free loopback ports.
// The same checks as the embedded broker's (tst_publishsubscribe): fan-out, topic isolation, and
// what a cut costs under each guarantee.
#include "brokerclient.h"
#include "brokerprocess.h"
#include "linkemulator.h"
#include "publishsubscribe.h"
#include "testrun.h"
#include "tracequeries.h"

#include <QTest>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;
using State = PublishSubscribe::SubscriberState;

namespace {

PublishSubscribe* psOf(Run& run)
{
    return qobject_cast<PublishSubscribe*>(run.pattern());
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

bool allCaughtUp(PublishSubscribe* ps, qint64 last)
{
    return std::all_of(ps->brokerSubscribers().begin(), ps->brokerSubscribers().end(), [&](BrokerClient* s) {
        const State& state = ps->subscriberState(s);
        QSet<qint64> items;
        for (const QString& key : state.processed)
            items.insert(key.section(u'/', 1).toLongLong());
        return items == itemsFor(state, last, 2);
    });
}

} // namespace

class TestRealBrokers : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<BrokerProcess> m_mosquitto;
    std::unique_ptr<BrokerProcess> m_redis;

    // The running broker of this row's kind, or a skip (only if its program is not installed).
    BrokerProcess* broker(const QString& name)
    {
        BrokerProcess* process = name == QLatin1String("redis") ? m_redis.get() : m_mosquitto.get();
        return process;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_mosquitto = std::make_unique<BrokerProcess>(BrokerProcess::Kind::Mosquitto);
        m_redis = std::make_unique<BrokerProcess>(BrokerProcess::Kind::Redis);
    }

    void cleanupTestCase()
    {
        m_mosquitto.reset();
        m_redis.reset();
    }

    void eachPublishReachesExactlyItsTopicsSubscribers_data()
    {
        QTest::addColumn<QString>("broker");
        QTest::addColumn<QString>("guarantee");
        QTest::addRow("mosquitto, QoS 0") << QStringLiteral("mosquitto") << QStringLiteral("at-most-once");
        QTest::addRow("mosquitto, QoS 1") << QStringLiteral("mosquitto") << QStringLiteral("at-least-once");
        QTest::addRow("redis") << QStringLiteral("redis") << QStringLiteral("at-most-once");
    }

    void eachPublishReachesExactlyItsTopicsSubscribers()
    {
        QFETCH(QString, broker);
        QFETCH(QString, guarantee);
        BrokerProcess* process = this->broker(broker);
        if (process->isMissing())
            QSKIP(qPrintable(process->why()));
        QVERIFY2(process->isRunning(), qPrintable(process->why()));
        auto run = startRun(QStringLiteral("publish-subscribe"),
            { QStringLiteral("broker=") + broker, QStringLiteral("broker-url=") + process->url(),
                QStringLiteral("guarantee=") + guarantee, QStringLiteral("latency=20ms"),
                QStringLiteral("produce=60ms"), QStringLiteral("arrivals=fixed") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        PublishSubscribe* ps = psOf(*run);
        QCOMPARE(ps->brokerSubscribers().size(), 3);
        QVERIFY(waitUntil([&] { return messagesOf(trace, Message::Kind::Publish).size() >= 10; }, 15000));
        ps->producer()->stop();
        const qint64 last = ps->producer()->lastId();
        QVERIFY(waitUntil([&] { return allCaughtUp(ps, last); }, 10000));
        QVERIFY(stopAndWait(*run));

        // Defaults: A on prices, B on news, C on both.
        QHash<int, QSet<QString>> topicsOf;
        for (BrokerClient* s : ps->brokerSubscribers())
            topicsOf.insert(s->options().participant,
                QSet<QString>(ps->subscriberState(s).topics.begin(), ps->subscriberState(s).topics.end()));
        QCOMPARE(topicsOf.value(trace.participants().at(2).id), QSet<QString> { QStringLiteral("prices") });
        QCOMPARE(topicsOf.value(trace.participants().at(3).id), QSet<QString> { QStringLiteral("news") });
        QCOMPARE(topicsOf.value(trace.participants().at(4).id),
            (QSet<QString> { QStringLiteral("prices"), QStringLiteral("news") }));

        // Every arrow is what crossed the link: a publish to the broker, one delivery per subscriber of its
        // topic and none to anyone else, after the publish arrived.
        const auto publishes = messagesOf(trace, Message::Kind::Publish);
        const auto deliveries = messagesOf(trace, Message::Kind::Deliver);
        QCOMPARE(qint64(publishes.size()), last);
        for (const Message* publish : publishes) {
            QCOMPARE(publish->to, ps->brokerId());
            QCOMPARE(publish->state, Message::State::Delivered);
            QVERIFY(publish->bytes > 0);
            QVERIFY(publish->connection >= 0);
            QSet<int> expected;
            for (auto it = topicsOf.cbegin(); it != topicsOf.cend(); ++it) {
                if (it->contains(publish->fields.name))
                    expected.insert(it.key());
            }
            QSet<int> reached;
            for (const Message* deliver : deliveries) {
                if (deliver->correlation != publish->correlation)
                    continue;
                QVERIFY2(!reached.contains(deliver->to), qPrintable(deliver->label)); // one arrow each
                reached.insert(deliver->to);
                QCOMPARE(deliver->from, ps->brokerId());
                QCOMPARE(deliver->fields.name, publish->fields.name);
                QCOMPARE(deliver->firstItem, publish->firstItem);
                QVERIFY(deliver->sentAt >= publish->receivedAt);
                QCOMPARE(deliver->state, Message::State::Delivered);
            }
            QCOMPARE(reached, expected);
        }
        // Subscriptions are arrows too, one per subscriber at least.
        qsizetype subscribes = 0;
        for (const Message& m : trace.messages())
            subscribes += m.fields.method == QLatin1String("subscribe") && m.to == ps->brokerId();
        QVERIFY(subscribes >= 3);
        for (BrokerClient* s : ps->brokerSubscribers())
            QCOMPARE(ps->subscriberState(s).missed, qint64(0));
        // The broker's own protocol is a kind of its own: no WebSocket frame crossed, so none is drawn.
        for (const Message& m : trace.messages()) {
            QVERIFY2(
                m.kind != Message::Kind::WsText && m.kind != Message::Kind::WsBinary, qPrintable(m.label.toString()));
            if (m.fields.method == QLatin1String("subscribe"))
                QCOMPARE(m.kind, Message::Kind::BrokerControl);
        }
    }

    void atMostOnceLosesWhatCutOffSubscribersMiss_data()
    {
        QTest::addColumn<QString>("broker");
        QTest::addColumn<QString>("guarantee");
        QTest::addRow("mosquitto, QoS 0") << QStringLiteral("mosquitto") << QStringLiteral("at-most-once");
        QTest::addRow("redis") << QStringLiteral("redis") << QStringLiteral("at-most-once");
        // Redis cannot keep what a subscriber misses: asking for more changes nothing, and the run says so.
        QTest::addRow("redis, at least once asked") << QStringLiteral("redis") << QStringLiteral("at-least-once");
    }

    void atMostOnceLosesWhatCutOffSubscribersMiss()
    {
        QFETCH(QString, broker);
        QFETCH(QString, guarantee);
        BrokerProcess* process = this->broker(broker);
        if (process->isMissing())
            QSKIP(qPrintable(process->why()));
        QVERIFY2(process->isRunning(), qPrintable(process->why()));
        auto run = startRun(QStringLiteral("publish-subscribe"),
            { QStringLiteral("broker=") + broker, QStringLiteral("broker-url=") + process->url(),
                QStringLiteral("guarantee=") + guarantee, QStringLiteral("latency=15ms"),
                QStringLiteral("produce=25ms"), QStringLiteral("arrivals=fixed"), QStringLiteral("reconnect=80ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        PublishSubscribe* ps = psOf(*run);
        QVERIFY(waitUntil([&] { return ps->producer()->lastId() >= 2; }, 10000));
        QSet<int> subscribers;
        for (BrokerClient* s : ps->brokerSubscribers())
            subscribers.insert(s->options().participant);
        QVERIFY(cutRepeatedly(*run, subscribers, 6, 300));

        // Let every subscriber hear from each of its topics again, so every gap shows, then stop.
        QHash<BrokerClient*, qint64> before;
        for (BrokerClient* s : ps->brokerSubscribers())
            before.insert(s, ps->subscriberState(s).processed.size());
        QVERIFY(waitUntil(
            [&] {
                return std::all_of(ps->brokerSubscribers().begin(), ps->brokerSubscribers().end(),
                    [&](BrokerClient* s) { return ps->subscriberState(s).processed.size() >= before.value(s) + 6; });
            },
            10000));
        ps->producer()->stop();
        // The publisher was never cut: the broker gets every item, and each subscriber hears of the last.
        QVERIFY(waitUntil(
            [&] {
                return std::all_of(
                    ps->brokerSubscribers().begin(), ps->brokerSubscribers().end(), [&](BrokerClient* s) {
                        const State& state = ps->subscriberState(s);
                        return std::all_of(state.topics.begin(), state.topics.end(),
                            [&](const QString& t) { return state.lastSeq.value(t) == ps->topicSeq(t); });
                    });
            },
            10000));
        QVERIFY(stopAndWait(*run));
        QCOMPARE(
            ps->topicSeq(QStringLiteral("prices")) + ps->topicSeq(QStringLiteral("news")), ps->producer()->lastId());

        // Whatever a subscriber did not get, it counted: received + missed = published, per topic.
        qint64 missed = 0;
        for (BrokerClient* s : ps->brokerSubscribers()) {
            const State& state = ps->subscriberState(s);
            qint64 received = 0;
            qint64 published = 0;
            for (const QString& topic : state.topics) {
                const QList<qint64>& seqs = state.seqs.value(topic);
                QVERIFY(std::is_sorted(seqs.begin(), seqs.end()));
                received += seqs.size();
                published += ps->topicSeq(topic);
            }
            QCOMPARE(received + state.missed, published);
            QCOMPARE(state.duplicates, qint64(0));
            missed += state.missed;
        }
        QVERIFY2(missed > 0, "six cuts while publishing every 25 ms must cost something");
        QVERIFY(hasNote(trace, QStringLiteral("missed ")));
        qsizetype cutConnections = 0;
        for (const Connection& c : trace.connections())
            cutConnections += c.closeReason == QStringLiteral("cut");
        QVERIFY(cutConnections >= 6 * 3);
        QCOMPARE(hasNote(trace, QStringLiteral("Redis pub/sub delivers at most once")),
            broker == QLatin1String("redis") && guarantee == QLatin1String("at-least-once"));
    }

    void mosquittoAtLeastOnceLosesNothingAcrossCuts()
    {
        BrokerProcess* process = m_mosquitto.get();
        if (process->isMissing())
            QSKIP(qPrintable(process->why()));
        QVERIFY2(process->isRunning(), qPrintable(process->why()));
        auto run = startRun(QStringLiteral("publish-subscribe"),
            { QStringLiteral("broker=mosquitto"), QStringLiteral("broker-url=") + process->url(),
                QStringLiteral("guarantee=at-least-once"), QStringLiteral("latency=15ms"),
                QStringLiteral("produce=30ms"), QStringLiteral("arrivals=fixed"), QStringLiteral("reconnect=50ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        PublishSubscribe* ps = psOf(*run);
        QVERIFY(waitUntil([&] { return ps->producer()->lastId() >= 2; }, 10000));
        QVERIFY(cutRepeatedly(*run, {}, 6, 300)); // publisher and subscribers alike
        ps->producer()->stop();
        const qint64 last = ps->producer()->lastId();
        QVERIFY(last >= 30);
        QVERIFY(waitUntil([&] { return allCaughtUp(ps, last); }, 20000));
        QVERIFY(stopAndWait(*run));

        qsizetype cutConnections = 0;
        for (const Connection& c : trace.connections())
            cutConnections += c.closeReason == QStringLiteral("cut");
        QVERIFY2(cutConnections >= 6 * 4, qPrintable(QString::number(cutConnections)));
        // Persistent sessions: the broker kept the subscriptions and what came meanwhile.
        QVERIFY(std::any_of(trace.messages().begin(), trace.messages().end(),
            [](const Message& m) { return m.label.contains(QStringLiteral("persistent session")); }));
        QVERIFY(std::any_of(trace.messages().begin(), trace.messages().end(),
            [](const Message& m) { return m.label.contains(QStringLiteral("session present")); }));
        // QoS 1: acknowledgements both ways.
        QVERIFY(std::any_of(trace.messages().begin(), trace.messages().end(),
            [&](const Message& m) { return m.label.startsWith(QStringLiteral("PUBACK")) && m.to == ps->brokerId(); }));
        QVERIFY(std::any_of(trace.messages().begin(), trace.messages().end(), [&](const Message& m) {
            return m.label.startsWith(QStringLiteral("PUBACK")) && m.from == ps->brokerId();
        }));
    }

    void badSettingsAreClearErrors_data()
    {
        QTest::addColumn<QStringList>("assignments");
        QTest::addColumn<QString>("error");
        QTest::addRow("not a broker URL") << QStringList { QStringLiteral("broker-url=http://127.0.0.1:80") }
                                          << QStringLiteral("broker-url: 'http://127.0.0.1:80' is not mqtt://");
        QTest::addRow("not on this machine")
            << QStringList { QStringLiteral("broker-url=mqtt://192.0.2.1:1883") }
            << QStringLiteral("broker-url: 'mqtt://192.0.2.1:1883': the broker must be on this machine");
        QTest::addRow("unknown broker") << QStringList { QStringLiteral("broker=kafka") }
                                        << QStringLiteral("broker: 'kafka' is not one of embedded|mosquitto|redis");
    }

    void badSettingsAreClearErrors()
    {
        QFETCH(QStringList, assignments);
        QFETCH(QString, error);
        ParameterSet parameters(PatternRegistry::find(QStringLiteral("publish-subscribe"))->parameters);
        QString got;
        bool ok = true;
        for (const QString& a : assignments)
            ok = ok && parameters.assign(a, &got);
        QVERIFY(!ok);
        QVERIFY2(got.startsWith(error), qPrintable(got));
    }

    void unreachableOrMismatchedBrokerFailsTheStart_data()
    {
        QTest::addColumn<QString>("broker");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("error");
        const QString nobody = QStringLiteral("127.0.0.1:%1").arg(BrokerProcess::freePort());
        QTest::addRow("no mosquitto there") << QStringLiteral("mosquitto") << QStringLiteral("mqtt://") + nobody
                                            << QStringLiteral("broker-url: no broker answers at mqtt://");
        QTest::addRow("no redis there") << QStringLiteral("redis") << QStringLiteral("redis://") + nobody
                                        << QStringLiteral("broker-url: no broker answers at redis://");
        QTest::addRow("redis URL for mosquitto") << QStringLiteral("mosquitto") << QStringLiteral("redis://") + nobody
                                                 << QStringLiteral("broker-url: redis://");
    }

    void unreachableOrMismatchedBrokerFailsTheStart()
    {
        QFETCH(QString, broker);
        QFETCH(QString, url);
        QFETCH(QString, error);
        const PatternInfo* info = PatternRegistry::find(QStringLiteral("publish-subscribe"));
        ParameterSet parameters(info->parameters);
        QString got;
        QVERIFY2(parameters.assign(QString(QStringLiteral("broker=") + broker), &got), qPrintable(got));
        QVERIFY2(parameters.assign(QString(QStringLiteral("broker-url=") + url), &got), qPrintable(got));
        Run run;
        QVERIFY(!run.start(*info, parameters, 1, &got));
        QVERIFY2(got.startsWith(error), qPrintable(got));
    }
};

QTEST_GUILESS_MAIN(TestRealBrokers)
#include "tst_realbrokers.moc"
