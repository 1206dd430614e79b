// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedpattern.h"
#include "linkemulator.h"
#include "metrics.h"
#include "sseclient.h"
#include "testrun.h"
#include "tracequeries.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

FeedPattern* feedOf(Run& run)
{
    return qobject_cast<FeedPattern*>(run.pattern());
}

bool noteStartsWith(const Trace& trace, const QString& prefix)
{
    return std::any_of(
        trace.notes().begin(), trace.notes().end(), [&](const Note& n) { return n.text.startsWith(prefix); });
}

// Stops producing, then waits until every client holds every item produced.
bool drain(Run& run, int timeoutMs = 20000)
{
    FeedPattern* feed = feedOf(run);
    feed->producer()->stop();
    const qint64 last = feed->producer()->lastId();
    return waitUntil(
        [&] {
            return std::all_of(feed->clients().begin(), feed->clients().end(),
                [&](const FeedClient* c) { return c->cursor() == last; });
        },
        timeoutMs);
}

QList<qint64> oneTo(qint64 n)
{
    QList<qint64> ids;
    for (qint64 i = 1; i <= n; ++i)
        ids.append(i);
    return ids;
}

} // namespace

class TestFeedPatterns : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shortPollingAsksPeriodicallyAndGetsEmptyAnswers()
    {
        auto run = startRun(QStringLiteral("short-polling"),
            { QStringLiteral("latency=20ms"), QStringLiteral("poll=200ms"), QStringLiteral("produce=500ms"),
                QStringLiteral("arrivals=fixed") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil([&] { return messagesOf(trace, Message::Kind::HttpRequest).size() >= 12; }, 10000));
        QVERIFY(stopAndWait(*run));

        const auto requests = messagesOf(trace, Message::Kind::HttpRequest);
        for (int i = 1; i < requests.size(); ++i) {
            // One poll every interval: the timer keeps the rhythm whatever the answers take.
            const TimeUs gap = requests.at(i)->sentAt - requests.at(i - 1)->sentAt;
            QVERIFY2(qAbs(gap - 200'000) <= 15'000, qPrintable(QString::number(gap)));
            QVERIFY(requests.at(i)->label.startsWith(QStringLiteral("GET /updates?since=")));
        }
        int empty = 0;
        int full = 0;
        for (const Message* answer : messagesOf(trace, Message::Kind::HttpResponse)) {
            if (answer->label == QStringLiteral("204 No Content · empty")) {
                QVERIFY(!answer->carriesItems());
                ++empty;
            } else {
                QVERIFY2(answer->label.startsWith(QStringLiteral("200 OK · 1 item")), qPrintable(answer->label));
                QVERIFY(answer->carriesItems());
                ++full;
            }
        }
        // An item every 500 ms and a poll every 200 ms: most answers are empty.
        QVERIFY(empty > full);
        QVERIFY(full >= 3);
        QCOMPARE(computeMetrics(trace).emptyAnswers, empty);
    }

    void longPollingHoldsUntilAnItemOrTheTimeout()
    {
        auto run = startRun(QStringLiteral("long-polling"),
            { QStringLiteral("latency=20ms"), QStringLiteral("hold=700ms"), QStringLiteral("produce=1000ms"),
                QStringLiteral("arrivals=poisson") },
            11);
        QVERIFY(run);
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil(
            [&] {
                int timeouts = 0;
                for (const Message* m : messagesOf(trace, Message::Kind::HttpResponse))
                    timeouts += m->label.endsWith(QStringLiteral("timeout"));
                return timeouts >= 2 && computeMetrics(trace).deliveries >= 4;
            },
            20000));
        QVERIFY(stopAndWait(*run));

        QHash<qint64, TimeUs> produced;
        for (const Note& n : trace.notes()) {
            if (n.item >= 0)
                produced.insert(n.item, n.at);
        }
        int endedByItem = 0;
        int endedByTimeout = 0;
        for (const Activation& hold : trace.activations()) {
            QCOMPARE(hold.label, QStringLiteral("holding the poll"));
            if (hold.end == NoTime)
                continue;
            const bool byItem = std::any_of(
                produced.begin(), produced.end(), [&](TimeUs at) { return qAbs(at - hold.end) <= 2'000; });
            if (byItem) {
                ++endedByItem;
            } else if (qAbs(hold.end - hold.start - 700'000) <= 15'000) {
                ++endedByTimeout;
            } else {
                // The only other end: the server let the last poll go when the run stopped.
                QVERIFY(hold.start >= trace.messages().back().sentAt - 1'000'000);
            }
        }
        QVERIFY(endedByItem >= 3);
        QVERIFY(endedByTimeout >= 2);
        // Every 204 is a timeout, but the last, which may be the stopping server's; nothing else
        // comes back empty. Every answer arrives: the client waits for it before it leaves.
        const auto responses = messagesOf(trace, Message::Kind::HttpResponse);
        for (const Message* m : responses) {
            QCOMPARE(m->state, Message::State::Delivered);
            if (httpStatus(*m) != 204)
                QVERIFY(m->carriesItems());
            else if (m != responses.back() || m->label != QStringLiteral("204 No Content · server stopping"))
                QCOMPARE(m->label, QStringLiteral("204 No Content · timeout"));
        }
        // The client asks again at once: each next poll leaves as the previous answer arrives.
        const auto requests = messagesOf(trace, Message::Kind::HttpRequest);
        const auto answers = messagesOf(trace, Message::Kind::HttpResponse);
        for (int i = 0; i + 1 < requests.size() && i < answers.size(); ++i)
            QVERIFY(requests.at(i + 1)->sentAt - answers.at(i)->receivedAt <= 10'000);
    }

    void clientLeavingWhileHeldIsDroppedCleanly()
    {
        auto run = startRun(QStringLiteral("long-polling"),
            { QStringLiteral("latency=10ms"), QStringLiteral("hold=60s"), QStringLiteral("produce=60s"),
                QStringLiteral("retry=50ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        // Nothing to hand out for a minute: the first poll is held.
        QVERIFY(waitUntil([&] { return trace.activations().size() == 1; }));
        run->links()->cutAll();
        QVERIFY(
            waitUntil([&] { return noteStartsWith(trace, QStringLiteral("client left while its poll was held")); }));
        const Activation& hold = trace.activations().front();
        QVERIFY(hold.end != NoTime); // the hold ended when the client went away
        // The client polls again on a new connection and that poll is held in turn.
        QVERIFY(waitUntil([&] { return trace.activations().size() == 2; }));
        QCOMPARE(trace.activations().back().end, NoTime);
        QVERIFY(stopAndWait(*run));
    }

    void sseCarriesManyEventsOnOneRequest()
    {
        auto run = startRun(QStringLiteral("server-sent-events"),
            { QStringLiteral("latency=20ms"), QStringLiteral("produce=100ms"), QStringLiteral("heartbeat=250ms"),
                QStringLiteral("clients=2") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        QVERIFY(waitUntil([&] { return computeMetrics(trace).deliveries >= 20; }, 10000));
        QVERIFY(stopAndWait(*run));

        const auto requests = messagesOf(trace, Message::Kind::HttpRequest);
        QCOMPARE(requests.size(), 2); // one per client, no more
        for (const Message* request : requests) {
            QCOMPARE(request->label, QStringLiteral("GET /events"));
            const auto events = messagesOf(trace, Message::Kind::SseEvent, -1, request->from);
            int items = 0;
            int heartbeats = 0;
            for (const Message* e : events) {
                QCOMPARE(e->connection, request->connection); // all on the one connection
                QCOMPARE(e->state, Message::State::Delivered);
                items += e->carriesItems();
                heartbeats += e->label == QStringLiteral(": heartbeat");
            }
            QVERIFY(items >= 10);
            QVERIFY(heartbeats >= 1);
        }
        const auto headers = messagesOf(trace, Message::Kind::HttpResponse);
        QCOMPARE(headers.size(), 2);
        QVERIFY(headers.at(0)->label.startsWith(QStringLiteral("200 OK · event stream")));
    }

    void noItemLostOrRepeatedAcrossCuts_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QStringList>("extra");
        QTest::addRow("short-polling") << QStringLiteral("short-polling")
                                       << QStringList { QStringLiteral("poll=60ms") };
        QTest::addRow("long-polling") << QStringLiteral("long-polling")
                                      << QStringList { QStringLiteral("hold=400ms"), QStringLiteral("retry=50ms") };
        QTest::addRow("server-sent-events")
            << QStringLiteral("server-sent-events") << QStringList { QStringLiteral("retry=50ms") };
    }

    void noItemLostOrRepeatedAcrossCuts()
    {
        QFETCH(QString, pattern);
        QFETCH(QStringList, extra);
        auto run = startRun(pattern,
            QStringList { QStringLiteral("latency=15ms"), QStringLiteral("produce=40ms"), QStringLiteral("clients=3") }
                + extra);
        QVERIFY(run);
        const Trace& trace = *run->trace();

        // Cut every link seven times, 250 ms apart, while items keep coming.
        QVERIFY(cutRepeatedly(*run, {}, 7, 250));
        QVERIFY(drain(*run));
        QVERIFY(stopAndWait(*run));

        qsizetype cutConnections = 0;
        for (const Connection& c : trace.connections())
            cutConnections += c.closeReason == QStringLiteral("cut");
        QVERIFY2(cutConnections >= 5, qPrintable(QString::number(cutConnections)));
        const qint64 last = feedOf(*run)->producer()->lastId();
        QVERIFY(last >= 30);
        for (const FeedClient* client : feedOf(*run)->clients())
            QCOMPARE(client->receivedItems(), oneTo(last));
        QVERIFY(!noteStartsWith(trace, QStringLiteral("items ")));
        const Metrics metrics = computeMetrics(trace);
        QCOMPARE(metrics.duplicates, 0);
        QCOMPARE(metrics.deliveries, 3 * last);
    }

    void sseReconnectSendsTheLastIdReceived()
    {
        auto run = startRun(QStringLiteral("server-sent-events"),
            { QStringLiteral("latency=10ms"), QStringLiteral("produce=50ms"), QStringLiteral("retry=100ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        FeedClient* client = feedOf(*run)->clients().constFirst();
        for (int cut = 0; cut < 5; ++cut) {
            const qint64 before = client->cursor();
            QVERIFY(waitUntil([&] { return client->cursor() >= before + 3; }));
            const qint64 atCut = client->cursor();
            run->links()->cutAll();
            QVERIFY(waitUntil([&] { return messagesOf(trace, Message::Kind::HttpRequest).size() == cut + 2; }));
            // The client had nothing newer than atCut when it reconnected... unless an event was
            // already in its buffer; either way the header names exactly its cursor.
            const Message* reconnect = messagesOf(trace, Message::Kind::HttpRequest).constLast();
            QCOMPARE(reconnect->label, QStringLiteral("GET /events · Last-Event-ID: %1").arg(client->cursor()));
            QVERIFY(client->cursor() >= atCut);
            QVERIFY(noteStartsWith(trace, QStringLiteral("reconnecting in 100 ms")));
        }
        QVERIFY(drain(*run));
        QVERIFY(stopAndWait(*run));
        QCOMPARE(client->receivedItems(), oneTo(feedOf(*run)->producer()->lastId()));
    }

    void sseClientStopsReconnectingOn204()
    {
        // A server that wants no more events says so with 204; the client must not come back.
        Trace trace;
        const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        HttpServer http;
        int requests = 0;
        http.setHandler([&](const HttpRequest&, std::shared_ptr<HttpExchange> exchange) {
            ++requests;
            exchange->respond(204, {}, {});
        });
        QVERIFY(http.listenLocal());
        SseClient sse(&trace, client, server, http.port(), 1, [](const QString&) { return qint64(10); });
        QSignalSpy stopped(&sse, &FeedClient::stopped);
        sse.start();
        QVERIFY(waitUntil([&] { return stopped.count() == 1; }));
        QVERIFY(noteStartsWith(trace, QStringLiteral("server answered 204: not reconnecting")));
        QCOMPARE(requests, 1);
    }

    void deliveryDelayMatchesTheory_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<qint64>("expectedMeanMs");
        QTest::addColumn<qint64>("toleranceMs");
        // Latency L = 60 ms. Short polling with P = 600 ms: an item waits for the next poll to reach
        // the server (uniform over P, shifted by L) and then for the answer (L): mean L + P/2 = 360 ms.
        // With about 40 items the standard error of the mean is P/sqrt(12)/sqrt(40) = 27 ms, so
        // ±90 ms is over three standard errors.
        QTest::addRow("short-polling") << QStringLiteral("short-polling")
                                       << QStringList { QStringLiteral("poll=600ms") } << qint64(360) << qint64(90);
        // Long polling: the held request is answered when the item appears and arrives L later; an
        // item born while the next poll is still on its way waits for it (up to 2L more), so the mean
        // lies between L and 2L.
        QTest::addRow("long-polling") << QStringLiteral("long-polling") << QStringList { QStringLiteral("hold=5s") }
                                      << qint64(90) << qint64(30);
        // SSE: every item goes straight down the open stream: L, plus event-loop noise.
        QTest::addRow("server-sent-events")
            << QStringLiteral("server-sent-events") << QStringList {} << qint64(60) << qint64(10);
    }

    void deliveryDelayMatchesTheory()
    {
        QFETCH(QString, pattern);
        QFETCH(QStringList, extra);
        QFETCH(qint64, expectedMeanMs);
        QFETCH(qint64, toleranceMs);
        auto run = startRun(pattern,
            QStringList {
                QStringLiteral("latency=60ms"), QStringLiteral("produce=250ms"), QStringLiteral("arrivals=poisson") }
                + extra,
            5);
        QVERIFY(run);
        QVERIFY(waitUntil([&] { return feedOf(*run)->producer()->lastId() >= 40; }, 30000));
        QVERIFY(drain(*run));
        QVERIFY(stopAndWait(*run));
        const Metrics metrics = computeMetrics(*run->trace());
        QCOMPARE(metrics.delivery.count, metrics.itemsProduced);
        const qint64 meanMs = metrics.delivery.mean / 1000;
        QVERIFY2(qAbs(meanMs - expectedMeanMs) <= toleranceMs,
            qPrintable(QStringLiteral("mean %1 ms, p50 %2 ms, p95 %3 ms")
                           .arg(meanMs)
                           .arg(metrics.delivery.p50 / 1000)
                           .arg(metrics.delivery.p95 / 1000)));
        // Nothing can arrive faster than the wire.
        QVERIFY(metrics.delivery.p50 >= 59'000);
        QVERIFY(metrics.delivery.p50 <= metrics.delivery.p95);
        QVERIFY(metrics.delivery.p95 <= metrics.delivery.max);
    }

    void abusiveClientsAreStoppedAtTheDoor_data()
    {
        QTest::addColumn<QByteArray>("opening"); // what the client sends at once
        QTest::addColumn<bool>("trickle"); // then one byte every 100 ms, never finishing its headers
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("note");
        QTest::addRow("body over the limit")
            << QByteArray("POST /updates HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n") << false << 413
            << QStringLiteral("413 Payload Too Large: ");
        QTest::addRow("headers one byte at a time") << QByteArray("GET /updates?since=0 HTTP/1.1\r\n") << true << 408
                                                    << QStringLiteral("408 Request Timeout: ");
        QTest::addRow("not HTTP at all") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03") << false << 400
                                         << QStringLiteral("400 Bad Request: ");
    }

    void abusiveClientsAreStoppedAtTheDoor()
    {
        QFETCH(QByteArray, opening);
        QFETCH(bool, trickle);
        QFETCH(int, status);
        QFETCH(QString, note);
        auto run = startRun(QStringLiteral("short-polling"),
            { QStringLiteral("latency=10ms"), QStringLiteral("produce=100ms"), QStringLiteral("poll=50ms") });
        QVERIFY(run);
        HttpLimits limits = feedOf(*run)->httpServer()->limits();
        limits.headerTimeoutMs = 400;
        feedOf(*run)->httpServer()->setLimits(limits);

        QTcpSocket abuser;
        QByteArray answer;
        connect(&abuser, &QTcpSocket::readyRead, this, [&] { answer += abuser.readAll(); });
        abuser.connectToHost(QHostAddress::LocalHost, feedOf(*run)->serverPort());
        QVERIFY(abuser.waitForConnected(5000));
        abuser.write(opening);
        QTimer dripper;
        connect(&dripper, &QTimer::timeout, this, [&] { abuser.write("X"); });
        if (trickle)
            dripper.start(100);
        QVERIFY(waitUntil([&] {
            return answer.startsWith(QByteArray(QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status)));
        }));
        QVERIFY(waitUntil([&] { return abuser.state() == QAbstractSocket::UnconnectedState; }));
        dripper.stop();
        QVERIFY(noteStartsWith(*run->trace(), note));
        // Meanwhile the run's own client went on being served.
        const qint64 cursor = feedOf(*run)->clients().constFirst()->cursor();
        QVERIFY(waitUntil([&] { return feedOf(*run)->clients().constFirst()->cursor() >= cursor + 2; }));
        QVERIFY(stopAndWait(*run));
    }

    void badRequestsAreAnsweredAndOthersKeepBeingServed_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("note");
        QTest::addRow("short: malformed since")
            << QStringLiteral("short-polling") << QStringLiteral("/updates?since=abc") << QByteArray() << 400
            << QStringLiteral("400 Bad Request: since must be");
        QTest::addRow("short: negative since")
            << QStringLiteral("short-polling") << QStringLiteral("/updates?since=-4") << QByteArray() << 400
            << QStringLiteral("400 Bad Request: since must be");
        QTest::addRow("short: unknown path")
            << QStringLiteral("short-polling") << QStringLiteral("/admin") << QByteArray() << 404
            << QStringLiteral("404 Not Found: unknown path /admin");
        QTest::addRow("long: malformed since")
            << QStringLiteral("long-polling") << QStringLiteral("/poll?since=1x") << QByteArray() << 400
            << QStringLiteral("400 Bad Request: since must be");
        QTest::addRow("sse: bad Last-Event-ID")
            << QStringLiteral("server-sent-events") << QStringLiteral("/events") << QByteArray("abc") << 400
            << QStringLiteral("400 Bad Request: Last-Event-ID must be");
    }

    void badRequestsAreAnsweredAndOthersKeepBeingServed()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, target);
        QFETCH(QByteArray, header);
        QFETCH(int, status);
        QFETCH(QString, note);
        auto run = startRun(pattern, { QStringLiteral("latency=10ms"), QStringLiteral("produce=100ms") });
        QVERIFY(run);
        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(feedOf(*run)->serverPort()).arg(target)));
        if (!header.isEmpty())
            request.setRawHeader("Last-Event-ID", header);
        QNetworkReply* reply = nam.get(request);
        QVERIFY(waitUntil([&] { return reply->isFinished(); }));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), status);
        QVERIFY(!reply->readAll().isEmpty()); // the body says what was wrong
        reply->deleteLater();
        QVERIFY(noteStartsWith(*run->trace(), note));
        // The run's own client goes on getting items.
        const qint64 cursor = feedOf(*run)->clients().constFirst()->cursor();
        QVERIFY(waitUntil([&] { return feedOf(*run)->clients().constFirst()->cursor() >= cursor + 3; }));
        QVERIFY(stopAndWait(*run));
    }
};

QTEST_GUILESS_MAIN(TestFeedPatterns)
#include "tst_feedpatterns.moc"
