// SPDX-License-Identifier: GPL-3.0-or-later
#include "pubsubbroker.h"

#include "pubsubenvelope.h"

#include <QJsonArray>
#include <algorithm>

namespace PatternScope {

using PubSubEnvelope::idOf;
using PubSubEnvelope::text;

namespace {

constexpr int kMaxTopicLength = 64;
constexpr int kMaxTopicsPerMessage = 32;

} // namespace

PubSubBroker::PubSubBroker(Trace* trace, int participant, LinkEmulator* links, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_participant(participant)
    , m_hub(trace, participant, links)
{
    connect(&m_hub, &WebSocketHub::envelopeReceived, this, &PubSubBroker::received);
    connect(&m_hub, &WebSocketHub::peerDisconnected, this, &PubSubBroker::peerGone);
}

PubSubBroker::~PubSubBroker() = default;

bool PubSubBroker::topicsOf(QWebSocket* socket, const QJsonObject& envelope, QStringList* topics)
{
    const QJsonValue value = envelope.value(QStringLiteral("topics"));
    if (value.isString()) {
        topics->append(value.toString());
    } else {
        for (const QJsonValue& topic : value.toArray())
            topics->append(topic.toString());
    }
    const bool ok = !topics->isEmpty() && topics->size() <= kMaxTopicsPerMessage
        && std::all_of(topics->begin(), topics->end(),
            [](const QString& t) { return !t.isEmpty() && t.size() <= kMaxTopicLength; });
    if (!ok) {
        m_hub.refuse(socket, QWebSocketProtocol::CloseCodeWrongDatatype,
            QStringLiteral("malformed envelope: \"topics\" must list 1 to %1 topic names").arg(kMaxTopicsPerMessage));
    }
    return ok;
}

void PubSubBroker::received(QWebSocket* socket, const QJsonObject& envelope)
{
    const QString type = text(envelope, "type");
    if (!m_peers.contains(socket)) {
        const Participant* who = m_trace->participant(m_hub.participantOf(socket));
        m_peers.insert(socket, { who ? who->name : QStringLiteral("outside client"), {}, false });
    }
    if (type == QLatin1String("subscribe") || type == QLatin1String("unsubscribe")) {
        subscribe(socket, envelope, type == QLatin1String("subscribe"));
    } else if (type == QLatin1String("publish")) {
        publish(socket, envelope);
    } else if (type == QLatin1String("ack")) {
        const QString id = idOf(envelope);
        if (id.isEmpty()) {
            m_hub.refuse(socket, QWebSocketProtocol::CloseCodeWrongDatatype,
                QStringLiteral("malformed envelope: ack without an id"));
            return;
        }
        const Peer& peer = m_peers[socket];
        auto it = m_durable.find(peer.name);
        if (peer.durable && it != m_durable.end()) {
            auto& outbox = it->outbox;
            outbox.erase(
                std::remove_if(outbox.begin(), outbox.end(), [&](const QJsonObject& e) { return idOf(e) == id; }),
                outbox.end());
        }
    } else {
        m_hub.refuse(socket, QWebSocketProtocol::CloseCodeDatatypeNotSupported,
            QStringLiteral("unknown message type \"%1\"; the broker takes subscribe, unsubscribe, publish, ack")
                .arg(type.left(40)));
    }
}

void PubSubBroker::subscribe(QWebSocket* socket, const QJsonObject& envelope, bool add)
{
    QStringList topics;
    if (!topicsOf(socket, envelope, &topics))
        return;
    Peer& peer = m_peers[socket];
    const QString requested = text(envelope, "subscriber").left(40);
    if (add && !requested.isEmpty())
        peer.name = requested;
    // A durable subscription outlives its connection: only with the at-least-once guarantee.
    peer.durable = peer.durable || (add && m_atLeastOnce && envelope.value(QStringLiteral("durable")).toBool());
    for (const QString& topic : std::as_const(topics)) {
        if (add)
            peer.topics.insert(topic);
        else
            peer.topics.remove(topic);
    }
    if (peer.durable) {
        Durable& durable = m_durable[peer.name];
        durable.topics = peer.topics;
        durable.socket = socket;
        // Redelivery: everything not acknowledged, in order, including what came while it was away.
        if (add) {
            for (const QJsonObject& delivery : durable.outbox)
                m_hub.send(socket, delivery);
        }
    }
    if (add)
        Q_EMIT subscribed(peer.name);
}

void PubSubBroker::publish(QWebSocket* socket, const QJsonObject& envelope)
{
    const QString topic = text(envelope, "topic");
    const QString id = idOf(envelope);
    if (topic.isEmpty() || topic.size() > kMaxTopicLength || id.isEmpty()) {
        m_hub.refuse(socket, QWebSocketProtocol::CloseCodeWrongDatatype,
            QStringLiteral("malformed envelope: publish needs a \"topic\" and an \"id\""));
        return;
    }
    const Peer& publisher = m_peers[socket];
    const QString key = publisher.name + u'/' + id;
    if (m_atLeastOnce && m_published.contains(key)) {
        // A resend whose confirmation was lost: confirm again, deliver nothing twice.
        m_trace->addNote(m_participant, QStringLiteral("#%1 again from %2: already taken").arg(id, publisher.name));
    } else {
        if (m_atLeastOnce)
            m_published.insert(key);
        QJsonObject delivery { { QStringLiteral("type"), QStringLiteral("deliver") },
            { QStringLiteral("topic"), topic }, { QStringLiteral("id"), id },
            { QStringLiteral("seq"), ++m_topicSeq[topic] }, { QStringLiteral("publisher"), publisher.name },
            { QStringLiteral("payload"), envelope.value(QStringLiteral("payload")) } };
        if (envelope.contains(QStringLiteral("item")))
            delivery.insert(QStringLiteral("item"), envelope.value(QStringLiteral("item")));
        // Fan-out: exactly the subscribers of this topic, each its own delivery.
        for (auto it = m_peers.cbegin(); it != m_peers.cend(); ++it) {
            if (!it->durable && it->topics.contains(topic))
                m_hub.send(it.key(), delivery);
        }
        for (Durable& durable : m_durable) {
            if (!durable.topics.contains(topic))
                continue;
            durable.outbox.push_back(delivery);
            if (durable.socket)
                m_hub.send(durable.socket, delivery);
        }
    }
    if (m_atLeastOnce)
        m_hub.send(socket, { { QStringLiteral("type"), QStringLiteral("ack") }, { QStringLiteral("id"), id } });
}

void PubSubBroker::peerGone(QWebSocket* socket)
{
    const Peer peer = m_peers.take(socket);
    auto it = m_durable.find(peer.name);
    if (it != m_durable.end() && it->socket == socket)
        it->socket = nullptr; // the subscription stays; deliveries wait in its outbox
}

} // namespace PatternScope
