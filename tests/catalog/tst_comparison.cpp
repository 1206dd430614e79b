// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparison.h"
#include "figures.h"
#include "run.h"
#include "trace.h"
#include "waituntil.h"

#include <QSignalSpy>
#include <QTest>
#include <cmath>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

QList<qint64> oneTo(qint64 n)
{
    QList<qint64> ids;
    for (qint64 i = 1; i <= n; ++i)
        ids.append(i);
    return ids;
}

// When each item was produced, from the producer's notes, relative to the first.
QList<TimeUs> schedule(const Trace& trace)
{
    QList<TimeUs> at;
    for (const Note& note : trace.notes()) {
        if (note.item >= 0)
            at.append(note.at);
    }
    for (qsizetype i = at.size() - 1; i >= 0; --i)
        at[i] -= at.constFirst();
    return at;
}

} // namespace

class TestComparison : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void comparableAreTheItemDeliveringFive()
    {
        QCOMPARE(ComparisonRun::comparablePatterns(),
            QStringList(
                { QStringLiteral("short-polling"), QStringLiteral("long-polling"), QStringLiteral("server-sent-events"),
                    QStringLiteral("websockets"), QStringLiteral("publish-subscribe") }));
    }

    void parametersShareTheWorkload()
    {
        Workload w;
        w.settings = { { QStringLiteral("latency"), QStringLiteral("100ms") },
            { QStringLiteral("clients"), QStringLiteral("2") }, { QStringLiteral("poll"), QStringLiteral("1s") } };
        QString error;
        ParameterSet p;
        QVERIFY2(ComparisonRun::parametersFor(QStringLiteral("publish-subscribe"), w, &p, &error), qPrintable(error));
        QCOMPARE(p.value(QStringLiteral("latency")), 100);
        QCOMPARE(p.value(QStringLiteral("subscribers")), 2); // "clients" means subscribers here
        QCOMPARE(p.value(QStringLiteral("topics")), 1);
        QVERIFY(ComparisonRun::parametersFor(QStringLiteral("short-polling"), w, &p, &error));
        QCOMPARE(p.value(QStringLiteral("poll")), 1000);
        QCOMPARE(p.value(QStringLiteral("clients")), 2);
        QVERIFY(ComparisonRun::parametersFor(QStringLiteral("websockets"), w, &p, &error));
        QCOMPARE(p.value(QStringLiteral("send")), 0);
    }

    void badWorkloadsAreNamed_data()
    {
        QTest::addColumn<QStringList>("patterns");
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("expected");
        const QStringList two { QStringLiteral("short-polling"), QStringLiteral("websockets") };
        QTest::newRow("not comparable") << QStringList { QStringLiteral("request-response") } << QString()
                                        << QStringLiteral("comparable: short-polling, long-polling");
        QTest::newRow("unknown") << QStringList { QStringLiteral("nope") } << QString()
                                 << QStringLiteral("'nope' is not a pattern");
        QTest::newRow("twice") << QStringList { QStringLiteral("websockets"), QStringLiteral("websockets") }
                               << QString() << QStringLiteral("named twice");
        QTest::newRow("none") << QStringList {} << QString() << QStringLiteral("which patterns?");
        QTest::newRow("nobody has it") << two << QStringLiteral("hold=1s") << QStringLiteral("parameter 'hold'");
        QTest::newRow("out of range") << two << QStringLiteral("latency=20s") << QStringLiteral("0ms to 10s");
    }

    void badWorkloadsAreNamed()
    {
        QFETCH(QStringList, patterns);
        QFETCH(QString, setting);
        QFETCH(QString, expected);
        Workload w;
        if (!setting.isEmpty())
            w.settings.append({ setting.section(u'=', 0, 0), setting.section(u'=', 1) });
        QString error;
        ComparisonRun comparison;
        QVERIFY(!comparison.start(patterns, w, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(comparison.count(), 0);
    }

    // The test: one seed, five patterns at once; the same items reach every pattern's client,
    // and the delays and requests per item order as theory says.
    void fivePatternsOnOneWorkload()
    {
        Workload w;
        w.seed = 3;
        // Items every 300 ms on average, polls every 150 ms, 20 ms each way, for 8 s (about 27 items):
        // short polling asks more often than items come and its mean (L + P/2, 95 ms) lies ~70 ms above
        // long polling's (L, plus up to 2L for the one item in eight that comes while no poll is held);
        // the streams deliver in L.
        w.durationMs = 8000;
        w.settings = { { QStringLiteral("latency"), QStringLiteral("20ms") },
            { QStringLiteral("produce"), QStringLiteral("300ms") },
            { QStringLiteral("poll"), QStringLiteral("150ms") } };
        ComparisonRun comparison;
        QSignalSpy finished(&comparison, &ComparisonRun::finished);
        QString error;
        QVERIFY2(comparison.start(ComparisonRun::comparablePatterns(), w, &error), qPrintable(error));
        QCOMPARE(comparison.count(), 5);
        QVERIFY(comparison.isRunning());
        QVERIFY(waitUntil([&] { return finished.count() == 1; }, 40000));
        QVERIFY(!comparison.isRunning());

        QList<PatternFigures> figures;
        for (int i = 0; i < comparison.count(); ++i) {
            figures.append(comparison.figures(i));
            const PatternFigures& f = figures.constLast();
            qInfo("%-20s items %lld mean %lld us p95 %lld us requests/item %.2f bytes/item %.0f theory %lld..%lld us",
                qPrintable(f.patternId), qlonglong(f.metrics.itemsProduced), qlonglong(f.metrics.delivery.mean),
                qlonglong(f.metrics.delivery.p95), f.requestsPerItem, f.bytesPerItem, qlonglong(f.theory.low),
                qlonglong(f.theory.high));
        }

        // The same schedule: as many items, produced at the same offsets (timers may fire a few ms late
        // on a busy machine), and every one delivered to the one client of each pattern.
        const Trace& first = *comparison.run(0)->trace();
        const QList<TimeUs> reference = schedule(first);
        QVERIFY(reference.size() >= 10);
        for (int i = 0; i < comparison.count(); ++i) {
            const Trace& trace = *comparison.run(i)->trace();
            const QList<TimeUs> at = schedule(trace);
            QCOMPARE(at.size(), reference.size());
            for (qsizetype k = 0; k < at.size(); ++k)
                QVERIFY2(qAbs(at.at(k) - reference.at(k)) < 50'000, qPrintable(comparison.patternId(i)));
            QCOMPARE(deliveredItems(trace), oneTo(reference.size()));
            QCOMPARE(figures.at(i).clients, 1);
            QCOMPARE(figures.at(i).undelivered, 0);
            QCOMPARE(figures.at(i).metrics.duplicates, 0);
        }

        const auto mean = [&](int i) { return figures.at(i).metrics.delivery.mean; };
        const TimeUs latency = 20'000;
        // Nothing arrives sooner than the wire allows.
        for (int i = 0; i < figures.size(); ++i)
            QVERIFY2(figures.at(i).metrics.delivery.p50 >= latency, qPrintable(figures.at(i).patternId));
        // Short polling waits for polls.
        QVERIFY(mean(0) > mean(1) + 30'000);
        // Long polling is never faster than a stream (one hop, at once) beyond timer noise.
        QVERIFY(mean(1) >= mean(2) - 5'000);
        // SSE and WebSockets both write the item on an open connection: the same delay within the
        // machinery's noise.
        QVERIFY(qAbs(mean(2) - mean(3)) < 20'000);
        // Publish-subscribe: two hops.
        QVERIFY(mean(4) >= 2 * latency);
        // Long polling is within its theory range, which holds for any sample; short polling's mean is
        // within three standard deviations of L + P/2 (its printed range, less the machinery's allowance).
        QVERIFY2(figures.at(1).meetsTheory(), qPrintable(QString::number(mean(1))));
        QVERIFY2(figures.at(0).meetsTheory(), qPrintable(QString::number(mean(0))));
        const double sigma = 150'000.0 / std::sqrt(12.0 * double(figures.at(0).metrics.delivery.count));
        QVERIFY2(qAbs(double(mean(0) - figures.at(0).theory.expected)) <= 3 * sigma,
            qPrintable(QStringLiteral("%1 vs %2").arg(mean(0)).arg(figures.at(0).theory.expected)));

        // Requests per item: short polling asks most; streams ask once per connection.
        for (int i = 1; i < figures.size(); ++i)
            QVERIFY(figures.at(0).requestsPerItem > figures.at(i).requestsPerItem);
        QVERIFY(figures.at(1).requestsPerItem >= figures.at(2).requestsPerItem);
    }

    void stopEndsEveryRun()
    {
        Workload w;
        w.durationMs = 0; // until stopped
        ComparisonRun comparison;
        QSignalSpy finished(&comparison, &ComparisonRun::finished);
        QString error;
        QVERIFY2(comparison.start({ QStringLiteral("long-polling"), QStringLiteral("websockets") }, w, &error),
            qPrintable(error));
        QVERIFY(waitUntil([&] { return comparison.run(1)->trace()->connections().size() >= 1; }, 5000));
        comparison.stop();
        QVERIFY(waitUntil([&] { return finished.count() == 1; }, 20000));
        for (int i = 0; i < comparison.count(); ++i)
            QVERIFY(!comparison.run(i)->isRunning());
    }
};

QTEST_GUILESS_MAIN(TestComparison)
#include "tst_comparison.moc"
