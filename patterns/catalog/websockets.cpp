// SPDX-License-Identifier: GPL-3.0-or-later
#include "websockets.h"

#include "linkemulator.h"
#include "wiredrain.h"
#include "wsrecorder.h"

#include <QJsonDocument>
#include <QUrlQuery>

namespace PatternScope {

namespace {

QString itemType()
{
    return QStringLiteral("item");
}

constexpr int kCatchUpBatch = 500; // items one peer is sent per turn of the event loop while behind
constexpr qint64 kHighWater = 256 * 1024; // bytes waiting in a peer's socket before it is left to drain

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
    if (type == QLatin1String("gap")) {
        message.label = QStringLiteral("gap · items %1–%2 no longer kept")
                            .arg(envelope.value(QStringLiteral("from")).toInteger())
                            .arg(envelope.value(QStringLiteral("to")).toInteger());
    } else if (type == itemType() && id > 0) {
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
    m_catchUp.setSingleShot(true);
    connect(&m_catchUp, &QTimer::timeout, this, &WebSockets::catchUpAll);
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
    m_producer->setProduceForMs(produceForMs());
    connect(m_producer.get(), &Producer::produced, this, &WebSockets::catchUpAll);
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
    m_catchUp.stop();
    // Connections close once what is on the wire has arrived: the last items, pings and pongs, chats.
    QSet<int> lifelines;
    for (WebSocketClient* client : std::as_const(m_clients))
        lifelines.insert(client->participant());
    for (QWebSocket* peer : m_hub->peers())
        lifelines.insert(m_hub->participantOf(peer));
    new WireDrain(
        trace(), lifelines, drainWaitMs(),
        [this] {
            if (serveOnly()) {
                // Outside clients are told the server is going away; they may not answer, so don't
                // wait long.
                connect(m_hub.get(), &WebSocketHub::allClosed, this, &WebSockets::stopped);
                m_hub->closeAll(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server stopping"));
                return;
            }
            for (WebSocketClient* client : std::as_const(m_clients))
                client->stop(QStringLiteral("run ended"));
        },
        this);
}

void WebSockets::clientStopped()
{
    if (++m_stoppedClients == m_clients.size())
        Q_EMIT stopped();
}

QStringList WebSockets::tryItOut() const
{
    const QString url = publicUrl() + QStringLiteral("/feed?client=alice");
    // A WebSocket can send only once it is open: send() right after new WebSocket() throws.
    return { QStringLiteral("In a browser's console: ws = new WebSocket('%1'); ws.onmessage = e => "
                            "console.log(e.data); ws.onopen = () => ws.send('{\"type\":\"chat\",\"text\":\"hi\"}')")
                 .arg(url),
        QStringLiteral("With node: npx --yes wscat -c '%1'").arg(url),
        QStringLiteral("Resume after item N with since=N, e.g. all that is still kept: npx --yes wscat -c '%1&since=0'")
            .arg(url) };
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
    // A cursor ahead of every id (from another run, say) gets what comes from now on.
    m_cursors.insert(socket, std::min(cursor, m_producer->lastId()));
    // A peer left to drain its socket is served on as soon as it has.
    connect(socket, &QWebSocket::bytesWritten, this, [this, socket] { catchUp(socket); });
    catchUp(socket);
}

void WebSockets::catchUp(QWebSocket* socket)
{
    for (int sent = 0;; ++sent) {
        const auto it = m_cursors.find(socket);
        if (it == m_cursors.end() || m_stopping || it.value() >= m_producer->lastId())
            return;
        if (sent == kCatchUpBatch) {
            m_catchUp.start(0);
            return;
        }
        if (socket->bytesToWrite() > kHighWater)
            return;
        const qint64 next = it.value() + 1;
        if (next < m_producer->oldestId()) {
            // Never skip in silence: the peer is told which ids it will not get, and so is the trace.
            const qint64 to = m_producer->oldestId() - 1;
            const Participant* who = trace()->participant(m_hub->participantOf(socket));
            trace()->addNote(m_server,
                QStringLiteral("items %1–%2 are no longer kept: %3 is told (gap)")
                    .arg(next)
                    .arg(to)
                    .arg(who ? who->name : QStringLiteral("a client")));
            // The cursor moves first: a failed send means the peer is gone, and its entry with it.
            it.value() = to;
            if (!m_hub->send(socket,
                    { { QStringLiteral("type"), QStringLiteral("gap") }, { QStringLiteral("from"), next },
                        { QStringLiteral("to"), to } }))
                return;
            continue;
        }
        it.value() = next;
        const Item& item = *m_producer->find(next);
        if (!m_hub->send(socket,
                { { QStringLiteral("type"), itemType() }, { QStringLiteral("id"), item.id },
                    { QStringLiteral("text"), item.text } }))
            return;
    }
}

void WebSockets::catchUpAll()
{
    // Each peer gets every item after its cursor once, in order: one up to date gets a new item at
    // once, one still catching up gets it in its turn.
    const QList<QWebSocket*> peers = m_cursors.keys();
    for (QWebSocket* socket : peers)
        catchUp(socket);
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
    const QString type = envelope.value(QStringLiteral("type")).toString();
    ClientState& state = m_state[client];
    if (type == QLatin1String("gap")) {
        // The server no longer has these: note it and resume after them.
        const qint64 from = envelope.value(QStringLiteral("from")).toInteger();
        const qint64 to = envelope.value(QStringLiteral("to")).toInteger();
        trace()->addNote(client->participant(),
            QStringLiteral("items %1–%2 are gone from the server's history: skipped").arg(from).arg(to));
        state.gaps.append({ from, to });
        state.lastItem = std::max(state.lastItem, to);
        return;
    }
    if (type != itemType())
        return;
    const qint64 id = envelope.value(QStringLiteral("id")).toInteger();
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
