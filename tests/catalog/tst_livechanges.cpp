// SPDX-License-Identifier: GPL-3.0-or-later
// Live parameters act live: a new `produce` pace applies to the item already waiting, in every pattern
// with a producer, so the panel's live mark tells the truth.
#include "testrun.h"

#include <QTest>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

qsizetype produced(const Trace& trace)
{
    return std::count_if(trace.notes().begin(), trace.notes().end(), [](const Note& note) { return note.item >= 0; });
}

} // namespace

class TestLiveChanges : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void produceActsAtOnce_data()
    {
        QTest::addColumn<QString>("pattern");
        for (const char* id :
            { "short-polling", "long-polling", "server-sent-events", "websockets", "publish-subscribe" })
            QTest::newRow(id) << QString::fromLatin1(id);
    }

    void produceActsAtOnce()
    {
        QFETCH(QString, pattern);
        // Ten minutes between items: without the change, none would come during this test.
        auto run = startRun(pattern,
            { QStringLiteral("produce=600s"), QStringLiteral("arrivals=fixed"), QStringLiteral("latency=5ms") });
        QVERIFY(run);
        QVERIFY(waitUntil([&] { return run->trace()->messages().size() >= 2; }));
        QCOMPARE(produced(*run->trace()), 0);
        QString error;
        QVERIFY2(run->setParameter(QStringLiteral("produce"), 100, &error), qPrintable(error));
        // A tenth of a second apart now: several within a few seconds even on a loaded machine.
        QVERIFY2(waitUntil([&] { return produced(*run->trace()) >= 3; }, 8000),
            qPrintable(QStringLiteral("%1 items produced").arg(produced(*run->trace()))));
        QVERIFY(stopAndWait(*run));
    }

    // An open event stream takes a new heartbeat interval at once (before, only streams opened later did).
    void heartbeatActsOnOpenStreams()
    {
        auto run = startRun(QStringLiteral("server-sent-events"),
            { QStringLiteral("heartbeat=600s"), QStringLiteral("produce=600s"), QStringLiteral("latency=5ms") });
        QVERIFY(run);
        const auto heartbeats = [&] {
            return std::count_if(run->trace()->messages().begin(), run->trace()->messages().end(),
                [](const Message& m) { return m.label.contains(QStringLiteral("heartbeat")); });
        };
        // The stream is open once its 200 has arrived.
        QVERIFY(waitUntil([&] {
            return std::any_of(run->trace()->messages().begin(), run->trace()->messages().end(),
                [](const Message& m) { return m.label.startsWith(QStringLiteral("200")); });
        }));
        QCOMPARE(heartbeats(), 0);
        QVERIFY(run->setParameter(QStringLiteral("heartbeat"), 100));
        QVERIFY2(waitUntil([&] { return heartbeats() >= 3; }, 8000),
            qPrintable(QStringLiteral("%1 heartbeats").arg(heartbeats())));
        QVERIFY(stopAndWait(*run));
    }
};

QTEST_MAIN(TestLiveChanges)
#include "tst_livechanges.moc"
