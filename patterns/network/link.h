// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QRandomGenerator>
#include <deque>
#include <functional>

class QTcpServer;

namespace PatternScope {

// How a link treats bytes. Changing it while a run goes affects bytes read from then on.
struct LinkSettings {
    TimeUs latencyUs = 250'000; // one way, each direction
    TimeUs jitterUs = 0; // each chunk's delay is latency + uniform(-jitter, +jitter), never below 0
    qint64 bandwidthBytesPerSec = 0; // 0: no cap; per direction
};

class LinkConnection;

// One emulated network path between a client participant and a server participant: an in-process
// TCP relay listening on 127.0.0.1 that forwards every accepted connection to the server, delaying
// bytes by the link's latency (with seeded jitter that never reorders bytes of a connection) and
// capping bandwidth. Records each connection's open and close, and bytes per direction, into the trace.
class Link : public QObject {
    Q_OBJECT
public:
    Link(Trace* trace, int client, int server, quint16 serverPort, quint64 seed, QObject* parent = nullptr);
    ~Link() override;

    // Starts listening on 127.0.0.1 (port 0 picks a free one). Returns false with errorString() set on failure.
    bool listen(quint16 port = 0);
    // The same on another address: only ever when a user asked for it (the proxy's --listen).
    bool listen(const QHostAddress& address, quint16 port);
    // Where the server is: 127.0.0.1 unless set before the first connection (the proxy's --to).
    QHostAddress serverAddress() const { return m_serverAddress; }
    void setServerAddress(const QHostAddress& address) { m_serverAddress = address; }
    quint16 serverPort() const { return m_serverPort; }
    quint16 port() const;
    QString errorString() const { return m_error; }

    int client() const { return m_client; }
    int server() const { return m_server; }
    Trace* trace() const { return m_trace; }

    LinkSettings settings() const { return m_settings; }
    void setSettings(const LinkSettings& settings);

    // Aborts connections (both sides see the close); in-flight bytes are dropped. -1 cuts all.
    void cut(int connectionId = -1);
    // Holds all bytes on this link (both directions) for the duration; they are delivered afterwards.
    void stall(TimeUs duration);
    // The trace ids of the connections currently open through this link.
    QList<int> openConnections() const;
    // Bytes delivered so far on an open connection through this link, or -1 if unknown.
    qint64 bytesUp(int connectionId) const;
    qint64 bytesDown(int connectionId) const;
    // When the client started writing what its connection carries now or carried last; NoTime if unknown.
    TimeUs upstreamBurstStart(int connectionId) const;
    // The trace connection id whose server-side socket has this local port (as the server sees the peer port),
    // or -1. On a link for outside clients (client -1) a connection is first recorded when identified:
    // `identify` names its participant then.
    int connectionForServerPeerPort(quint16 peerPort, const std::function<int()>& identify = {}) const;
    // The address of the client whose connection reaches the server from this local port, or a null
    // address. Known as soon as the server can see the connection (the link binds before connecting).
    QHostAddress clientAddressForServerPeerPort(quint16 peerPort) const;
    // When a relay of our own stands in front of the link (serve --lan's door), the address of the client
    // behind it, from the address and port the link accepted; the accepted address when this is not set.
    using AddressBehind = std::function<QHostAddress(const QHostAddress& accepted, quint16 acceptedPort)>;
    void setAddressBehind(AddressBehind lookup) { m_addressBehind = std::move(lookup); }
    // For receivers that cannot say when something arrived (clients nobody here wrote): calls `then`
    // with the time the link delivered the next `bytes` the server sends on this connection, or with
    // NoTime if they never will be.
    void whenDelivered(int connectionId, qint64 bytes, std::function<void(TimeUs)> then);
    // The connection whose server-side socket has this local port (as the server sees the peer port), or nullptr.
    LinkConnection* connectionAtServerPeerPort(quint16 peerPort) const;
    // Our own HTTP clients announce each request they are about to send, by its correlation (the
    // traceparent's trace id) instead of recording it: the link records it when it reads it, with the
    // connection it travels on and the time it left (see HttpRequestTap).
    void announce(const Message& message);
    // The announced request with this correlation; false if there is none. `again` says it was taken
    // before: the client sent it once more.
    bool takeAnnouncement(const QString& correlation, Message* message, bool* again);
    // The participant a connection belongs to, or -1.
    int clientOf(int connectionId) const;
    // The lifeline for outside connections that closed before saying who they were.
    int unidentifiedParticipant();
    // Called for each connection accepted from now on, before any byte of it is read: a protocol
    // recorder puts its taps on the connection's pipes here.
    void setConnectionTap(std::function<void(LinkConnection*)> tap) { m_tapConnection = std::move(tap); }
    // Changes what a client sends before it enters the link (the proxy's --rewrite-host): `make` gives each
    // connection accepted from now on its own function, which takes the bytes read and returns those to send.
    using Rewrite = std::function<QByteArray(QByteArray)>;
    void setUpstreamRewrite(std::function<Rewrite(LinkConnection*)> make) { m_makeRewrite = std::move(make); }
    // When the server refuses a connection (nobody listens, or it cannot be reached), the client is
    // aborted, unless this returns bytes to send it instead, down the link, before its connection
    // closes: a gateway's own answer (the proxy's 502). `error` says what went wrong.
    void setRefusalAnswer(std::function<QByteArray(LinkConnection*, const QString& error)> answer)
    {
        m_refusalAnswer = std::move(answer);
    }
    // A protocol recorder tells the server behind the link that the client's closing handshake (a
    // WebSocket close frame, its code or -1) reached it on the connection whose server-side port is
    // `peerPort`: Qt 6.4 doesn't say whether a close it sent was its own or an answer.
    void reportPeerClosing(quint16 peerPort, int code) { Q_EMIT peerClosing(m_serverPort, peerPort, code); }

Q_SIGNALS:
    void connectionOpened(int connectionId);
    void connectionClosed(int connectionId, const QString& reason);
    // For the server listening on serverPort; see reportPeerClosing().
    void peerClosing(quint16 serverPort, quint16 peerPort, int code);

private:
    friend class LinkConnection;
    friend class LinkPipe;
    void acceptPending();
    void connectionFinished(LinkConnection* connection, const QString& reason);
    void tapConnection(LinkConnection* connection)
    {
        if (m_tapConnection)
            m_tapConnection(connection);
    }
    Rewrite upstreamRewrite(LinkConnection* connection) const
    {
        return m_makeRewrite ? m_makeRewrite(connection) : Rewrite();
    }
    QByteArray refusalAnswer(LinkConnection* connection, const QString& error)
    {
        return m_refusalAnswer ? m_refusalAnswer(connection, error) : QByteArray();
    }
    TimeUs nextDelay(); // latency + jitter sample
    TimeUs stalledUntil() const { return m_stalledUntil; }
    LinkConnection* find(int connectionId) const;

    Trace* m_trace;
    int m_client;
    int m_server;
    quint16 m_serverPort;
    QHostAddress m_serverAddress { QHostAddress::LocalHost };
    QTcpServer* m_listener = nullptr;
    LinkSettings m_settings;
    QRandomGenerator m_random;
    TimeUs m_stalledUntil = 0;
    int m_unidentified = -1;
    QString m_error;
    std::function<void(LinkConnection*)> m_tapConnection;
    std::function<QByteArray(LinkConnection*, const QString&)> m_refusalAnswer;
    std::function<Rewrite(LinkConnection*)> m_makeRewrite;
    AddressBehind m_addressBehind;
    QList<LinkConnection*> m_connections; // children; deleted later, as they may be inside their own signal
    struct Announcement {
        Message message;
        bool taken = false;
    };
    QHash<QString, Announcement> m_announced; // by correlation; kept after being taken, for copies sent again
    std::deque<QString> m_announcedOrder; // oldest first, to forget them
};

} // namespace PatternScope
