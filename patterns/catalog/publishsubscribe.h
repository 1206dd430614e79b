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

class Link;

// A broker between publishers and subscribers, over WebSockets with a small JSON envelope
// (docs/pubsub-envelope.md). Each published item goes to the broker once and reaches exactly the
// subscribers of its topic, each delivery its own arrow, all correlated to the publish.
// The delivery guarantee is a parameter: at most once (a subscriber cut off misses what was
// published meanwhile and counts the gap from the topic's sequence numbers) or at least once
// (durable subscriptions, acks, redelivery after reconnect: nothing lost, duplicates ignored).
class PublishSubscribe : public Pattern {
    Q_OBJECT
public:
    enum class Guarantee { AtMostOnce, AtLeastOnce };

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
    WebSocketHub* hub() const { return m_brokerServer->hub(); }
    Guarantee guarantee() const;
    const QList<WebSocketClient*>& subscribers() const { return m_subscribers; }
    const QList<WebSocketClient*>& publishers() const { return m_publishers; }
    const SubscriberState& subscriberState(WebSocketClient* subscriber) const;
    // The broker's last sequence number on a topic.
    qint64 topicSeq(const QString& topic) const { return m_brokerServer->topicSeq(topic); }
    // Publishes not yet confirmed by the broker (at least once).
    int unconfirmedPublishes() const;

private:
    // publishers
    void itemProduced(const Item& item);
    void sendPublish(WebSocketClient* publisher, const QJsonObject& envelope);
    // subscribers
    void subscribed(const QString& subscriber);
    void delivered(WebSocketClient* subscriber, const QJsonObject& envelope);
    void clientStopped();

    std::unique_ptr<PubSubBroker> m_brokerServer;
    std::unique_ptr<Producer> m_producer;
    QList<WebSocketClient*> m_publishers;
    QHash<WebSocketClient*, std::deque<QJsonObject>> m_unconfirmed; // per publisher, at least once
    QList<WebSocketClient*> m_subscribers;
    QHash<WebSocketClient*, SubscriberState> m_subscriberState;
    QSet<QString> m_subscribedOnce; // our subscribers that have subscribed: the producer waits for all
    int m_broker = -1;
    int m_stoppedClients = 0;
    bool m_publishing = false;
    bool m_stopping = false;
};

} // namespace PatternScope
