// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkconnection.h"

#include "linkemulator.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <algorithm>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace PatternScope {

namespace {

// How long a far side that was passed a FIN may take to close too before the link closes it.
constexpr int kLingerMs = 5000;
// The most the link reads from one socket in one event-loop turn. Unlimited, Qt reads whatever the
// kernel holds, and under a flood that is up to the kernel's receive buffer (Linux grows it to 32 MiB):
// half a million small messages recorded in one turn of seconds, during which nothing else runs, and
// which a killed app loses whole (read, never recorded). Limited, the rest waits in the kernel, where
// TCP's flow control slows the sender down, and a turn records a few milliseconds' worth.
constexpr qint64 kReadPerTurn = 64 * 1024;

void tuneSocket(QTcpSocket* socket)
{
    // Small messages must not wait for Nagle: the timings we show are the link's, not the kernel's.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setReadBufferSize(kReadPerTurn);
}

} // namespace

LinkConnection::LinkConnection(Link* link, Trace* trace, QTcpSocket* clientSide, quint16 serverPort, QObject* parent)
    : QObject(parent)
    , m_link(link)
    , m_trace(trace)
    , m_client(clientSide)
    , m_server(new QTcpSocket(this))
    , m_serverPort(serverPort)
    , m_up(new LinkPipe(link, this))
    , m_down(new LinkPipe(link, this))
{
    m_client->setParent(this);
    m_clientAddress = m_client->peerAddress();
    m_clientPort = m_client->peerPort();
    tuneSocket(m_client);
    m_down->setTarget(m_client);
    m_up->setTarget(m_server);
    m_down->targetReady();
    link->tapConnection(this);
    m_rewrite = link->upstreamRewrite(this);

    m_openedAt = m_trace->now();
    // A link for outside clients learns who is calling only from the first request.
    if (link->client() >= 0)
        identify(link->client());

    connect(m_client, &QTcpSocket::readyRead, this, [this] { fromClient(m_client->readAll()); });
    connect(m_client, &QTcpSocket::disconnected, this, [this] { sideClosed(true); });
    connect(m_server, &QTcpSocket::readyRead, this, [this] { m_down->enqueue(m_server->readAll()); });
    connect(m_server, &QTcpSocket::disconnected, this, [this] { sideClosed(false); });
    connect(m_server, &QTcpSocket::connected, this, &LinkConnection::upstreamConnected);
    connect(m_server, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_server->state() != QAbstractSocket::ConnectedState && m_serverSidePort == 0 && !m_finished
            && !m_refused) {
            ensureRecorded();
            m_trace->addNote(
                m_link->server(), QStringLiteral("connection %1 refused: %2").arg(m_id).arg(m_server->errorString()));
            m_trace->loseMessage(m_connectMessage);
            const QByteArray answer = m_link->refusalAnswer(this, m_server->errorString());
            if (!answer.isEmpty()) {
                // What the client sent goes nowhere; the answer travels back like the server's would.
                m_refused = true;
                m_up->drop();
                m_down->enqueue(answer);
                m_down->enqueueEnd();
                return;
            }
            m_client->disconnect(this);
            m_client->abort();
            finish(QStringLiteral("refused"));
        }
    });
    connect(m_up, &LinkPipe::endReached, this, [this] { endDelivered(true); });
    connect(m_down, &LinkPipe::endReached, this, [this] { endDelivered(false); });

    m_linger.setSingleShot(true);
    m_linger.setInterval(kLingerMs);
    connect(&m_linger, &QTimer::timeout, this, [this] { finish(m_closedBy); });

    // The SYN takes one latency to reach the server; bytes the client sends meanwhile wait in the pipe.
    QTimer::singleShot(int(m_link->nextDelay() / 1000), Qt::PreciseTimer, this, &LinkConnection::connectUpstream);
    fromClient(m_client->readAll());
}

void LinkConnection::fromClient(QByteArray bytes)
{
    m_up->enqueue(m_rewrite && !bytes.isEmpty() ? m_rewrite(std::move(bytes)) : std::move(bytes));
}

LinkConnection::~LinkConnection() = default;

void LinkConnection::identify(int participant)
{
    if (m_id >= 0)
        return;
    m_participant = participant;
    m_id = m_trace->openConnection(participant, m_link->server(), m_openedAt);
    Message connectMessage;
    connectMessage.from = participant;
    connectMessage.to = m_link->server();
    connectMessage.kind = Message::Kind::Connect;
    connectMessage.label = QStringLiteral("TCP connect");
    connectMessage.connection = m_id;
    connectMessage.sentAt = m_openedAt;
    m_connectMessage = m_trace->addMessage(connectMessage);
    if (m_connectedAt != NoTime)
        m_trace->completeMessage(m_connectMessage, m_connectedAt, m_id);
}

void LinkConnection::ensureRecorded()
{
    if (m_id < 0)
        identify(m_link->unidentifiedParticipant());
}

void LinkConnection::connectUpstream()
{
    if (m_finished || m_refused)
        return;
    // Bound first, so the server can tell at once which client a connection relays (see upstreamLocalPort()).
    // A server elsewhere (the proxy's) is reached from whatever address the system picks.
    const QHostAddress server = m_link->serverAddress();
    if (server.isLoopback())
        m_server->bind(server, 0);
    if (!m_finished && !m_refused) // a failed bind was reported as a refusal
        m_server->connectToHost(server, m_serverPort);
}

quint16 LinkConnection::upstreamLocalPort() const
{
    return m_server->state() == QAbstractSocket::UnconnectedState ? 0 : m_server->localPort();
}

void LinkConnection::upstreamConnected()
{
    tuneSocket(m_server);
    m_serverSidePort = m_server->localPort();
    m_connectedAt = m_trace->now();
    if (m_id >= 0)
        m_trace->completeMessage(m_connectMessage, m_connectedAt, m_id);
    m_up->targetReady();
}

void LinkConnection::sideClosed(bool clientSide)
{
    bool& closed = clientSide ? m_clientClosed : m_serverClosed;
    if (m_finished || closed)
        return;
    closed = true;
    LinkPipe* pipe = clientSide ? m_up : m_down;
    // Bytes that arrived with the close must still go out before it.
    if (clientSide)
        fromClient(m_client->readAll());
    else
        m_down->enqueue(m_server->readAll());
    if (!m_closedBy.isEmpty()) {
        // The other side closing too, usually in answer to the FIN we passed on: its last bytes (a
        // WebSocket's answering close frame, say) and its FIN travel back before the connection ends.
        m_linger.stop();
        pipe->enqueueEnd();
        return;
    }
    m_closedBy = clientSide ? QStringLiteral("client") : QStringLiteral("server");
    ensureRecorded();
    Message close;
    close.from = clientSide ? m_participant : m_link->server();
    close.to = clientSide ? m_link->server() : m_participant;
    close.kind = Message::Kind::Close;
    close.label = QStringLiteral("TCP close");
    close.connection = m_id;
    m_closeMessage = m_trace->addMessage(close);
    if (clientSide && m_server->state() != QAbstractSocket::ConnectedState) {
        // Closed before the server ever saw it.
        m_trace->loseMessage(m_connectMessage);
        m_trace->loseMessage(m_closeMessage);
        m_server->abort();
        finish(m_closedBy);
        return;
    }
    pipe->enqueueEnd();
}

void LinkConnection::endDelivered(bool towardServer)
{
    if (m_refused && !towardServer) {
        finish(QStringLiteral("refused")); // the answer to the refusal is out
        return;
    }
    bool& ended = towardServer ? m_upEnded : m_downEnded;
    ended = true;
    // The first FIN has crossed: that is the close the diagram shows.
    if (towardServer == (m_closedBy == QLatin1String("client")))
        m_trace->completeMessage(m_closeMessage);
    if (m_upEnded && m_downEnded) {
        finish(m_closedBy);
        return;
    }
    QTcpSocket* target = towardServer ? m_server : m_client;
    if ((towardServer ? m_serverClosed : m_clientClosed) || target->state() != QAbstractSocket::ConnectedState)
        return; // its own FIN is on its way already
    // Pass the FIN on and keep listening until the far side closes too, as TCP does.
    halfClose(target);
    m_linger.start();
}

void LinkConnection::halfClose(QTcpSocket* socket)
{
    socket->flush();
#ifdef Q_OS_UNIX
    // QTcpSocket cannot half-close; shutdown(2) can, once Qt has handed the kernel everything.
    if (socket->bytesToWrite() == 0) {
        ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
        return;
    }
#endif
    socket->disconnectFromHost();
}

void LinkConnection::cut()
{
    if (m_finished)
        return;
    ensureRecorded();
    m_up->drop();
    m_down->drop();
    m_client->disconnect(this);
    m_server->disconnect(this);
    m_client->abort();
    m_server->abort();
    const TimeUs now = m_trace->now();
    m_trace->loseMessage(m_connectMessage, now);
    m_trace->loseMessage(m_closeMessage, now);
    m_trace->addNote(m_participant, QStringLiteral("link cut: connection %1").arg(m_id), now);
    finish(QStringLiteral("cut"));
}

void LinkConnection::pump()
{
    m_up->pump();
    m_down->pump();
}

void LinkConnection::finish(const QString& reason)
{
    if (m_finished)
        return;
    m_finished = true;
    m_linger.stop();
    m_client->disconnect(this);
    m_server->disconnect(this);
    for (QTcpSocket* socket : { m_client, m_server }) {
        if (socket->state() != QAbstractSocket::UnconnectedState)
            socket->disconnectFromHost();
    }
    m_up->drop();
    m_down->drop();
    m_trace->closeConnection(m_id, bytesUp(), bytesDown(), reason);
    Q_EMIT finished(reason);
}

} // namespace PatternScope
