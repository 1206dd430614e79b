// SPDX-License-Identifier: GPL-3.0-or-later
#include "testrun.h"
#include "textbook.h"
#include "tracequeries.h"

#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

// A word of the vocabulary: the label itself, or "Publish (" for every label that starts so.
bool inVocabulary(const QString& label, const QStringList& vocabulary)
{
    return std::any_of(vocabulary.begin(), vocabulary.end(), [&](const QString& word) {
        return word.endsWith(u'(') ? label.startsWith(word) && label.endsWith(u')') : label == word;
    });
}

bool hasLabel(const Trace& trace, const QString& word)
{
    return std::any_of(trace.messages().begin(), trace.messages().end(), [&](const Message& m) {
        return m.state == Message::State::Delivered && Textbook::shown(m) && inVocabulary(Textbook::label(m), { word });
    });
}

bool hasActivation(const Trace& trace, const QString& label)
{
    return std::any_of(trace.activations().begin(), trace.activations().end(),
        [&](const Activation& a) { return a.end != NoTime && Textbook::activationLabel(a) == label; });
}

// What the wire says is beneath the pattern: TCP's connect and close, pings and pongs, and SSE comments
// (the event stream's ": heartbeat" lines). Told from the wire's own record, not from textbook.cpp's rules.
bool isPlumbingOnTheWire(const Message& m)
{
    switch (m.kind) {
    case Message::Kind::Connect:
    case Message::Kind::Close:
    case Message::Kind::WsPing:
    case Message::Kind::WsPong:
        return true;
    case Message::Kind::SseEvent:
        return m.label.startsWith(QLatin1String(": "));
    default:
        return false;
    }
}

// The textbook's words a message must get, where the wire alone says which; empty where the
// vocabulary check is all there is to say.
QString expectedLabel(const Message& m)
{
    switch (m.kind) {
    case Message::Kind::HttpResponse:
        if (m.fields.status == 204)
            return QStringLiteral("Response (no data)");
        if (m.fields.status == 202)
            return QStringLiteral("Accepted");
        if (m.fields.status == 101)
            return QStringLiteral("Connection established");
        if (m.fields.status == 200 && m.carriesItems())
            return QStringLiteral("Response (data ready)");
        return {};
    case Message::Kind::Callback:
        return QStringLiteral("Invoke the callback");
    case Message::Kind::Publish:
        return QStringLiteral("Publish (%1)").arg(m.fields.name);
    case Message::Kind::Deliver:
        return QStringLiteral("Deliver (%1)").arg(m.fields.name);
    case Message::Kind::SseEvent:
    case Message::Kind::WsText:
        return m.carriesItems() ? QStringLiteral("Send update") : QString();
    default:
        return {};
    }
}

} // namespace

// Every pattern, run for real, drawn at the Textbook level: the plumbing is hidden, and every message
// that is drawn says what it is in the textbook's words for that pattern.
class TestTextbookPatterns : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyPatternInTheTextbooksWords_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QStringList>("settings");
        QTest::addColumn<QStringList>("vocabulary"); // every label drawn is one of these
        QTest::addColumn<QStringList>("required"); // labels the run must show at least once
        QTest::addColumn<QStringList>("activations"); // Textbook::activationLabel of every activation
        QTest::addColumn<QList<int>>("hiddenKinds"); // plumbing the run must have (and hide)

        const QString latency = QStringLiteral("latency=30ms");
        const QString fixed = QStringLiteral("arrivals=fixed");
        constexpr int Connect = int(Message::Kind::Connect);
        const QString request = QStringLiteral("Request");
        const QString noData = QStringLiteral("Response (no data)");
        const QString dataReady = QStringLiteral("Response (data ready)");
        const QString establish = QStringLiteral("Establish connection");
        const QString established = QStringLiteral("Connection established");
        const QString update = QStringLiteral("Send update");
        const QString close = QStringLiteral("Close connection");
        const QString acknowledge = QStringLiteral("Acknowledge");
        const QString process = QStringLiteral("Process the request");

        QTest::addRow("request-response")
            << QStringLiteral("request-response")
            << QStringList { latency, QStringLiteral("interval=100ms"), QStringLiteral("processing=30ms") }
            << QStringList { request, QStringLiteral("Response") }
            << QStringList { request, QStringLiteral("Response") } << QStringList { process } << QList<int> { Connect };
        QTest::addRow("short-polling") << QStringLiteral("short-polling")
                                       << QStringList { latency, fixed, QStringLiteral("poll=100ms"),
                                              QStringLiteral("produce=250ms"), QStringLiteral("clients=2") }
                                       << QStringList { request, noData, dataReady }
                                       << QStringList { request, noData, dataReady } << QStringList {}
                                       << QList<int> { Connect };
        QTest::addRow("long-polling") << QStringLiteral("long-polling")
                                      << QStringList { latency, fixed, QStringLiteral("hold=150ms"),
                                             QStringLiteral("produce=400ms"), QStringLiteral("clients=2") }
                                      << QStringList { request, noData, dataReady }
                                      << QStringList { request, noData, dataReady }
                                      << QStringList { QStringLiteral("Wait until data is ready") }
                                      << QList<int> { Connect };
        QTest::addRow("websockets") << QStringLiteral("websockets")
                                    << QStringList { latency, fixed, QStringLiteral("ping=150ms"),
                                           QStringLiteral("send=150ms"), QStringLiteral("produce=150ms") }
                                    << QStringList { establish, established, update, QStringLiteral("Send message"),
                                           close }
                                    << QStringList { establish, established, update, QStringLiteral("Send message") }
                                    << QStringList {}
                                    << QList<int> { Connect, int(Message::Kind::WsPing), int(Message::Kind::WsPong) };
        QTest::addRow("server-sent-events")
            << QStringLiteral("server-sent-events")
            << QStringList { latency, fixed, QStringLiteral("heartbeat=150ms"), QStringLiteral("produce=200ms") }
            << QStringList { establish, QStringLiteral("Reconnect"), established, update, QStringLiteral("Send event"),
                   noData }
            << QStringList { establish, established, update } << QStringList {}
            << QList<int> { Connect, int(Message::Kind::SseEvent) };
        QTest::addRow("publish-subscribe")
            << QStringLiteral("publish-subscribe")
            << QStringList { latency, fixed, QStringLiteral("produce=100ms"),
                   QStringLiteral("guarantee=at-least-once") }
            << QStringList { establish, established, QStringLiteral("Subscribe ("), QStringLiteral("Unsubscribe ("),
                   QStringLiteral("Publish ("), QStringLiteral("Deliver ("), acknowledge, close }
            << QStringList { establish, established, QStringLiteral("Subscribe ("), QStringLiteral("Publish ("),
                   QStringLiteral("Deliver ("), acknowledge }
            << QStringList {} << QList<int> { Connect };
        const QStringList callbackWords { QStringLiteral("Request (with callback info)"), QStringLiteral("Accepted"),
            QStringLiteral("Invoke the callback"), acknowledge };
        QTest::addRow("request-callback")
            << QStringLiteral("request-callback")
            << QStringList { latency, QStringLiteral("interval=150ms"), QStringLiteral("processing=50ms") }
            << callbackWords << callbackWords << QStringList { process } << QList<int> { Connect };
        // A receiver that refuses the signature answers 401: the callback's failure in plain words.
        const QStringList refusedWords = callbackWords.mid(0, 3) << QStringLiteral("Error (401)");
        QTest::addRow("request-callback refused")
            << QStringLiteral("request-callback")
            << QStringList { latency, QStringLiteral("interval=150ms"), QStringLiteral("processing=20ms"),
                   QStringLiteral("signature=invalid"), QStringLiteral("retry-first=20ms"),
                   QStringLiteral("retry-max=2") }
            << refusedWords << refusedWords << QStringList { process } << QList<int> { Connect };
    }

    void everyPatternInTheTextbooksWords()
    {
        QFETCH(QString, pattern);
        QFETCH(QStringList, settings);
        QFETCH(QStringList, vocabulary);
        QFETCH(QStringList, required);
        QFETCH(QStringList, activations);
        QFETCH(QList<int>, hiddenKinds);

        auto run = startRun(pattern, settings);
        QVERIFY(run);
        const Trace& trace = *run->trace();
        const auto seen = [&] {
            return std::all_of(required.begin(), required.end(), [&](const QString& w) { return hasLabel(trace, w); })
                && std::all_of(
                    activations.begin(), activations.end(), [&](const QString& a) { return hasActivation(trace, a); })
                && std::all_of(hiddenKinds.begin(), hiddenKinds.end(), [&](int kind) {
                       return std::any_of(trace.messages().begin(), trace.messages().end(),
                           [&](const Message& m) { return int(m.kind) == kind && isPlumbingOnTheWire(m); });
                   });
        };
        const bool complete = waitUntil(seen, 20000);
        QVERIFY(stopAndWait(*run, 20000));
        QStringList missing;
        for (const QString& word : required) {
            if (!hasLabel(trace, word))
                missing.append(word);
        }
        QVERIFY2(complete, qPrintable(QStringLiteral("never drawn: ") + missing.join(QStringLiteral(", "))));

        QStringList wrong;
        for (const Message& m : trace.messages()) {
            const QString label = Textbook::label(m);
            const QString where
                = QStringLiteral("#%1 %2 \"%3\" → \"%4\"").arg(m.seq).arg(kindName(m.kind), m.label, label);
            QVERIFY2(!label.isEmpty(), qPrintable(where));
            if (Textbook::shown(m) == isPlumbingOnTheWire(m)) {
                wrong.append(where + (Textbook::shown(m) ? QStringLiteral(": shown") : QStringLiteral(": hidden")));
                continue;
            }
            if (!Textbook::shown(m))
                continue;
            const QString expected = expectedLabel(m);
            if (!inVocabulary(label, vocabulary) || (!expected.isEmpty() && label != expected))
                wrong.append(where);
        }
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.mid(0, 10).join(QStringLiteral("; "))));

        for (const Activation& a : trace.activations())
            QVERIFY2(activations.contains(Textbook::activationLabel(a)), qPrintable(a.label));
        for (const Note& note : trace.notes()) {
            if (note.item >= 0)
                QCOMPARE(Textbook::noteText(note), QStringLiteral("New data"));
            else
                QCOMPARE(Textbook::noteText(note), note.text);
        }
    }
};

QTEST_GUILESS_MAIN(TestTextbookPatterns)
#include "tst_textbookpatterns.moc"
