// SPDX-License-Identifier: GPL-3.0-or-later
#include "publishsubscribe.h"

#include "labels.h"
#include "linkemulator.h"
#include "pubsubenvelope.h"
#include "wiredrain.h"
#include "wsrecorder.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace PatternScope {

using PubSubEnvelope::idOf;
using PubSubEnvelope::text;

namespace {

QString payloadText(const QJsonObject& envelope)
{
    const QJsonValue payload = envelope.value(QStringLiteral("payload"));
    return payload.isString()
        ? payload.toString()
        : QString::fromUtf8(QJsonDocument(QJsonArray { payload }).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

// Names what crossed from its envelope, for the diagram.
void describe(Message& message, const WebSocketFrameScanner::Frame& frame)
{
    if (frame.opcode != WebSocketFrameScanner::Text || !frame.fin)
        return;
    const QJsonObject envelope = envelopeOf(frame.preview);
    const QString type = text(envelope, "type");
    const QString id = idOf(envelope);
    const QString topic = text(envelope, "topic");
    if (!id.isEmpty())
        message.correlation = QStringLiteral("msg ") + id;
    const qint64 item = envelope.value(QStringLiteral("item")).toInteger(-1);
    if (type == QLatin1String("publish") || type == QLatin1String("deliver")) {
        message.kind = type == QLatin1String("publish") ? Message::Kind::Publish : Message::Kind::Deliver;
        message.fields.name = topic;
        message.fields.id = id;
        message.label = Labels::pubSubMessage(message.kind, message.fields, payloadText(envelope));
    } else if (type == QLatin1String("ack")) {
        message.fields.method = type;
        message.fields.id = id;
        message.label = Labels::pubSubControl(message.fields);
        return;
    } else if (type == QLatin1String("subscribe") || type == QLatin1String("unsubscribe")) {
        QStringList topics;
        for (const QJsonValue& t : envelope.value(QStringLiteral("topics")).toArray())
            topics.append(t.toString());
        message.fields.method = type;
        message.fields.target = topics.join(QStringLiteral(", "));
        message.label = Labels::pubSubControl(message.fields);
        return;
    } else {
        return;
    }
    if (item > 0)
        message.firstItem = message.lastItem = item;
}

QString subscriberName(int index)
{
    return QStringLiteral("Subscriber %1").arg(QChar(u'A' + index));
}

} // namespace

QStringList PublishSubscribe::topicNames()
{
    return { QStringLiteral("prices"), QStringLiteral("news"), QStringLiteral("weather"), QStringLiteral("sports"),
        QStringLiteral("chat") };
}

PatternInfo PublishSubscribe::info()
{
    PatternInfo info;
    info.id = QStringLiteral("publish-subscribe");
    info.title = QStringLiteral("Publish-subscribe");
    info.description = QStringLiteral(
        "Publishers send each message to a broker once, on a topic; the broker hands a copy to every subscriber of "
        "that topic and to no one else. Whether a subscriber that was cut off gets what it missed depends on the "
        "delivery guarantee.");
    info.participants = { QStringLiteral("Publisher"), QStringLiteral("Broker"), QStringLiteral("Subscriber A"),
        QStringLiteral("Subscriber B"), QStringLiteral("Subscriber C") };
    info.parameters = {
        ParameterSpec::number(QStringLiteral("publishers"), QStringLiteral("publishers, taking turns with the items"),
            ParameterSpec::Unit::Count, 1, 1, 5, false),
        ParameterSpec::number(QStringLiteral("subscribers"), QStringLiteral("subscribers A, B, C, …"),
            ParameterSpec::Unit::Count, 3, 1, 26, false),
        ParameterSpec::number(QStringLiteral("topics"),
            QStringLiteral("topics (prices, news, weather, sports, chat); items take turns"),
            ParameterSpec::Unit::Count, 2, 1, 5, false),
        ParameterSpec::choice(QStringLiteral("subscriptions"),
            QStringLiteral("who subscribes to what: one topic each, one each plus every third subscriber to all "
                           "(overlapping), or all to all"),
            { QStringLiteral("one-each"), QStringLiteral("overlapping"), QStringLiteral("all") }, 1, false),
        ParameterSpec::choice(QStringLiteral("guarantee"),
            QStringLiteral("at most once: what a cut-off subscriber misses is gone; at least once: durable "
                           "subscriptions, acks and redelivery (MQTT: QoS 1 and persistent sessions; Redis pub/sub "
                           "cannot: it stays at most once)"),
            { QStringLiteral("at-most-once"), QStringLiteral("at-least-once") }, 0, false),
        ParameterSpec::choice(QStringLiteral("broker"),
            QStringLiteral("embedded: PatternScope's own WebSocket broker; mosquitto: a real MQTT 3.1.1 broker; "
                           "redis: Redis pub/sub, which delivers at most once whatever the guarantee (a subscriber "
                           "that is cut off misses what is published meanwhile)"),
            { QStringLiteral("embedded"), QStringLiteral("mosquitto"), QStringLiteral("redis") }, 0, false),
        ParameterSpec::text(QStringLiteral("broker-url"),
            QStringLiteral("where the real broker listens on this machine: mqtt://127.0.0.1:1883 or "
                           "redis://127.0.0.1:6379 (empty: the chosen broker's usual port)"),
            QString(), &PublishSubscribe::checkBrokerUrl),
        latencyParameter(),
        jitterParameter(),
        ParameterSpec::number(QStringLiteral("reconnect"),
            QStringLiteral("first wait before reconnecting after a lost connection; doubles each try up to 30 s"),
            ParameterSpec::Unit::Milliseconds, 1000, 10, 30'000, true),
        ParameterSpec::number(QStringLiteral("max-message"),
            QStringLiteral("largest message the broker accepts; bigger ones are closed with 1009"),
            ParameterSpec::Unit::Bytes, 64 * 1024, 1024, 16 << 20, false),
    };
    info.parameters.append(Producer::parameters());
    return info;
}

PublishSubscribe::PublishSubscribe(const PatternContext& context, QObject* parent)
    : Pattern(context, parent)
{
}

PublishSubscribe::~PublishSubscribe() = default;

PublishSubscribe::Guarantee PublishSubscribe::guarantee() const
{
    return parameter(QStringLiteral("guarantee")) == 1 ? Guarantee::AtLeastOnce : Guarantee::AtMostOnce;
}

const PublishSubscribe::SubscriberState& PublishSubscribe::subscriberState(const QObject* subscriber) const
{
    static const SubscriberState none;
    const auto it = m_subscriberState.constFind(subscriber);
    return it == m_subscriberState.constEnd() ? none : *it;
}

int PublishSubscribe::unconfirmedPublishes() const
{
    int count = 0;
    for (const auto& queue : m_unconfirmed)
        count += int(queue.size());
    return count;
}

bool PublishSubscribe::start(QString* error)
{
    if (broker() != Broker::Embedded)
        return startOnBroker(error);
    const QList<int> publisherIds = addLifelines(
        QStringLiteral("Publisher"), Participant::Role::Publisher, int(parameter(QStringLiteral("publishers"))));
    m_broker = trace()->addParticipant(QStringLiteral("Broker"), Participant::Role::Broker);
    // The items start with the (first) publisher: delivery delay is measured from there.
    m_producer = std::make_unique<Producer>(trace(), publisherIds.first(), seed());
    m_producer->configure(parameters());
    m_producer->setProduceForMs(produceForMs());
    connect(m_producer.get(), &Producer::produced, this, &PublishSubscribe::itemProduced);
    m_brokerServer = std::make_unique<PubSubBroker>(trace(), m_broker, links());
    m_brokerServer->setAtLeastOnce(guarantee() == Guarantee::AtLeastOnce);
    m_brokerServer->setMaxMessageSize(parameter(QStringLiteral("max-message")));
    connect(m_brokerServer.get(), &PubSubBroker::subscribed, this, &PublishSubscribe::subscribed);
    if (!m_brokerServer->listen(error))
        return false;

    const auto addClient = [this, error](int participant, QString path) -> WebSocketClient* {
        Link* link = addClientLink(participant, m_broker, hub()->port(), error);
        if (!link)
            return nullptr;
        recordWebSockets(link, { describe, {} });
        auto* client = new WebSocketClient(trace(), participant, this);
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1%2").arg(link->port()).arg(path));
        client->setUrl([url] { return url; });
        client->setBackoff([this] { return parameter(QStringLiteral("reconnect")); });
        connect(client, &WebSocketClient::stopped, this, &PublishSubscribe::clientStopped);
        return client;
    };

    const bool atLeastOnce = guarantee() == Guarantee::AtLeastOnce;
    for (int participant : std::as_const(publisherIds)) {
        WebSocketClient* publisher = addClient(participant, QStringLiteral("/publish"));
        if (!publisher)
            return false;
        m_publishers.append(publisher);
        m_unconfirmed.insert(publisher, {});
        connect(publisher, &WebSocketClient::connected, this, [this, publisher] {
            // At least once: what the broker never confirmed goes again; it ignores what it already has.
            for (const QJsonObject& envelope : m_unconfirmed.value(publisher))
                publisher->send(envelope);
        });
        connect(publisher, &WebSocketClient::envelopeReceived, this, [this, publisher](const QJsonObject& envelope) {
            if (text(envelope, "type") != QLatin1String("ack"))
                return;
            auto& queue = m_unconfirmed[publisher];
            const QString id = idOf(envelope);
            queue.erase(std::remove_if(queue.begin(), queue.end(), [&](const QJsonObject& e) { return idOf(e) == id; }),
                queue.end());
        });
    }

    if (serveOnly()) {
        if (!openOutsideLink(m_broker, hub()->port(), error, QStringLiteral("ws")))
            return false;
        recordWebSockets(outsideLink(), { describe, [this](const QByteArray& head) {
                                             return hub()->outsideParticipant(head, Participant::Role::Subscriber);
                                         } });
    } else {
        const QStringList topics = topicNames().mid(0, int(parameter(QStringLiteral("topics"))));
        const int count = int(parameter(QStringLiteral("subscribers")));
        const qint64 plan = parameter(QStringLiteral("subscriptions"));
        for (int i = 0; i < count; ++i) {
            SubscriberState state;
            state.name = subscriberName(i);
            const bool all = plan == 2 || (plan == 1 && i % 3 == 2);
            state.topics = all ? topics : QStringList { topics.at(i % topics.size()) };
            const int participant = trace()->addParticipant(state.name, Participant::Role::Subscriber);
            WebSocketClient* subscriber = addClient(participant, QStringLiteral("/subscribe"));
            if (!subscriber)
                return false;
            m_subscribers.append(subscriber);
            m_subscriberState.insert(subscriber, state);
            connect(subscriber, &WebSocketClient::connected, this, [this, subscriber, atLeastOnce] {
                const SubscriberState& s = m_subscriberState[subscriber];
                subscriber->send({ { QStringLiteral("type"), QStringLiteral("subscribe") },
                    { QStringLiteral("topics"), QJsonArray::fromStringList(s.topics) },
                    { QStringLiteral("subscriber"), s.name }, { QStringLiteral("durable"), atLeastOnce } });
            });
            connect(subscriber, &WebSocketClient::envelopeReceived, this,
                [this, subscriber](const QJsonObject& envelope) { delivered(subscriber, envelope); });
        }
    }
    for (WebSocketClient* client : std::as_const(m_publishers))
        client->start();
    for (WebSocketClient* client : std::as_const(m_subscribers))
        client->start();
    // Publishing starts once every subscriber of ours has subscribed, so the first items reach them too.
    if (m_subscribers.isEmpty()) {
        m_publishing = true;
        m_producer->start();
    }
    return true;
}

void PublishSubscribe::parameterChanged(const QString&, qint64)
{
    m_producer->configure(parameters());
}

void PublishSubscribe::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_producer->stop();
    if (broker() != Broker::Embedded) {
        stopOnBroker();
        return;
    }
    // Our clients close once what is on the wire has arrived: publishes reach the broker, its
    // deliveries (and acks) reach their receivers; then the broker lets outside clients go.
    QSet<int> lifelines;
    for (const QList<WebSocketClient*>* clients : { &m_publishers, &m_subscribers }) {
        for (WebSocketClient* client : *clients)
            lifelines.insert(client->participant());
    }
    for (QWebSocket* peer : hub()->peers())
        lifelines.insert(hub()->participantOf(peer)); // outside clients in serve mode
    new WireDrain(
        trace(), lifelines, drainWaitMs(),
        [this] {
            for (WebSocketClient* client : std::as_const(m_publishers))
                client->stop(QStringLiteral("run ended"));
            for (WebSocketClient* client : std::as_const(m_subscribers))
                client->stop(QStringLiteral("run ended"));
        },
        this);
}

void PublishSubscribe::clientStopped()
{
    if (++m_stoppedClients < m_publishers.size() + m_subscribers.size())
        return;
    if (!serveOnly()) {
        Q_EMIT stopped();
        return;
    }
    // Outside clients are told the broker is going away.
    connect(hub(), &WebSocketHub::allClosed, this, &PublishSubscribe::stopped);
    hub()->closeAll(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("broker stopping"));
}

QStringList PublishSubscribe::tryItOut() const
{
    const QString url = publicUrl() + QStringLiteral("/?client=alice");
    return {
        QStringLiteral("npx --yes wscat -c '%1', then send: {\"type\":\"subscribe\",\"topics\":[\"prices\"]}").arg(url),
        QStringLiteral("and publish: {\"type\":\"publish\",\"topic\":\"news\",\"id\":\"a1\",\"payload\":\"hello\"}"),
        QStringLiteral("The envelope is described in docs/pubsub-envelope.md.")
    };
}

// ---- publishers

void PublishSubscribe::itemProduced(const Item& item)
{
    if (broker() != Broker::Embedded) {
        publishOnBroker(item);
        return;
    }
    const QStringList topics = topicNames().mid(0, int(parameter(QStringLiteral("topics"))));
    WebSocketClient* publisher = m_publishers.at(int((item.id - 1) % m_publishers.size()));
    const QJsonObject envelope { { QStringLiteral("type"), QStringLiteral("publish") },
        { QStringLiteral("topic"), topics.at(int((item.id - 1) % topics.size())) },
        { QStringLiteral("id"), QString::number(item.id) }, { QStringLiteral("payload"), item.text },
        { QStringLiteral("item"), item.id } };
    sendPublish(publisher, envelope);
}

void PublishSubscribe::sendPublish(WebSocketClient* publisher, const QJsonObject& envelope)
{
    if (guarantee() == Guarantee::AtLeastOnce)
        m_unconfirmed[publisher].push_back(envelope); // sent again after a reconnect until confirmed
    if (!publisher->send(envelope) && guarantee() == Guarantee::AtMostOnce) {
        trace()->addNote(
            publisher->participant(), QStringLiteral("not connected: #%1 is not published").arg(idOf(envelope)));
    }
}

// ---- subscribers

void PublishSubscribe::subscribed(const QString& subscriber)
{
    // Publishing starts once every subscriber of ours has subscribed, so the first items reach them too.
    if (m_publishing || m_stopping)
        return;
    m_subscribedOnce.insert(subscriber);
    const bool allOurs = std::all_of(m_subscribers.begin(), m_subscribers.end(),
        [this](WebSocketClient* s) { return m_subscribedOnce.contains(m_subscriberState.value(s).name); });
    if (allOurs) {
        m_publishing = true;
        m_producer->start();
    }
}

void PublishSubscribe::delivered(WebSocketClient* subscriber, const QJsonObject& envelope)
{
    if (text(envelope, "type") != QLatin1String("deliver"))
        return;
    if (guarantee() == Guarantee::AtLeastOnce)
        subscriber->send(
            { { QStringLiteral("type"), QStringLiteral("ack") }, { QStringLiteral("id"), idOf(envelope) } });
    accept(subscriber, subscriber->participant(), envelope);
}

void PublishSubscribe::accept(const QObject* subscriber, int participant, const QJsonObject& envelope)
{
    SubscriberState& state = m_subscriberState[subscriber];
    const QString topic = text(envelope, "topic");
    const QString id = idOf(envelope);
    const qint64 seq = envelope.value(QStringLiteral("seq")).toInteger();
    const QString key = text(envelope, "publisher") + u'/' + id;
    if (state.processed.contains(key)) {
        ++state.duplicates;
        trace()->addNote(participant, QStringLiteral("#%1 again: already processed, ignored").arg(id));
        return;
    }
    state.processed.insert(key);
    // Each topic's messages are numbered (by the embedded broker, or by our publishers on a real one): a
    // jump means messages this subscriber never got.
    const qint64 last = state.lastSeq.value(topic, 0);
    if (seq > last + 1) {
        state.missed += seq - last - 1;
        trace()->addNote(participant,
            seq == last + 2 ? QStringLiteral("missed 1 message on %1 (#%2 of the topic)").arg(topic).arg(last + 1)
                            : QStringLiteral("missed %1 messages on %2 (#%3–%4 of the topic)")
                                  .arg(seq - last - 1)
                                  .arg(topic)
                                  .arg(last + 1)
                                  .arg(seq - 1));
    }
    state.lastSeq[topic] = std::max(last, seq);
    state.seqs[topic].append(seq);
}

PATTERNSCOPE_REGISTER_PATTERN(PublishSubscribe, 60)

} // namespace PatternScope
