// SPDX-License-Identifier: GPL-3.0-or-later
// Publish-subscribe on a real broker on this machine: Mosquitto (MQTT 3.1.1 through libmosquitto) or
// Redis pub/sub (through hiredis). Publishers and subscribers are that broker's clients; each connects
// through its own link, so latency and cuts apply, and the link's scanner turns the MQTT packets or
// RESP values that really crossed into arrows. What travels is the envelope of docs/pubsub-envelope.md
// as the message payload; the publishers number each topic's messages, so subscribers see gaps.
#include "labels.h"
#include "link.h"
#include "mqttclient.h"
#include "mqttscanner.h"
#include "publishsubscribe.h"
#include "pubsubenvelope.h"
#include "redisclient.h"
#include "respscanner.h"
#include "streamrecorder.h"
#include "websocketenvelope.h"
#include "wiredrain.h"

#include <QRandomGenerator>
#include <QTcpSocket>
#include <QUrl>

namespace PatternScope {

using PubSubEnvelope::idOf;
using PubSubEnvelope::text;

namespace {

constexpr quint16 kMqttPort = 1883;
constexpr quint16 kRedisPort = 6379;
constexpr int kProbeMs = 2000;

QString schemeOf(PublishSubscribe::Broker broker)
{
    return broker == PublishSubscribe::Broker::Redis ? QStringLiteral("redis") : QStringLiteral("mqtt");
}

QString brokerName(PublishSubscribe::Broker broker)
{
    return broker == PublishSubscribe::Broker::Redis ? QStringLiteral("Redis") : QStringLiteral("Mosquitto");
}

// The diagram's words for a publish or delivery, from the envelope in its payload.
void describeApplicationMessage(Message& message, const QString& topic, const QByteArray& payload, bool publish)
{
    const QJsonObject envelope = envelopeOf(payload);
    message.kind = publish ? Message::Kind::Publish : Message::Kind::Deliver;
    message.fields.name = topic;
    message.fields.id = idOf(envelope);
    if (!message.fields.id.isEmpty())
        message.correlation = QStringLiteral("msg ") + message.fields.id;
    const qint64 item = envelope.value(QStringLiteral("item")).toInteger(-1);
    if (item > 0)
        message.firstItem = message.lastItem = item;
    message.label = Labels::pubSubMessage(message.kind, message.fields,
        envelope.isEmpty() ? QString::fromUtf8(payload.left(40)) : text(envelope, "payload"));
}

void describeControl(Message& message, Message::Kind kind, const QString& method, const QString& target)
{
    message.kind = kind;
    message.fields.method = method;
    message.fields.target = target;
    message.label = Labels::pubSubControl(message.fields);
}

// MQTT packets. PUBACK names the message it confirms: the PUBLISH with its packet id that went the
// other way on the same connection.
StreamRecording mqttRecording()
{
    auto published = std::make_shared<QHash<QString, QString>>(); // "connection/direction/packet id" -> msg id
    const auto key = [](const Message& m, bool towardServer, int packetId) {
        return QStringLiteral("%1/%2/%3").arg(m.connection).arg(int(towardServer)).arg(packetId);
    };
    StreamRecording recording;
    recording.scanner = [](bool) { return std::make_unique<MqttScanner>(); };
    recording.describe = [published, key](Message& m, const StreamUnit& unit, bool towardServer) {
        constexpr auto Control = Message::Kind::BrokerControl;
        switch (unit.type) {
        case MqttScanner::Publish: {
            describeApplicationMessage(m, unit.words.value(0), unit.payload, towardServer);
            const int qos = unit.flags >> 1 & 3;
            m.label = m.label.toString() + QStringLiteral(" · QoS %1").arg(qos);
            if (unit.flags & 8)
                m.label = m.label.toString() + QStringLiteral(" · again (DUP)");
            if (unit.packetId >= 0)
                published->insert(key(m, towardServer, unit.packetId), m.fields.id);
            return true;
        }
        case MqttScanner::Puback: {
            const QString id = published->take(key(m, !towardServer, unit.packetId));
            m.kind = Control;
            m.fields.method = QStringLiteral("ack");
            m.fields.id = id.isEmpty() ? QStringLiteral("packet %1").arg(unit.packetId) : id;
            if (!id.isEmpty())
                m.correlation = QStringLiteral("msg ") + id;
            m.label = QStringLiteral("PUBACK · ") + Labels::pubSubControl(m.fields);
            return true;
        }
        case MqttScanner::Connect: {
            const bool clean = unit.codes.value(0) & 2;
            describeControl(m, Control, QStringLiteral("CONNECT"),
                unit.words.value(0)
                    + (clean ? QStringLiteral(" · clean session") : QStringLiteral(" · persistent session")));
            return true;
        }
        case MqttScanner::Connack: {
            const int code = unit.codes.value(1, -1);
            describeControl(m, Control, QStringLiteral("CONNACK"),
                (code == 0 ? QStringLiteral("accepted") : QStringLiteral("refused (%1)").arg(code))
                    + (unit.codes.value(0) & 1 ? QStringLiteral(" · session present") : QString()));
            return true;
        }
        case MqttScanner::Subscribe: {
            describeControl(m, Control, QStringLiteral("subscribe"), unit.words.join(QStringLiteral(", ")));
            m.label = m.label.toString() + QStringLiteral(" · QoS %1").arg(unit.codes.value(0));
            return true;
        }
        case MqttScanner::Suback: {
            QStringList granted;
            for (int code : unit.codes)
                granted.append(code == 0x80 ? QStringLiteral("refused") : QStringLiteral("QoS %1").arg(code));
            describeControl(m, Control, QStringLiteral("SUBACK"), granted.join(QStringLiteral(", ")));
            return true;
        }
        case MqttScanner::Pingreq:
        case MqttScanner::Pingresp:
            m.kind = unit.type == MqttScanner::Pingreq ? Message::Kind::WsPing : Message::Kind::WsPong;
            m.label = QString::fromLatin1(MqttScanner::typeName(unit.type));
            m.correlation = QStringLiteral("ping %1").arg(m.connection);
            return true;
        default:
            describeControl(m, Control, QString::fromLatin1(MqttScanner::typeName(unit.type)),
                unit.packetId >= 0 ? QStringLiteral("packet %1").arg(unit.packetId) : QString());
            return true;
        }
    };
    return recording;
}

// RESP values: PUBLISH and SUBSCRIBE commands up, deliveries ("message") and replies down.
StreamRecording redisRecording()
{
    StreamRecording recording;
    recording.scanner = [](bool) { return std::make_unique<RespScanner>(); };
    recording.describe = [](Message& m, const StreamUnit& unit, bool towardServer) {
        constexpr auto Control = Message::Kind::BrokerControl;
        const QString first = unit.words.value(0);
        if (towardServer && first.compare(QLatin1String("PUBLISH"), Qt::CaseInsensitive) == 0
            && unit.words.size() == 3) {
            describeApplicationMessage(m, unit.words.at(1), unit.words.at(2).toUtf8(), true);
            m.setBodyPreview(unit.words.at(2).toUtf8().left(1024));
        } else if (!towardServer && unit.type == '*' && first == QLatin1String("message") && unit.words.size() == 3) {
            describeApplicationMessage(m, unit.words.at(1), unit.words.at(2).toUtf8(), false);
            m.setBodyPreview(unit.words.at(2).toUtf8().left(1024));
        } else if (towardServer && first.compare(QLatin1String("SUBSCRIBE"), Qt::CaseInsensitive) == 0) {
            describeControl(m, Control, QStringLiteral("subscribe"), unit.words.mid(1).join(QStringLiteral(", ")));
        } else if (!towardServer && unit.type == '*' && first == QLatin1String("subscribe")) {
            describeControl(m, Control, QStringLiteral("subscribed"),
                QStringLiteral("%1 (%2 in all)").arg(unit.words.value(1), unit.words.value(2)));
        } else if (!towardServer && unit.type == ':') {
            // PUBLISH's answer: how many subscribers Redis handed the message to, there and then.
            describeControl(m, Control, QStringLiteral("reply"), QStringLiteral("%1 receivers").arg(first));
        } else {
            describeControl(m, Control, towardServer ? first.toUpper() : QStringLiteral("reply"),
                (towardServer ? unit.words.mid(1) : unit.words).join(u' ').left(80));
        }
        return true;
    };
    return recording;
}

} // namespace

bool PublishSubscribe::checkBrokerUrl(QStringView text, QString* reason)
{
    const QString trimmed = text.trimmed().toString();
    if (trimmed.isEmpty())
        return true;
    const QUrl url(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != QLatin1String("mqtt") && scheme != QLatin1String("redis"))
        || url.host().isEmpty()) {
        *reason = QStringLiteral("'%1' is not mqtt://HOST:PORT or redis://HOST:PORT").arg(trimmed);
        return false;
    }
    if (url.host() != QLatin1String("127.0.0.1") && url.host() != QLatin1String("localhost")) {
        *reason = QStringLiteral("'%1': the broker must be on this machine (127.0.0.1): its clients reach it "
                                 "through the link emulator on loopback")
                      .arg(trimmed);
        return false;
    }
    if (!url.userInfo().isEmpty() || (!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery()) {
        *reason = QStringLiteral("'%1': only a host and a port are understood (no user, path or query)").arg(trimmed);
        return false;
    }
    if (url.port() == 0) {
        *reason = QStringLiteral("'%1': port 0 is not a broker's port").arg(trimmed);
        return false;
    }
    return true;
}

bool PublishSubscribe::startOnBroker(QString* error)
{
    const Broker kind = broker();
    const QString scheme = schemeOf(kind);
    if (serveOnly()) {
        *error = QStringLiteral("broker: serve needs the embedded broker (outside clients can talk to %1 directly)")
                     .arg(brokerName(kind));
        return false;
    }
    QString urlText = parameters().text(QStringLiteral("broker-url"));
    if (urlText.isEmpty())
        urlText = QStringLiteral("%1://127.0.0.1:%2").arg(scheme).arg(kind == Broker::Redis ? kRedisPort : kMqttPort);
    const QUrl url(urlText);
    if (url.scheme() != scheme) {
        *error = QStringLiteral("broker-url: %1 is not a %2:// address, as broker=%3 needs")
                     .arg(urlText, scheme, parameters().spec(QStringLiteral("broker"))->format(qint64(kind)));
        return false;
    }
    const quint16 port = quint16(url.port(kind == Broker::Redis ? kRedisPort : kMqttPort));
    // Is anyone there? On loopback a connect is answered at once, so this does not keep the window waiting;
    // without it, clients would only keep reconnecting to nobody.
    {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (!probe.waitForConnected(kProbeMs)) {
            *error = QStringLiteral("broker-url: no broker answers at %1 (%2); start %3 there or choose another "
                                    "broker-url")
                         .arg(urlText, probe.errorString(),
                             kind == Broker::Redis ? QStringLiteral("redis-server") : QStringLiteral("mosquitto"));
            return false;
        }
        probe.abort();
    }

    m_runTag = QString::number(QRandomGenerator::global()->generate(), 16);
    const QList<int> publisherIds = addLifelines(
        QStringLiteral("Publisher"), Participant::Role::Publisher, int(parameter(QStringLiteral("publishers"))));
    m_broker = trace()->addParticipant(brokerName(kind), Participant::Role::Broker);
    m_producer = std::make_unique<Producer>(trace(), publisherIds.first(), seed());
    m_producer->configure(parameters());
    m_producer->setProduceForMs(produceForMs());
    connect(m_producer.get(), &Producer::produced, this, &PublishSubscribe::itemProduced);
    if (kind == Broker::Redis && guarantee() == Guarantee::AtLeastOnce) {
        trace()->addNote(m_broker,
            QStringLiteral("Redis pub/sub delivers at most once: a subscriber that is cut off misses what is "
                           "published meanwhile, whatever the guarantee asks"));
    }

    for (int participant : std::as_const(publisherIds)) {
        const QString name = trace()->participant(participant)->name;
        BrokerClient* publisher = addBrokerClient(participant, port, name, {}, error);
        if (!publisher)
            return false;
        m_brokerPublishers.append(publisher);
    }
    const QStringList topics = topicNames().mid(0, int(parameter(QStringLiteral("topics"))));
    const int count = int(parameter(QStringLiteral("subscribers")));
    const qint64 plan = parameter(QStringLiteral("subscriptions"));
    for (int i = 0; i < count; ++i) {
        SubscriberState state;
        state.name = QStringLiteral("Subscriber %1").arg(QChar(u'A' + i));
        const bool all = plan == 2 || (plan == 1 && i % 3 == 2);
        state.topics = all ? topics : QStringList { topics.at(i % topics.size()) };
        const int participant = trace()->addParticipant(state.name, Participant::Role::Subscriber);
        BrokerClient* subscriber = addBrokerClient(participant, port, state.name, state.topics, error);
        if (!subscriber)
            return false;
        m_brokerSubscribers.append(subscriber);
        m_subscriberState.insert(subscriber, state);
        connect(subscriber, &BrokerClient::received, this,
            [this, subscriber, participant](const QString&, const QByteArray& payload) {
                const QJsonObject envelope = envelopeOf(payload);
                if (!envelope.isEmpty())
                    accept(subscriber, participant, envelope);
            });
        // Publishing starts once every subscriber of ours has subscribed, so the first items reach them too.
        connect(subscriber, &BrokerClient::subscribed, this, [this, name = state.name] {
            if (m_publishing || m_stopping)
                return;
            m_subscribedOnce.insert(name);
            if (m_subscribedOnce.size() == m_brokerSubscribers.size()) {
                m_publishing = true;
                m_producer->start();
            }
        });
    }
    for (BrokerClient* client : std::as_const(m_brokerPublishers))
        client->start();
    for (BrokerClient* client : std::as_const(m_brokerSubscribers))
        client->start();
    if (m_brokerSubscribers.isEmpty()) {
        m_publishing = true;
        m_producer->start();
    }
    return true;
}

BrokerClient* PublishSubscribe::addBrokerClient(
    int participant, quint16 brokerPort, const QString& name, const QStringList& topics, QString* error)
{
    Link* link = addClientLink(participant, m_broker, brokerPort, error);
    if (!link)
        return nullptr;
    const bool redis = broker() == Broker::Redis;
    recordStream(link, redis ? redisRecording() : mqttRecording());
    BrokerClient::Options options;
    options.port = link->port();
    options.participant = participant;
    // "ps-1a2b3c4d-SubscriberA": unique to the run, so a persistent session left from another is not found.
    options.clientId = QStringLiteral("ps-%1-%2").arg(m_runTag, QString(name).remove(u' '));
    options.atLeastOnce = !redis && guarantee() == Guarantee::AtLeastOnce;
    options.topics = topics;
    BrokerClient* client = redis ? static_cast<BrokerClient*>(new RedisClient(options, this))
                                 : static_cast<BrokerClient*>(new MqttClient(options, this));
    client->setBackoff([this] { return parameter(QStringLiteral("reconnect")); });
    connect(client, &BrokerClient::refused, this, [this, participant](const QString& reason) {
        trace()->addNote(participant, QStringLiteral("the broker refused: %1").arg(reason));
    });
    connect(client, &BrokerClient::stopped, this, &PublishSubscribe::brokerClientStopped);
    return client;
}

void PublishSubscribe::publishOnBroker(const Item& item)
{
    const QStringList topics = topicNames().mid(0, int(parameter(QStringLiteral("topics"))));
    BrokerClient* publisher = m_brokerPublishers.at(int((item.id - 1) % m_brokerPublishers.size()));
    const int from = publisher->options().participant;
    const QString topic = topics.at(int((item.id - 1) % topics.size()));
    // A real broker does not number messages: the publishers do, per topic, so subscribers can count gaps.
    const qint64 seq = ++m_topicSeq[topic];
    const QJsonObject envelope { { QStringLiteral("type"), QStringLiteral("publish") },
        { QStringLiteral("topic"), topic }, { QStringLiteral("id"), QString::number(item.id) },
        { QStringLiteral("seq"), seq }, { QStringLiteral("payload"), item.text }, { QStringLiteral("item"), item.id },
        { QStringLiteral("publisher"), trace()->participant(from)->name } };
    if (!publisher->publish(topic, envelopeBytes(envelope))) {
        trace()->addNote(from, QStringLiteral("not connected: #%1 is not published").arg(item.id));
    }
}

void PublishSubscribe::stopOnBroker()
{
    // Our clients say goodbye once what is on the wire has arrived.
    QSet<int> lifelines;
    for (const QList<BrokerClient*>* clients : { &m_brokerPublishers, &m_brokerSubscribers }) {
        for (BrokerClient* client : *clients)
            lifelines.insert(client->options().participant);
    }
    new WireDrain(
        trace(), lifelines, drainWaitMs(),
        [this] {
            for (BrokerClient* client : std::as_const(m_brokerPublishers))
                client->stop();
            for (BrokerClient* client : std::as_const(m_brokerSubscribers))
                client->stop();
        },
        this);
}

void PublishSubscribe::brokerClientStopped()
{
    if (++m_stoppedClients == m_brokerPublishers.size() + m_brokerSubscribers.size())
        Q_EMIT stopped();
}

} // namespace PatternScope
