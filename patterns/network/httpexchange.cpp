// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpexchange.h"

#include <QHttpServerRequest>
#include <QTcpServer>
#include <algorithm>

namespace PatternScope {

namespace {

qint64 headerBytes(const HeaderList& headers)
{
    qint64 n = 0;
    for (const auto& h : headers)
        n += h.first.size() + 2 + h.second.size() + 2; // "name: value\r\n"
    return n;
}

bool hasHeader(const HeaderList& headers, const QByteArray& name)
{
    return std::any_of(
        headers.begin(), headers.end(), [&](const auto& h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
}

HeaderList withContentLength(int status, const HeaderList& headers, const QByteArray& body)
{
    HeaderList all = HttpExchange::withCors(headers);
    // A 204 has no body and, by RFC 9110, no Content-Length either.
    if (status != 204)
        all.append(qMakePair(QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())));
    return all;
}

} // namespace

HeaderList HttpExchange::withCors(const HeaderList& headers)
{
    HeaderList all = headers;
    // Anyone may read: the servers hold nothing private, and no answer depends on cookies.
    if (!hasHeader(all, "Access-Control-Allow-Origin"))
        all.append({ QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*") });
    // A page must be able to read traceparent, Location and paging headers too. The wildcard means
    // every header for requests without credentials, which is what a wildcard origin allows anyway.
    if (!hasHeader(all, "Access-Control-Expose-Headers"))
        all.append({ QByteArrayLiteral("Access-Control-Expose-Headers"), QByteArrayLiteral("*") });
    return all;
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
    for (const auto& h : withCors(headers))
        m_responder->writeHeader(h.first, h.second);
    m_responder->writeBody(first);
    return streamHeadSize(status, headers, first);
}

qint64 HttpExchange::streamHeadSize(int status, const HeaderList& headers, const QByteArray& first)
{
    return statusLineBytes(status) + headerBytes(withCors(headers)) + 2 + first.size();
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

} // namespace PatternScope
