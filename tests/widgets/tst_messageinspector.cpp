// SPDX-License-Identifier: GPL-3.0-or-later
#include "messageinspector.h"
#include "messages.h"

#include <QTest>

using namespace PatternScope;
using PatternScope::Test::makeMessage;

namespace {

const QString Placeholder = QStringLiteral("Select a message to see its details");

// A poll answered with one item, as a recording has it: headers, body, connection and correlation.
Message itemAnswer(int from, int to)
{
    Message m = makeMessage(from, to, Message::Kind::HttpResponse, QStringLiteral("200 OK · 1 item"), 13'752'000, 3,
        QStringLiteral("4bf92f3577b34da6"), 214);
    m.setHeaders({ { QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json") },
        { QByteArrayLiteral("content-length"), QByteArrayLiteral("42") } });
    m.setBodyPreview(QByteArrayLiteral(R"({"items":[{"id":7,"data":"price 42.17"}]})"));
    m.firstItem = 7;
    m.lastItem = 7;
    return m;
}

struct Fixture {
    Trace trace;
    int client = trace.addParticipant(QStringLiteral("Client 1"), Participant::Role::Client);
    int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
    qint64 poll = trace.addMessage(
        makeMessage(client, server, Message::Kind::HttpRequest, QStringLiteral("GET /poll?since=6"), 12'000'000));
    qint64 answer = trace.addMessage(itemAnswer(server, client));
};

} // namespace

class TestMessageInspector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void showsAMessage()
    {
        Fixture f;
        MessageInspector inspector;
        QCOMPARE(inspector.text(), Placeholder);
        inspector.setTrace(&f.trace);
        inspector.showMessage(f.answer);
        QCOMPARE(inspector.shownMessage(), f.answer);

        const QString text = inspector.text();
        QVERIFY2(text.startsWith(QStringLiteral("Message #1\n200 OK · 1 item\n")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Kind: http-response\n")));
        QVERIFY(text.contains(QStringLiteral("From → to: Server → Client 1\n")));
        QVERIFY(text.contains(QStringLiteral("Connection: c3\n")));
        QVERIFY(text.contains(QStringLiteral("Sent: 13.752 s\n")));
        QVERIFY(text.contains(QStringLiteral("Received: in flight\n")));
        QVERIFY(text.contains(QStringLiteral("One-way delay: —\n")));
        QVERIFY(text.contains(QStringLiteral("Bytes on wire: 214 B\n")));
        QVERIFY(text.contains(QStringLiteral("Correlation: 4bf92f3577b34da6\n")));
        QVERIFY(text.contains(QStringLiteral("Items carried: 7\n")));
        QVERIFY(text.contains(QStringLiteral("Headers\ncontent-type: application/json\ncontent-length: 42\n")));
        // Keys come out sorted: that is how QJsonDocument writes objects.
        const QString pretty = QStringLiteral("Body\n{\n"
                                              "    \"items\": [\n"
                                              "        {\n"
                                              "            \"data\": \"price 42.17\",\n"
                                              "            \"id\": 7\n"
                                              "        }\n"
                                              "    ]\n"
                                              "}\n");
        QVERIFY2(text.endsWith(pretty), qPrintable(text));
    }

    void followsTheMessage()
    {
        Fixture f;
        MessageInspector inspector;
        inspector.setTrace(&f.trace);
        inspector.showMessage(f.answer);
        QVERIFY(inspector.text().contains(QStringLiteral("Received: in flight")));

        QVERIFY(f.trace.completeMessage(f.answer, 14'003'000));
        QVERIFY(inspector.text().contains(QStringLiteral("Received: 14.003 s\n")));
        QVERIFY(inspector.text().contains(QStringLiteral("One-way delay: 251.0 ms\n")));

        // An update of another message leaves this one alone.
        QVERIFY(f.trace.completeMessage(0, 12'250'000));
        QVERIFY(inspector.text().startsWith(QStringLiteral("Message #1\n")));

        inspector.showMessage(0);
        QVERIFY(inspector.text().contains(QStringLiteral("Kind: http-request\n")));
        QVERIFY(inspector.text().contains(QStringLiteral("One-way delay: 250.0 ms\n")));
        QVERIFY(!inspector.text().contains(QStringLiteral("Items carried")));
        QVERIFY(!inspector.text().contains(QStringLiteral("Headers")));
        QVERIFY(!inspector.text().contains(QStringLiteral("Body")));

        inspector.showMessage(-1);
        QCOMPARE(inspector.text(), Placeholder);
        inspector.showMessage(99); // not in the trace
        QCOMPARE(inspector.text(), Placeholder);
        QCOMPARE(inspector.shownMessage(), -1);
    }

    void showsALostMessage()
    {
        Fixture f;
        MessageInspector inspector;
        inspector.setTrace(&f.trace);
        inspector.showMessage(f.answer);
        QVERIFY(f.trace.loseMessage(f.answer, 14'500'000));
        QVERIFY(inspector.text().contains(QStringLiteral("Received: lost (noticed at 14.500 s)\n")));
        QVERIFY(inspector.text().contains(QStringLiteral("One-way delay: —\n")));
    }

    void clearsWithTheTrace()
    {
        auto f = std::make_unique<Fixture>();
        MessageInspector inspector;
        inspector.setTrace(&f->trace);
        inspector.showMessage(f->answer);
        f->trace.clear();
        QCOMPARE(inspector.text(), Placeholder);
        QCOMPARE(inspector.shownMessage(), -1);

        Fixture other;
        inspector.setTrace(&other.trace);
        inspector.showMessage(other.answer);
        QVERIFY(inspector.text().startsWith(QStringLiteral("Message #1")));
        inspector.setTrace(nullptr);
        QCOMPARE(inspector.text(), Placeholder);

        inspector.setTrace(&f->trace);
        f.reset(); // the trace goes away under the inspector
        QCOMPARE(inspector.text(), Placeholder);
        inspector.showMessage(0);
        QCOMPARE(inspector.text(), Placeholder);
    }

    void formatsBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("shown");
        QTest::addRow("empty") << QByteArray() << QString();
        QTest::addRow("json array") << QByteArrayLiteral("[1,2]") << QStringLiteral("[\n    1,\n    2\n]");
        QTest::addRow("utf-8 text") << QByteArrayLiteral("caf\xc3\xa9 au lait\r\n")
                                    << QStringLiteral("café au lait\r\n");
        QTest::addRow("cut inside a character") << QByteArrayLiteral("caf\xc3") << QStringLiteral("caf");
        QTest::addRow("not quite json") << QByteArrayLiteral("{\"a\":") << QStringLiteral("{\"a\":");
        QTest::addRow("event stream") << QByteArrayLiteral("id: 7\nevent: price\ndata: 42.17\n\n")
                                      << QStringLiteral("id: 7\nevent: price\ndata: 42.17\n\n");
        // Five bytes, then room for the eleven missing ones so the ASCII column stays in line.
        const QString padding(11 * 3, QLatin1Char(' '));
        QTest::addRow("binary") << QByteArrayLiteral(
            "\x00\x01\xffHi") << QString(QStringLiteral("0000  00 01 ff 48 69 ") + padding + QStringLiteral("|...Hi|"));
        QTest::addRow("two lines") << QByteArray("0123456789abcdef\x02", 17)
                                   << QStringLiteral("0000  30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 "
                                                     "|0123456789abcdef|\n"
                                                     "0010  02                                              |.|");
    }

    void formatsBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, shown);
        QCOMPARE(MessageInspector::formatBody(body), shown);
    }

    void quotesMarkupAsText()
    {
        Fixture f;
        const qint64 seq = f.trace.addMessage(
            makeMessage(f.client, f.server, Message::Kind::HttpRequest, QStringLiteral("<b>not bold</b>"), 15'000'000));
        MessageInspector inspector;
        inspector.setTrace(&f.trace);
        inspector.showMessage(seq);
        QVERIFY(inspector.text().contains(QStringLiteral("<b>not bold</b>\n")));
        QVERIFY(inspector.text().contains(QStringLiteral("Connection: —\n")));
        QVERIFY(inspector.text().contains(QStringLiteral("Correlation: —\n")));
    }
};

QTEST_MAIN(TestMessageInspector)
#include "tst_messageinspector.moc"
