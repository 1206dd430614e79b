// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpgate.h"

#include "httpgateconnection.h"

#include <QTcpServer>
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
        if (m_connections.size() >= m_limits.maxConnections) {
            connection->reject(503, QStringLiteral("over %1 open connections").arg(m_limits.maxConnections));
            continue;
        }
        m_connections.append(connection);
        connect(connection, &HttpGateConnection::backendConnected, this,
            [this, connection] { m_peerPorts.insert(connection->backendSidePort(), connection->peerPort()); });
        connection->open(m_backendPort);
    }
}

void HttpGate::connectionFinished(HttpGateConnection* connection)
{
    m_connections.removeOne(connection);
    if (const quint16 side = connection->backendSidePort()) {
        const quint16 peer = connection->peerPort();
        QTimer::singleShot(kForgetPeerPortMs, this, [this, side, peer] {
            if (m_peerPorts.value(side) == peer)
                m_peerPorts.remove(side);
        });
    }
    connection->deleteLater(); // we may be inside its signal
}

} // namespace PatternScope
