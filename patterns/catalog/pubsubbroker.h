// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"
#include "websockethub.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <deque>

namespace PatternScope {

class LinkEmulator;

// The broker of the publish-subscribe pattern: a WebSocket server speaking the envelope of
// docs/pubsub-envelope.md. It keeps who subscribed to what, numbers each topic's messages and fans each
// publish out to exactly that topic's subscribers. With the at-least-once guarantee, subscriptions
// marked durable outlive their connection: deliveries wait in an outbox until acknowledged and go
// again after a reconnect, and a publisher's resend is confirmed without a second delivery.
class PubSubBroker : public QObject {
    Q_OBJECT
public:
    PubSubBroker(Trace* trace, int participant, LinkEmulator* links, QObject* parent = nullptr);
    ~PubSubBroker() override;

    void setAtLeastOnce(bool on) { m_atLeastOnce = on; }
    void setMaxMessageSize(qint64 bytes) { m_hub.setMaxMessageSize(bytes); }
    bool listen(QString* error) { return m_hub.listen(error); }
    WebSocketHub* hub() { return &m_hub; }
    // The last sequence number given on a topic.
    qint64 topicSeq(const QString& topic) const { return m_topicSeq.value(topic); }

Q_SIGNALS:
    // A subscriber (by the name it gave, or its lifeline's) subscribed to something.
    void subscribed(const QString& subscriber);

private:
    struct Peer {
        QString name;
        QSet<QString> topics;
        bool durable = false;
    };
    struct Durable {
        QSet<QString> topics;
        std::deque<QJsonObject> outbox; // deliveries not yet acknowledged, in order
        QWebSocket* socket = nullptr;
    };

    void received(QWebSocket* socket, const QJsonObject& envelope);
    void subscribe(QWebSocket* socket, const QJsonObject& envelope, bool add);
    void publish(QWebSocket* socket, const QJsonObject& envelope);
    void peerGone(QWebSocket* socket);
    bool topicsOf(QWebSocket* socket, const QJsonObject& envelope, QStringList* topics);

    Trace* m_trace;
    int m_participant;
    bool m_atLeastOnce = false;
    QHash<QWebSocket*, Peer> m_peers;
    QHash<QString, Durable> m_durable; // by subscriber name
    QHash<QString, qint64> m_topicSeq;
    QSet<QString> m_published; // publish ids taken, to ignore a publisher's resend
    // Last, so it goes first: its sockets must not report to a broker whose records are gone.
    WebSocketHub m_hub;
};

} // namespace PatternScope
