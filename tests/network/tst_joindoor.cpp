// SPDX-License-Identifier: GPL-3.0-or-later
// serve --lan's door: how it reads the join token out of a request target, what it answers itself,
// and an HttpGate with a door in front of a plain loopback server: what passes, what is refused, the limits.
#include "httpgate.h"
#include "joindoor.h"
#include "rawhttp.h"
#include "waituntil.h"

#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

const QByteArray kToken = "Zm9vYmFyYmF6cXV4cXV1eA";

// A server behind the door that answers every request head "200 ok" and keeps what reached it.
struct Backend {
    Backend()
    {
        listening = server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&server, &QTcpServer::newConnection, [this] {
            while (QTcpSocket* socket = server.nextPendingConnection()) {
                ++connections;
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    const QByteArray bytes = socket->readAll();
                    received += bytes;
                    for (qsizetype at = bytes.indexOf("\r\n\r\n"); at >= 0; at = bytes.indexOf("\r\n\r\n", at + 4))
                        socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                });
            }
        });
    }
    QTcpServer server;
    bool listening = false;
    int connections = 0;
    QByteArray received;
};

// A client from a loopback address of our choosing (127.0.0.2 is another address to the door).
struct Client {
    explicit Client(quint16 port, const QHostAddress& from = QHostAddress(QHostAddress::LocalHost))
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { received += socket.readAll(); });
        socket.bind(from, 0);
        socket.connectToHost(QHostAddress::LocalHost, port);
        connected = waitUntil([this] { return socket.state() == QAbstractSocket::ConnectedState; });
    }
    // The first answer's head, once complete.
    RawAnswer answer()
    {
        if (!waitUntil([this] { return received.contains("\r\n\r\n"); }))
            return {};
        return parseAnswerHead(received.left(received.indexOf("\r\n\r\n") + 4));
    }
    QTcpSocket socket;
    QByteArray received;
    bool connected = false;
};

struct Door {
    explicit Door(int maxConnections = 10, int maxPerAddress = 10)
    {
        HttpLimits limits;
        limits.maxConnections = maxConnections;
        limits.maxConnectionsPerAddress = maxPerAddress;
        gate.setLimits(limits);
        gate.setDoor(std::make_shared<JoinDoor>(kToken, QByteArray("<p>join page</p>")));
        listening = backend.listening
            && gate.listen({ QHostAddress(QHostAddress::LocalHost) }, 0, backend.server.serverPort());
    }
    Backend backend;
    HttpGate gate;
    bool listening = false;
};

} // namespace

class TestJoinDoor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void take_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("count");
        QTest::addColumn<bool>("matches");
        QTest::addColumn<QByteArray>("rest");
        const QByteArray t = kToken;
        QTest::addRow("alone") << "/events?token=" + t << 1 << true << QByteArray("/events");
        QTest::addRow("among others, order kept")
            << "/events?client=ann&token=" + t + "&since=3" << 1 << true << QByteArray("/events?client=ann&since=3");
        QTest::addRow("none") << QByteArray("/events?client=ann") << 0 << false << QByteArray("/events?client=ann");
        QTest::addRow("no query") << QByteArray("/events") << 0 << false << QByteArray("/events");
        QTest::addRow("wrong") << QByteArray("/events?token=guess") << 1 << false << QByteArray("/events");
        QTest::addRow("one character off")
            << "/events?token=" + t.left(21) + 'y' << 1 << false << QByteArray("/events");
        QTest::addRow("longer") << "/events?token=" + t + 'x' << 1 << false << QByteArray("/events");
        QTest::addRow("empty value") << QByteArray("/e?token=&a=1") << 1 << false << QByteArray("/e?a=1");
        QTest::addRow("no value") << QByteArray("/e?token") << 1 << false << QByteArray("/e");
        QTest::addRow("encoded name is taken out too") << "/e?%74oken=" + t << 1 << true << QByteArray("/e");
        QTest::addRow("encoded value") << "/e?token=" + t.left(3) + "%" + t.mid(3, 1).toHex() + t.mid(4) << 1 << true
                                       << QByteArray("/e");
        QTest::addRow("twice, one wrong") << "/e?token=" + t + "&token=x" << 2 << false << QByteArray("/e");
        QTest::addRow("twice, both right") << "/e?token=" + t + "&token=" + t << 2 << true << QByteArray("/e");
        QTest::addRow("a longer name is another parameter")
            << "/e?tokens=" + t << 0 << false << QByteArray("/e?tokens=" + t);
        QTest::addRow("empty items dropped") << "/e?&token=" + t + "&&a=1&" << 1 << true << QByteArray("/e?a=1");
        QTest::addRow("no path") << "?token=" + t << 1 << true << QByteArray();
    }

    void take()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, count);
        QFETCH(bool, matches);
        QFETCH(QByteArray, rest);
        const JoinDoor::Taken taken = JoinDoor::take(target, kToken);
        QCOMPARE(taken.count, count);
        QCOMPARE(taken.matches, matches);
        QCOMPARE(taken.rest, rest);
    }

    void verdicts()
    {
        const JoinDoor door(kToken, "<p>page</p>");
        HttpRequestFramer::Verdict v = door.check("GET", "/events?client=ann&token=" + kToken);
        QVERIFY(v.pass);
        QCOMPARE(v.target, QByteArray("/events?client=ann"));
        v = door.check("GET", "?token=" + kToken);
        QVERIFY(v.pass);
        QCOMPARE(v.target, QByteArray("/")); // never empty: that would pass the line as it came

        v = door.check("GET", "/events");
        QVERIFY(!v.pass);
        QCOMPARE(v.status, 403);
        QVERIFY(v.response.startsWith("HTTP/1.1 403 Forbidden\r\n"));
        QVERIFY(!v.response.contains(kToken));
        v = door.check("GET", "/join?token=nope");
        QCOMPARE(v.status, 403);

        v = door.check("GET", "/join?token=" + kToken);
        QVERIFY(!v.pass);
        QCOMPARE(v.status, 200);
        QVERIFY(v.response.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(v.response.contains("Content-Type: text/html; charset=utf-8\r\n"));
        QVERIFY(v.response.contains("Referrer-Policy: no-referrer\r\n"));
        QVERIFY(v.response.contains("Connection: close\r\n"));
        QVERIFY(v.response.endsWith("\r\n\r\n<p>page</p>"));
        v = door.check("HEAD", "/join?token=" + kToken);
        QVERIFY(v.response.endsWith("\r\n\r\n")); // HEAD: the head only
        QVERIFY(v.response.contains("Content-Length: 11\r\n"));
        v = door.check("POST", "/join?token=" + kToken);
        QCOMPARE(v.status, 405);
        QVERIFY(v.response.contains("Allow: GET, HEAD\r\n"));
    }

    void studentsWithOneNameAreTwoLifelines()
    {
        const JoinDoor door(kToken, "<p>page</p>");
        const auto target = [&](const QByteArray& query) {
            return door.check("GET", "/events?" + query + "&token=" + kToken).target;
        };
        // The first seat keeps the name it typed; the seat is taken out.
        QCOMPARE(target("client=ann&seat=a1"), QByteArray("/events?client=ann"));
        // Another seat typing it gets the next free one, as often as it asks (its reconnects, its polls).
        QCOMPARE(target("client=ann&seat=b2"), QByteArray("/events?client=ann%20%282%29"));
        QCOMPARE(target("seat=b2&client=ann"), QByteArray("/events?client=ann%20%282%29"));
        QCOMPARE(target("client=ann&seat=c3"), QByteArray("/events?client=ann%20%283%29"));
        QCOMPARE(target("client=ann&seat=a1"), QByteArray("/events?client=ann"));
        // Names are compared as the run will see them: decoded, spaces simplified.
        QCOMPARE(target("client=%20ann+&seat=d4"), QByteArray("/events?client=ann%20%284%29"));
        // A seat whose student types another name starts over with it, and frees the one it had.
        QCOMPARE(target("client=bob&seat=b2"), QByteArray("/events?client=bob"));
        QCOMPARE(target("client=ann&seat=e5"), QByteArray("/events?client=ann%20%282%29"));
        // Without a seat (a script, curl) the name passes as it came; other parameters stay in their order.
        QCOMPARE(target("client=ann"), QByteArray("/events?client=ann"));
        QCOMPARE(target("since=3&client=cat&seat=f6&x=1"), QByteArray("/events?since=3&client=cat&x=1"));
        QCOMPARE(target("seat=zz"), QByteArray("/events"));
        QCOMPARE(door.check("GET", "/?seat=zz&token=" + kToken).target, QByteArray("/"));
        QCOMPARE(door.check("GET", "?seat=zz&token=" + kToken).target, QByteArray("/")); // never empty
    }

    void tokensAreRandom()
    {
        const QByteArray a = JoinDoor::newToken();
        const QByteArray b = JoinDoor::newToken();
        QCOMPARE(a.size(), 22); // 128 bits, base64url, no padding
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]{22}$")).match(QString::fromLatin1(a)).hasMatch());
        QVERIFY(a != b);
    }

    void passesWithoutTokenOrReferer()
    {
        Door door;
        QVERIFY(door.listening);
        Client client(door.gate.port());
        QVERIFY(client.connected);
        client.socket.write("GET /events?client=ann&token=" + kToken
            + " HTTP/1.1\r\nHost: h\r\nReferer: http://h/join?token=" + kToken + "\r\nAccept: */*\r\n\r\n");
        QCOMPARE(client.answer().status, 200);
        QVERIFY(door.backend.received.startsWith("GET /events?client=ann HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n"));
        QVERIFY(!door.backend.received.contains(kToken));
        QVERIFY(!door.backend.received.contains("Referer"));
        // Every request on the connection must carry it: the next one without is refused, after the first's answer.
        client.socket.write("GET /events HTTP/1.1\r\nHost: h\r\n\r\n");
        QVERIFY(waitUntil([&] { return client.received.contains("403 Forbidden"); }));
        QVERIFY(client.received.indexOf("200 OK") < client.received.indexOf("403 Forbidden"));
        QVERIFY(waitUntil([&] { return door.gate.connectionCount() == 0; }));
        QCOMPARE(door.backend.received.count("GET "), 1);
    }

    void refusedAndPageNeverReachTheServer_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addRow("no token") << QByteArray("GET /events HTTP/1.1\r\nHost: h\r\n\r\n") << 403;
        QTest::addRow("wrong token") << QByteArray("GET /events?token=x HTTP/1.1\r\nHost: h\r\n\r\n") << 403;
        QTest::addRow("upgrade without token")
            << QByteArray("GET /feed HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
            << 403;
        QTest::addRow("join page") << "GET /join?token=" + kToken + " HTTP/1.1\r\nHost: h\r\n\r\n" << 200;
    }

    void refusedAndPageNeverReachTheServer()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        Door door;
        QVERIFY(door.listening);
        Client client(door.gate.port());
        QVERIFY(client.connected);
        client.socket.write(request);
        QCOMPARE(client.answer().status, status);
        QVERIFY(waitUntil([&] { return door.gate.connectionCount() == 0; }));
        QCOMPARE(door.backend.connections, 0); // not even a connection: no lifeline for it behind
    }

    void limits()
    {
        Door door(2, 1);
        QVERIFY(door.listening);
        const QByteArray request = "GET /a?token=" + kToken + " HTTP/1.1\r\nHost: h\r\n\r\n";
        Client first(door.gate.port());
        QVERIFY(first.connected);
        first.socket.write(request);
        QCOMPARE(first.answer().status, 200);

        Client sameAddress(door.gate.port());
        const RawAnswer tooMany = sameAddress.answer();
        QCOMPARE(tooMany.status, 429);
        QCOMPARE(tooMany.header("Retry-After"), QByteArray("5"));

        Client other(door.gate.port(), QHostAddress(QStringLiteral("127.0.0.2")));
        QVERIFY(other.connected);
        other.socket.write(request);
        QCOMPARE(other.answer().status, 200);

        Client third(door.gate.port(), QHostAddress(QStringLiteral("127.0.0.3")));
        const RawAnswer full = third.answer();
        QCOMPARE(full.status, 503);
        QCOMPARE(full.header("Retry-After"), QByteArray("5"));

        // A place that frees up can be taken again.
        first.socket.disconnectFromHost();
        QVERIFY(waitUntil([&] { return door.gate.connectionCount() == 1; }));
        Client again(door.gate.port());
        again.socket.write(request);
        QCOMPARE(again.answer().status, 200);
    }
};

QTEST_GUILESS_MAIN(TestJoinDoor)
#include "tst_joindoor.moc"
