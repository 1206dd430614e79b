// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedpattern.h"
#include "testrun.h"
#include "tracequeries.h"
#include "websocketenvelope.h"
#include "websockets.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <QTimer>

using namespace PatternScope;
using namespace PatternScope::Test;

// A client far behind gets every item the history still holds, in order, in as many sends as it
// takes, then the live ones; what the history no longer holds is named in the protocol (a gap) and
// in the trace, never skipped in silence. The backlogs here are made with a burst of production
// before the first request reaches the server (the link's latency sees to that).
namespace {

using Gaps = QList<QPair<qint64, qint64>>;

FeedPattern* feedOf(Run& run)
{
    return qobject_cast<FeedPattern*>(run.pattern());
}

WebSockets* wsOf(Run& run)
{
    return qobject_cast<WebSockets*>(run.pattern());
}

QList<qint64> range(qint64 first, qint64 last)
{
    QList<qint64> ids;
    for (qint64 i = first; i <= last; ++i)
        ids.append(i);
    return ids;
}

// The items the server's messages to `client` carried, in the order they were sent.
QList<qint64> itemsSent(const Trace& trace, int server, int client, Message::Kind kind)
{
    QList<qint64> ids;
    for (const Message* m : messagesOf(trace, kind, server, client)) {
        if (m->carriesItems())
            ids.append(m->firstItem);
    }
    return ids;
}

QStringList settings(const QString& extra)
{
    // Nothing is produced on schedule: every item comes from a burst.
    return { QStringLiteral("latency=10ms"), QStringLiteral("produce=600s"), extra };
}

// The two polling patterns: where they answer, and a poll interval far longer than a test may take,
// so pages that come one right after another can only come from "ask again at once".
void pollingPatterns()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("interval");
    QTest::addRow("short-polling") << QStringLiteral("short-polling") << QStringLiteral("/updates")
                                   << QStringLiteral("poll=600s");
    QTest::addRow("long-polling") << QStringLiteral("long-polling") << QStringLiteral("/poll")
                                  << QStringLiteral("hold=600s");
}

} // namespace

class TestResume : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void webSocketReplaysEverythingHeldInOrderThenLive()
    {
        auto run = startRun(QStringLiteral("websockets"),
            settings(QStringLiteral("history=5000"))
                + QStringList { QStringLiteral("ping=0ms"), QStringLiteral("send=0ms") });
        QVERIFY(run);
        WebSockets* ws = wsOf(*run);
        ws->producer()->produceNow(2500);
        // New items while the backlog is still going out must come after it.
        bool liveDuringReplay = false;
        connect(ws->hub(), &WebSocketHub::peerConnected, this, [&] {
            QTimer::singleShot(0, this, [&] {
                liveDuringReplay = ws->lastItem(ws->clients().constFirst()) < 2500;
                ws->producer()->produceNow(10);
            });
        });
        WebSocketClient* client = ws->clients().constFirst();
        QVERIFY(waitUntil([&] { return ws->lastItem(client) == 2510; }, 20000));
        QVERIFY(liveDuringReplay);
        QVERIFY(stopAndWait(*run));

        const Trace& trace = *run->trace();
        QCOMPARE(itemsSent(trace, ws->serverId(), client->participant(), Message::Kind::WsText), range(1, 2510));
        QVERIFY(!hasNote(trace, QStringLiteral("missing")));
        QVERIFY(!hasNote(trace, QStringLiteral("already had it")));
        QVERIFY(ws->gaps(client).isEmpty());
    }

    void webSocketNamesTheGapTheHistoryLetGo()
    {
        auto run = startRun(QStringLiteral("websockets"),
            settings(QStringLiteral("history=100"))
                + QStringList { QStringLiteral("ping=0ms"), QStringLiteral("send=0ms") });
        QVERIFY(run);
        WebSockets* ws = wsOf(*run);
        ws->producer()->produceNow(300);
        WebSocketClient* client = ws->clients().constFirst();
        QVERIFY(waitUntil([&] { return ws->lastItem(client) == 300; }));
        QVERIFY(stopAndWait(*run));

        QCOMPARE(ws->gaps(client), (Gaps { { 1, 200 } }));
        const Trace& trace = *run->trace();
        const auto frames = messagesOf(trace, Message::Kind::WsText, ws->serverId());
        QVERIFY(!frames.isEmpty());
        QCOMPARE(frames.first()->label, QStringLiteral("gap · items 1–200 no longer kept"));
        const QJsonObject gap = envelopeOf(frames.first()->bodyPreview());
        QCOMPARE(gap.value(QStringLiteral("type")).toString(), QStringLiteral("gap"));
        QCOMPARE(gap.value(QStringLiteral("from")).toInteger(), 1);
        QCOMPARE(gap.value(QStringLiteral("to")).toInteger(), 200);
        QCOMPARE(itemsSent(trace, ws->serverId(), client->participant(), Message::Kind::WsText), range(201, 300));
        QVERIFY(hasNote(trace, QStringLiteral("items 1–200 are no longer kept: Client is told (gap)")));
        QVERIFY(hasNote(trace, QStringLiteral("items 1–200 are gone from the server's history")));
        QVERIFY(!hasNote(trace, QStringLiteral("missing")));
    }

    void eventStreamReplaysBeyondTenThousand()
    {
        auto run = startRun(QStringLiteral("server-sent-events"), settings(QStringLiteral("history=20000")));
        QVERIFY(run);
        FeedPattern* feed = feedOf(*run);
        feed->producer()->produceNow(12'000);
        FeedClient* client = feed->clients().constFirst();
        QVERIFY(waitUntil([&] { return client->cursor() == 12'000; }, 60000));
        feed->producer()->produceNow(2);
        QVERIFY(waitUntil([&] { return client->cursor() == 12'002; }));
        QVERIFY(stopAndWait(*run));

        QCOMPARE(client->receivedItems(), range(1, 12'002));
        QVERIFY(client->gaps().isEmpty());
        const Trace& trace = *run->trace();
        QCOMPARE(messagesOf(trace, Message::Kind::HttpRequest).size(), 1); // one stream did it all
        // Unnamed events, which is what a browser's EventSource.onmessage hears.
        const auto events = messagesOf(trace, Message::Kind::SseEvent, feed->serverId());
        const auto first
            = std::find_if(events.begin(), events.end(), [](const Message* m) { return m->carriesItems(); });
        QVERIFY(first != events.end());
        QCOMPARE((*first)->label, QStringLiteral("event: message · id 1"));
        QVERIFY(!(*first)->bodyPreview().contains("event:"));
    }

    void eventStreamNamesTheGapTheHistoryLetGo()
    {
        auto run = startRun(QStringLiteral("server-sent-events"),
            settings(QStringLiteral("history=100")) + QStringList { QStringLiteral("event-name=price") });
        QVERIFY(run);
        FeedPattern* feed = feedOf(*run);
        feed->producer()->produceNow(300);
        FeedClient* client = feed->clients().constFirst();
        QVERIFY(waitUntil([&] { return client->cursor() == 300; }));
        QVERIFY(stopAndWait(*run));

        QCOMPARE(client->gaps(), (Gaps { { 1, 200 } }));
        QCOMPARE(client->receivedItems(), range(201, 300));
        const Trace& trace = *run->trace();
        const auto events = messagesOf(trace, Message::Kind::SseEvent, feed->serverId());
        QVERIFY(events.size() >= 101);
        QCOMPARE(events.at(0)->label, QStringLiteral("event: gap · items 1–200 no longer kept"));
        QCOMPARE(events.at(0)->bodyPreview(), QByteArray("id: 200\nevent: gap\ndata: {\"from\":1,\"to\":200}\n\n"));
        QCOMPARE(events.at(0)->state, Message::State::Delivered);
        // Asked for, items are named events.
        QCOMPARE(events.at(1)->label, QStringLiteral("event: price · id 201"));
        QVERIFY(events.at(1)->bodyPreview().startsWith("id: 201\nevent: price\ndata: "));
        QVERIFY(hasNote(trace, QStringLiteral("items 1–200 are no longer kept: Client is told (gap)")));
        QVERIFY(!hasNote(trace, QStringLiteral("missed")));
    }

    void eventStreamResumesFromSinceInTheQuery()
    {
        auto run = startRun(QStringLiteral("server-sent-events"), settings(QStringLiteral("history=1000")));
        QVERIFY(run);
        FeedPattern* feed = feedOf(*run);
        feed->producer()->produceNow(40);
        QNetworkAccessManager nam;
        QNetworkReply* reply = nam.get(
            QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/events?since=30").arg(feed->serverPort()))));
        QByteArray body;
        connect(reply, &QNetworkReply::readyRead, this, [&] { body += reply->readAll(); });
        QVERIFY(waitUntil([&] { return body.contains("\"id\":40"); }));
        QVERIFY(body.contains("id: 31\ndata: {\"data\":"));
        QVERIFY(!body.contains("id: 30\n"));
        reply->abort();
        reply->deleteLater();
        QVERIFY(stopAndWait(*run));
    }

    void pollingAnswersInPagesAndTheClientAsksAgainAtOnce_data() { pollingPatterns(); }

    void pollingAnswersInPagesAndTheClientAsksAgainAtOnce()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, interval);
        auto run = startRun(pattern, settings(QStringLiteral("history=5000")) + QStringList { interval });
        QVERIFY(run);
        FeedPattern* feed = feedOf(*run);
        feed->producer()->produceNow(2500);
        FeedClient* client = feed->clients().constFirst();
        QVERIFY(waitUntil([&] { return client->cursor() == 2500; }, 20000));
        QVERIFY(stopAndWait(*run));

        QCOMPARE(client->receivedItems(), range(1, 2500));
        const Trace& trace = *run->trace();
        const auto answers = messagesOf(trace, Message::Kind::HttpResponse);
        QVERIFY(answers.size() >= 3);
        QCOMPARE(answers.at(0)->label, QStringLiteral("200 OK · 1000 items · more waiting"));
        QCOMPARE(answers.at(1)->label, QStringLiteral("200 OK · 1000 items · more waiting"));
        QCOMPARE(answers.at(2)->label, QStringLiteral("200 OK · 500 items"));
        const auto requests = messagesOf(trace, Message::Kind::HttpRequest);
        QVERIFY(requests.size() >= 3);
        QVERIFY(requests.at(1)->label.endsWith(QStringLiteral("?since=1000")));
        QVERIFY(requests.at(2)->label.endsWith(QStringLiteral("?since=2000")));
    }

    void pollAnswerSaysWhetherMoreWait_data() { pollingPatterns(); }

    void pollAnswerSaysWhetherMoreWait()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        auto run = startRun(pattern, settings(QStringLiteral("history=5000")));
        QVERIFY(run);
        FeedPattern* feed = feedOf(*run);
        feed->producer()->produceNow(2500);
        QNetworkAccessManager nam;
        const auto ask = [&](qint64 since) {
            QNetworkReply* reply = nam.get(QNetworkRequest(
                QUrl(QStringLiteral("http://127.0.0.1:%1%2?since=%3").arg(feed->serverPort()).arg(path).arg(since))));
            if (!waitUntil([&] { return reply->isFinished(); }))
                return QJsonObject();
            reply->deleteLater();
            return QJsonDocument::fromJson(reply->readAll()).object();
        };
        const QJsonObject first = ask(0);
        QCOMPARE(first.value(QStringLiteral("items")).toArray().size(), FeedPattern::kPageItems);
        QCOMPARE(first.value(QStringLiteral("more")).toBool(), true);
        QCOMPARE(first.value(QStringLiteral("next")).toInteger(), 1000);
        QVERIFY(!first.contains(QStringLiteral("gap")));
        const QJsonObject last = ask(2000);
        QCOMPARE(last.value(QStringLiteral("items")).toArray().size(), 500);
        QCOMPARE(
            last.value(QStringLiteral("items")).toArray().first().toObject().value(QStringLiteral("id")).toInteger(),
            2001);
        QCOMPARE(last.value(QStringLiteral("more")).toBool(), false);
        QCOMPARE(last.value(QStringLiteral("next")).toInteger(), 2500);
        QVERIFY(stopAndWait(*run));
    }

    void pollingAnswerNamesTheGap_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addRow("short-polling") << QStringLiteral("short-polling");
        QTest::addRow("long-polling") << QStringLiteral("long-polling");
    }

    void pollingAnswerNamesTheGap()
    {
        QFETCH(QString, pattern);
        auto run = startRun(pattern, settings(QStringLiteral("history=100")));
        QVERIFY(run);
        FeedPattern* feed = feedOf(*run);
        feed->producer()->produceNow(300);
        FeedClient* client = feed->clients().constFirst();
        QVERIFY(waitUntil([&] { return client->cursor() == 300; }));
        QVERIFY(stopAndWait(*run));

        QCOMPARE(client->gaps(), (Gaps { { 1, 200 } }));
        QCOMPARE(client->receivedItems(), range(201, 300));
        const Trace& trace = *run->trace();
        const Message* answer = messagesOf(trace, Message::Kind::HttpResponse).constFirst();
        QCOMPARE(answer->label, QStringLiteral("200 OK · gap 1–200 · 100 items"));
        // The gap comes first in the body (keys are in order), so the preview holds it.
        QVERIFY2(answer->bodyPreview().startsWith("{\"gap\":{\"from\":1,\"to\":200},\"items\":[{\"data\":"),
            answer->bodyPreview().left(80).constData());
        QVERIFY(hasNote(trace, QStringLiteral("items 1–200 are no longer kept: Client is told (gap)")));
        QVERIFY(!hasNote(trace, QStringLiteral("missed")));
    }
};

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
