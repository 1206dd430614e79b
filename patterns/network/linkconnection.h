// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "linkpipe.h"
#include "trace.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <functional>

class QTcpSocket;

namespace PatternScope {

class Link;

// A client connection accepted by a Link and its twin toward the server.
class LinkConnection : public QObject {
    Q_OBJECT
public:
    LinkConnection(Link* link, Trace* trace, QTcpSocket* clientSide, quint16 serverPort, QObject* parent);
    ~LinkConnection() override;

    int id() const { return m_id; } // -1 until the client is known
    int participant() const { return m_participant; }
    // Records the connection as this participant's; what happened before keeps its times.
    void identify(int participant);
    // Makes sure the connection is in the trace (as an unidentified client's if nobody said whose).
    void ensureRecorded();
    quint16 serverSideLocalPort() const { return m_serverSidePort; }
    // The server side's local port from the moment it is bound (before it connects), or 0.
    quint16 upstreamLocalPort() const;
    QHostAddress clientAddress() const { return m_clientAddress; } // the accepted client's own address
    quint16 clientPort() const { return m_clientPort; }
    // Who closed first: "client", "server", or empty while neither has.
    QString closedBy() const { return m_closedBy; }
    qint64 bytesUp() const { return m_up->delivered(); }
    qint64 bytesDown() const { return m_down->delivered(); }
    TimeUs upstreamBurstStart() const { return m_up->burstStart(); }
    LinkPipe* up() const { return m_up; }
    LinkPipe* down() const { return m_down; }
    Link* link() const { return m_link; }
    bool isFinished() const { return m_finished; }
    void cut();
    void pump();

Q_SIGNALS:
    void finished(const QString& reason);

private:
    void fromClient(QByteArray bytes); // what the client sent, into the link toward the server
    void connectUpstream();
    void upstreamConnected();
    void sideClosed(bool clientSide);
    void endDelivered(bool towardServer);
    void halfClose(QTcpSocket* socket);
    void finish(const QString& reason);

    Link* m_link;
    Trace* m_trace;
    QTcpSocket* m_client;
    QTcpSocket* m_server;
    quint16 m_serverPort;
    quint16 m_serverSidePort = 0;
    QHostAddress m_clientAddress;
    quint16 m_clientPort = 0;
    LinkPipe* m_up;
    LinkPipe* m_down;
    std::function<QByteArray(QByteArray)> m_rewrite; // see Link::setUpstreamRewrite()
    int m_id = -1;
    int m_participant = -1;
    TimeUs m_openedAt = NoTime;
    TimeUs m_connectedAt = NoTime;
    qint64 m_connectMessage = -1;
    qint64 m_closeMessage = -1;
    QString m_closedBy; // who closed first
    QTimer m_linger;
    bool m_clientClosed = false;
    bool m_serverClosed = false;
    bool m_upEnded = false;
    bool m_downEnded = false;
    bool m_finished = false;
    bool m_refused = false; // the server refused; the link's answer to that goes to the client, then it closes
};

} // namespace PatternScope
