// SPDX-License-Identifier: GPL-3.0-or-later
// HTTP/1.1 rules the gate holds every client to (RFC 9112, RFC 9110), one raw-socket test each.
#include "httpgatebackend.h"
#include "httpgatefixture.h"
#include "linkemulator.h"

#include <QElapsedTimer>
#include <QTest>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

const QByteArray kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// What a client got once the server closed: everything it received, the 100 Continues taken out.
QByteArray withoutContinues(QByteArray bytes)
{
    return bytes.replace(kContinue, QByteArray());
}

quint16 backendPort(const HttpServer& server)
{
    const auto* backend = server.findChild<HttpGateBackend*>();
    return backend ? backend->serverPort() : 0;
}

} // namespace

class TestHttpConformance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void closingRequestEndsTheConnection_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("connectionField");

        QTest::addRow("Connection: close") << QByteArray("GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                                           << QByteArray("GET /a ") << QByteArray("Connection: close");
        QTest::addRow("HTTP/1.0") << QByteArray("GET /a HTTP/1.0\r\n\r\n") << QByteArray("GET /a ")
                                  << QByteArray("Connection: close");
        QTest::addRow("HTTP/1.0 with a body") << QByteArray("POST /a HTTP/1.0\r\nContent-Length: 3\r\n\r\nxyz")
                                              << QByteArray("POST /a xyz") << QByteArray("Connection: close");
        QTest::addRow("held answer") << QByteArray("GET /hold/300 HTTP/1.1\r\nHost: t\r\nconnection: Close\r\n\r\n")
                                     << QByteArray("held") << QByteArray("Connection: close");
    }

    void closingRequestEndsTheConnection()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, connectionField);
        Fixture f;
        QVERIFY(f.listening);
        RawClient client(f.server.port());
        // RFC 9112 9.6: a request pipelined after the closing one is not served.
        client.socket.write(request + get("/after"));
        QVERIFY(client.waitClosed());
        const QList<Response> responses = client.responses();
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.first().status, 200);
        QCOMPARE(responses.first().body, body);
        QVERIFY(responses.first().hasHeader(connectionField));
        QCOMPARE(client.received.size(), responses.first().head.size() + 2 + body.size());
        QCOMPARE(f.requests.size(), 1);
        QVERIFY(f.breaches.isEmpty());
        QVERIFY(waitUntil([&] { return f.gate()->connectionCount() == 0; }));
    }

    void http10KeepAliveIsKept()
    {
        Fixture f;
        QVERIFY(f.listening);
        RawClient client(f.server.port());
        for (int i = 1; i <= 3; ++i) {
            client.socket.write("GET /k HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
            QVERIFY(client.waitResponses(i));
            // An HTTP/1.0 client takes an answer without it to end the connection.
            QVERIFY(client.responses().last().hasHeader("Connection: keep-alive"));
        }
        QVERIFY(!client.closed);
        QCOMPARE(f.gate()->connectionCount(), 1);
    }

    void hostIsRequired_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");

        QTest::addRow("none") << QByteArray("GET /h HTTP/1.1\r\n\r\n") << 400 << QByteArray("missing Host header");
        QTest::addRow("two") << QByteArray("GET /h HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400
                             << QByteArray("more than one Host header");
        QTest::addRow("HTTP/1.0 may leave it out")
            << QByteArray("GET /h HTTP/1.0\r\n\r\n") << 200 << QByteArray("GET /h ");
        QTest::addRow("empty") << QByteArray("GET /h HTTP/1.1\r\nHost:\r\n\r\n") << 200 << QByteArray("GET /h ");
    }

    void hostIsRequired()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        Fixture f;
        QVERIFY(f.listening);
        RawClient client(f.server.port());
        client.socket.write(request);
        QVERIFY(client.waitResponses(1));
        QCOMPARE(client.responses().first().status, status);
        QCOMPARE(client.responses().first().body, body);
        QCOMPARE(f.requests.size(), status == 200 ? 1 : 0);
    }

    void errorAnswersAreReadableFromAnyOrigin_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");

        QTest::addRow("400") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::addRow("413") << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n") << 413;
        QTest::addRow("431") << "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + QByteArray(2000, 'x') + "\r\n\r\n" << 431;
        QTest::addRow("501") << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: br\r\n\r\n") << 501;
        QTest::addRow("408") << QByteArray("GET / HTTP/1.1\r\nHost: t\r\n") << 408;
    }

    void errorAnswersAreReadableFromAnyOrigin()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        Fixture f;
        QVERIFY(f.listening);
        RawClient client(f.server.port());
        client.socket.write(request);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.responses().size(), 1);
        QCOMPARE(client.responses().first().status, status);
        QVERIFY(client.responses().first().hasHeader("Access-Control-Allow-Origin: *"));
        QCOMPARE(f.breaches.size(), 1);
        QCOMPARE(f.breaches.first().status, status);
    }

    void expectContinueInvitesTheBody()
    {
        Fixture f;
        QVERIFY(f.listening);
        RawClient client(f.server.port());
        client.socket.write(
            get("/first") + "POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
        // The client waits for it before sending its body: it comes after the first answer, before the second.
        QVERIFY(waitUntil([&] { return client.received.contains(kContinue); }));
        QVERIFY(client.received.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(client.received.endsWith(QByteArray("GET /first " + kContinue)));
        QCOMPARE(f.requests.size(), 1);
        client.socket.write("0123456789");
        QVERIFY(waitUntil([&] { return parseResponses(withoutContinues(client.received)).size() == 2; }));
        QCOMPARE(client.received.count(kContinue), 1); // the server behind sent none of its own
        QCOMPARE(parseResponses(withoutContinues(client.received)).last().body, "POST /up 0123456789");
        QVERIFY(f.requests.last().header("Expect").isEmpty());
        QVERIFY(f.breaches.isEmpty());
    }

    void expectContinueRefusedAtOnce()
    {
        Fixture f;
        QVERIFY(f.listening);
        RawClient client(f.server.port());
        client.socket.write("POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
        QVERIFY(client.waitClosed());
        QVERIFY2(client.received.startsWith("HTTP/1.1 413 "), client.received.constData());
        QVERIFY(!client.received.contains(kContinue));
    }

    void chunkedBodyReachesTheHandlerDecoded()
    {
        Fixture f;
        QVERIFY(f.listening);
        RawClient client(f.server.port());
        const QByteArray request = "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n";
        for (qsizetype at = 0; at < request.size(); at += 7) {
            client.socket.write(request.mid(at, 7));
            client.socket.flush();
        }
        client.socket.write(get("/next"));
        QVERIFY(client.waitResponses(2));
        QCOMPARE(client.responses().at(0).body, "POST /up hello world");
        QCOMPARE(client.responses().at(1).body, "GET /next ");
        QCOMPARE(f.requests.first().header("Content-Length"), "11");
        QVERIFY(f.requests.first().header("Transfer-Encoding").isEmpty());
        QVERIFY(f.breaches.isEmpty());
    }

    void chunkedBodyOverTheLimit()
    {
        Fixture f; // 1000 bytes at most
        QVERIFY(f.listening);
        RawClient client(f.server.port());
        client.socket.write("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n"
            + QByteArray(512, 'a') + "\r\n200\r\n");
        QVERIFY(client.waitClosed());
        QCOMPARE(client.responses().size(), 1);
        QCOMPARE(client.responses().first().status, 413);
        QCOMPARE(client.responses().first().body, "request body over 1000 B");
        QVERIFY(f.requests.isEmpty());
    }

    void silentConnectionGetsOnlyTheHeaderTimeout()
    {
        HttpLimits limits = smallLimits(); // 300 ms for a head, 5 s idle
        Fixture f(limits);
        QVERIFY(f.listening);
        QElapsedTimer since;
        since.start();
        RawClient silent(f.server.port());
        QVERIFY(silent.waitClosed(3000));
        const qint64 elapsed = since.elapsed();
        QVERIFY2(elapsed >= 290 && elapsed < 2500, qPrintable(QString::number(elapsed)));
        QVERIFY(silent.received.isEmpty()); // closed quietly, like an idle connection
        QCOMPARE(f.breaches.size(), 1);
        QCOMPARE(f.breaches.first().status, 0);
        QCOMPARE(f.breaches.first().reason, QStringLiteral("no request within 300 ms"));
    }

    void connectionsAreLimitedPerAddress()
    {
        HttpLimits limits = smallLimits();
        limits.maxConnectionsPerAddress = 2;
        Fixture f(limits);
        QVERIFY(f.listening);
        const QHostAddress greedy(QStringLiteral("127.0.0.2"));
        std::vector<std::unique_ptr<RawClient>> held;
        for (int i = 0; i < 2; ++i) {
            held.push_back(std::make_unique<RawClient>(f.server.port(), greedy));
            held.back()->socket.write(get("/a"));
            QVERIFY(held.back()->waitResponses(1));
        }
        RawClient third(f.server.port(), greedy);
        third.socket.write(get("/a"));
        QVERIFY(third.waitClosed());
        QCOMPARE(third.responses().size(), 1);
        QCOMPARE(third.responses().first().status, 503);
        QCOMPARE(third.responses().first().body, "over 2 open connections from 127.0.0.2");
        QVERIFY(third.responses().first().hasHeader("Access-Control-Allow-Origin: *"));
        // Others are still let in, and a place freed is taken again.
        for (const char* other : { "127.0.0.1", "127.0.0.3" }) {
            RawClient client(f.server.port(), QHostAddress(QString::fromLatin1(other)));
            client.socket.write(get("/b"));
            QVERIFY(client.waitResponses(1));
            QCOMPARE(client.responses().first().status, 200);
        }
        held.pop_back();
        QVERIFY(waitUntil([&] { return f.gate()->connectionCount() == 1; }));
        RawClient again(f.server.port(), greedy);
        again.socket.write(get("/c"));
        QVERIFY(again.waitResponses(1));
        QCOMPARE(again.responses().first().status, 200);
    }

    void perAddressLimitSeesThroughTheLink()
    {
        // The gate sees the link's relay socket; the link knows the client behind it.
        HttpLimits limits = smallLimits();
        limits.maxConnectionsPerAddress = 2;
        Trace trace;
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        const int own = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        LinkEmulator links(&trace);
        LinkSettings settings;
        settings.latencyUs = 0;
        links.setSettings(settings);
        Fixture f(limits);
        QVERIFY(f.listening);
        f.server.setLinks(&links);
        Link* outside = links.addLink(-1, server, f.server.port());
        Link* ownLink = links.addLink(own, server, f.server.port());
        QVERIFY(outside && ownLink);

        const QHostAddress greedy(QStringLiteral("127.0.0.2"));
        std::vector<std::unique_ptr<RawClient>> held;
        for (int i = 0; i < 2; ++i) {
            held.push_back(std::make_unique<RawClient>(outside->port(), greedy));
            held.back()->socket.write(get("/a"));
            QVERIFY(held.back()->waitResponses(1));
        }
        RawClient third(outside->port(), greedy);
        third.socket.write(get("/a"));
        QVERIFY(third.waitClosed());
        QCOMPARE(third.responses().size(), 1);
        QCOMPARE(third.responses().first().body, "over 2 open connections from 127.0.0.2");
        RawClient other(outside->port(), QHostAddress(QStringLiteral("127.0.0.3")));
        other.socket.write(get("/b"));
        QVERIFY(other.waitResponses(1));
        QCOMPARE(other.responses().first().status, 200);
        // Our own simulated clients come through their own links and are not limited per address.
        std::vector<std::unique_ptr<RawClient>> ours;
        for (int i = 0; i < 3; ++i) {
            ours.push_back(std::make_unique<RawClient>(ownLink->port()));
            ours.back()->socket.write(get("/own"));
            QVERIFY(ours.back()->waitResponses(1));
            QCOMPARE(ours.back()->responses().first().status, 200);
        }
    }

    void backendServesOnlyTheGate()
    {
        Fixture f;
        QVERIFY(f.listening);
        const quint16 hidden = backendPort(f.server);
        QVERIFY(hidden != 0 && hidden != f.server.port());
        // What the gate would answer 431 must not get around it to the server.
        RawClient around(hidden);
        around.socket.write("GET /around HTTP/1.1\r\nHost: t\r\nX-Big: " + QByteArray(20 * 1024, 'x') + "\r\n\r\n");
        QVERIFY(around.waitClosed());
        QVERIFY(around.received.isEmpty());
        QVERIFY(f.requests.isEmpty());
        QCOMPARE(f.server.findChild<HttpGateBackend*>()->refusedCount(), 1);
        // The gate's own way in still works.
        RawClient client(f.server.port());
        client.socket.write(get("/through"));
        QVERIFY(client.waitResponses(1));
        QCOMPARE(client.responses().first().body, "GET /through ");
    }
};

QTEST_GUILESS_MAIN(TestHttpConformance)
#include "tst_httpconformance.moc"
