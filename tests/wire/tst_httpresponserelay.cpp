// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpresponserelay.h"

#include <QTest>

using namespace PatternScope;

namespace {

using Request = HttpRequestFramer::Request;

Request closing()
{
    Request r;
    r.closeAfter = true;
    return r;
}

Request keepAlive10()
{
    Request r;
    r.keepAlive10 = true;
    return r;
}

struct Relayed {
    QByteArray toClient;
    qsizetype closedAt = -1; // bytes of the input relayed when the relay said to close
};

Relayed relayAll(HttpResponseRelay& relay, const QByteArray& input, qsizetype piece)
{
    Relayed out;
    for (qsizetype at = 0; at < input.size() && out.closedAt < 0; at += piece) {
        const qsizetype n = std::min(piece, input.size() - at);
        const HttpResponseRelay::Output o = relay.relay(input.constData() + at, n);
        out.toClient += o.toClient;
        if (o.closeNow)
            out.closedAt = at + n;
    }
    return out;
}

const QByteArray kAnswer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

} // namespace

class TestHttpResponseRelay : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void connectionField_data()
    {
        QTest::addColumn<Request>("request");
        QTest::addColumn<QByteArray>("response");
        QTest::addColumn<QByteArray>("relayed");
        QTest::addColumn<bool>("closes");

        QTest::addRow("kept alive") << Request {} << kAnswer << kAnswer << false;
        QTest::addRow("close") << closing() << kAnswer
                               << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                               << true;
        QTest::addRow("HTTP/1.0 keep-alive")
            << keepAlive10() << kAnswer
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok") << false;
        QTest::addRow("HTTP/1.0 keep-alive, answer until close")
            << keepAlive10() << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\n")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 1\n\n") << false;
        QTest::addRow("server says close")
            << Request {} << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") << true;
        QTest::addRow("close, server has its own field")
            << closing() << QByteArray("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n")
            << QByteArray("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n") << true;
        QTest::addRow("close, bare line ends")
            << closing() << QByteArray("HTTP/1.1 204 No Content\n\n")
            << QByteArray("HTTP/1.1 204 No Content\nConnection: close\r\n\n") << true;
    }

    void connectionField()
    {
        QFETCH(Request, request);
        QFETCH(QByteArray, response);
        QFETCH(QByteArray, relayed);
        QFETCH(bool, closes);
        for (const qsizetype piece : { qsizetype(1), qsizetype(5), response.size() }) {
            HttpResponseRelay relay;
            relay.expect(request);
            // Whatever the server might send after the answer is not passed on once it closes.
            const Relayed out = relayAll(relay, response + (closes ? QByteArray("junk") : QByteArray()), piece);
            QCOMPARE(out.toClient, relayed);
            QCOMPARE(out.closedAt >= 0, closes);
            if (closes)
                QCOMPARE(out.closedAt, std::min(((response.size() + piece - 1) / piece) * piece, response.size() + 4));
        }
    }

    void continueGoesBetweenAnswers()
    {
        HttpResponseRelay relay;
        relay.expect({});
        relay.expect({});
        // Owed after the first answer: not before it, not inside it.
        QVERIFY(relay.addContinue(1).toClient.isEmpty());
        const QByteArray second = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
        const QByteArray both = kAnswer + second;
        for (qsizetype piece = 1; piece <= both.size(); piece += 9) {
            HttpResponseRelay r;
            r.expect({});
            r.expect({});
            QVERIFY(r.addContinue(1).toClient.isEmpty());
            const Relayed out = relayAll(r, both, piece);
            QCOMPARE(out.toClient, kAnswer + "HTTP/1.1 100 Continue\r\n\r\n" + second);
        }
    }

    void continueDueAtOnce()
    {
        HttpResponseRelay relay;
        relay.expect({});
        QCOMPARE(relay.addContinue(0).toClient, "HTTP/1.1 100 Continue\r\n\r\n");
        QVERIFY(!relay.idle());
        QCOMPARE(relayAll(relay, kAnswer, 4).toClient, kAnswer);
        QVERIFY(relay.idle());
    }

    void headIsHeldUntilComplete()
    {
        HttpResponseRelay relay;
        relay.expect({});
        const auto feed = [&relay](const QByteArray& bytes) { return relay.relay(bytes.constData(), bytes.size()); };
        QVERIFY(feed("HTTP/1.1 200 OK\r\nContent-").toClient.isEmpty());
        QVERIFY(!relay.idle());
        QCOMPARE(feed("Length: 3\r\n\r\nab").toClient, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab");
        QCOMPARE(feed("c").toClient, "c"); // the body passes at once
        QVERIFY(relay.idle());
    }
};

QTEST_GUILESS_MAIN(TestHttpResponseRelay)
#include "tst_httpresponserelay.moc"
