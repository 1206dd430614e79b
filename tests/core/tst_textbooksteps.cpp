// SPDX-License-Identifier: GPL-3.0-or-later
// The textbook's reference diagrams and how a recorded run maps onto their steps, over the real
// fixture runs in tests/data.
#include "textbook.h"
#include "tracefiles.h"

#include <QTest>
#include <map>
#include <set>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

const QStringList kPatterns { QStringLiteral("long-polling"), QStringLiteral("short-polling"),
    QStringLiteral("server-sent-events"), QStringLiteral("websockets"), QStringLiteral("publish-subscribe"),
    QStringLiteral("request-callback"), QStringLiteral("request-response") };

struct Fixture {
    Trace trace;
    TraceHeader header;
};

std::unique_ptr<Fixture> load(const QString& file)
{
    auto fixture = std::make_unique<Fixture>();
    const QString error
        = readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/") + file + QStringLiteral(".pstrace.jsonl"),
            &fixture->trace, &fixture->header);
    if (!error.isEmpty())
        qWarning("%s", qPrintable(error));
    return error.isEmpty() ? std::move(fixture) : nullptr;
}

// What stepAt must answer, the slow way: every message, in send order, looked at.
int stepAtByScan(const QString& pattern, const Trace& trace, TimeUs t)
{
    int step = -1;
    const Message* latest = nullptr;
    for (qint64 seq : trace.sentOrder()) {
        const Message& m = trace.message(seq);
        if (m.sentAt > t)
            break;
        const int s = Textbook::stepOf(pattern, trace, seq);
        if (s >= 0)
            step = s, latest = &m;
    }
    const bool waits = pattern == QLatin1String("long-polling") || pattern == QLatin1String("request-response");
    if (latest && step == 0 && waits && latest->receivedAt != NoTime && latest->receivedAt <= t)
        return 1;
    return step;
}

// The messages the client `client` sent or was sent, in recording order.
std::vector<const Message*> exchangesOf(const Trace& trace, int client)
{
    std::vector<const Message*> out;
    for (const Message& m : trace.messages()) {
        if ((m.from == client || m.to == client)
            && Textbook::stepOf(QStringLiteral("short-polling"), trace, m.seq) >= 0)
            out.push_back(&m);
    }
    return out;
}

} // namespace

class TestTextbookSteps : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void referenceDiagrams()
    {
        for (const QString& id : kPatterns) {
            const Textbook::ReferenceDiagram d = Textbook::referenceDiagram(id);
            QVERIFY2(!d.isEmpty(), qPrintable(id));
            QCOMPARE(d.patternId, id);
            QVERIFY(d.participants.size() >= 2);
            for (size_t i = 0; i < d.participants.size(); ++i)
                QCOMPARE(d.participants[i].id, int(i));
            for (const Textbook::ReferenceStep& step : d.steps) {
                QVERIFY(!step.text.isEmpty());
                QVERIFY(step.from >= 0 && size_t(step.from) < d.participants.size());
                if (step.kind == Textbook::ReferenceStep::Kind::Message) {
                    QVERIFY(step.to >= 0 && size_t(step.to) < d.participants.size());
                    QVERIFY(step.to != step.from);
                }
            }
        }
        QVERIFY(Textbook::referenceDiagram(u"no-such-pattern").isEmpty());
        QVERIFY(Textbook::referenceDiagram(u"").isEmpty());
    }

    // The seed's words for long polling, exactly.
    void longPollingInTheSeedsWords()
    {
        const Textbook::ReferenceDiagram d = Textbook::referenceDiagram(u"long-polling");
        QCOMPARE(d.steps.size(), size_t(3));
        const auto name = [&d](int participant) { return d.participants[size_t(participant)].name; };
        QCOMPARE(d.steps[0].text, QStringLiteral("Request"));
        QCOMPARE(
            name(d.steps[0].from) + QStringLiteral(" → ") + name(d.steps[0].to), QStringLiteral("Client → Server"));
        QCOMPARE(d.steps[1].kind, Textbook::ReferenceStep::Kind::Note);
        QCOMPARE(d.steps[1].text, QStringLiteral("Wait until data is ready"));
        QCOMPARE(name(d.steps[1].from), QStringLiteral("Server"));
        QCOMPARE(d.steps[2].text, QStringLiteral("Response (delayed)"));
        QCOMPARE(
            name(d.steps[2].from) + QStringLiteral(" → ") + name(d.steps[2].to), QStringLiteral("Server → Client"));
    }

    // The trace the painter draws: a message per arrow with its words, a note (and the busy stretch) per note,
    // arrows level, lifelines in the textbook's order.
    void recordedReference()
    {
        for (const QString& id : kPatterns) {
            const Textbook::ReferenceDiagram d = Textbook::referenceDiagram(id);
            Trace trace;
            const std::vector<qint64> seqs = Textbook::recordReference(d, &trace);
            QCOMPARE(seqs.size(), d.steps.size());
            QCOMPARE(trace.participants().size(), d.participants.size());
            qsizetype notes = 0;
            for (size_t i = 0; i < d.steps.size(); ++i) {
                const Textbook::ReferenceStep& step = d.steps[i];
                if (step.kind == Textbook::ReferenceStep::Kind::Note) {
                    QCOMPARE(seqs[i], qint64(-1));
                    QCOMPARE(trace.notes()[size_t(notes)].text, step.text);
                    QCOMPARE(trace.notes()[size_t(notes)].at, TimeUs(i) * Textbook::ReferenceStepSpacing);
                    ++notes;
                    continue;
                }
                const Message& m = trace.message(seqs[i]);
                QCOMPARE(m.label, step.text);
                QCOMPARE(m.kind, step.drawnAs);
                QCOMPARE(trace.participant(m.from)->name, d.participants[size_t(step.from)].name);
                QCOMPARE(trace.participant(m.to)->name, d.participants[size_t(step.to)].name);
                QCOMPARE(m.state, Message::State::Delivered);
                QCOMPARE(m.receivedAt, m.sentAt);
                if (i > 0)
                    QVERIFY(m.sentAt > TimeUs(i - 1) * Textbook::ReferenceStepSpacing);
            }
            QCOMPARE(qsizetype(trace.notes().size()), notes);
            QCOMPARE(qsizetype(trace.activations().size()), notes);
            // Those who start the exchange on the left, as in the seed's diagrams.
            const std::vector<int> order = lifelineOrder(trace.participants());
            const QString first = trace.participants()[size_t(order.front())].name;
            QVERIFY2(first == QLatin1String("Client") || first == QLatin1String("Publisher"), qPrintable(first));
        }
    }

    void fixtures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addRow("long polling") << QStringLiteral("long-polling-holds");
        QTest::addRow("short polling, 3 clients") << QStringLiteral("short-polling-3-clients");
        QTest::addRow("short polling, 5 clients") << QStringLiteral("short-polling-5-clients");
        QTest::addRow("SSE") << QStringLiteral("sse-20-per-s");
        QTest::addRow("WebSockets with cuts") << QStringLiteral("websockets-cuts");
        QTest::addRow("publish-subscribe") << QStringLiteral("pubsub-fast");
        QTest::addRow("request-callback, receiver down") << QStringLiteral("callback-receiver-down");
    }

    // Over a real run: each mapped message goes the way its reference arrow goes (same roles at both ends),
    // every step of the reference is reached, and stepAt agrees with a plain scan at every moment that matters.
    void fixtures()
    {
        QFETCH(QString, file);
        const auto fixture = load(file);
        QVERIFY(fixture);
        const Trace& trace = fixture->trace;
        const QString pattern = fixture->header.pattern;
        const Textbook::ReferenceDiagram d = Textbook::referenceDiagram(pattern);
        QVERIFY2(!d.isEmpty(), qPrintable(pattern));

        qsizetype mapped = 0;
        for (const Message& m : trace.messages()) {
            const int step = Textbook::stepOf(pattern, trace, m.seq);
            QVERIFY(step >= -1 && step < int(d.steps.size()));
            if (step < 0) {
                continue;
            }
            ++mapped;
            QVERIFY2(Textbook::shown(m), qPrintable(m.label));
            const Textbook::ReferenceStep& ref = d.steps[size_t(step)];
            QCOMPARE(ref.kind, Textbook::ReferenceStep::Kind::Message);
            QCOMPARE(trace.participant(m.from)->role, d.participants[size_t(ref.from)].role);
            QCOMPARE(trace.participant(m.to)->role, d.participants[size_t(ref.to)].role);
        }
        QVERIFY(mapped >= 6);

        // Every moment something is sent or arrives, and just before it.
        std::set<TimeUs> moments { 0, trace.endTime() };
        for (const Message& m : trace.messages()) {
            moments.insert(m.sentAt);
            moments.insert(m.sentAt - 1);
            if (m.receivedAt != NoTime)
                moments.insert(m.receivedAt);
        }
        std::set<int> reached;
        for (TimeUs t : moments) {
            const int step = Textbook::stepAt(pattern, trace, t);
            QCOMPARE(step, stepAtByScan(pattern, trace, t));
            reached.insert(step);
        }
        for (int step = 0; step < int(d.steps.size()); ++step)
            QVERIFY2(reached.count(step),
                qPrintable(QStringLiteral("step %1 (%2) never reached").arg(step).arg(d.steps[size_t(step)].text)));
        QCOMPARE(Textbook::stepAt(pattern, trace, trace.message(trace.sentOrder().front()).sentAt - 1), -1);
    }

    // Long polling: in the middle of every hold the run is at "Wait until data is ready"; right after the
    // hold's answer is sent, at "Response (delayed)".
    void longPollingHolds()
    {
        const auto fixture = load(QStringLiteral("long-polling-holds"));
        QVERIFY(fixture);
        const Trace& trace = fixture->trace;
        int holds = 0;
        for (const Activation& a : trace.activations()) {
            if (a.end == NoTime || a.end - a.start < 1'000'000)
                continue;
            ++holds;
            QCOMPARE(Textbook::stepAt(u"long-polling", trace, (a.start + a.end) / 2), 1);
            // The answer that ends the hold.
            const auto answer = std::find_if(trace.messages().begin(), trace.messages().end(),
                [&a](const Message& m) { return m.kind == Message::Kind::HttpResponse && m.sentAt >= a.end; });
            QVERIFY(answer != trace.messages().end());
            QCOMPARE(Textbook::stepAt(u"long-polling", trace, answer->sentAt), 2);
        }
        QVERIFY(holds >= 2);
    }

    // Short polling, per client: the steps go round the textbook's cycle: Request, then an answer; after
    // "no data" the second Request; after data the first again.
    void shortPollingCycle()
    {
        const auto fixture = load(QStringLiteral("short-polling-3-clients"));
        QVERIFY(fixture);
        const Trace& trace = fixture->trace;
        qsizetype withData = 0;
        for (const Participant& p : trace.participants()) {
            if (p.role != Participant::Role::Client)
                continue;
            int previous = -1;
            for (const Message* m : exchangesOf(trace, p.id)) {
                const int step = Textbook::stepOf(u"short-polling", trace, m->seq);
                switch (previous) {
                case -1:
                case 3:
                    QCOMPARE(step, 0);
                    break;
                case 1:
                    QCOMPARE(step, 2);
                    break;
                default: // a request: its answer, with data or not
                    QCOMPARE(step, m->carriesItems() ? 3 : 1);
                }
                withData += step == 3;
                previous = step;
            }
        }
        QVERIFY(withData >= 3);
    }

    // SSE: the stream's first two events are the first two sends; every later one is "Send update ×n".
    void sseUpdates()
    {
        const auto fixture = load(QStringLiteral("sse-20-per-s"));
        QVERIFY(fixture);
        const Trace& trace = fixture->trace;
        std::map<int, int> eventsOn; // by connection
        qsizetype events = 0;
        for (const Message& m : trace.messages()) {
            if (m.kind != Message::Kind::SseEvent || !Textbook::shown(m))
                continue;
            const int before = eventsOn[m.connection]++;
            QCOMPARE(Textbook::stepOf(u"server-sent-events", trace, m.seq), 2 + std::min(before, 2));
            ++events;
        }
        QVERIFY(events >= 250);
    }

    // WebSockets: every handshake after a cut is the first steps again; pings and pongs are no step.
    void webSocketHandshakes()
    {
        const auto fixture = load(QStringLiteral("websockets-cuts"));
        QVERIFY(fixture);
        const Trace& trace = fixture->trace;
        qsizetype handshakes = 0;
        for (const Message& m : trace.messages()) {
            const int step = Textbook::stepOf(u"websockets", trace, m.seq);
            if (m.fields.upgrade) {
                QCOMPARE(step, 0);
                ++handshakes;
            }
            if (m.kind == Message::Kind::WsPing || m.kind == Message::Kind::WsPong || m.kind == Message::Kind::Connect)
                QCOMPARE(step, -1);
        }
        QVERIFY(handshakes >= 2 + 4);
    }

    // Publish-subscribe and request-callback: the message's textbook words begin with its step's.
    void wordsAgree_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addRow("publish-subscribe") << QStringLiteral("pubsub-fast");
        QTest::addRow("request-callback") << QStringLiteral("callback-receiver-down");
    }
    void wordsAgree()
    {
        QFETCH(QString, file);
        const auto fixture = load(file);
        QVERIFY(fixture);
        const Trace& trace = fixture->trace;
        const Textbook::ReferenceDiagram d = Textbook::referenceDiagram(fixture->header.pattern);
        for (const Message& m : trace.messages()) {
            const int step = Textbook::stepOf(fixture->header.pattern, trace, m.seq);
            if (step >= 0)
                QVERIFY2(Textbook::label(m).startsWith(d.steps[size_t(step)].text), qPrintable(Textbook::label(m)));
        }
    }

    // Request-response has no fixture: one exchange, recorded as the pattern records it.
    void requestResponse()
    {
        Trace trace;
        const int client = trace.addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        const int server = trace.addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        Message request;
        request.from = client;
        request.to = server;
        request.kind = Message::Kind::HttpRequest;
        request.sentAt = 1'000;
        const qint64 req = trace.addMessage(request);
        trace.completeMessage(req, 251'000);
        Message response;
        response.from = server;
        response.to = client;
        response.kind = Message::Kind::HttpResponse;
        response.fields.status = 200;
        response.sentAt = 400'000;
        const qint64 resp = trace.addMessage(response);
        trace.completeMessage(resp, 650'000);

        QCOMPARE(Textbook::stepAt(u"request-response", trace, 0), -1);
        QCOMPARE(Textbook::stepAt(u"request-response", trace, 100'000), 0);
        QCOMPARE(Textbook::stepAt(u"request-response", trace, 300'000), 1);
        QCOMPARE(Textbook::stepAt(u"request-response", trace, 400'000), 2);
        QCOMPARE(Textbook::stepAt(u"request-response", trace, 900'000), 2);
        QCOMPARE(Textbook::stepAt(u"no-such-pattern", trace, 900'000), -1);
    }
};

QTEST_GUILESS_MAIN(TestTextbookSteps)
#include "tst_textbooksteps.moc"
