// SPDX-License-Identifier: GPL-3.0-or-later
// What the trace of every HTTP pattern says about requests: each leaves on a connection that is open
// already and is recorded with it, and a request the server's door refuses shows as an arrow from the
// client that sent it, answered, whoever wrote that client.
#include "httppattern.h"
#include "linkemulator.h"
#include "testrun.h"
#include "tracequeries.h"

#include <QHostAddress>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

HttpPattern* httpPatternOf(Run& run)
{
    return qobject_cast<HttpPattern*>(run.pattern());
}

const Participant* participantNamed(const Trace& trace, const QString& name)
{
    for (const Participant& p : trace.participants()) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

// A client nobody here wrote, byte by byte.
struct RawClient {
    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool connected()
    {
        return waitUntil([&] { return socket.state() == QAbstractSocket::ConnectedState; });
    }
    int status() const { return received.startsWith("HTTP/1.1 ") ? received.mid(9, 3).toInt() : 0; }

    QTcpSocket socket;
    QByteArray received;
};

} // namespace

class TestHttpTraces : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void requestsLeaveOnAConnectionAlreadyOpen_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QStringList>("settings");
        QTest::addColumn<int>("requests"); // at least this many, callbacks included
        const QString latency = QStringLiteral("latency=30ms");
        QTest::addRow("request-response") << QStringLiteral("request-response")
                                          << QStringList { latency, QStringLiteral("interval=0ms"),
                                                 QStringLiteral("processing=10ms"), QStringLiteral("body=100B") }
                                          << 4;
        QTest::addRow("request-callback")
            << QStringLiteral("request-callback")
            << QStringList { latency, QStringLiteral("interval=200ms"), QStringLiteral("processing=20ms") } << 4;
        QTest::addRow("short-polling") << QStringLiteral("short-polling")
                                       << QStringList { latency, QStringLiteral("poll=50ms"),
                                              QStringLiteral("produce=40ms"), QStringLiteral("clients=2") }
                                       << 4;
        QTest::addRow("long-polling") << QStringLiteral(
            "long-polling") << QStringList { latency, QStringLiteral("produce=40ms"), QStringLiteral("clients=2") }
                                      << 4;
        QTest::addRow("server-sent-events")
            << QStringLiteral("server-sent-events")
            << QStringList { latency, QStringLiteral("produce=40ms"), QStringLiteral("clients=2") } << 2;
    }

    void requestsLeaveOnAConnectionAlreadyOpen()
    {
        QFETCH(QString, pattern);
        QFETCH(QStringList, settings);
        QFETCH(int, requests);
        auto run = startRun(pattern, settings);
        QVERIFY(run);
        const Trace& trace = *run->trace();
        // A request as first recorded: what the trace file's line for it says.
        QList<Message> asRecorded;
        QObject::connect(&trace, &Trace::messageAdded, [&](const Message& m) {
            if (m.kind == Message::Kind::HttpRequest || m.kind == Message::Kind::Callback)
                asRecorded.append(m);
        });
        QVERIFY(waitUntil([&] { return asRecorded.size() >= requests; }, 10000));
        QVERIFY(stopAndWait(*run));

        for (const Message& recorded : std::as_const(asRecorded)) {
            const QString what = QStringLiteral("%1 at %2").arg(recorded.label).arg(recorded.sentAt);
            QVERIFY2(recorded.connection >= 0, qPrintable(what));
            QVERIFY2(size_t(recorded.connection) < trace.connections().size(), qPrintable(what));
            const Connection& connection = trace.connections().at(size_t(recorded.connection));
            QCOMPARE(connection.client, recorded.from);
            QVERIFY2(recorded.sentAt >= connection.openedAt,
                qPrintable(what + QStringLiteral(", connection opened at %1").arg(connection.openedAt)));
            // The TCP connect's arrow leaves first, the request's after it.
            const auto connects = messagesOf(trace, Message::Kind::Connect, recorded.from);
            const auto connect = std::find_if(connects.begin(), connects.end(),
                [&](const Message* m) { return m->connection == recorded.connection; });
            QVERIFY2(connect != connects.end(), qPrintable(what));
            QVERIFY2((*connect)->seq < recorded.seq && (*connect)->sentAt <= recorded.sentAt, qPrintable(what));
            // The request arrives no sooner than the connection was through.
            const Message& now = trace.message(recorded.seq);
            if (now.state == Message::State::Delivered)
                QVERIFY2(now.receivedAt >= (*connect)->receivedAt, qPrintable(what));
        }
    }

    void refusedRequestShowsFromTheClientsOwnLifeline_data()
    {
        QTest::addColumn<QByteArray>("opening"); // what the client sends at once
        QTest::addColumn<bool>("trickle"); // then a byte every 50 ms, never finishing its head
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("request"); // the request arrow's label starts so
        QTest::addRow("400 malformed header")
            << QByteArray("GET /work/1?client=carol HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n") << false << 400
            << QStringLiteral("GET /work/1?client=carol");
        QTest::addRow("408 head too slow") << QByteArray("GET /work/2?client=carol HTTP/1.1\r\nHost: x\r\n") << true
                                           << 408 << QStringLiteral("GET /work/2?client=carol · incomplete");
        QTest::addRow("413 body too big")
            << QByteArray("POST /work/3?client=carol HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n") << false
            << 413 << QStringLiteral("POST /work/3?client=carol");
        QTest::addRow("431 head too big") << QByteArray(
            "GET /work/4?client=carol HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(2000, 'b') + "\r\n\r\n")
                                          << false << 431 << QStringLiteral("GET /work/4?client=carol");
        QTest::addRow("503 too many connections") << QByteArray("GET /work/5?client=carol HTTP/1.1\r\nHost: x\r\n\r\n")
                                                  << false << 503 << QStringLiteral("GET /work/5?client=carol");
    }

    void refusedRequestShowsFromTheClientsOwnLifeline()
    {
        QFETCH(QByteArray, opening);
        QFETCH(bool, trickle);
        QFETCH(int, status);
        QFETCH(QString, request);
        auto run = serveRun(QStringLiteral("request-response"),
            { QStringLiteral("latency=20ms"), QStringLiteral("processing=1000ms") });
        QVERIFY(run);
        HttpServer* server = httpPatternOf(*run)->httpServer();
        HttpLimits limits = server->limits();
        limits.maxHeaderBytes = 1024;
        limits.headerTimeoutMs = 400;
        limits.maxConnections = 1;
        server->setLimits(limits);
        const quint16 port = run->pattern()->publicPort();
        const Trace& trace = *run->trace();

        // For the 503: someone else holds the one place, waiting for the server to finish its work.
        std::unique_ptr<RawClient> holder;
        if (status == 503) {
            holder = std::make_unique<RawClient>(port);
            QVERIFY(holder->connected());
            holder->socket.write("GET /work/9?client=dave HTTP/1.1\r\nHost: x\r\n\r\n");
            QVERIFY(waitUntil([&] { return trace.activations().size() == 1; }));
        }
        RawClient carol(port);
        QVERIFY(carol.connected());
        carol.socket.write(opening);
        QTimer dripper;
        QObject::connect(&dripper, &QTimer::timeout, [&] { carol.socket.write("X"); });
        if (trickle)
            dripper.start(50);
        QVERIFY(waitUntil([&] { return carol.status() != 0; }, 10000));
        QCOMPARE(carol.status(), status);
        dripper.stop();

        const Participant* who = participantNamed(trace, QStringLiteral("carol"));
        QVERIFY(who);
        QVERIFY(!participantNamed(trace, QStringLiteral("unidentified client")));
        const auto requests = messagesOf(trace, Message::Kind::HttpRequest, who->id);
        QCOMPARE(requests.size(), 1);
        const Message& asked = *requests.front();
        QVERIFY2(asked.label.startsWith(request), qPrintable(asked.label));
        QCOMPARE(asked.state, Message::State::Delivered); // it reached the server, which answered it
        QVERIFY(asked.connection >= 0);
        QVERIFY(asked.sentAt >= trace.connections().at(size_t(asked.connection)).openedAt);
        // The answer goes back to the same lifeline, on the same connection, and the link sees it arrive.
        const auto answers = messagesOf(trace, Message::Kind::HttpResponse, -1, who->id);
        QCOMPARE(answers.size(), 1);
        const Message& answer = *answers.front();
        QCOMPARE(int(answer.fields.status), status);
        QCOMPARE(answer.correlation, asked.correlation);
        QCOMPARE(answer.connection, asked.connection);
        QVERIFY(answer.sentAt >= asked.receivedAt);
        QVERIFY(waitUntil([&] { return trace.message(answer.seq).state == Message::State::Delivered; }));
        holder.reset();
        QVERIFY(stopAndWait(*run));
    }
};

QTEST_GUILESS_MAIN(TestHttpTraces)
#include "tst_httptraces.moc"
