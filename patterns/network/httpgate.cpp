// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpgate.h"

#include "httpgateconnection.h"
#include "joindoor.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace PatternScope {

namespace {

// The server may still be reading a connection's last request after the gate let go of it, so the
// port mapping outlives the connection a little.
constexpr int kForgetPeerPortMs = 5000;
// What a door at its limits tells browsers and scripts: try again in a little while.
constexpr int kRetryAfterSeconds = 5;

} // namespace

HttpGate::HttpGate(QObject* parent)
    : QObject(parent)
{
}

HttpGate::~HttpGate() = default;

bool HttpGate::listen(quint16 port, quint16 backendPort)
{
    return listen({ QHostAddress(QHostAddress::LocalHost) }, port, backendPort);
}

bool HttpGate::listen(const QList<QHostAddress>& addresses, quint16 port, quint16 backendPort)
{
    qDeleteAll(std::exchange(m_listeners, {}));
    m_backendPort = backendPort;
    for (const QHostAddress& address : addresses) {
        auto* listener = new QTcpServer(this);
        connect(listener, &QTcpServer::newConnection, this, [this, listener] { acceptPending(listener); });
        m_listeners.append(listener);
        // The first address picks the port when asked for any; the others take the same.
        const quint16 wanted = m_listeners.size() == 1 ? port : m_listeners.constFirst()->serverPort();
        if (!listener->listen(address, wanted)) {
            m_error = QStringLiteral("cannot listen on %1: %2")
                          .arg(address.protocol() == QAbstractSocket::IPv6Protocol
                                  ? QStringLiteral("[%1]:%2").arg(address.toString()).arg(wanted)
                                  : QStringLiteral("%1:%2").arg(address.toString()).arg(wanted),
                              listener->errorString());
            qDeleteAll(std::exchange(m_listeners, {}));
            return false;
        }
    }
    m_error.clear();
    return !m_listeners.isEmpty();
}

quint16 HttpGate::port() const
{
    return m_listeners.isEmpty() || !m_listeners.constFirst()->isListening() ? 0
                                                                             : m_listeners.constFirst()->serverPort();
}

QList<QHostAddress> HttpGate::addresses() const
{
    QList<QHostAddress> all;
    for (const QTcpServer* listener : m_listeners)
        all.append(listener->serverAddress());
    return all;
}

void HttpGate::acceptPending(QTcpServer* listener)
{
    while (QTcpSocket* socket = listener->nextPendingConnection()) {
        auto* connection = new HttpGateConnection(socket, m_limits, this);
        connect(connection, &HttpGateConnection::breach, this, &HttpGate::breach);
        connect(
            connection, &HttpGateConnection::finished, this, [this, connection] { connectionFinished(connection); });
        const QHostAddress address
            = m_clientAddress ? m_clientAddress(socket->peerAddress(), socket->peerPort()) : socket->peerAddress();
        const QByteArray retry
            = m_door ? "Retry-After: " + QByteArray::number(kRetryAfterSeconds) + "\r\n" : QByteArray();
        if (m_connections.size() >= m_limits.maxConnections) {
            connection->reject(503, QStringLiteral("over %1 open connections").arg(m_limits.maxConnections), retry);
            continue;
        }
        if (!address.isNull() && m_perAddress.value(address) >= m_limits.maxConnectionsPerAddress) {
            connection->reject(m_door ? 429 : 503,
                QStringLiteral("over %1 open connections from %2")
                    .arg(m_limits.maxConnectionsPerAddress)
                    .arg(address.toString()),
                retry);
            continue;
        }
        m_connections.append(connection);
        if (!address.isNull()) {
            m_addresses.insert(connection, address);
            ++m_perAddress[address];
        }
        if (m_door) {
            const std::shared_ptr<const JoinDoor> door = m_door;
            connection->setHeadCheck(
                [door](const QByteArray& method, const QByteArray& target) { return door->check(method, target); },
                JoinDoor::droppedFields());
            connect(connection, &HttpGateConnection::backendOpened, this,
                [this, connection] { backendOpened(connection); });
            connection->openWhenPassed(m_backendPort);
        } else {
            connection->open(m_backendPort);
            backendOpened(connection);
        }
    }
}

void HttpGate::backendOpened(HttpGateConnection* connection)
{
    if (const quint16 side = connection->backendSidePort()) {
        m_backendPorts.insert(side);
        m_peerPorts.insert(side, { connection->peerPort(), connection->peerAddress() });
    }
}

void HttpGate::connectionFinished(HttpGateConnection* connection)
{
    m_connections.removeOne(connection);
    if (m_addresses.contains(connection)) {
        const QHostAddress address = m_addresses.take(connection);
        if (--m_perAddress[address] <= 0)
            m_perAddress.remove(address);
    }
    if (const quint16 side = connection->backendSidePort()) {
        m_backendPorts.remove(side);
        const quint16 peer = connection->peerPort();
        QTimer::singleShot(kForgetPeerPortMs, this, [this, side, peer] {
            if (m_peerPorts.value(side).port == peer)
                m_peerPorts.remove(side);
        });
    }
    connection->deleteLater(); // we may be inside its signal
}

} // namespace PatternScope
