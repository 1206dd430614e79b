// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkemulator.h"
#include "metrics.h"
#include "testrun.h"
#include "tracequeries.h"
#include "websockets.h"

#include <QTest>
#include <QTimer>
#include <QWebSocket>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

WebSockets* wsOf(Run& run)
{
    return qobject_cast<WebSockets*>(run.pattern());
}

} // namespace

class TestWebSockets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handshakeMessagesBothWaysPingsAndClose()
    {
        auto run = startRun(QStringLiteral("websockets"),
            { QStringLiteral("latency=20ms"), QStringLiteral("produce=100ms"), QStringLiteral("arrivals=fixed"),
                QStringLiteral("ping=150ms"), QStringLiteral("send=200ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        const int server = wsOf(*run)->serverId();
        QVERIFY(waitUntil([&] {
            return deliveredCount(messagesOf(trace, Message::Kind::WsPong)) >= 2
                && deliveredCount(messagesOf(trace, Message::Kind::WsText, server)) >= 4
                && messagesOf(trace, Message::Kind::WsText).size()
                    - messagesOf(trace, Message::Kind::WsText, server).size()
                >= 2;
        }));
        QVERIFY(stopAndWait(*run));

        // The upgrade: a GET asking for it, answered 101, both crossing the link one latency apart.
        const auto requests = messagesOf(trace, Message::Kind::HttpRequest);
        const auto answers = messagesOf(trace, Message::Kind::HttpResponse);
        QCOMPARE(requests.size(), 1);
        QCOMPARE(answers.size(), 1);
        QVERIFY2(requests.first()->label.startsWith(QStringLiteral("GET /feed?since=0")),
            qPrintable(requests.first()->label));
        QVERIFY(requests.first()->label.endsWith(QStringLiteral("Upgrade: websocket")));
        QVERIFY(!headerOf(*requests.first(), "Sec-WebSocket-Key").isEmpty());
        QCOMPARE(answers.first()->label, QStringLiteral("101 Switching Protocols"));
        QVERIFY(!headerOf(*answers.first(), "Sec-WebSocket-Accept").isEmpty());
        QVERIFY(requests.first()->oneWayDelay() >= 20'000);
        QVERIFY(answers.first()->sentAt >= requests.first()->receivedAt);

        // Server pushes carry items in order, each one latency on the way; the client's messages go up.
        const auto pushes = messagesOf(trace, Message::Kind::WsText, server);
        for (int i = 0; i < pushes.size(); ++i) {
            QCOMPARE(pushes.at(i)->firstItem, qint64(i + 1));
            QVERIFY(pushes.at(i)->label.startsWith(QStringLiteral("item %1 · price").arg(i + 1)));
            QVERIFY(pushes.at(i)->sentAt > answers.first()->sentAt);
            if (pushes.at(i)->state == Message::State::Delivered)
                QVERIFY(pushes.at(i)->oneWayDelay() >= 20'000);
        }
        const int client = requests.first()->from;
        const auto chats = messagesOf(trace, Message::Kind::WsText, client);
        QVERIFY(chats.size() >= 2);
        QCOMPARE(chats.first()->label, QStringLiteral("chat 1 · hello 1"));

        // Each ping is answered by a pong with its payload, sent only after the ping arrived.
        const auto pings = messagesOf(trace, Message::Kind::WsPing);
        const auto pongs = messagesOf(trace, Message::Kind::WsPong);
        QVERIFY(pongs.size() >= 2);
        for (const Message* pong : pongs) {
            QCOMPARE(pong->from, client);
            const auto ping = std::find_if(
                pings.begin(), pings.end(), [&](const Message* p) { return p->correlation == pong->correlation; });
            QVERIFY2(ping != pings.end(), qPrintable(pong->correlation));
            QCOMPARE((*ping)->from, server);
            QVERIFY(pong->sentAt >= (*ping)->receivedAt);
        }

        // The run ends with the client's close frame, 1000 and a reason, and the server's answer.
        const auto closes = messagesOf(trace, Message::Kind::WsClose);
        QCOMPARE(closes.size(), 2);
        QCOMPARE(closes.at(0)->from, client);
        QCOMPARE(closes.at(0)->label, QStringLiteral("close 1000 (normal) · run ended"));
        QCOMPARE(closes.at(0)->state, Message::State::Delivered);
        QCOMPARE(closes.at(1)->from, server);
        QVERIFY(closes.at(1)->label.startsWith(QStringLiteral("close 1000")));
        QCOMPARE(trace.connections().size(), size_t(1));
        QCOMPARE(trace.connections().front().closeReason, QStringLiteral("client"));
    }

    void noItemLostOrRepeatedAcrossCuts()
    {
        auto run = startRun(QStringLiteral("websockets"),
            { QStringLiteral("latency=15ms"), QStringLiteral("produce=40ms"), QStringLiteral("clients=3"),
                QStringLiteral("reconnect=50ms"), QStringLiteral("ping=100ms"), QStringLiteral("send=120ms") });
        QVERIFY(run);
        const Trace& trace = *run->trace();
        WebSockets* ws = wsOf(*run);

        QVERIFY(cutRepeatedly(*run, {}, 7, 300));
        ws->producer()->stop();
        const qint64 last = ws->producer()->lastId();
        QVERIFY(waitUntil([&] {
            return std::all_of(ws->clients().begin(), ws->clients().end(),
                [&](WebSocketClient* c) { return ws->lastItem(c) == last; });
        }));
        QVERIFY(stopAndWait(*run));

        qsizetype cutConnections = 0;
        for (const Connection& c : trace.connections())
            cutConnections += c.closeReason == QStringLiteral("cut");
        QVERIFY2(cutConnections >= 15, qPrintable(QString::number(cutConnections)));
        QVERIFY(last >= 30);
        for (WebSocketClient* client : ws->clients())
            QVERIFY(client->reconnects() >= 5);
        QVERIFY(hasNote(trace, QStringLiteral("reconnecting in")));
        QVERIFY(!hasNote(trace, QStringLiteral("already had it")));
        QVERIFY(!hasNote(trace, QStringLiteral("missing")));
        // Every item reached every client exactly once; pushes cut off on the way are lost in the trace.
        const Metrics metrics = computeMetrics(trace);
        QCOMPARE(metrics.duplicates, 0);
        QCOMPARE(metrics.deliveries, 3 * last);
        // Each reconnect asked to resume after what the client had.
        qsizetype resumed = 0;
        for (const Message* request : messagesOf(trace, Message::Kind::HttpRequest))
            resumed += !request->label.startsWith(QStringLiteral("GET /feed?since=0 "));
        QVERIFY(resumed >= 15);
    }

    void badMessagesAreClosedAndOthersKeepBeingServed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("binary");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("note");
        QTest::addRow("over the size limit")
            << QString(3000, u'x') << false << 1009 << QStringLiteral("message over the 2048-byte limit (1009)");
        QTest::addRow("not JSON") << QStringLiteral("{\"type\": ") << false << 1007
                                  << QStringLiteral("malformed envelope: not JSON");
        QTest::addRow("not an object") << QStringLiteral("[1, 2]") << false << 1007
                                       << QStringLiteral("malformed envelope: not a JSON object");
        QTest::addRow("no type") << QStringLiteral("{\"text\": \"hi\"}") << false << 1007
                                 << QStringLiteral("malformed envelope: no \"type\"");
        QTest::addRow("unknown type") << QStringLiteral("{\"type\": \"shutdown\"}") << false << 1003
                                      << QStringLiteral("unknown message type \"shutdown\"");
        QTest::addRow("binary") << QStringLiteral("abc") << true << 1003
                                << QStringLiteral("binary messages are not accepted");
    }

    void badMessagesAreClosedAndOthersKeepBeingServed()
    {
        QFETCH(QString, text);
        QFETCH(bool, binary);
        QFETCH(int, code);
        QFETCH(QString, note);
        auto run = startRun(QStringLiteral("websockets"),
            { QStringLiteral("latency=10ms"), QStringLiteral("produce=60ms"), QStringLiteral("max-message=2048") });
        QVERIFY(run);
        WebSockets* ws = wsOf(*run);

        // A client of our own making, straight to the server.
        QWebSocket bad;
        bad.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/feed").arg(ws->hub()->port())));
        QVERIFY(waitUntil([&] { return bad.state() == QAbstractSocket::ConnectedState; }));
        if (binary)
            bad.sendBinaryMessage(text.toUtf8());
        else
            bad.sendTextMessage(text);
        QVERIFY(waitUntil([&] { return bad.state() == QAbstractSocket::UnconnectedState; }));
        QCOMPARE(int(bad.closeCode()), code);
        QVERIFY2(hasNote(*run->trace(), note), qPrintable(note));

        // The run's own client goes on getting items.
        WebSocketClient* client = ws->clients().constFirst();
        const qint64 had = ws->lastItem(client);
        QVERIFY(waitUntil([&] { return ws->lastItem(client) >= had + 3; }));
        QVERIFY(client->isConnected());
        QVERIFY(stopAndWait(*run));
    }

    void outsideClientsJoinServeMode()
    {
        const PatternInfo* info = PatternRegistry::find(QStringLiteral("websockets"));
        ParameterSet parameters(info->parameters);
        QString error;
        QVERIFY(parameters.assign(QStringLiteral("latency=10ms"), &error));
        QVERIFY(parameters.assign(QStringLiteral("produce=50ms"), &error));
        QVERIFY(parameters.assign(QStringLiteral("ping=100ms"), &error));
        Run run;
        run.setServe(0);
        QVERIFY2(run.start(*info, parameters, 3, &error), qPrintable(error));
        const quint16 port = run.pattern()->publicPort();
        QVERIFY(port != 0);

        QWebSocket alice;
        QStringList received;
        connect(&alice, &QWebSocket::textMessageReceived, this, [&](const QString& text) { received.append(text); });
        alice.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/feed?client=alice").arg(port)));
        QVERIFY(waitUntil([&] { return received.size() >= 3; }));
        alice.sendTextMessage(QStringLiteral("{\"type\":\"chat\",\"text\":\"hi from alice\"}"));
        const Trace& trace = *run.trace();
        QVERIFY(waitUntil([&] { return deliveredCount(messagesOf(trace, Message::Kind::WsPong)) >= 1; }));
        QVERIFY(waitUntil([&] {
            return std::any_of(trace.messages().begin(), trace.messages().end(), [](const Message& m) {
                return m.label == QStringLiteral("chat · hi from alice") && m.state == Message::State::Delivered;
            });
        }));

        // alice has a lifeline of her own, and her upgrade is on it.
        const auto lifeline = std::find_if(trace.participants().begin(), trace.participants().end(),
            [](const Participant& p) { return p.name == QStringLiteral("alice"); });
        QVERIFY(lifeline != trace.participants().end());
        const auto requests = messagesOf(trace, Message::Kind::HttpRequest, lifeline->id);
        QCOMPARE(requests.size(), 1);
        QVERIFY(requests.first()->label.startsWith(QStringLiteral("GET /feed?client=alice")));
        // Without ?since she gets what is produced from when she came: items in order, none twice.
        qint64 previous = 0;
        for (const QString& text : received) {
            const qint64 id = envelopeOf(text.toUtf8()).value(QStringLiteral("id")).toInteger();
            QCOMPARE(id, previous == 0 ? id : previous + 1);
            previous = id;
        }

        QSignalSpy finished(&run, &Run::finished);
        run.stop();
        QVERIFY(waitUntil([&] { return alice.state() == QAbstractSocket::UnconnectedState; }));
        QVERIFY(waitUntil([&] { return finished.count() == 1; }));
        // She was let go: the connection is closed, and any close frame the server sent says 1001.
        // (In about one stop in ten here, Qt 6.4 closed the server's socket without writing that
        // frame, not yet understood; the trace then shows only the TCP close.)
        const int her = lifeline->id;
        QVERIFY(std::none_of(trace.connections().begin(), trace.connections().end(),
            [her](const Connection& c) { return c.client == her && c.isOpen(); }));
        QVERIFY(std::all_of(trace.messages().begin(), trace.messages().end(), [her](const Message& m) {
            return m.kind != Message::Kind::WsClose || m.to != her
                || m.label.startsWith(QStringLiteral("close 1001 (going away)"));
        }));
    }
};

QTEST_GUILESS_MAIN(TestWebSockets)
#include "tst_websockets.moc"
