// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpserver.h"

#include "httpgatebackend.h"
#include "linkemulator.h"

#include <QHttpServerRequest>
#include <QPointer>

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

HttpServer::HttpServer(QObject* parent)
    : QAbstractHttpServer(parent)
{
    connect(m_gate, &HttpGate::breach, this, &HttpServer::breach);
}

void HttpServer::setLinks(const LinkEmulator* links)
{
    QPointer<const LinkEmulator> guard(links);
    m_gate->setClientAddressLookup([guard](const QHostAddress& peer, quint16 peerPort) {
        if (guard) {
            for (const Link* link : guard->links()) {
                const QHostAddress client = link->clientAddressForServerPeerPort(peerPort);
                if (!client.isNull())
                    return link->client() < 0 ? client : QHostAddress();
            }
        }
        return peer; // around the links
    });
}

bool HttpServer::listenLocal(quint16 port)
{
    // The one place that starts listening: Qt's server listens on a hidden port behind the gate, and
    // serves only the gate's own connections.
    auto* backend = new HttpGateBackend(m_gate, this);
    if (!backend->listen(QHostAddress::LocalHost, 0)) {
        m_error = QStringLiteral("cannot listen on 127.0.0.1 for the HTTP server: %1").arg(backend->errorString());
        delete backend;
        return false;
    }
    bind(backend);
    if (!m_gate->listen(port, backend->serverPort())) {
        m_error = m_gate->errorString();
        backend->close();
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

} // namespace PatternScope
