// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QSet>
#include <QString>
#include <functional>
#include <memory>

class QTcpServer;

namespace PatternScope {

class HttpGateConnection;
class JoinDoor;

// What PatternScope's HTTP servers accept. Qt 6.4's server has no limits of its own.
struct HttpLimits {
    int maxHeaderBytes = 16 * 1024; // request line + headers
    qint64 maxBodyBytes = 2 * 1024 * 1024;
    // From the first byte of a request head to its end; also how long a new connection may take to
    // start its first request.
    int headerTimeoutMs = 10'000;
    int idleTimeoutMs = 120'000; // a kept-alive connection with no request in progress
    int maxConnections = 256;
    // From one client address, so one client cannot take every place. Our own simulated clients,
    // each behind its own link, are not counted per address.
    int maxConnectionsPerAddress = 64;
};

// A client that broke a limit, and how the gate answered.
struct HttpBreach {
    quint16 peerPort
        = 0; // the client's port as the gate saw it (for our own clients that is the link relay's outgoing port)
    int status = 0; // the status the gate answered, or 0 when it just closed (idle timeout)
    QString reason; // plain words, e.g. "request headers over 16 KiB", "headers not complete after 10 s"
    QByteArray traceparent; // the request's traceparent header if the head was parsed far enough, else empty
    QByteArray requestLine; // as far as known, for the trace note
    qint64 responseBytes = 0;
};

// A front gate for a local HTTP server: listens on 127.0.0.1, opens one loopback connection to the
// server per client and relays bytes both ways, following the requests' framing to enforce the
// limits. A client that breaks one gets a small error response and is closed; nobody else notices.
// Responses pass straight through, so endless event streams work.
class HttpGate : public QObject {
    Q_OBJECT
public:
    explicit HttpGate(QObject* parent = nullptr);
    ~HttpGate() override;

    // Applies to connections accepted from then on.
    void setLimits(const HttpLimits& limits) { m_limits = limits; }
    HttpLimits limits() const { return m_limits; }

    bool listen(quint16 port, quint16 backendPort); // 127.0.0.1 only; port 0 picks one; false + errorString()
    // The same on each of these addresses, all on one port: only ever when a user asked (serve --lan).
    bool listen(const QList<QHostAddress>& addresses, quint16 port, quint16 backendPort);
    quint16 port() const;
    QList<QHostAddress> addresses() const;

    // Makes this gate a run's door (serve --lan): each request is let through only with the join token,
    // which is taken out of it first (see JoinDoor); the door answers its join page itself; a connection
    // reaches the server only once a request passes. Over the limits, new connections are answered 503
    // (maxConnections) or 429 (maxConnectionsPerAddress) with Retry-After instead of the usual 503.
    // Before listen().
    void setDoor(std::shared_ptr<const JoinDoor> door) { m_door = std::move(door); }
    QString errorString() const { return m_error; }

    // The backend sees the gate's own outgoing socket; this maps that socket's local port back to the
    // public client's peer port (0 if unknown).
    quint16 publicPeerPort(quint16 backendSidePort) const { return m_peerPorts.value(backendSidePort).port; }
    // And the public client's address (null if unknown).
    QHostAddress publicPeerAddress(quint16 backendSidePort) const { return m_peerPorts.value(backendSidePort).address; }
    // Client connections being served now (not counting ones turned away).
    int connectionCount() const { return int(m_connections.size()); }

    // Where an accepted connection really comes from when a relay (the link emulator) stands between:
    // given its peer address and port, the client's address; a null address if it is not to be counted
    // per address. Without one, the peer address counts.
    using ClientAddressLookup = std::function<QHostAddress(const QHostAddress& peer, quint16 peerPort)>;
    void setClientAddressLookup(ClientAddressLookup lookup) { m_clientAddress = std::move(lookup); }

    // Whether a connection to the server behind comes from one of the gate's own sockets: the server
    // serves nobody else.
    bool ownsBackendSocket(const QHostAddress& peer, quint16 peerPort) const
    {
        return peer.isEqual(QHostAddress::LocalHost, QHostAddress::ConvertV4MappedToIPv4)
            && m_backendPorts.contains(peerPort);
    }

Q_SIGNALS:
    void breach(const PatternScope::HttpBreach& breach);

private:
    void acceptPending(QTcpServer* listener);
    void connectionFinished(HttpGateConnection* connection);
    void backendOpened(HttpGateConnection* connection);

    QList<QTcpServer*> m_listeners;
    std::shared_ptr<const JoinDoor> m_door;
    HttpLimits m_limits;
    quint16 m_backendPort = 0;
    QString m_error;
    QList<HttpGateConnection*> m_connections; // children
    QHash<HttpGateConnection*, QHostAddress> m_addresses; // counted per address, if not null
    QHash<QHostAddress, int> m_perAddress;
    ClientAddressLookup m_clientAddress;
    QSet<quint16> m_backendPorts; // local ports of the open server-side sockets
    struct Peer {
        quint16 port = 0;
        QHostAddress address;
    };
    QHash<quint16, Peer> m_peerPorts; // backend-side local port -> public client's peer
};

} // namespace PatternScope

Q_DECLARE_METATYPE(PatternScope::HttpBreach)
