// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpgate.h"
#include "httprequestframer.h"
#include "httpresponserelay.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QTcpSocket;

namespace PatternScope {

// One client of an HttpGate and its twin connection to the server behind the gate. Requests are
// followed and held to the limits on their way up; responses pass straight down.
class HttpGateConnection : public QObject {
    Q_OBJECT
public:
    HttpGateConnection(QTcpSocket* client, const HttpLimits& limits, QObject* parent);
    ~HttpGateConnection() override;

    // Starts relaying to the server listening on 127.0.0.1:backendPort. The server side's own port is
    // known when this returns (backendSidePort()), before the server can see the connection.
    void open(quint16 backendPort);
    // The same once the first request passes the head check (a door answers some itself).
    void openWhenPassed(quint16 backendPort);
    void setHeadCheck(HttpRequestFramer::HeadCheck check, QByteArrayList drop)
    {
        m_framer.setHeadCheck(std::move(check), std::move(drop));
    }
    // Answers at once and closes, without a server side; `extraHeaders` are whole lines ("Name: value\r\n").
    void reject(int status, const QString& reason, const QByteArray& extraHeaders = {});

    quint16 peerPort() const { return m_peerPort; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 backendSidePort() const { return m_backendSidePort; } // 0 before open()

Q_SIGNALS:
    void breach(const PatternScope::HttpBreach& breach);
    void backendOpened(); // backendSidePort() is known
    void finished(); // both sides are closed

private:
    void connectBackend(quint16 backendPort);
    void readClient();
    void readBackend();
    void clientWritten();
    void backendReady();
    void backendError();
    void clientClosed();
    void backendClosed();
    void sendToBackend(const QByteArray& bytes);
    qint64 upstreamBacklog() const;
    void framingFailed(bool serverGone = false);
    void idleTimeout();
    void answered(); // the answer to a request that ends the connection is out
    void writeClient(const QByteArray& bytes);
    void answer(const QByteArray& response); // writes, then closes both sides
    void closeBackend();
    void closeClient(bool bounded);
    void halfCloseClient();
    void updateTimers(bool headStarted);
    void maybeFinish();

    QPointer<QTcpSocket> m_client;
    QPointer<QTcpSocket> m_backend;
    HttpLimits m_limits;
    HttpRequestFramer m_framer;
    HttpResponseRelay m_responses;
    QTimer m_headerTimer;
    QTimer m_idleTimer;
    QTimer m_lingerTimer;
    QByteArray m_upBacklog; // bytes for the server while its connection is being set up
    QByteArray m_deferredAnswer; // an error answer waiting for the server's answers before it
    quint16 m_peerPort = 0;
    QHostAddress m_peerAddress;
    quint16 m_backendSidePort = 0;
    quint16 m_lazyBackendPort = 0; // openWhenPassed(): where to open once a request passes
    bool m_backendConnected = false;
    bool m_closing = false; // no more requests are relayed
    bool m_clientClosing = false; // our close of the client side has begun
    bool m_halfClosed = false;
    bool m_clientGone = false;
    bool m_backendGone = false;
    bool m_finished = false;
};

} // namespace PatternScope
