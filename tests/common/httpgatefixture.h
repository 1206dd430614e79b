// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Raw-socket clients and a small server behind an HttpGate, for the gate's tests.

#include "httpgate.h"
#include "httpserver.h"
#include "waituntil.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <memory>

namespace PatternScope::Test {

inline HttpLimits smallLimits()
{
    HttpLimits limits;
    limits.maxHeaderBytes = 1024;
    limits.maxBodyBytes = 1000;
    limits.headerTimeoutMs = 300;
    limits.idleTimeoutMs = 5000;
    limits.maxConnections = 8;
    return limits;
}

struct Response {
    int status = 0;
    QByteArray head;
    QByteArray body;

    bool hasHeader(const QByteArray& line) const { return head.contains(QByteArray("\r\n" + line + "\r\n")); }
};

// Splits what a client received into responses; all carry a Content-Length here.
inline QList<Response> parseResponses(const QByteArray& bytes)
{
    QList<Response> out;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        const qsizetype end = bytes.indexOf("\r\n\r\n", pos);
        if (end < 0)
            break;
        Response r;
        r.head = bytes.mid(pos, end + 2 - pos);
        r.status = r.head.mid(9, 3).toInt();
        const qsizetype at = r.head.toLower().indexOf("\r\ncontent-length: ");
        const qint64 length = at < 0 ? 0 : r.head.mid(at + 18, r.head.indexOf('\r', at + 2) - at - 18).toLongLong();
        r.body = bytes.mid(end + 4, length);
        if (r.body.size() < length)
            break;
        out.append(r);
        pos = end + 4 + length;
    }
    return out;
}

inline QByteArray get(const QByteArray& path)
{
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

// A client writing raw bytes and keeping all it gets back.
struct RawClient {
    // From another loopback address (127.0.0.2, ...) if `from` is given.
    explicit RawClient(quint16 port, const QHostAddress& from = {})
    {
        if (!from.isNull())
            QVERIFY(socket.bind(from));
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [this] { closed = true; });
        // The port is gone once the socket closes, which a turned-away client's may do at once.
        QObject::connect(&socket, &QTcpSocket::connected, &socket, [this] { localPort = socket.localPort(); });
        socket.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(waitUntil([this] { return localPort != 0; }));
    }
    QList<Response> responses() const { return parseResponses(received); }
    bool waitResponses(int n)
    {
        return waitUntil([&] { return responses().size() >= n; });
    }
    bool waitClosed(int timeoutMs = 5000)
    {
        return waitUntil([this] { return closed; }, timeoutMs);
    }

    QTcpSocket socket;
    quint16 localPort = 0;
    QByteArray received;
    bool closed = false;
};

// An HttpServer whose handler answers 200, holds an answer (/hold/<ms>), streams forever (/stream)
// or ends a stream by closing (/close).
struct Fixture {
    explicit Fixture(const HttpLimits& limits = smallLimits())
    {
        server.setLimits(limits);
        server.setHandler(
            [this](const HttpRequest& request, std::shared_ptr<HttpExchange> exchange) { handle(request, exchange); });
        QObject::connect(&server, &HttpServer::breach, &server, [this](const HttpBreach& b) { breaches.append(b); });
        listening = server.listenLocal();
    }

    void handle(const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange)
    {
        requests.append(request);
        const QString path = request.url.path();
        if (path == QLatin1String("/stream")) {
            exchange->beginStream(200, { { "Content-Type", "text/event-stream" } }, ":ok\n\n");
            auto* timer = new QTimer(&streams);
            QObject::connect(timer, &QTimer::timeout, [exchange] { exchange->writeChunk("data: tick\n\n"); });
            exchange->onDisconnected(timer, [this, timer] {
                ++streamsEnded;
                timer->deleteLater();
            });
            timer->start(50);
        } else if (path == QLatin1String("/close")) {
            exchange->beginStream(200, {}, "bye");
            exchange->closeStream();
        } else if (path.startsWith(QLatin1String("/hold/"))) {
            QTimer::singleShot(path.mid(6).toInt(), &streams, [exchange] { exchange->respond(200, {}, "held"); });
        } else {
            exchange->respond(200, { { "Content-Type", "text/plain" } },
                request.method + ' ' + request.target().toLatin1() + ' ' + request.body);
        }
    }

    HttpGate* gate() const { return server.findChild<HttpGate*>(); }

    HttpServer server;
    QObject streams; // what handlers keep going; dies before the server
    bool listening = false;
    QList<HttpRequest> requests;
    QList<HttpBreach> breaches;
    int streamsEnded = 0;
};

} // namespace PatternScope::Test
