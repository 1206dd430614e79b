// SPDX-License-Identifier: GPL-3.0-or-later
#include "labels.h"
#include "textbook.h"

#include <QTest>

using namespace PatternScope;

namespace {

Message message(Message::Kind kind, const MessageFields& fields = {}, const HeaderList& headers = {})
{
    Message m;
    m.kind = kind;
    m.fields = fields;
    m.setHeaders(headers);
    // A wire label that must never leak into the textbook's words.
    m.label = QStringLiteral("wire label");
    return m;
}

MessageFields status(int code)
{
    MessageFields f;
    f.status = qint16(code);
    return f;
}

Message withItems(Message m)
{
    m.firstItem = 3;
    m.lastItem = 5;
    return m;
}

} // namespace

class TestTextbook : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Each rule of the textbook's words, from the structured fields alone.
    void labels_data()
    {
        QTest::addColumn<Message>("message");
        QTest::addColumn<QString>("label");
        QTest::addColumn<bool>("shown");

        MessageFields get;
        get.method = QStringLiteral("GET");
        get.target = QStringLiteral("/poll?since=3");
        QTest::addRow("request") << message(Message::Kind::HttpRequest, get) << QStringLiteral("Request") << true;
        MessageFields upgrade = get;
        upgrade.upgrade = true;
        QTest::addRow("upgrade") << message(Message::Kind::HttpRequest, upgrade)
                                 << QStringLiteral("Establish connection") << true;
        const HeaderList eventStream { { "accept", "text/event-stream" } };
        QTest::addRow("event source") << message(Message::Kind::HttpRequest, get, eventStream)
                                      << QStringLiteral("Establish connection") << true;
        QTest::addRow("event source resuming")
            << message(Message::Kind::HttpRequest, get, { { "Accept", "text/event-stream" }, { "Last-Event-ID", "7" } })
            << QStringLiteral("Reconnect") << true;
        MessageFields job;
        job.method = QStringLiteral("POST");
        job.target = QStringLiteral("/jobs");
        job.callback = QStringLiteral("http://127.0.0.1:9/callbacks/1");
        QTest::addRow("job with callback")
            << message(Message::Kind::HttpRequest, job) << QStringLiteral("Request (with callback info)") << true;
        // Traces recorded before the callback field was: the job's JSON body names it.
        MessageFields bareJob = job;
        bareJob.callback.clear();
        Message oldJob = message(Message::Kind::HttpRequest, bareJob);
        oldJob.setBodyPreview("{\"callbackUrl\":\"http://127.0.0.1:9/callbacks/1\",\"work\":\"job 1\"}");
        QTest::addRow("job with callback in its body")
            << oldJob << QStringLiteral("Request (with callback info)") << true;
        QTest::addRow("job without callback")
            << message(Message::Kind::HttpRequest, bareJob) << QStringLiteral("Request") << true;

        QTest::addRow("101") << message(Message::Kind::HttpResponse, status(101))
                             << QStringLiteral("Connection established") << true;
        QTest::addRow("event stream opened") << message(
            Message::Kind::HttpResponse, status(200), { { "Content-Type", "text/event-stream; charset=utf-8" } })
                                             << QStringLiteral("Connection established") << true;
        QTest::addRow("202") << message(Message::Kind::HttpResponse, status(202)) << QStringLiteral("Accepted") << true;
        QTest::addRow("204") << message(Message::Kind::HttpResponse, status(204))
                             << QStringLiteral("Response (no data)") << true;
        QTest::addRow("200 with items") << withItems(message(Message::Kind::HttpResponse, status(200)))
                                        << QStringLiteral("Response (data ready)") << true;
        QTest::addRow("200 without items")
            << message(Message::Kind::HttpResponse, status(200)) << QStringLiteral("Response") << true;
        MessageFields jobAnswer = status(200);
        jobAnswer.id = QStringLiteral("j-1");
        QTest::addRow("callback answered")
            << message(Message::Kind::HttpResponse, jobAnswer) << QStringLiteral("Acknowledge") << true;
        QTest::addRow("503") << message(Message::Kind::HttpResponse, status(503)) << QStringLiteral("Error (503)")
                             << true;

        MessageFields event;
        event.id = QStringLiteral("4");
        QTest::addRow("sse item") << withItems(message(Message::Kind::SseEvent, event)) << QStringLiteral("Send update")
                                  << true;
        MessageFields gap;
        gap.name = QStringLiteral("gap");
        gap.id = QStringLiteral("9");
        QTest::addRow("sse gap") << message(Message::Kind::SseEvent, gap) << QStringLiteral("Send event") << true;
        Message heartbeat = message(Message::Kind::SseEvent);
        heartbeat.setBodyPreview(": hb 3\n\n");
        QTest::addRow("sse heartbeat") << heartbeat << QStringLiteral("Heartbeat") << false;

        QTest::addRow("ws update") << withItems(message(Message::Kind::WsText)) << QStringLiteral("Send update")
                                   << true;
        QTest::addRow("ws message") << message(Message::Kind::WsText) << QStringLiteral("Send message") << true;
        QTest::addRow("ws binary") << message(Message::Kind::WsBinary) << QStringLiteral("Send message") << true;
        MessageFields subscribe;
        subscribe.method = QStringLiteral("subscribe");
        subscribe.target = QStringLiteral("prices, news");
        QTest::addRow("subscribe") << message(Message::Kind::WsText, subscribe)
                                   << QStringLiteral("Subscribe (prices, news)") << true;
        // Traces recorded before control frames kept their method: the JSON frame's type.
        Message oldSubscribe = message(Message::Kind::WsText);
        oldSubscribe.setBodyPreview("{\"durable\":false,\"topics\":[\"prices\"],\"type\":\"subscribe\"}");
        QTest::addRow("subscribe, type in its body") << oldSubscribe << QStringLiteral("Subscribe") << true;
        Message notJson = message(Message::Kind::WsText);
        notJson.setBodyPreview("{\"type\":\"subscri");
        QTest::addRow("cut-short body") << notJson << QStringLiteral("Send message") << true;
        MessageFields unsubscribe;
        unsubscribe.method = QStringLiteral("unsubscribe");
        unsubscribe.target = QStringLiteral("news");
        QTest::addRow("unsubscribe") << message(Message::Kind::WsText, unsubscribe)
                                     << QStringLiteral("Unsubscribe (news)") << true;
        MessageFields ack;
        ack.method = QStringLiteral("ack");
        ack.id = QStringLiteral("7");
        QTest::addRow("ack") << message(Message::Kind::WsText, ack) << QStringLiteral("Acknowledge") << true;
        QTest::addRow("ping") << message(Message::Kind::WsPing) << QStringLiteral("Ping") << false;
        QTest::addRow("pong") << message(Message::Kind::WsPong) << QStringLiteral("Pong") << false;
        QTest::addRow("ws close") << message(Message::Kind::WsClose) << QStringLiteral("Close connection") << true;

        MessageFields topic;
        topic.name = QStringLiteral("prices");
        topic.id = QStringLiteral("3");
        QTest::addRow("publish") << withItems(message(Message::Kind::Publish, topic))
                                 << QStringLiteral("Publish (prices)") << true;
        QTest::addRow("deliver") << withItems(message(Message::Kind::Deliver, topic))
                                 << QStringLiteral("Deliver (prices)") << true;
        QTest::addRow("callback") << message(Message::Kind::Callback) << QStringLiteral("Invoke the callback") << true;
        QTest::addRow("tcp connect") << message(Message::Kind::Connect) << QStringLiteral("Open TCP connection")
                                     << false;
        QTest::addRow("tcp close") << message(Message::Kind::Close) << QStringLiteral("Close TCP connection") << false;
    }

    void labels()
    {
        QFETCH(Message, message);
        QFETCH(QString, label);
        QFETCH(bool, shown);
        QCOMPARE(Textbook::label(message), label);
        QCOMPARE(Textbook::shown(message), shown);
        // The display label is never read: another one gives the same words.
        message.label = QStringLiteral("GET /events · 204 No Content · ping");
        QCOMPARE(Textbook::label(message), label);
        QCOMPARE(Textbook::shown(message), shown);
    }

    void activations()
    {
        Activation held;
        held.label = Labels::holdingPollActivation();
        QCOMPARE(Textbook::activationLabel(held), QStringLiteral("Wait until data is ready"));
        Activation working;
        working.label = Labels::processingActivation();
        QCOMPARE(Textbook::activationLabel(working), QStringLiteral("Process the request"));
        working.label = Labels::processingActivation(QStringLiteral("j-2"));
        QCOMPARE(Textbook::activationLabel(working), QStringLiteral("Process the request"));
    }

    void notes()
    {
        Note produced;
        produced.item = 4;
        produced.text = QStringLiteral("item 4 produced: price 41.5");
        QCOMPARE(Textbook::noteText(produced), QStringLiteral("New data"));
        Note cut;
        cut.text = QStringLiteral("link cut: connection 2");
        QCOMPARE(Textbook::noteText(cut), cut.text);
    }

    void detailNames()
    {
        QCOMPARE(Textbook::detailNames(), QStringList({ QStringLiteral("wire"), QStringLiteral("textbook") }));
        DetailLevel level = DetailLevel::Wire;
        QVERIFY(Textbook::detailFromName(u"TextBook", &level));
        QCOMPARE(level, DetailLevel::Textbook);
        QVERIFY(Textbook::detailFromName(u"wire", &level));
        QCOMPARE(level, DetailLevel::Wire);
        level = DetailLevel::Textbook;
        QVERIFY(!Textbook::detailFromName(u"mermaid", &level));
        QVERIFY(!Textbook::detailFromName(u"", &level));
        QCOMPARE(level, DetailLevel::Textbook);
        for (DetailLevel each : { DetailLevel::Wire, DetailLevel::Textbook }) {
            QVERIFY(Textbook::detailFromName(Textbook::detailName(each), &level));
            QCOMPARE(level, each);
        }
    }
};

QTEST_GUILESS_MAIN(TestTextbook)
#include "tst_textbook.moc"
