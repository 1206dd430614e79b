// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventstreamparser.h"

#include <QTest>
#include <limits>

using namespace PatternScope;

namespace {

// One connection's body, as the chunks it arrived in; endOfStream() follows each connection.
using Connections = QList<QByteArrayList>;

// The same bytes arrive differently: as the row gives them, in one piece, or one byte at a time.
enum class Feeding { AsGiven, Whole, ByteByByte };

// Byte strings may hold NUL and invalid UTF-8, so their size comes from the array, not from strlen.
template <size_t N> QByteArray bytes(const char (&text)[N])
{
    return QByteArray(text, qsizetype(N - 1));
}

QString describe(const ServerSentEvent& event)
{
    return event.type + u'|' + event.data + u'|' + event.lastEventId;
}

QString ev(const QString& type, const QString& data, const QString& id = QString())
{
    return describe(ServerSentEvent { type, data, id });
}

QString msg(const QString& data, const QString& id = QString())
{
    return ev(QStringLiteral("message"), data, id);
}

struct Outcome {
    QStringList events;
    QStringList comments;
    QString lastEventId;
    qint64 retryMs = -1;
};

Outcome parse(const Connections& connections, Feeding feeding)
{
    EventStreamParser parser;
    Outcome outcome;
    for (const QByteArrayList& chunks : connections) {
        switch (feeding) {
        case Feeding::AsGiven:
            for (const QByteArray& chunk : chunks)
                parser.feed(chunk);
            break;
        case Feeding::Whole:
            parser.feed(chunks.join());
            break;
        case Feeding::ByteByByte: {
            const QByteArray all = chunks.join();
            for (qsizetype i = 0; i < all.size(); ++i)
                parser.feed(QByteArrayView(all.constData() + i, 1));
            break;
        }
        }
        parser.endOfStream();
        for (const ServerSentEvent& event : parser.takeEvents())
            outcome.events.append(describe(event));
        outcome.comments += parser.takeComments();
    }
    outcome.lastEventId = parser.lastEventId();
    outcome.retryMs = parser.retryMs();
    return outcome;
}

void addCase(const char* name, const Connections& connections, const QStringList& events,
    const QStringList& comments = {}, const QString& lastEventId = {}, qint64 retryMs = -1)
{
    const std::pair<Feeding, const char*> feedings[] = {
        { Feeding::AsGiven, "as given" },
        { Feeding::Whole, "whole" },
        { Feeding::ByteByByte, "byte by byte" },
    };
    for (const auto& [feeding, feedingName] : feedings) {
        QTest::addRow("%s, %s", name, feedingName)
            << connections << int(feeding) << events << comments << lastEventId << retryMs;
    }
}

} // namespace

class TestEventStreamParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rules_data()
    {
        QTest::addColumn<Connections>("connections");
        QTest::addColumn<int>("feeding");
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QStringList>("comments");
        QTest::addColumn<QString>("lastEventId");
        QTest::addColumn<qint64>("retryMs");

        const QString a = QStringLiteral("a");
        const QString b = QStringLiteral("b");

        // Line ends
        addCase("LF", { { bytes("data: a\n\n") } }, { msg(a) });
        addCase("CR", { { bytes("data: a\r\r") } }, { msg(a) });
        addCase("CRLF", { { bytes("data: a\r\n\r\n") } }, { msg(a) });
        addCase(
            "mixed line ends", { { bytes("data: a\rdata: b\ndata: c\r\n\n") } }, { msg(QStringLiteral("a\nb\nc")) });
        addCase("LF then CR is two line ends", { { bytes("data: a\n\rdata: b\n\n") } }, { msg(a), msg(b) });
        addCase("CRLF split across feeds", { { bytes("data: a\r"), bytes("\ndata: b\r\n\r\n") } },
            { msg(QStringLiteral("a\nb")) });
        addCase("CRLF split before the empty line", { { bytes("data: a\r\n\r"), bytes("\ndata: b\r\n\r\n") } },
            { msg(a), msg(b) });
        addCase(
            "CR at the end of a feed, CR next", { { bytes("data: a\r"), bytes("\rdata: b\n\n") } }, { msg(a), msg(b) });

        // Byte order mark
        addCase("leading BOM skipped",
            { { bytes("\xEF\xBB\xBF"
                      "data: a\n\n") } },
            { msg(a) });
        addCase("BOM split across feeds",
            { { bytes("\xEF"), bytes("\xBB"),
                bytes("\xBF"
                      "data: a\n\n") } },
            { msg(a) });
        // The second BOM becomes part of the field name "\uFEFFdata", an unknown field.
        addCase("second BOM kept",
            { { bytes("\xEF\xBB\xBF\xEF\xBB\xBF"
                      "data: a\n\ndata: b\n\n") } },
            { msg(b) });
        addCase("BOM after the start kept",
            { { bytes("data: a\n\n\xEF\xBB\xBF"
                      "data: b\n\n") } },
            { msg(a) });
        addCase("BOM skipped again after reconnecting",
            { { bytes("\xEF\xBB\xBF"
                      "data: a\n\n") },
                { bytes("\xEF\xBB\xBF"
                        "data: b\n\n") } },
            { msg(a), msg(b) });

        // Comments
        addCase("comments", { { bytes(":heartbeat\n: with space\n:\ndata: a\n\n") } }, { msg(a) },
            { QStringLiteral("heartbeat"), QStringLiteral(" with space"), QString() });
        addCase("comment inside an event", { { bytes("data: a\n:c\ndata: b\n\n") } }, { msg(QStringLiteral("a\nb")) },
            { QStringLiteral("c") });
        addCase("comments only", { { bytes(":ok\n\n") } }, {}, { QStringLiteral("ok") });

        // Data
        addCase("multi-line data", { { bytes("data: a\ndata: b\ndata: c\n\n") } }, { msg(QStringLiteral("a\nb\nc")) });
        addCase("data with no space", { { bytes("data:a\n\n") } }, { msg(a) });
        addCase("data with two spaces", { { bytes("data:  a\n\n") } }, { msg(QStringLiteral(" a")) });
        addCase("trailing space kept", { { bytes("data: a \n\n") } }, { msg(QStringLiteral("a ")) });
        addCase("colon in the value", { { bytes("data: a: b\n\n") } }, { msg(QStringLiteral("a: b")) });
        addCase("empty data line dispatches", { { bytes("data:\n\n") } }, { msg(QString()) });
        addCase("two empty data lines", { { bytes("data:\ndata:\n\n") } }, { msg(QStringLiteral("\n")) });
        addCase("NUL in data kept", { { bytes("data: a\0b\n\n") } }, { msg(a + QChar(u'\0') + b) });
        addCase("events in order", { { bytes("data: 1\n\ndata: 2\n\ndata: 3\n\n") } },
            { msg(QStringLiteral("1")), msg(QStringLiteral("2")), msg(QStringLiteral("3")) });

        // Event type
        addCase("event type", { { bytes("event: update\ndata: a\n\n") } }, { ev(QStringLiteral("update"), a) });
        addCase("event type resets after dispatch", { { bytes("event: update\ndata: a\n\ndata: b\n\n") } },
            { ev(QStringLiteral("update"), a), msg(b) });
        addCase("empty event type is message", { { bytes("event:\ndata: a\n\n") } }, { msg(a) });
        addCase("event type dropped with empty data", { { bytes("event: update\n\ndata: a\n\n") } }, { msg(a) });
        addCase(
            "last event field wins", { { bytes("event: x\nevent: y\ndata: a\n\n") } }, { ev(QStringLiteral("y"), a) });

        // Event ID
        addCase("id", { { bytes("id: 7\ndata: a\n\ndata: b\n\n") } },
            { msg(a, QStringLiteral("7")), msg(b, QStringLiteral("7")) }, {}, QStringLiteral("7"));
        addCase("id with NUL ignored", { { bytes("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n") } },
            { msg(a, QStringLiteral("1")), msg(b, QStringLiteral("1")) }, {}, QStringLiteral("1"));
        addCase("empty id resets", { { bytes("id: 1\ndata: a\n\nid:\ndata: b\n\n") } },
            { msg(a, QStringLiteral("1")), msg(b) }, {}, QString());
        addCase(
            "id without data still sets the last event ID", { { bytes("id: 5\n\n") } }, {}, {}, QStringLiteral("5"));
        addCase("id waits for the dispatch", { { bytes("data: a\nid: 3\n\n") } }, { msg(a, QStringLiteral("3")) }, {},
            QStringLiteral("3"));

        // Retry
        addCase("retry digits", { { bytes("retry: 3000\n") } }, {}, {}, {}, 3000);
        addCase("retry with a unit ignored", { { bytes("retry: 3s\n") } }, {}, {}, {}, -1);
        addCase("retry negative ignored", { { bytes("retry: -1\n") } }, {}, {}, {}, -1);
        addCase("retry fractional ignored", { { bytes("retry: 1.5\n") } }, {}, {}, {}, -1);
        addCase("retry with a plus sign ignored", { { bytes("retry: +5\n") } }, {}, {}, {}, -1);
        addCase("retry empty ignored", { { bytes("retry:\n") } }, {}, {}, {}, -1);
        addCase("retry with two spaces ignored", { { bytes("retry:  5\n") } }, {}, {}, {}, -1);
        addCase("invalid retry keeps the previous one", { { bytes("retry: 3000\nretry: 3s\n") } }, {}, {}, {}, 3000);
        addCase("retry zero", { { bytes("retry: 5\nretry: 0\n") } }, {}, {}, {}, 0);
        addCase("huge retry saturates", { { bytes("retry: 99999999999999999999999\n") } }, {}, {}, {},
            std::numeric_limits<qint64>::max());
        addCase("retry alone dispatches nothing", { { bytes("retry: 10\n\n") } }, {}, {}, {}, 10);

        // Other fields
        addCase("unknown field ignored", { { bytes("foo: bar\ndata: a\n\n") } }, { msg(a) });
        addCase("field names are case-sensitive", { { bytes("Data: a\n\n") } }, {});
        addCase("data with no colon", { { bytes("data\ndata\n\n") } }, { msg(QStringLiteral("\n")) });
        addCase("event with no colon", { { bytes("event: x\nevent\ndata: a\n\n") } }, { msg(a) });
        addCase("id with no colon resets", { { bytes("id: 3\ndata: a\n\nid\ndata: b\n\n") } },
            { msg(a, QStringLiteral("3")), msg(b) });
        addCase("empty lines dispatch nothing", { { bytes("\n\r\n\revent: x\n\n") } }, {});

        // End of stream
        addCase("unterminated final event discarded", { { bytes("data: a\n\ndata: b\n") } }, { msg(a) });
        addCase("unterminated final line discarded", { { bytes("data: a\n\ndata: b") } }, { msg(a) });
        addCase("unterminated event does not carry over",
            { { bytes("event: x\ndata: a\n") }, { bytes("data: b\n\n") } }, { msg(b) });
        addCase("unterminated line does not carry over", { { bytes("data: a\n\nda") }, { bytes("ta: b\n\n") } },
            { msg(a) });
        addCase("last event ID persists across endOfStream",
            { { bytes("id: 1\ndata: a\n\n") }, { bytes("data: b\n\n") } },
            { msg(a, QStringLiteral("1")), msg(b, QStringLiteral("1")) }, {}, QStringLiteral("1"));
        addCase("id of a dropped event is dropped",
            { { bytes("id: 1\ndata: a\n\nid: 2\ndata: x\n") }, { bytes("data: b\n\n") } },
            { msg(a, QStringLiteral("1")), msg(b, QStringLiteral("1")) }, {}, QStringLiteral("1"));
        addCase("retry persists across endOfStream", { { bytes("retry: 10\n") }, { bytes("data: a\n\n") } }, { msg(a) },
            {}, {}, 10);

        // UTF-8
        addCase("UTF-8 split across feeds", { { bytes("data: \xE2\x82"), bytes("\xAC\n\n") } },
            { msg(QString(QChar(0x20AC))) });
        addCase("4-byte UTF-8 split across feeds", { { bytes("data: \xF0\x9F"), bytes("\x98\x80\n\n") } },
            { msg(QStringLiteral("\U0001F600")) });
        addCase("UTF-8 in type and id", { { bytes("event: \xC3\xA9t\xC3\xA9\nid: \xC3\xB1\ndata: a\n\n") } },
            { ev(QStringLiteral("\u00E9t\u00E9"), a, QStringLiteral("\u00F1")) }, {}, QStringLiteral("\u00F1"));
        addCase("invalid byte is U+FFFD",
            { { bytes("data: a\xFF"
                      "b\n\n") } },
            { msg(a + QChar(0xFFFD) + b) });
        addCase("truncated sequence is U+FFFD",
            { { bytes("data: \xE2\x82"
                      "x\n\n") } },
            { msg(QChar(0xFFFD) + QStringLiteral("x")) });
        addCase("truncated sequence before a line end", { { bytes("data: a\xE2"), bytes("\n\n") } },
            { msg(a + QChar(0xFFFD)) });
        addCase("truncated 4-byte sequence is one U+FFFD",
            { { bytes("data: \xF0\x9F\x98"
                      "x\n\n") } },
            { msg(QChar(0xFFFD) + QStringLiteral("x")) });
        addCase("overlong form is U+FFFD per byte", { { bytes("data: \xC0\x80\n\n") } },
            { msg(QString(2, QChar(0xFFFD))) });
        addCase("encoded surrogate is U+FFFD per byte", { { bytes("data: \xED\xA0\x80\n\n") } },
            { msg(QString(3, QChar(0xFFFD))) });
        addCase("partial sequence at the end of a stream dropped",
            { { bytes("data: a\n\n\xE2\x82") }, { bytes("data: b\n\n") } }, { msg(a), msg(b) });
    }

    void rules()
    {
        QFETCH(Connections, connections);
        QFETCH(int, feeding);
        QFETCH(QStringList, events);
        QFETCH(QStringList, comments);
        QFETCH(QString, lastEventId);
        QFETCH(qint64, retryMs);

        const Outcome outcome = parse(connections, Feeding(feeding));
        QCOMPARE(outcome.events, events);
        QCOMPARE(outcome.comments, comments);
        QCOMPARE(outcome.lastEventId, lastEventId);
        QCOMPARE(outcome.retryMs, retryMs);
    }

    void dispatchesAsSoonAsTheEmptyLineArrives()
    {
        EventStreamParser parser;
        parser.feed("data: a\n");
        QVERIFY(parser.takeEvents().isEmpty());
        parser.feed("\n");
        QCOMPARE(parser.takeEvents().size(), 1);

        // A CR ends the line at once; the parser does not wait to see whether an LF follows.
        parser.feed("data: b\r\r");
        const QList<ServerSentEvent> events = parser.takeEvents();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.front().data, QStringLiteral("b"));
        parser.feed("\n");
        QVERIFY(parser.takeEvents().isEmpty());
    }

    void takeEmptiesTheQueues()
    {
        EventStreamParser parser;
        parser.feed(":hi\ndata: a\n\n");
        QCOMPARE(parser.takeEvents().size(), 1);
        QCOMPARE(parser.takeComments(), QStringList { QStringLiteral("hi") });
        QVERIFY(parser.takeEvents().isEmpty());
        QVERIFY(parser.takeComments().isEmpty());
    }

    void retryChangedOnce()
    {
        EventStreamParser parser;
        QVERIFY(!parser.retryChanged());
        parser.feed("retry: 100\n");
        QVERIFY(parser.retryChanged());
        QVERIFY(!parser.retryChanged());
        parser.feed("retry: 100\n");
        QVERIFY(!parser.retryChanged()); // the same value changes nothing
        parser.feed("retry: 1s\n");
        QVERIFY(!parser.retryChanged());
        parser.feed("retry: 200\n");
        QVERIFY(parser.retryChanged());
        QCOMPARE(parser.retryMs(), qint64(200));
    }

    // Fed one byte at a time, a long line must not be rescanned on every feed: quadratic work here would
    // take minutes and run into the test's timeout.
    void longLineByteByByte()
    {
        const qsizetype length = 1 << 20;
        QByteArray body = "data: " + QByteArray(length, 'x') + "\r";
        EventStreamParser parser;
        for (qsizetype i = 0; i < body.size(); ++i)
            parser.feed(QByteArrayView(body.constData() + i, 1));
        parser.feed("\n\r\n");
        const QList<ServerSentEvent> events = parser.takeEvents();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.front().data.size(), length);
    }
};

QTEST_GUILESS_MAIN(TestEventStreamParser)
#include "tst_eventstreamparser.moc"
