// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpgate.h"

#include "httpgateconnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace PatternScope {

namespace {

// The server may still be reading a connection's last request after the gate let go of it, so the
// port mapping outlives the connection a little.
constexpr int kForgetPeerPortMs = 5000;

} // namespace

HttpGate::HttpGate(QObject* parent)
    : QObject(parent)
{
}

HttpGate::~HttpGate() = default;

bool HttpGate::listen(quint16 port, quint16 backendPort)
{
    if (!m_listener) {
        m_listener = new QTcpServer(this);
        connect(m_listener, &QTcpServer::newConnection, this, &HttpGate::acceptPending);
    }
    m_listener->close();
    m_backendPort = backendPort;
    if (!m_listener->listen(QHostAddress::LocalHost, port)) {
        m_error = QStringLiteral("cannot listen on 127.0.0.1:%1: %2").arg(port).arg(m_listener->errorString());
        return false;
    }
    m_error.clear();
    return true;
}

quint16 HttpGate::port() const
{
    return m_listener && m_listener->isListening() ? m_listener->serverPort() : 0;
}

void HttpGate::acceptPending()
{
    while (QTcpSocket* socket = m_listener->nextPendingConnection()) {
        auto* connection = new HttpGateConnection(socket, m_limits, this);
        connect(connection, &HttpGateConnection::breach, this, &HttpGate::breach);
        connect(
            connection, &HttpGateConnection::finished, this, [this, connection] { connectionFinished(connection); });
        const QHostAddress address
            = m_clientAddress ? m_clientAddress(socket->peerAddress(), socket->peerPort()) : socket->peerAddress();
        if (m_connections.size() >= m_limits.maxConnections) {
            connection->reject(503, QStringLiteral("over %1 open connections").arg(m_limits.maxConnections));
            continue;
        }
        if (!address.isNull() && m_perAddress.value(address) >= m_limits.maxConnectionsPerAddress) {
            connection->reject(503,
                QStringLiteral("over %1 open connections from %2")
                    .arg(m_limits.maxConnectionsPerAddress)
                    .arg(address.toString()));
            continue;
        }
        m_connections.append(connection);
        if (!address.isNull()) {
            m_addresses.insert(connection, address);
            ++m_perAddress[address];
        }
        connection->open(m_backendPort);
        if (const quint16 side = connection->backendSidePort()) {
            m_backendPorts.insert(side);
            m_peerPorts.insert(side, connection->peerPort());
        }
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
            if (m_peerPorts.value(side) == peer)
                m_peerPorts.remove(side);
        });
    }
    connection->deleteLater(); // we may be inside its signal
}

} // namespace PatternScope
