// SPDX-License-Identifier: GPL-3.0-or-later
#include "link.h"

#include "linkconnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>

namespace PatternScope {

namespace {

// Requests announced and not yet read, and those read lately (Qt's HTTP client sends one again when
// its connection breaks before the answer): many more than any client has out at once.
constexpr size_t kKeptAnnouncements = 512;

} // namespace

Link::Link(Trace* trace, int client, int server, quint16 serverPort, quint64 seed, QObject* parent)
    : QObject(parent)
    , m_trace(trace)
    , m_client(client)
    , m_server(server)
    , m_serverPort(serverPort)
    , m_listener(new QTcpServer(this))
    , m_random(static_cast<quint32>(seed ^ (seed >> 32)))
{
    connect(m_listener, &QTcpServer::newConnection, this, &Link::acceptPending);
}

Link::~Link()
{
    // Connections are children; silence them so nothing reaches a trace that may be going away.
    for (LinkConnection* connection : std::as_const(m_connections))
        connection->disconnect(this);
}

bool Link::listen(quint16 port)
{
    return listen(QHostAddress(QHostAddress::LocalHost), port);
}

bool Link::listen(const QHostAddress& address, quint16 port)
{
    if (!m_listener->listen(address, port)) {
        m_error = m_listener->errorString();
        return false;
    }
    return true;
}

quint16 Link::port() const
{
    return m_listener->serverPort();
}

void Link::setSettings(const LinkSettings& settings)
{
    m_settings = settings;
    m_settings.latencyUs = std::max<TimeUs>(0, m_settings.latencyUs);
    m_settings.jitterUs = std::max<TimeUs>(0, m_settings.jitterUs);
    m_settings.bandwidthBytesPerSec = std::max<qint64>(0, m_settings.bandwidthBytesPerSec);
}

TimeUs Link::nextDelay()
{
    TimeUs delay = m_settings.latencyUs;
    if (m_settings.jitterUs > 0)
        delay += static_cast<TimeUs>(m_random.bounded(2 * m_settings.jitterUs + 1)) - m_settings.jitterUs;
    return std::max<TimeUs>(0, delay);
}

void Link::acceptPending()
{
    while (QTcpSocket* socket = m_listener->nextPendingConnection()) {
        auto* connection = new LinkConnection(this, m_trace, socket, m_serverPort, this);
        m_connections.append(connection);
        const int id = connection->id();
        connect(connection, &LinkConnection::finished, this,
            [this, connection](const QString& reason) { connectionFinished(connection, reason); });
        Q_EMIT connectionOpened(id);
    }
}

void Link::connectionFinished(LinkConnection* connection, const QString& reason)
{
    m_connections.removeOne(connection);
    connection->deleteLater(); // we may be inside one of its sockets' signals
    Q_EMIT connectionClosed(connection->id(), reason);
}

LinkConnection* Link::find(int connectionId) const
{
    if (connectionId < 0)
        return nullptr; // connections not yet identified have no id to be found by
    for (LinkConnection* connection : m_connections) {
        if (connection->id() == connectionId)
            return connection;
    }
    return nullptr;
}

void Link::cut(int connectionId)
{
    // Copy: cutting removes the connection from the list.
    const QList<LinkConnection*> all = m_connections;
    for (LinkConnection* connection : all) {
        if (connectionId < 0 || connection->id() == connectionId)
            connection->cut();
    }
}

void Link::stall(TimeUs duration)
{
    const TimeUs until = m_trace->now() + std::max<TimeUs>(0, duration);
    m_stalledUntil = std::max(m_stalledUntil, until);
    m_trace->addNote(m_client, QStringLiteral("link stalled for %1 ms").arg(duration / 1000));
    for (LinkConnection* connection : std::as_const(m_connections))
        connection->pump(); // re-arms their timers for the end of the stall
}

QList<int> Link::openConnections() const
{
    QList<int> ids;
    for (LinkConnection* connection : m_connections)
        ids.append(connection->id());
    return ids;
}

qint64 Link::bytesUp(int connectionId) const
{
    const LinkConnection* connection = find(connectionId);
    return connection ? connection->bytesUp() : -1;
}

qint64 Link::bytesDown(int connectionId) const
{
    const LinkConnection* connection = find(connectionId);
    return connection ? connection->bytesDown() : -1;
}

TimeUs Link::upstreamBurstStart(int connectionId) const
{
    const LinkConnection* connection = find(connectionId);
    return connection ? connection->upstreamBurstStart() : NoTime;
}

int Link::connectionForServerPeerPort(quint16 peerPort, const std::function<int()>& identify) const
{
    LinkConnection* connection = connectionAtServerPeerPort(peerPort);
    if (!connection)
        return -1;
    if (connection->id() < 0 && identify)
        connection->identify(identify());
    return connection->id();
}

LinkConnection* Link::connectionAtServerPeerPort(quint16 peerPort) const
{
    if (peerPort == 0)
        return nullptr;
    // The server may answer (a refusal) before we hear the connection is through: the bound port says it.
    for (LinkConnection* connection : m_connections) {
        if (connection->serverSideLocalPort() == peerPort || connection->upstreamLocalPort() == peerPort)
            return connection;
    }
    return nullptr;
}

void Link::announce(const Message& message)
{
    if (!m_announced.contains(message.correlation))
        m_announcedOrder.push_back(message.correlation);
    m_announced.insert(message.correlation, { message, false });
    // A request is taken within a latency of being announced; the rest are kept for copies sent again.
    while (m_announcedOrder.size() > kKeptAnnouncements) {
        m_announced.remove(m_announcedOrder.front());
        m_announcedOrder.pop_front();
    }
}

bool Link::takeAnnouncement(const QString& correlation, Message* message, bool* again)
{
    auto it = m_announced.find(correlation);
    if (correlation.isEmpty() || it == m_announced.end())
        return false;
    *message = it->message;
    *again = it->taken;
    it->taken = true;
    return true;
}

QHostAddress Link::clientAddressForServerPeerPort(quint16 peerPort) const
{
    for (const LinkConnection* connection : m_connections) {
        if (peerPort != 0 && connection->upstreamLocalPort() == peerPort) {
            return m_addressBehind ? m_addressBehind(connection->clientAddress(), connection->clientPort())
                                   : connection->clientAddress();
        }
    }
    return {};
}

void Link::whenDelivered(int connectionId, qint64 bytes, std::function<void(TimeUs)> then)
{
    LinkConnection* connection = find(connectionId);
    if (!connection) {
        then(NoTime);
        return;
    }
    connection->down()->watch(bytes, std::move(then));
}

int Link::clientOf(int connectionId) const
{
    const LinkConnection* connection = find(connectionId);
    return connection ? connection->participant() : -1;
}

int Link::unidentifiedParticipant()
{
    if (m_unidentified < 0)
        m_unidentified = m_trace->addParticipant(QStringLiteral("unidentified client"), Participant::Role::External);
    return m_unidentified;
}

} // namespace PatternScope
