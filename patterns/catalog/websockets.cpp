// SPDX-License-Identifier: GPL-3.0-or-later
#include "websockets.h"

#include "linkemulator.h"
#include "wsrecorder.h"

#include <QJsonDocument>
#include <QUrlQuery>

namespace PatternScope {

namespace {

QString itemType()
{
    return QStringLiteral("item");
}

ParameterSpec reconnectParameter()
{
    return ParameterSpec::number(QStringLiteral("reconnect"),
        QStringLiteral("first wait before reconnecting after a lost connection; doubles each try up to 30 s"),
        ParameterSpec::Unit::Milliseconds, 1000, 10, 30'000, true);
}

ParameterSpec maxMessageParameter()
{
    return ParameterSpec::number(QStringLiteral("max-message"),
        QStringLiteral("largest message the server accepts; bigger ones are closed with 1009"),
        ParameterSpec::Unit::Bytes, 64 * 1024, 1024, 16 << 20, false);
}

// Names what crossed from its envelope, for the diagram.
void describe(Message& message, const WebSocketFrameScanner::Frame& frame)
{
    if (frame.opcode != WebSocketFrameScanner::Text || !frame.fin)
        return;
    const QJsonObject envelope = envelopeOf(frame.preview);
    const QString type = envelope.value(QStringLiteral("type")).toString();
    const qint64 id = envelope.value(QStringLiteral("id")).toInteger(-1);
    const QString text = envelope.value(QStringLiteral("text")).toString();
    if (type == itemType() && id > 0) {
        message.label = QStringLiteral("item %1 · %2").arg(id).arg(text);
        message.firstItem = message.lastItem = id;
        message.correlation = QStringLiteral("item %1").arg(id);
    } else if (!type.isEmpty()) {
        message.label = id >= 0 ? QStringLiteral("%1 %2 · %3").arg(type).arg(id).arg(text)
                                : QStringLiteral("%1 · %2").arg(type, text);
    }
}

} // namespace

PatternInfo WebSockets::info()
{
    PatternInfo info;
    info.id = QStringLiteral("websockets");
    info.title = QStringLiteral("WebSockets");
    info.description = QStringLiteral(
        "One HTTP Upgrade handshake turns the connection into a two-way channel: the server pushes each item the "
        "moment it exists, the client sends its own messages, pings keep it alive, and a close handshake ends it.");
    info.participants = { QStringLiteral("Client"), QStringLiteral("Server") };
    info.parameters = {
        ParameterSpec::number(QStringLiteral("clients"), QStringLiteral("clients, each with its own lifeline and link"),
            ParameterSpec::Unit::Count, 1, 1, 50, false),
        latencyParameter(),
        jitterParameter(),
        ParameterSpec::number(QStringLiteral("send"),
            QStringLiteral("time between the messages each client sends (0: none)"), ParameterSpec::Unit::Milliseconds,
            3000, 0, 600'000, true),
        ParameterSpec::number(QStringLiteral("ping"),
            QStringLiteral("time between the server's pings to each client (0: none)"),
            ParameterSpec::Unit::Milliseconds, 5000, 0, 600'000, true),
        reconnectParameter(),
        maxMessageParameter(),
    };
    info.parameters.append(Producer::parameters());
    return info;
}

WebSockets::WebSockets(const PatternContext& context, QObject* parent)
    : Pattern(context, parent)
{
    m_ping.setTimerType(Qt::PreciseTimer);
    m_chat.setTimerType(Qt::PreciseTimer);
    connect(&m_ping, &QTimer::timeout, this, &WebSockets::pingAll);
    connect(&m_chat, &QTimer::timeout, this, [this] {
        for (WebSocketClient* client : std::as_const(m_clients)) {
            ClientState& state = m_state[client];
            const int id = state.sent + 1;
            if (client->send({ { QStringLiteral("type"), QStringLiteral("chat") }, { QStringLiteral("id"), id },
                    { QStringLiteral("text"), QStringLiteral("hello %1").arg(id) } }))
                state.sent = id;
        }
    });
}

WebSockets::~WebSockets() = default;

bool WebSockets::start(QString* error)
{
    m_server = trace()->addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    m_producer = std::make_unique<Producer>(trace(), m_server, seed());
    m_producer->configure(parameters());
    connect(m_producer.get(), &Producer::produced, this, &WebSockets::push);
    m_hub = std::make_unique<WebSocketHub>(trace(), m_server, links());
    m_hub->setMaxMessageSize(parameter(QStringLiteral("max-message")));
    connect(m_hub.get(), &WebSocketHub::peerConnected, this, &WebSockets::peerConnected);
    connect(m_hub.get(), &WebSocketHub::envelopeReceived, this, &WebSockets::envelopeReceived);
    connect(
        m_hub.get(), &WebSocketHub::peerDisconnected, this, [this](QWebSocket* socket) { m_cursors.remove(socket); });
    if (!m_hub->listen(error))
        return false;

    if (serveOnly()) {
        if (!openOutsideLink(m_server, m_hub->port(), error, QStringLiteral("ws")))
            return false;
        recordWebSockets(outsideLink(), { describe, [this](const QByteArray& head) {
                                             return m_hub->outsideParticipant(head, Participant::Role::External);
                                         } });
    } else {
        const QList<int> participants = addLifelines(
            QStringLiteral("Client"), Participant::Role::Client, int(parameter(QStringLiteral("clients"))));
        for (int participant : participants) {
            Link* link = addClientLink(participant, m_server, m_hub->port(), error);
            if (!link)
                return false;
            recordWebSockets(link, { describe, {} });
            auto* client = new WebSocketClient(trace(), participant, this);
            const quint16 port = link->port();
            client->setUrl([this, client, port] {
                // Resume after the last item this client has: the server sends what came since.
                return QUrl(QStringLiteral("ws://127.0.0.1:%1/feed?since=%2").arg(port).arg(m_state[client].lastItem));
            });
            client->setBackoff([this] { return parameter(QStringLiteral("reconnect")); });
            connect(client, &WebSocketClient::envelopeReceived, this,
                [this, client](const QJsonObject& envelope) { itemReceived(client, envelope); });
            connect(client, &WebSocketClient::stopped, this, &WebSockets::clientStopped);
            m_clients.append(client);
            m_state.insert(client, {});
        }
    }
    m_producer->start();
    for (WebSocketClient* client : std::as_const(m_clients))
        client->start();
    parameterChanged(QStringLiteral("ping"), parameter(QStringLiteral("ping")));
    parameterChanged(QStringLiteral("send"), parameter(QStringLiteral("send")));
    return true;
}

void WebSockets::parameterChanged(const QString& name, qint64 value)
{
    QTimer* timer = name == QLatin1String("ping") ? &m_ping : name == QLatin1String("send") ? &m_chat : nullptr;
    if (timer) {
        if (value > 0 && !m_stopping)
            timer->start(int(value));
        else
            timer->stop();
    } else if (m_producer) {
        m_producer->configure(parameters());
    }
}

void WebSockets::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_producer->stop();
    m_ping.stop();
    m_chat.stop();
    if (serveOnly()) {
        // Outside clients are told the server is going away; they may not answer, so don't wait long.
        connect(m_hub.get(), &WebSocketHub::allClosed, this, &WebSockets::stopped);
        m_hub->closeAll(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server stopping"));
        return;
    }
    for (WebSocketClient* client : std::as_const(m_clients))
        client->stop(QStringLiteral("run ended"));
}

void WebSockets::clientStopped()
{
    if (++m_stoppedClients == m_clients.size())
        Q_EMIT stopped();
}

QStringList WebSockets::tryItOut() const
{
    const QString url = publicUrl() + QStringLiteral("/feed?client=alice");
    return { QStringLiteral("In a browser's console: ws = new WebSocket('%1'); ws.onmessage = e => "
                            "console.log(e.data); ws.send('{\"type\":\"chat\",\"text\":\"hi\"}')")
                 .arg(url),
        QStringLiteral("With node: npx wscat -c '%1'").arg(url) };
}

void WebSockets::peerConnected(QWebSocket* socket)
{
    // ?since=N resumes after item N; without it (a browser, say) a client gets what comes from now on.
    const QUrlQuery query(socket->requestUrl());
    qint64 cursor = m_producer->lastId();
    if (query.hasQueryItem(QStringLiteral("since"))) {
        bool ok = false;
        cursor = query.queryItemValue(QStringLiteral("since")).toLongLong(&ok);
        if (!ok || cursor < 0) {
            m_hub->refuse(socket, QWebSocketProtocol::CloseCodePolicyViolated,
                QStringLiteral("since must be a whole number, not \"%1\"")
                    .arg(query.queryItemValue(QStringLiteral("since"))));
            return;
        }
    }
    sendFrom(socket, std::min(cursor, m_producer->lastId()));
}

void WebSockets::sendFrom(QWebSocket* socket, qint64 cursor)
{
    if (cursor + 1 < m_producer->oldestId()) {
        trace()->addNote(
            m_server, QStringLiteral("items %1–%2 are no longer kept").arg(cursor + 1).arg(m_producer->oldestId() - 1));
    }
    m_cursors.insert(socket, cursor);
    for (const Item& item : m_producer->itemsAfter(cursor))
        push(item);
}

void WebSockets::push(const Item& item)
{
    // Each peer gets every item after its cursor once, in order.
    for (auto it = m_cursors.begin(); it != m_cursors.end(); ++it) {
        if (item.id <= it.value())
            continue;
        if (m_hub->send(it.key(),
                { { QStringLiteral("type"), itemType() }, { QStringLiteral("id"), item.id },
                    { QStringLiteral("text"), item.text } }))
            it.value() = item.id;
    }
}

void WebSockets::pingAll()
{
    const QByteArray payload = QByteArray::number(++m_pings);
    for (QWebSocket* socket : m_hub->peers())
        socket->ping(payload);
}

void WebSockets::envelopeReceived(QWebSocket* socket, const QJsonObject& envelope)
{
    const QString type = envelope.value(QStringLiteral("type")).toString();
    if (type != QLatin1String("chat")) {
        m_hub->refuse(socket, QWebSocketProtocol::CloseCodeDatatypeNotSupported,
            QStringLiteral("unknown message type \"%1\"; this server takes \"chat\"").arg(type.left(40)));
    }
}

void WebSockets::itemReceived(WebSocketClient* client, const QJsonObject& envelope)
{
    if (envelope.value(QStringLiteral("type")).toString() != itemType())
        return;
    const qint64 id = envelope.value(QStringLiteral("id")).toInteger();
    ClientState& state = m_state[client];
    // The resume cursor makes both impossible; if either happens, the trace says so.
    if (id <= state.lastItem)
        trace()->addNote(client->participant(), QStringLiteral("item %1 again: already had it").arg(id));
    else if (id > state.lastItem + 1)
        trace()->addNote(
            client->participant(), QStringLiteral("items %1–%2 missing").arg(state.lastItem + 1).arg(id - 1));
    state.lastItem = std::max(state.lastItem, id);
}

PATTERNSCOPE_REGISTER_PATTERN(WebSockets, 40)

} // namespace PatternScope
