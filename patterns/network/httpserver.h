// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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

// A pending answer. Qt 6.4 crashes when writing to a responder whose client went away, so every
// write first checks the socket, and a dead exchange swallows the write.
class HttpExchange {
public:
    // A HEAD request is answered with the headers a GET would get, and no body.
    HttpExchange(QHttpServerResponder&& responder, QTcpSocket* socket, bool headRequest = false);

    bool isConnected() const;
    // Writes a whole response with Content-Length; returns the bytes put on the wire, or -1 if the
    // client is gone.
    qint64 respond(int status, const HeaderList& headers, const QByteArray& body);

    // A response that never ends (text/event-stream): the status line and headers, with no length,
    // then `first` (which must not be empty: it ends the header block). Returns the bytes put on the
    // wire, or -1 if the client is gone.
    qint64 beginStream(int status, const HeaderList& headers, const QByteArray& first);
    // Another piece of a stream; false (and nothing written) once the client is gone.
    bool writeChunk(const QByteArray& bytes);
    // Ends a stream by closing its connection, the only way to end a response without a length.
    void closeStream();
    // Calls `then` once, in `context`'s thread, when the client goes away.
    void onDisconnected(QObject* context, std::function<void()> then) const;

    static QByteArray reasonPhrase(int status);
    // What beginStream() puts on the wire for these arguments.
    static qint64 streamHeadSize(int status, const HeaderList& headers, const QByteArray& first);
    // What respond() puts on the wire for these arguments, so a message can be recorded before it is sent.
    static qint64 wireSize(int status, const HeaderList& headers, const QByteArray& body);
    // What respond() will put on the wire for this exchange (no body for HEAD).
    qint64 responseSize(int status, const HeaderList& headers, const QByteArray& body) const;

private:
    static qint64 statusLineBytes(int status);

    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_head = false;
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

// W3C Trace Context: "00-<32 hex trace id>-<16 hex parent id>-01".
struct TraceParent {
    QByteArray traceId;
    QByteArray parentId;

    QByteArray toHeader() const;
    static bool parse(const QByteArray& header, TraceParent* out);
    // `bytes` random bytes as lowercase hex: 16 for a trace id, 8 for a parent id.
    static QByteArray randomId(QRandomGenerator64& random, int bytes);
};

} // namespace PatternScope
