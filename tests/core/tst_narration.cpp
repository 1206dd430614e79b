// SPDX-License-Identifier: GPL-3.0-or-later
// Captions on real recorded runs: every line checked against the trace it was made from (the fields,
// the notes the pattern wrote, the connections), never against a copy of the code's own arithmetic.
#include "narration.h"
#include "tracefiles.h"

#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

using namespace PatternScope;

namespace {

QString fixture(const char* name)
{
    return QStringLiteral(PATTERNSCOPE_TEST_DATA "/") + QLatin1String(name) + QStringLiteral(".pstrace.jsonl");
}

QString narrationFixture(const char* name)
{
    return QStringLiteral(NARRATION_TEST_DATA "/") + QLatin1String(name) + QStringLiteral(".pstrace.jsonl");
}

// The captions about message `seq`, in time order.
QList<Caption> about(const QList<Caption>& captions, qint64 seq)
{
    QList<Caption> found;
    for (const Caption& caption : captions) {
        if (caption.message == seq)
            found.append(caption);
    }
    return found;
}

QString dump(const QList<Caption>& captions)
{
    QString text;
    for (const Caption& c : captions)
        text += QStringLiteral("%1 [%2] %3\n").arg(c.at).arg(c.message).arg(c.text.toString());
    return text;
}

// Whether a caption speaks of `item`: "item 7", "items 4 and 5", "items 1 to 5".
bool namesItem(const QString& text, qint64 item)
{
    static const QRegularExpression items(QStringLiteral("items? (\\d+)(?: (?:and|to) (\\d+))?"));
    const QRegularExpressionMatch match = items.match(text);
    if (!match.hasMatch())
        return false;
    const qint64 first = match.captured(1).toLongLong();
    const qint64 last = match.captured(2).isEmpty() ? first : match.captured(2).toLongLong();
    return first <= item && item <= last;
}

qint64 since(const Message& request)
{
    const QString target = request.fields.target;
    return QUrlQuery(target.mid(target.indexOf(u'?') + 1)).queryItemValue(QStringLiteral("since")).toLongLong();
}

} // namespace

class TestNarration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void duration_data()
    {
        QTest::addColumn<qint64>("us");
        QTest::addColumn<QString>("text");
        QTest::addRow("zero") << qint64(0) << QStringLiteral("0 ms");
        QTest::addRow("ms") << qint64(4'400) << QStringLiteral("4 ms");
        QTest::addRow("two digits") << qint64(96'400) << QStringLiteral("96 ms");
        QTest::addRow("rounded to tens") << qint64(812'300) << QStringLiteral("810 ms");
        QTest::addRow("a hundred") << qint64(100'800) << QStringLiteral("100 ms");
        QTest::addRow("just under a second") << qint64(998'000) << QStringLiteral("1 s");
        QTest::addRow("a second and a bit") << qint64(1'234'000) << QStringLiteral("1.2 s");
        QTest::addRow("whole seconds") << qint64(5'002'000) << QStringLiteral("5 s");
        QTest::addRow("long") << qint64(12'400'000) << QStringLiteral("12 s");
    }
    void duration()
    {
        QFETCH(qint64, us);
        QFETCH(QString, text);
        QCOMPARE(Narration::duration(us), text);
    }

    void captionAt()
    {
        const QList<Caption> captions { { 100, QStringLiteral("a"), -1 }, { 200, QStringLiteral("b"), -1 },
            { 200, QStringLiteral("c"), -1 }, { 500, QStringLiteral("d"), -1 } };
        QCOMPARE(Narration::captionAt(captions, 0), -1);
        QCOMPARE(Narration::captionAt(captions, 99), -1);
        QCOMPARE(Narration::captionAt(captions, 100), 0);
        QCOMPARE(Narration::captionAt(captions, 199), 0);
        QCOMPARE(Narration::captionAt(captions, 200), 2); // the later of two at one moment
        QCOMPARE(Narration::captionAt(captions, 499), 2);
        QCOMPARE(Narration::captionAt(captions, 500), 3);
        QCOMPARE(Narration::captionAt(captions, 1'000'000), 3); // the last lasts
        QCOMPARE(Narration::captionAt({}, 5), -1);
    }

    // Compact captions keep no text for a plain request, whose words are its own (different for each): those
    // are the ones a long recording has by the hundred thousand. Every other caption keeps its text.
    void compactCaptionsLeaveOutPlainRequests_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("plain"); // what each plain request's caption says
        QTest::addRow("short polling") << fixture("short-polling-3-clients") << QStringLiteral(" asks for news");
        QTest::addRow("long polling") << narrationFixture("long-polling-items") << QStringLiteral(" asks for news");
        QTest::addRow("request-response")
            << narrationFixture("request-response") << QStringLiteral(" and waits for the answer");
    }
    void compactCaptionsLeaveOutPlainRequests()
    {
        QFETCH(QString, path);
        QFETCH(QString, plain);
        Trace trace;
        QCOMPARE(Test::readTrace(path, &trace), QString());
        const QList<Caption> whole = Narration::captions(trace);
        const QList<Caption> compact = Narration::captions(trace, {}, {}, Narration::Texts::Compact);
        QCOMPARE(compact.size(), whole.size());
        int leftOut = 0;
        for (qsizetype i = 0; i < whole.size(); ++i) {
            QVERIFY(!whole[i].text.isEmpty());
            if (!compact[i].text.isEmpty()) {
                QCOMPARE(compact[i].text, whole[i].text);
                continue;
            }
            ++leftOut;
            QVERIFY2(whole[i].text.contains(plain), qPrintable(whole[i].text));
            QCOMPARE(trace.message(compact[i].message).kind, Message::Kind::HttpRequest);
        }
        QVERIFY2(leftOut >= 5, qPrintable(dump(whole)));
    }

    // What holds for every pattern: sorted, one plain line each, about messages that exist, and
    // every exchange the pattern is about told at the moment it starts.
    void everyFixture_data()
    {
        QTest::addColumn<QString>("path");
        for (const char* name : { "long-polling-holds", "short-polling-3-clients", "short-polling-5-clients",
                 "sse-20-per-s", "websockets-cuts", "pubsub-fast", "callback-receiver-down" })
            QTest::addRow("%s", name) << fixture(name);
        for (const char* name :
            { "long-polling-items", "request-response", "sse-cuts", "websockets-3-clients-cuts", "outside-clients" })
            QTest::addRow("%s", name) << narrationFixture(name);
    }
    void everyFixture()
    {
        QFETCH(QString, path);
        Trace trace;
        QCOMPARE(Test::readTrace(path, &trace), QString());
        const QList<Caption> captions = Narration::captions(trace);
        QVERIFY(captions.size() >= 5);
        QCOMPARE(Narration::captions(trace), captions); // a pure function of the trace
        // Compact, as a window keeps them: the same captions, each saying the same when read.
        const QList<Caption> compact = Narration::captions(trace, {}, {}, Narration::Texts::Compact);
        QCOMPARE(compact.size(), captions.size());
        for (qsizetype i = 0; i < captions.size(); ++i) {
            QCOMPARE(compact[i].at, captions[i].at);
            QCOMPARE(compact[i].message, captions[i].message);
            QCOMPARE(Narration::text(trace, compact[i]), captions[i].text.toString());
        }
        for (qsizetype i = 0; i < captions.size(); ++i) {
            const Caption& c = captions[i];
            QVERIFY2(
                !c.text.toString().isEmpty() && !c.text.toString().contains(u'\n') && c.text.toString().size() <= 120,
                qPrintable(c.text.toString()));
            QVERIFY2(c.text.toString().at(0).isUpper(), qPrintable(c.text.toString()));
            QVERIFY(c.at >= 0 && c.at <= trace.endTime());
            QVERIFY(c.message >= -1 && c.message < qint64(trace.messages().size()));
            if (i > 0)
                QVERIFY(captions[i - 1].at <= c.at);
        }
        for (const Message& m : trace.messages()) {
            if (isPlumbing(m.kind))
                continue;
            // Told when it leaves: by its own caption, or by one of the same moment that names it with others.
            const int index = Narration::captionAt(captions, m.sentAt);
            QVERIFY2(index >= 0, qPrintable(m.label));
            const QString to = trace.participant(m.to)->name;
            bool told = !about(captions, m.seq).isEmpty();
            for (int i = index; i >= 0 && captions[i].at >= m.sentAt - 5000 && !told; --i) {
                // Several alike at one moment are one caption naming each receiver, or the items sent.
                told = captions[i].text.toString().contains(to, Qt::CaseInsensitive)
                    || (m.carriesItems() && namesItem(captions[i].text.toString(), m.lastItem));
            }
            QVERIFY2(told, qPrintable(QStringLiteral("%1 at %2 untold").arg(m.label).arg(m.sentAt)));
        }
        if (qEnvironmentVariableIsSet("PATTERNSCOPE_DUMP_CAPTIONS"))
            qInfo().noquote() << dump(captions);
    }

    void longPolling()
    {
        Trace trace;
        QCOMPARE(Test::readTrace(narrationFixture("long-polling-items"), &trace), QString());
        const QList<Caption> captions = Narration::captions(trace);
        int asked = 0;
        int answeredAtOnce = 0;
        for (const Message& m : trace.messages()) {
            if (m.kind == Message::Kind::HttpRequest) {
                const qint64 n = since(m);
                QCOMPARE(about(captions, m.seq).value(0).text.toString(),
                    n > 0 ? QStringLiteral("The client asks for news newer than item %1").arg(n)
                          : QStringLiteral("The client asks for news (it has no items yet)"));
                ++asked;
            }
            if (m.kind == Message::Kind::HttpResponse && m.carriesItems()) {
                QCOMPARE(about(captions, m.seq).value(0).text.toString(),
                    QStringLiteral("Item %1 is produced; the held request is answered at once: 200 OK")
                        .arg(m.firstItem));
                ++answeredAtOnce;
            }
        }
        QVERIFY(asked >= 5);
        QVERIFY(answeredAtOnce >= 3);
        // Each hold is told when it starts, and retold each second with the time held so far.
        for (const Activation& a : trace.activations()) {
            const int start = Narration::captionAt(captions, a.start);
            QVERIFY(start >= 0);
            QVERIFY2(
                captions[start].text.toString().contains(QStringLiteral("the server holds the client's request open")),
                qPrintable(captions[start].text.toString()));
            if (a.end - a.start > 1'250'000) { // not retold in the last quarter second of a hold
                const int later = Narration::captionAt(captions, a.start + 1'050'000);
                QCOMPARE(captions[later].text.toString(),
                    QStringLiteral("Still nothing new: the server holds the client's request (1 s so far)"));
            }
        }
    }

    void longPollingTimeout()
    {
        Trace trace;
        QCOMPARE(Test::readTrace(fixture("long-polling-holds"), &trace), QString());
        const QList<Caption> captions = Narration::captions(trace);
        int timeouts = 0;
        for (const Activation& a : trace.activations()) {
            const int at = Narration::captionAt(captions, a.end + 1000);
            const Message& answer = trace.message(captions[at].message);
            if (a.end - a.start < 4'000'000 || answer.fields.status != 204)
                continue;
            // The hold timed out: 204 after the time held, as the activation measured it.
            QCOMPARE(captions[at].text.toString(),
                QStringLiteral(
                    "Nothing new in %1: the server ends the hold with 204 No Content; the client will ask again")
                    .arg(Narration::duration(a.end - a.start)));
            ++timeouts;
        }
        QVERIFY(timeouts >= 2);
    }

    void shortPolling()
    {
        Trace trace;
        QCOMPARE(Test::readTrace(fixture("short-polling-3-clients"), &trace), QString());
        const QList<Caption> captions = Narration::captions(trace);
        int empty = 0;
        int full = 0;
        for (const Message& m : trace.messages()) {
            if (m.kind != Message::Kind::HttpResponse)
                continue;
            const QString text = about(captions, m.seq).value(0).text.toString();
            const Message* request = nullptr;
            for (const Message& r : trace.messages()) {
                if (r.kind == Message::Kind::HttpRequest && r.correlation == m.correlation)
                    request = &r;
            }
            QVERIFY(request);
            const QString client = trace.participant(m.to)->name;
            QCOMPARE(about(captions, request->seq).value(0).text.toString(),
                since(*request) > 0 ? client + QStringLiteral(" asks for news newer than item %1").arg(since(*request))
                                    : client + QStringLiteral(" asks for news (it has no items yet)"));
            if (m.fields.status == 204) {
                QCOMPARE(text,
                    since(*request) > 0
                        ? QStringLiteral(
                            "Nothing newer than item %1: the server answers %2 at once with 204 No Content")
                              .arg(since(*request))
                              .arg(client)
                        : QStringLiteral("Nothing yet: the server answers %1 at once with 204 No Content").arg(client));
                ++empty;
            } else {
                // An item waits on the server until someone polls: how long, from the note that produced it.
                TimeUs produced = NoTime;
                for (const Note& n : trace.notes()) {
                    if (n.item == m.firstItem)
                        produced = n.at;
                }
                QVERIFY(produced != NoTime);
                QVERIFY2(
                    text.contains(QStringLiteral(" waiting on the server for ")
                        + Narration::duration(m.sentAt - produced) + QStringLiteral(": the server answers 200 OK")),
                    qPrintable(text));
                QVERIFY2(text.startsWith(m.firstItem == m.lastItem ? QStringLiteral("Item %1 was").arg(m.firstItem)
                                                                   : QStringLiteral("Items %1 ").arg(m.firstItem)),
                    qPrintable(text));
                ++full;
            }
        }
        QVERIFY(empty >= 10);
        QVERIFY(full >= 10);
    }

    // Clients from outside are named as they named themselves: "Alice sends …", never "The alice sends …"
    // as if "alice" were the name of a role.
    void outsideClientsByName()
    {
        Trace trace;
        QCOMPARE(Test::readTrace(narrationFixture("outside-clients"), &trace), QString());
        const QList<Caption> captions = Narration::captions(trace);
        QStringList named;
        for (const Message& m : trace.messages()) {
            const Participant* from = trace.participant(m.from);
            if (m.kind != Message::Kind::HttpRequest || from->role != Participant::Role::External)
                continue;
            const QList<Caption> told = about(captions, m.seq);
            QVERIFY(!told.isEmpty()); // when it leaves, then when it arrives
            const QString expected = from->name.left(1).toUpper() + from->name.mid(1) + QStringLiteral(" sends ")
                + m.fields.method.toString() + u' ' + m.fields.target.toString()
                + QStringLiteral(" and waits for the answer");
            QCOMPARE(told.first().text.toString(), expected);
            named.append(from->name);
        }
        QCOMPARE(
            named, QStringList({ QStringLiteral("alice"), QStringLiteral("curl/7.88.1"), QStringLiteral("alice") }));
    }

    // Several clients, each cut and reconnecting: a handshake is told as a reconnect exactly when the same
    // client opened a connection before it, and each cut names the wait until that client's next connection.
    void webSocketReconnects()
    {
        Trace trace;
        QCOMPARE(Test::readTrace(narrationFixture("websockets-3-clients-cuts"), &trace), QString());
        const QList<Caption> captions = Narration::captions(trace);
        int first = 0;
        int again = 0;
        for (const Message& m : trace.messages()) {
            if (m.kind != Message::Kind::HttpRequest || !m.fields.upgrade)
                continue;
            bool earlier = false;
            for (const Connection& c : trace.connections())
                earlier = earlier || (c.client == m.from && c.id != m.connection && c.openedAt < m.sentAt);
            const QList<Caption> told = about(captions, m.seq);
            QCOMPARE(told.size(), 1);
            const QString who = trace.participant(m.from)->name;
            QVERIFY2(told.first().text.toString().startsWith(
                         who + (earlier ? QStringLiteral(" reconnects and asks") : QStringLiteral(" asks"))),
                qPrintable(told.first().text.toString()));
            ++(earlier ? again : first);
        }
        QCOMPARE(first, 3);
        QCOMPARE(again, 15);
        int cuts = 0;
        for (const Connection& c : trace.connections()) {
            if (c.closeReason != QLatin1String("cut"))
                continue;
            const Connection* next = nullptr;
            for (const Connection& o : trace.connections()) {
                if (o.client == c.client && o.openedAt >= c.closedAt && (!next || o.openedAt < next->openedAt))
                    next = &o;
            }
            QVERIFY(next);
            const QString text = captions[Narration::captionAt(captions, c.closedAt)].text.toString();
            QVERIFY2(text.startsWith(QStringLiteral("The links are cut: "))
                    && text.contains(trace.participant(c.client)->name)
                    && text.contains(QStringLiteral(" wait about ") + Narration::duration(next->openedAt - c.closedAt)),
                qPrintable(text));
            ++cuts;
        }
        QCOMPARE(cuts, 15);
    }

    void serverSentEventsCuts()
    {
        Trace trace;
        QCOMPARE(Test::readTrace(narrationFixture("sse-cuts"), &trace), QString());
        const QList<Caption> captions = Narration::captions(trace);
        int cuts = 0;
        for (const Connection& c : trace.connections()) {
            if (c.closeReason != QLatin1String("cut"))
                continue;
            const Connection* next = nullptr;
            for (const Connection& o : trace.connections()) {
                if (o.id == c.id + 1)
                    next = &o;
            }
            const int at = Narration::captionAt(captions, c.closedAt);
            if (!next) {
                QCOMPARE(captions[at].text.toString(),
                    QStringLiteral("The link is cut: the run ends before the client reconnects"));
                continue;
            }
            // The wait the client announced in its note ("reconnecting in 1000 ms") and the header it resumed with.
            QString wait;
            for (const Note& n : trace.notes()) {
                const auto match = QRegularExpression(QStringLiteral("reconnecting in (\\d+) ms")).match(n.text);
                if (match.hasMatch() && n.at >= c.closedAt && !wait.size())
                    wait = Narration::duration(match.captured(1).toLongLong() * 1000);
            }
            QByteArray lastEventId;
            for (const Message& m : trace.messages()) {
                if (m.connection == next->id && m.kind == Message::Kind::HttpRequest) {
                    for (const auto& [key, value] : m.headers()) {
                        if (key == "Last-Event-ID")
                            lastEventId = value;
                    }
                }
            }
            QVERIFY(!lastEventId.isEmpty());
            QCOMPARE(captions[at].text.toString(),
                QStringLiteral("The link is cut: the client waits %1, then reconnects with Last-Event-ID: %2")
                    .arg(wait, QString::fromLatin1(lastEventId)));
            ++cuts;
        }
        QCOMPARE(cuts, 2);
        // After a reconnect the events missed are sent at once: one caption for them all.
        int replays = 0;
        for (const Caption& c : captions) {
            if (c.text.toString().contains(QStringLiteral("missed while cut off"))) {
                const Message& first = trace.message(c.message);
                qint64 last = first.lastItem;
                TimeUs asked = NoTime; // when the server heard the reconnecting request
                for (const Message& m : trace.messages()) {
                    if (m.connection == first.connection && m.kind == Message::Kind::HttpRequest)
                        asked = m.receivedAt;
                }
                for (const Note& n : trace.notes()) {
                    if (n.item > last && n.at < asked)
                        last = n.item;
                }
                QVERIFY(last > first.firstItem);
                QCOMPARE(c.text.toString(),
                    QStringLiteral("The server resends what the client missed while cut off: items %1 to %2")
                        .arg(first.firstItem)
                        .arg(last));
                ++replays;
            }
        }
        QCOMPARE(replays, 2);
    }

    void requestResponse()
    {
        Trace trace;
        QCOMPARE(Test::readTrace(narrationFixture("request-response"), &trace), QString());
        const QList<Caption> captions = Narration::captions(trace);
        int answers = 0;
        for (const Message& m : trace.messages()) {
            if (m.kind == Message::Kind::HttpRequest) {
                QCOMPARE(about(captions, m.seq).value(0).text.toString(),
                    QStringLiteral("The client sends GET %1 and waits for the answer").arg(m.fields.target));
            }
            if (m.kind == Message::Kind::HttpResponse) {
                const QList<Caption> told = about(captions, m.seq);
                QCOMPARE(told.size(), 2);
                QVERIFY2(told[0].text.toString().startsWith(QStringLiteral("The server answers 200 OK after ")),
                    qPrintable(told[0].text.toString()));
                QCOMPARE(told[1].at, m.receivedAt);
                QVERIFY2(told[1].text.toString().startsWith(QStringLiteral("The answer arrives: the client waited ")),
                    qPrintable(told[1].text.toString()));
                ++answers;
            }
        }
        QVERIFY(answers >= 5);
    }
};

QTEST_GUILESS_MAIN(TestNarration)
#include "tst_narration.moc"
