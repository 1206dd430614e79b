// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pattern.h"
#include "producer.h"
#include "pubsubbroker.h"
#include "websocketclient.h"
#include "websockethub.h"

#include <QHash>
#include <QSet>
#include <deque>
#include <memory>

namespace PatternScope {

class BrokerClient;
class Link;

// A broker between publishers and subscribers, over WebSockets with a small JSON envelope
// (docs/pubsub-envelope.md). Each published item goes to the broker once and reaches exactly the
// subscribers of its topic, each delivery its own arrow, all correlated to the publish.
// The delivery guarantee is a parameter: at most once (a subscriber cut off misses what was
// published meanwhile and counts the gap from the topic's sequence numbers) or at least once
// (durable subscriptions, acks, redelivery after reconnect: nothing lost, duplicates ignored).
// The broker can also be a real one on this machine (publishsubscribebroker.cpp): Mosquitto over MQTT
// or Redis pub/sub, its clients connecting through the link emulator like everyone else's.
class PublishSubscribe : public Pattern {
    Q_OBJECT
public:
    enum class Guarantee { AtMostOnce, AtLeastOnce };
    enum class Broker { Embedded, Mosquitto, Redis };

    // What one of our subscribers has seen, for the trace's notes and for tests.
    struct SubscriberState {
        QString name;
        QStringList topics;
        QHash<QString, qint64> lastSeq; // per topic
        QSet<QString> processed; // message ids
        QHash<QString, QList<qint64>> seqs; // per topic, in arrival order, duplicates left out
        qint64 missed = 0;
        qint64 duplicates = 0;
    };

    explicit PublishSubscribe(const PatternContext& context, QObject* parent = nullptr);
    ~PublishSubscribe() override;

    static PatternInfo info();
    static QStringList topicNames();

    bool start(QString* error) override;
    void stop() override;
    void parameterChanged(const QString& name, qint64 value) override;
    QStringList tryItOut() const override;

    int brokerId() const { return m_broker; }
    Producer* producer() const { return m_producer.get(); }
    WebSocketHub* hub() const { return m_brokerServer->hub(); } // the embedded broker's
    Guarantee guarantee() const;
    Broker broker() const { return Broker(parameter(QStringLiteral("broker"))); }
    const QList<WebSocketClient*>& subscribers() const { return m_subscribers; }
    const QList<WebSocketClient*>& publishers() const { return m_publishers; }
    // A real broker's clients (empty with the embedded broker).
    const QList<BrokerClient*>& brokerSubscribers() const { return m_brokerSubscribers; }
    const QList<BrokerClient*>& brokerPublishers() const { return m_brokerPublishers; }
    // What a subscriber (a WebSocketClient or a BrokerClient of ours) has seen.
    const SubscriberState& subscriberState(const QObject* subscriber) const;
    // The last sequence number on a topic: the embedded broker's, or the publishers' with a real broker.
    qint64 topicSeq(const QString& topic) const
    {
        return m_brokerServer ? m_brokerServer->topicSeq(topic) : m_topicSeq.value(topic);
    }
    // Publishes not yet confirmed by the broker (at least once, embedded broker).
    int unconfirmedPublishes() const;
    // Checks a broker-url parameter: empty, or mqtt:// or redis:// with a loopback host and a port.
    static bool checkBrokerUrl(QStringView text, QString* reason);

private:
    // publishers
    void itemProduced(const Item& item);
    void sendPublish(WebSocketClient* publisher, const QJsonObject& envelope);
    // subscribers
    void subscribed(const QString& subscriber);
    void delivered(WebSocketClient* subscriber, const QJsonObject& envelope);
    // A delivery's envelope, once per message: counts duplicates and what the topic's numbers skipped.
    void accept(const QObject* subscriber, int participant, const QJsonObject& envelope);
    void clientStopped();
    // On a real broker (publishsubscribebroker.cpp)
    bool startOnBroker(QString* error);
    BrokerClient* addBrokerClient(
        int participant, quint16 brokerPort, const QString& name, const QStringList& topics, QString* error);
    void publishOnBroker(const Item& item);
    void stopOnBroker();
    void brokerClientStopped();

    std::unique_ptr<PubSubBroker> m_brokerServer;
    std::unique_ptr<Producer> m_producer;
    QList<WebSocketClient*> m_publishers;
    QHash<WebSocketClient*, std::deque<QJsonObject>> m_unconfirmed; // per publisher, at least once
    QList<WebSocketClient*> m_subscribers;
    QHash<const QObject*, SubscriberState> m_subscriberState;
    QList<BrokerClient*> m_brokerPublishers;
    QList<BrokerClient*> m_brokerSubscribers;
    QHash<QString, qint64> m_topicSeq; // a real broker's topics, numbered by our publishers
    QString m_runTag; // in a real broker's client ids: a persistent session is this run's alone
    QSet<QString> m_subscribedOnce; // our subscribers that have subscribed: the producer waits for all
    int m_broker = -1;
    int m_stoppedClients = 0;
    bool m_publishing = false;
    bool m_stopping = false;
};

} // namespace PatternScope
