// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPointer>
#include <QTcpServer>

namespace PatternScope {

class HttpGate;

// Where the server behind an HttpGate listens: on a loopback port anyone on the machine could reach,
// so it takes only the gate's own sockets and closes every other connection unserved. Nobody gets
// around the gate's limits.
class HttpGateBackend : public QTcpServer {
    Q_OBJECT
public:
    explicit HttpGateBackend(HttpGate* gate, QObject* parent = nullptr);

    int refusedCount() const { return m_refused; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QPointer<HttpGate> m_gate;
    int m_refused = 0;
};

} // namespace PatternScope
