// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpgatebackend.h"

#include "httpgate.h"

#include <QTcpSocket>

namespace PatternScope {

HttpGateBackend::HttpGateBackend(HttpGate* gate, QObject* parent)
    : QTcpServer(parent)
    , m_gate(gate)
{
}

void HttpGateBackend::incomingConnection(qintptr descriptor)
{
    auto* socket = new QTcpSocket(this);
    if (socket->setSocketDescriptor(descriptor) && m_gate
        && m_gate->ownsBackendSocket(socket->peerAddress(), socket->peerPort())) {
        addPendingConnection(socket);
        return;
    }
    // Went around the gate: closed before a byte is read.
    ++m_refused;
    socket->abort();
    socket->deleteLater();
}

} // namespace PatternScope
