// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

class QTcpServer;

namespace PatternScope {

class HttpGateConnection;

// What PatternScope's HTTP servers accept. Qt 6.4's server has no limits of its own.
struct HttpLimits {
    int maxHeaderBytes = 16 * 1024; // request line + headers
    qint64 maxBodyBytes = 2 * 1024 * 1024;
    int headerTimeoutMs = 10'000; // from the first byte of a request head to its end
    int idleTimeoutMs = 120'000; // a kept-alive connection with no request in progress
    int maxConnections = 256;
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
    quint16 port() const;
    QString errorString() const { return m_error; }

    // The backend sees the gate's own outgoing socket; this maps that socket's local port back to the
    // public client's peer port (0 if unknown).
    quint16 publicPeerPort(quint16 backendSidePort) const { return m_peerPorts.value(backendSidePort, 0); }
    // Client connections being served now (not counting ones turned away).
    int connectionCount() const { return int(m_connections.size()); }

Q_SIGNALS:
    void breach(const PatternScope::HttpBreach& breach);

private:
    void acceptPending();
    void connectionFinished(HttpGateConnection* connection);

    QTcpServer* m_listener = nullptr;
    HttpLimits m_limits;
    quint16 m_backendPort = 0;
    QString m_error;
    QList<HttpGateConnection*> m_connections; // children
    QHash<quint16, quint16> m_peerPorts; // backend-side local port -> public client's peer port
};

} // namespace PatternScope

Q_DECLARE_METATYPE(PatternScope::HttpBreach)
