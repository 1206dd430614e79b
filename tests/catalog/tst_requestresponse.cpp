// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpserver.h"
#include "linkemulator.h"
#include "messages.h"
#include "requestresponse.h"
#include "run.h"
#include "testrun.h"
#include "traceparent.h"
#include "tracequeries.h"
#include "waituntil.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

std::unique_ptr<Run> startRun(const QStringList& assignments)
{
    return PatternScope::Test::startRun(QStringLiteral("request-response"), assignments);
}

} // namespace

class TestRequestResponse : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyRequestIsAnsweredAndCorrelated()
    {
        auto run = startRun(
            { QStringLiteral("latency=100ms"), QStringLiteral("processing=50ms"), QStringLiteral("interval=0ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil([&] { return deliveredCount(trace, Message::Kind::HttpResponse) >= 4; }, 10000));
        QVERIFY(stopAndWait(*run));

        QList<const Message*> requests;
        QHash<QString, const Message*> responses;
        for (const Message& m : trace.messages()) {
            if (m.kind == Message::Kind::HttpRequest)
                requests.append(&m);
            else if (m.kind == Message::Kind::HttpResponse)
                responses.insert(m.correlation, &m);
        }
        QVERIFY(requests.size() >= 4);
        // Stopping lets the last exchange finish: nothing is left in flight or lost.
        QCOMPARE(requests.size(), responses.size());
        int job = 0;
        for (const Message* request : std::as_const(requests)) {
            ++job;
            QCOMPARE(request->label, QStringLiteral("GET /work/%1").arg(job));
            QCOMPARE(request->state, Message::State::Delivered);
            QCOMPARE(request->from, 0);
            QCOMPARE(request->to, 1);
            QVERIFY(request->bytes > 100); // the request line and headers as they crossed the socket
            const Message* response = responses.value(request->correlation);
            QVERIFY2(response, qPrintable(request->correlation));
            QCOMPARE(response->state, Message::State::Delivered);
            QVERIFY(response->label.startsWith(QStringLiteral("200 OK · ")));
            QVERIFY(response->sentAt > request->receivedAt);
            QCOMPARE(response->connection, request->connection);
            // The W3C traceparent carries the correlation both ways.
            TraceParent sent;
            QVERIFY(TraceParent::parse(request->headers().value(0).second, &sent));
            QCOMPARE(QString::fromLatin1(sent.traceId), request->correlation);
            // One-way delays are the link's latency, plus a little for the event loop.
            QVERIFY2(isLinkDelay(request->oneWayDelay(), 100'000), qPrintable(QString::number(request->oneWayDelay())));
            QVERIFY2(
                isLinkDelay(response->oneWayDelay(), 100'000), qPrintable(QString::number(response->oneWayDelay())));
        }
        // Synchronous: a request goes out only after the previous answer came back.
        for (int i = 1; i < requests.size(); ++i) {
            const Message* previousAnswer = responses.value(requests.at(i - 1)->correlation);
            QVERIFY(requests.at(i)->sentAt >= previousAnswer->receivedAt);
        }
        // Processing shows as an activation on the server, as long as the processing time.
        QCOMPARE(trace.activations().size(), size_t(requests.size()));
        for (const Activation& a : trace.activations()) {
            QCOMPARE(a.participant, 1);
            QVERIFY2(
                a.end - a.start >= 49'000 && a.end - a.start <= 60'000, qPrintable(QString::number(a.end - a.start)));
        }
        // All of it went over one kept-alive connection, which the client closed when the run stopped;
        // the sizes recorded per message add up to what the link counted on the wire.
        QCOMPARE(trace.connections().size(), size_t(1));
        const Connection& connection = trace.connections().front();
        QCOMPARE(connection.closeReason, QStringLiteral("client"));
        qint64 up = 0;
        qint64 down = 0;
        for (const Message& m : trace.messages()) {
            up += m.kind == Message::Kind::HttpRequest ? m.bytes : 0;
            down += m.kind == Message::Kind::HttpResponse ? m.bytes : 0;
        }
        QCOMPARE(connection.bytesUp, up);
        QCOMPARE(connection.bytesDown, down);
        QCOMPARE(trace.messages().back().kind, Message::Kind::Close);
    }

    void bodyIsPosted()
    {
        auto run = startRun({ QStringLiteral("latency=10ms"), QStringLiteral("processing=0ms"),
            QStringLiteral("interval=0ms"), QStringLiteral("body=1KiB") });
        QVERIFY(run);
        QVERIFY(waitUntil([&] { return deliveredCount(*run->trace(), Message::Kind::HttpResponse) >= 1; }));
        QVERIFY(stopAndWait(*run));
        const Message& request = *messagesOf(*run->trace(), Message::Kind::HttpRequest).front();
        QCOMPARE(request.label, QStringLiteral("POST /work/1 · 1024 B"));
        QVERIFY(request.bytes > 1024);
        QCOMPARE(request.bodyPreview().size(), 256);
    }

    void latencyChangesLive()
    {
        auto run = startRun(
            { QStringLiteral("latency=20ms"), QStringLiteral("processing=0ms"), QStringLiteral("interval=0ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil([&] { return deliveredCount(trace, Message::Kind::HttpResponse) >= 2; }));
        QVERIFY(run->setParameter(QStringLiteral("latency"), 120));
        const qint64 changedAt = trace.now();
        QVERIFY(waitUntil(
            [&] {
                int late = 0;
                for (const Message& m : trace.messages())
                    late += m.kind == Message::Kind::HttpResponse && m.sentAt > changedAt
                        && m.state == Message::State::Delivered;
                return late >= 2;
            },
            10000));
        QVERIFY(stopAndWait(*run));
        const Message& last = *std::find_if(trace.messages().rbegin(), trace.messages().rend(), [](const Message& m) {
            return m.kind == Message::Kind::HttpResponse && m.state == Message::State::Delivered;
        });
        QVERIFY2(qAbs(last.oneWayDelay() - 120'000) <= 10'000, qPrintable(QString::number(last.oneWayDelay())));
        QString error;
        QVERIFY(!run->setParameter(QStringLiteral("latency"), 99'999, &error));
        QVERIFY(error.contains(QStringLiteral("out of range")));
    }

    void cutDuringProcessingIsRecoveredOnANewConnection()
    {
        auto run = startRun(
            { QStringLiteral("latency=50ms"), QStringLiteral("processing=300ms"), QStringLiteral("interval=0ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        // Cut while the server is processing the first request: its answer can never arrive.
        QVERIFY(waitUntil([&] { return trace.activations().size() == 1; }));
        run->links()->cutAll();
        QVERIFY(waitUntil([&] { return deliveredCount(trace, Message::Kind::HttpResponse) >= 1; }, 10000));
        QVERIFY(stopAndWait(*run));

        const Message& first = *messagesOf(trace, Message::Kind::HttpRequest).front();
        QCOMPARE(first.state, Message::State::Delivered); // it had arrived before the cut
        bool noted = false;
        for (const Note& n : trace.notes())
            noted = noted || n.text == QStringLiteral("client went away before the answer");
        QVERIFY(noted);
        // Qt's HTTP client re-sends a GET once when its connection breaks; the server records the copy
        // with the time the link saw it leave the client, so its arrow slants by the latency too.
        const auto again = std::find_if(trace.messages().begin(), trace.messages().end(), [&](const Message& m) {
            return m.seq != first.seq && m.correlation == first.correlation && m.kind == Message::Kind::HttpRequest;
        });
        QVERIFY(again != trace.messages().end());
        QCOMPARE(again->label, QStringLiteral("GET /work/1 (sent again)"));
        QVERIFY2(qAbs(again->oneWayDelay() - 50'000) <= 10'000, qPrintable(QString::number(again->oneWayDelay())));
        QVERIFY(again->connection != first.connection);
        const qint64 answer = trace.findInFlight(first.correlation, 0);
        QCOMPARE(answer, -1); // the answer to the copy arrived
        QCOMPARE(trace.connections().at(0).closeReason, QStringLiteral("cut"));
        // A new connection carried the next, successful exchange.
        QVERIFY(trace.connections().size() >= 2);
    }

    void headIsAnsweredWithHeadersOnly()
    {
        auto run = startRun(
            { QStringLiteral("latency=0ms"), QStringLiteral("interval=60s"), QStringLiteral("processing=0ms") });
        QVERIFY(run);
        auto* pattern = qobject_cast<RequestResponse*>(run->pattern());
        QVERIFY(pattern);
        QTcpSocket socket;
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, pattern->serverPort());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("HEAD /work/9 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QVERIFY(waitUntil([&] { return received.contains("\r\n\r\n"); }));
        const qsizetype headEnd = received.indexOf("\r\n\r\n") + 4;
        QVERIFY(received.startsWith("HTTP/1.1 200"));
        QVERIFY(received.left(headEnd).contains("Content-Length: "));
        // Whatever follows on the kept-alive connection must be the next answer, not a stray body.
        socket.write("GET /work/10 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QVERIFY(waitUntil([&] { return received.endsWith("}"); }));
        QVERIFY2(received.mid(headEnd).startsWith("HTTP/1.1 200"), received.constData());
        QVERIFY(received.mid(headEnd).contains("\"job\":10"));
        QVERIFY(!received.contains("\"job\":9"));
        QVERIFY(stopAndWait(*run));
    }

    void unknownPathIsAnswered404()
    {
        auto run = startRun({ QStringLiteral("latency=0ms"), QStringLiteral("interval=60s") });
        QVERIFY(run);
        auto* pattern = qobject_cast<RequestResponse*>(run->pattern());
        QVERIFY(pattern);
        QNetworkAccessManager nam;
        QNetworkReply* reply
            = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/nowhere").arg(pattern->serverPort()))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(waitUntil([&] { return done.count() == 1; }));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
        reply->deleteLater();
        // Recorded as it arrived, with its own 404 answer.
        bool seen = false;
        for (const Message& m : run->trace()->messages())
            seen = seen || (m.kind == Message::Kind::HttpResponse && m.fields.status == 404);
        QVERIFY(seen);
        QVERIFY(stopAndWait(*run));
    }
};

QTEST_GUILESS_MAIN(TestRequestResponse)
#include "traceparent.h"
#include "tst_requestresponse.moc"
