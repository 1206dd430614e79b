// SPDX-License-Identifier: GPL-3.0-or-later
// The comparison charts: each chart's series hold the figures of its trace (as computeMetrics has them),
// they follow a growing trace at most four times a second, survive a trace that goes away, and export as
// SVG and PNG.
#include "chartdata.h"
#include "comparisoncharts.h"
#include "tracefiles.h"

#include <QImage>
#include <QSignalSpy>
#include <QTest>
#include <QtCharts/QBarSet>
#include <QtCharts/QBoxPlotSeries>
#include <QtCharts/QBoxSet>
#include <QtCharts/QChart>
#include <QtCharts/QHorizontalStackedBarSeries>
#include <QtCharts/QLineSeries>
#include <memory>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

struct Fixture {
    const char* file;
    const char* pattern;
};
const Fixture kFixtures[] = {
    { "short-polling-3-clients.pstrace.jsonl", "short-polling" },
    { "long-polling-holds.pstrace.jsonl", "long-polling" },
    { "sse-20-per-s.pstrace.jsonl", "server-sent-events" },
    { "websockets-cuts.pstrace.jsonl", "websockets" },
    { "pubsub-fast.pstrace.jsonl", "publish-subscribe" },
};

double ms(TimeUs us)
{
    return double(us) / 1000.0;
}

} // namespace

class TestComparisonCharts : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        for (const Fixture& f : kFixtures) {
            auto trace = std::make_unique<Trace>();
            QCOMPARE(
                readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/") + QLatin1String(f.file), trace.get()), QString());
            m_entries.append({ QString::fromLatin1(f.pattern), trace.get() });
            m_traces.push_back(std::move(trace));
        }
    }

    // The delay figures the charts draw are computeMetrics' own: the same deliveries, mean and percentiles.
    void deliveriesAgreeWithMetrics()
    {
        for (const auto& trace : m_traces) {
            const Metrics metrics = computeMetrics(*trace);
            const QList<ChartData::Delivery> deliveries = ChartData::deliveries(*trace);
            QList<TimeUs> delays;
            qint64 sum = 0;
            for (const ChartData::Delivery& d : deliveries) {
                delays.append(d.delay);
                sum += d.delay;
            }
            QVERIFY(!deliveries.isEmpty());
            QCOMPARE(deliveries.size(), metrics.delivery.count);
            QCOMPARE(sum / deliveries.size(), metrics.delivery.mean);
            const ChartData::Spread s = ChartData::spread(delays);
            QCOMPARE(s.median, metrics.delivery.p50);
            QCOMPARE(s.p95, metrics.delivery.p95);
            QCOMPARE(s.max, metrics.delivery.max);
            QVERIFY(s.min <= s.q1 && s.q1 <= s.median && s.median <= s.q3 && s.q3 <= s.p95);
        }
    }

    // Open connections as steps: the highest step is the peak computeMetrics finds, the last one what is open.
    void openConnectionSteps()
    {
        for (const auto& trace : m_traces) {
            const Metrics metrics = computeMetrics(*trace);
            const auto steps = ChartData::openConnections(*trace);
            int peak = 0;
            for (qsizetype i = 0; i < steps.size(); ++i) {
                peak = std::max(peak, steps.at(i).second);
                if (i > 0)
                    QVERIFY(steps.at(i).first > steps.at(i - 1).first);
            }
            QCOMPARE(peak, metrics.peakOpenConnections);
            QCOMPARE(steps.constLast().second, metrics.openConnections);
        }
    }

    // The WebSocket fixture's links were cut every 3 s, four times.
    void cutsFound()
    {
        const QList<TimeUs> cuts = ChartData::cutTimes(*m_traces.at(3));
        QCOMPARE(cuts.size(), 4);
        for (qsizetype i = 1; i < cuts.size(); ++i)
            QVERIFY2(qAbs(cuts.at(i) - cuts.at(i - 1) - 3'000'000) < 500'000, qPrintable(QString::number(cuts.at(i))));
        QVERIFY(ChartData::cutTimes(*m_traces.at(2)).isEmpty());
    }

    // Each chart's series hold its pattern's figures, in the order given.
    void seriesHoldTheFigures()
    {
        ComparisonCharts charts;
        charts.setTraces(m_entries);
        const int n = int(m_entries.size());
        QCOMPARE(charts.count(), n);
        auto* boxes = qobject_cast<QBoxPlotSeries*>(charts.delayChart()->series().value(0));
        QVERIFY(boxes);
        QCOMPARE(boxes->count(), n);
        auto* requests = qobject_cast<QHorizontalStackedBarSeries*>(charts.requestsChart()->series().value(0));
        auto* bytes = qobject_cast<QHorizontalStackedBarSeries*>(charts.bytesChart()->series().value(0));
        QVERIFY(requests && bytes);
        const auto lines = charts.connectionsChart()->series();
        QCOMPARE(lines.size(), n);
        for (int i = 0; i < n; ++i) {
            const Trace& trace = *m_traces.at(size_t(i));
            const Metrics metrics = computeMetrics(trace);
            QCOMPARE(charts.figures().at(i).metrics.requests, metrics.requests);
            QCOMPARE(charts.figures().at(i).metrics.deliveries, metrics.deliveries);
            QBoxSet* box = boxes->boxSets().at(i);
            QCOMPARE(box->label(), ComparisonCharts::shortName(m_entries.at(i).first));
            QCOMPARE(box->at(QBoxSet::Median), ms(metrics.delivery.p50));
            QCOMPARE(box->at(QBoxSet::UpperExtreme), ms(metrics.delivery.p95));
            // Closed traces: every connection's bytes are counted by the link.
            QCOMPARE(charts.figures().at(i).bytes, metrics.bytesOnWire);
            const double perItem = double(metrics.requests) / double(metrics.deliveries);
            QCOMPARE(requests->barSets().at(i)->at(n - 1 - i), perItem);
            QCOMPARE(bytes->barSets().at(i)->at(n - 1 - i),
                std::round(double(metrics.bytesOnWire) / double(metrics.deliveries)));
            // The other patterns' rows of this set are empty.
            for (int j = 0; j < n; ++j) {
                if (j != n - 1 - i)
                    QCOMPARE(requests->barSets().at(i)->at(j), 0.0);
            }
            auto* line = qobject_cast<QLineSeries*>(lines.at(i));
            double top = 0;
            for (const QPointF& p : line->points())
                top = std::max(top, p.y());
            QCOMPARE(top, double(metrics.peakOpenConnections));
            QCOMPARE(line->points().constLast().y(), double(metrics.openConnections));
        }
        // Short polling asks most per item delivered; the streams ask once per connection.
        QVERIFY(charts.figures().at(0).requestsPerItem > charts.figures().at(2).requestsPerItem);
    }

    // A growing trace redraws once per quarter second at most, not once per message; a deleted one is empty.
    void followsLiveThrottled()
    {
        ComparisonCharts charts;
        auto trace = std::make_unique<Trace>();
        const int client = trace->addParticipant(QStringLiteral("Client"), Participant::Role::Client);
        const int server = trace->addParticipant(QStringLiteral("Server"), Participant::Role::Server);
        trace->startClock();
        charts.setTraces({ { QStringLiteral("websockets"), trace.get() } });
        charts.resize(900, 300);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        QSignalSpy refreshed(&charts, &ComparisonCharts::refreshed);
        for (int i = 0; i < 200; ++i) {
            trace->addNote(server, QStringLiteral("item %1 produced").arg(i), TimeUs(i) * 1000, i);
            Message m;
            m.from = server;
            m.to = client;
            m.kind = Message::Kind::WsText;
            m.sentAt = TimeUs(i) * 1000;
            m.firstItem = m.lastItem = i;
            const qint64 seq = trace->addMessage(m);
            trace->completeMessage(seq, TimeUs(i) * 1000 + 2000, -1, 100);
        }
        QVERIFY(refreshed.wait(2000));
        QCOMPARE(refreshed.size(), 1);
        QCOMPARE(charts.figures().at(0).metrics.deliveries, 200);
        QCOMPARE(charts.spreads().at(0).median, 2000);
        trace.reset();
        QVERIFY(refreshed.wait(2000));
        QCOMPARE(charts.figures().at(0).metrics.deliveries, 0);
    }

    // SVG and PNG exports draw every chart: titles, the patterns' names and the axes' units are in the SVG.
    void exports()
    {
        ComparisonCharts charts;
        charts.setTraces(m_entries);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString error;
        const QString svgPath = dir.filePath(QStringLiteral("charts.svg"));
        QVERIFY2(charts.exportSvg(svgPath, QSize(1600, 400), &error), qPrintable(error));
        const QByteArray svg = readFile(svgPath);
        QVERIFY(svg.contains("<svg"));
        for (const char* text : { "Delivery delay", "Requests per delivered item", "Bytes per delivered item",
                 "Open connections over time", "delay (ms)", "run time (s)", "Short polling", "WebSockets", "SSE" })
            QVERIFY2(svg.contains(text), text);
        const QString pngPath = dir.filePath(QStringLiteral("charts.png"));
        QVERIFY2(charts.exportPng(pngPath, QSize(800, 600), &error), qPrintable(error));
        const QImage png(pngPath);
        QCOMPARE(png.size(), QSize(1600, 1200));
        // Not blank: more than the background colour.
        QSet<QRgb> colours;
        for (int y = 0; y < png.height(); y += 7)
            for (int x = 0; x < png.width(); x += 7)
                colours.insert(png.pixel(x, y));
        QVERIFY(colours.size() > 10);
        QVERIFY(!charts.exportSvg(dir.filePath(QStringLiteral("no/such/dir/x.svg")), QSize(800, 600), &error));
        QVERIFY(!error.isEmpty());
    }

private:
    std::vector<std::unique_ptr<Trace>> m_traces;
    QList<ComparisonCharts::Entry> m_entries;
};

QTEST_MAIN(TestComparisonCharts)
#include "tst_comparisoncharts.moc"
