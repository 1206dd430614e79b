// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpserver.h"

#include <QHttpServerRequest>
#include <QRegularExpression>
#include <QTcpServer>

namespace PatternScope {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        break;
    }
    return "UNKNOWN";
}

qint64 headerBytes(const HeaderList& headers)
{
    qint64 n = 0;
    for (const auto& h : headers)
        n += h.first.size() + 2 + h.second.size() + 2; // "name: value\r\n"
    return n;
}

} // namespace

QByteArray HttpRequest::header(const QByteArray& name) const
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QString HttpRequest::target() const
{
    return url.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded);
}

HttpExchange::HttpExchange(QHttpServerResponder&& responder, QTcpSocket* socket, bool headRequest)
    : m_responder(std::make_unique<QHttpServerResponder>(std::move(responder)))
    , m_socket(socket)
    , m_head(headRequest)
{
}

bool HttpExchange::isConnected() const
{
    return m_responder && m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

QByteArray HttpExchange::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        break;
    }
    return {};
}

namespace {

HeaderList withContentLength(int status, const HeaderList& headers, const QByteArray& body)
{
    HeaderList all = headers;
    // A 204 has no body and, by RFC 9110, no Content-Length either.
    if (status != 204)
        all.append(qMakePair(QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())));
    return all;
}

} // namespace

qint64 HttpExchange::statusLineBytes(int status)
{
    return 9 + 3 + 1 + reasonPhrase(status).size() + 2; // "HTTP/1.1 200 OK\r\n"
}

qint64 HttpExchange::wireSize(int status, const HeaderList& headers, const QByteArray& body)
{
    return statusLineBytes(status) + headerBytes(withContentLength(status, headers, body)) + 2 + body.size();
}

qint64 HttpExchange::respond(int status, const HeaderList& headers, const QByteArray& body)
{
    if (!isConnected()) {
        m_responder.reset();
        return -1;
    }
    const HeaderList all = withContentLength(status, headers, body);
    m_responder->writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    for (const auto& h : all)
        m_responder->writeHeader(h.first, h.second);
    // The first body write also ends the header block, so HEAD writes an empty one.
    m_responder->writeBody(m_head ? QByteArray() : body);
    m_responder.reset(); // one answer per exchange
    return responseSize(status, headers, body);
}

qint64 HttpExchange::responseSize(int status, const HeaderList& headers, const QByteArray& body) const
{
    return wireSize(status, headers, body) - (m_head ? body.size() : 0);
}

qint64 HttpExchange::beginStream(int status, const HeaderList& headers, const QByteArray& first)
{
    Q_ASSERT(!first.isEmpty());
    if (!isConnected()) {
        m_responder.reset();
        return -1;
    }
    m_responder->writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    for (const auto& h : headers)
        m_responder->writeHeader(h.first, h.second);
    m_responder->writeBody(first);
    return streamHeadSize(status, headers, first);
}

qint64 HttpExchange::streamHeadSize(int status, const HeaderList& headers, const QByteArray& first)
{
    return statusLineBytes(status) + headerBytes(headers) + 2 + first.size();
}

bool HttpExchange::writeChunk(const QByteArray& bytes)
{
    if (!isConnected()) {
        m_responder.reset();
        return false;
    }
    m_responder->writeBody(bytes);
    return true;
}

void HttpExchange::closeStream()
{
    m_responder.reset();
    if (m_socket)
        m_socket->disconnectFromHost();
}

void HttpExchange::onDisconnected(QObject* context, std::function<void()> then) const
{
    if (!m_socket) {
        QMetaObject::invokeMethod(context, then, Qt::QueuedConnection);
        return;
    }
    QObject::connect(m_socket, &QTcpSocket::disconnected, context, std::move(then), Qt::SingleShotConnection);
}

HttpServer::HttpServer(QObject* parent)
    : QAbstractHttpServer(parent)
{
    connect(m_gate, &HttpGate::breach, this, &HttpServer::breach);
}

bool HttpServer::listenLocal(quint16 port)
{
    // The one place that starts listening: Qt 6.8 replaces listen() with bind(QTcpServer*).
    // Qt's server listens on a hidden port; clients reach it only through the gate.
    const quint16 backendPort = listen(QHostAddress::LocalHost, 0);
    if (backendPort == 0) {
        m_error = QStringLiteral("cannot listen on 127.0.0.1 for the HTTP server");
        return false;
    }
    if (!m_gate->listen(port, backendPort)) {
        m_error = m_gate->errorString();
        const QList<QTcpServer*> listeners = servers();
        for (QTcpServer* listener : listeners)
            listener->close();
        return false;
    }
    return true;
}

bool HttpServer::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    HttpRequest copy;
    copy.method = methodName(request.method());
    copy.url = request.url();
    copy.headers = request.headers();
    copy.body = request.body();
    copy.peerPort = m_gate->publicPeerPort(socket->peerPort()); // the client's, not the gate's
    copy.wireBytes = copy.method.size() + 1 + copy.target().size() + 11 // " HTTP/1.1\r\n"
        + headerBytes(copy.headers) + 2 + copy.body.size();
    auto exchange = std::make_shared<HttpExchange>(makeResponder(request, socket), socket, copy.method == "HEAD");
    if (m_handler)
        m_handler(copy, exchange);
    else
        exchange->respond(404, {}, {});
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    // handleRequest() takes every request; this is here because the base class requires it.
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}

QByteArray TraceParent::toHeader() const
{
    return QByteArrayLiteral("00-") + traceId + '-' + parentId + QByteArrayLiteral("-01");
}

QByteArray TraceParent::randomId(QRandomGenerator64& random, int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        raw[i] = char(random.bounded(256));
    return raw.toHex();
}

bool TraceParent::parse(const QByteArray& header, TraceParent* out)
{
    static const QRegularExpression pattern(QStringLiteral("^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$"));
    const QRegularExpressionMatch match = pattern.match(QString::fromLatin1(header.trimmed()));
    if (!match.hasMatch())
        return false;
    out->traceId = match.captured(1).toLatin1();
    out->parentId = match.captured(2).toLatin1();
    return true;
}

} // namespace PatternScope
