// SPDX-License-Identifier: GPL-3.0-or-later
// The dense fixture traces in tests/data (see its README.md): each reads cleanly, stays small, and
// still shows what the layout tests rely on it for. A fixture re-recorded without its density, its
// cuts or its held polls would make those tests pass for nothing.
#include "tracefiles.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>
#include <functional>

using namespace PatternScope;
using namespace PatternScope::Test;

// A check on one fixture: empty when it holds, else what is missing.
using Claim = std::function<QString(const PatternScope::Trace&)>;
Q_DECLARE_METATYPE(Claim)

namespace {

qsizetype countKind(const Trace& trace, Message::Kind kind)
{
    return std::count_if(
        trace.messages().begin(), trace.messages().end(), [kind](const Message& m) { return m.kind == kind; });
}

qsizetype countNotes(const Trace& trace, const QString& part)
{
    return std::count_if(
        trace.notes().begin(), trace.notes().end(), [&](const Note& n) { return n.text.contains(part); });
}

qsizetype countLabels(const Trace& trace, const QString& label)
{
    return std::count_if(
        trace.messages().begin(), trace.messages().end(), [&](const Message& m) { return m.label == label; });
}

QString atLeast(const char* what, qsizetype actual, qsizetype wanted)
{
    return actual >= wanted ? QString()
                            : QStringLiteral("%1: %2, wanted at least %3").arg(QLatin1String(what)).arg(actual).arg(wanted);
}

} // namespace

class TestTestData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixture_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<Claim>("claim");

        QTest::addRow("SSE at 20 items/s")
            << QStringLiteral("sse-20-per-s") << QStringLiteral("server-sent-events")
            << Claim([](const Trace& t) { return atLeast("events", countKind(t, Message::Kind::SseEvent), 250); });
        QTest::addRow("request-callback, receiver down")
            << QStringLiteral("callback-receiver-down") << QStringLiteral("request-callback")
            << Claim([](const Trace& t) {
                   QString missing = atLeast("refused connections", countNotes(t, QStringLiteral(" refused")), 15);
                   if (missing.isEmpty())
                       missing = atLeast("failed attempts", countNotes(t, QStringLiteral("attempt ")), 10);
                   if (missing.isEmpty()) {
                       missing = atLeast("callbacks answered 200",
                           std::count_if(t.messages().begin(), t.messages().end(),
                               [](const Message& m) { return m.fields.status == 200; }),
                           3);
                   }
                   return missing;
               });
        for (int clients : { 3, 5 }) {
            QTest::addRow("short polling, %d clients", clients)
                << QStringLiteral("short-polling-%1-clients").arg(clients) << QStringLiteral("short-polling")
                << Claim([clients](const Trace& t) {
                       QString missing = atLeast("participants", qsizetype(t.participants().size()), clients + 1);
                       if (missing.isEmpty()) // every client's first poll asks from the start, at about the same time
                           missing = atLeast(
                               "first polls", countLabels(t, QStringLiteral("GET /updates?since=0")), clients);
                       if (missing.isEmpty())
                           missing = atLeast("polls", countKind(t, Message::Kind::HttpRequest), 20 * clients);
                       return missing;
                   });
        }
        QTest::addRow("publish-subscribe, fast")
            << QStringLiteral("pubsub-fast") << QStringLiteral("publish-subscribe") << Claim([](const Trace& t) {
                   QString missing = atLeast("publishes", countKind(t, Message::Kind::Publish), 200);
                   if (missing.isEmpty())
                       missing = atLeast("deliveries", countKind(t, Message::Kind::Deliver), 400);
                   return missing;
               });
        QTest::addRow("WebSockets with cuts")
            << QStringLiteral("websockets-cuts") << QStringLiteral("websockets") << Claim([](const Trace& t) {
                   const qsizetype cut = std::count_if(t.connections().begin(), t.connections().end(),
                       [](const Connection& c) { return c.closeReason == QStringLiteral("cut"); });
                   QString missing = atLeast("connections cut", cut, 4);
                   if (missing.isEmpty())
                       missing = atLeast("text messages", countKind(t, Message::Kind::WsText), 80);
                   return missing;
               });
        QTest::addRow("long polling, long holds")
            << QStringLiteral("long-polling-holds") << QStringLiteral("long-polling") << Claim([](const Trace& t) {
                   const qsizetype longHolds = std::count_if(t.activations().begin(), t.activations().end(),
                       [](const Activation& a) { return a.end != NoTime && a.end - a.start >= 4'000'000; });
                   return atLeast("holds of 4 s or more", longHolds, 2);
               });
    }
    void fixture()
    {
        QFETCH(QString, file);
        QFETCH(QString, pattern);
        QFETCH(Claim, claim);
        const QString path = QStringLiteral(PATTERNSCOPE_TEST_DATA "/") + file + QStringLiteral(".pstrace.jsonl");
        QVERIFY2(QFileInfo(path).size() < 1'000'000, qPrintable(path + QStringLiteral(" is 1 MB or more")));
        Trace trace;
        TraceHeader header;
        QCOMPARE(readTrace(path, &trace, &header), QString());
        QCOMPARE(header.pattern, pattern);
        QVERIFY2(trace.endTime() >= 10'000'000 && trace.endTime() <= 25'000'000,
            qPrintable(QStringLiteral("%1 s long").arg(double(trace.endTime()) / 1e6)));
        QCOMPARE(claim(trace), QString());
    }

    // Every fixture in the folder is one of the rows above, so none goes unchecked or undocumented.
    void everyFixtureListed()
    {
        const QStringList files = QDir(QStringLiteral(PATTERNSCOPE_TEST_DATA))
                                      .entryList({ QStringLiteral("*.pstrace.jsonl") }, QDir::Files, QDir::Name);
        const QByteArray readme = readFile(QStringLiteral(PATTERNSCOPE_TEST_DATA "/README.md"));
        QVERIFY(!readme.isEmpty());
        QCOMPARE(files.size(), 7);
        for (const QString& name : files)
            QVERIFY2(readme.contains(name.toUtf8()), qPrintable(name + QStringLiteral(" is not in README.md")));
    }
};

QTEST_GUILESS_MAIN(TestTestData)
#include "tst_testdata.moc"
