// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httpexchange.h"
#include "httpgate.h"
#include "trace.h"

#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <QPointer>
#include <QRandomGenerator64>
#include <QTcpSocket>
#include <QUrl>
#include <functional>
#include <memory>

namespace PatternScope {

class LinkEmulator;

// What a handler needs of a request, copied out of QHttpServerRequest: in Qt 6.4 the request dies
// with its socket, and handlers may answer long after.
struct HttpRequest {
    QByteArray method;
    QUrl url;
    HeaderList headers;
    QByteArray body;
    quint16 peerPort = 0;
    qint64 wireBytes = 0; // request line, headers and body as they crossed the socket

    QByteArray header(const QByteArray& name) const; // case-insensitive, first match
    QString target() const; // path and query, as on the request line
};

using HttpHandler = std::function<void(const HttpRequest&, std::shared_ptr<HttpExchange>)>;

// A thin wrapper around Qt's HTTP server: loopback only, one handler for every request, and the
// guards Qt 6.4 lacks. Clients talk to an HttpGate, which holds them to the limits and relays to the
// Qt server listening on a hidden port. Start-up lives in one place because Qt 6.8 replaces listen()
// with bind().
class HttpServer : public QAbstractHttpServer {
    Q_OBJECT
public:
    explicit HttpServer(QObject* parent = nullptr);

    void setHandler(HttpHandler handler) { m_handler = std::move(handler); }
    // Applies to connections accepted from then on.
    void setLimits(const HttpLimits& limits) { m_gate->setLimits(limits); }
    HttpLimits limits() const { return m_gate->limits(); }
    bool listenLocal(quint16 port = 0);
    quint16 port() const { return m_gate->port(); } // where clients connect: the gate's
    QString errorString() const { return m_error; }
    // Clients reach the gate through these links: the gate counts connections per address of the
    // outside clients behind them (our own simulated clients are not limited per address).
    void setLinks(const LinkEmulator* links);

Q_SIGNALS:
    // A client broke a limit and was answered (or closed) by the gate; the handler never saw it.
    void breach(const PatternScope::HttpBreach& breach);

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    HttpHandler m_handler;
    HttpGate* m_gate = new HttpGate(this);
    QString m_error;
};

} // namespace PatternScope
