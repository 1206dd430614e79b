// SPDX-License-Identifier: GPL-3.0-or-later
// The metrics panel: its figures are computeMetrics' of the trace shown, its chart holds each delivery's
// delay (thinned on big traces, keeping the spikes) and marks the cuts, it follows a growing trace at most
// four times a second, and View's toggle brings its tab forward and is remembered.
#include "chartdata.h"
#include "metricspanel.h"
#include "tracefiles.h"
#include "units.h"

#include <QAction>
#include <QElapsedTimer>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QtCharts/QChart>

using namespace PatternScope;
using namespace PatternScope::Test;

namespace {

// A publish-subscribe-like run: `items` items, each delivered to three subscribers 50 ms after it was
// produced, but 2 s late for the items produced around 10 s (a cut's backlog); 5 messages per item.
void fill(Trace* trace, int items)
{
    const int server = trace->addParticipant(QStringLiteral("Broker"), Participant::Role::Server);
    QList<int> clients;
    for (const char* name : { "A", "B", "C" })
        clients << trace->addParticipant(QString::fromLatin1(name), Participant::Role::Subscriber);
    trace->reserve(size_t(items) * 5);
    for (int i = 0; i < items; ++i) {
        const TimeUs at = TimeUs(i) * 10'000;
        trace->addNote(server, QStringLiteral("item %1 produced").arg(i), at, i);
        const TimeUs late = (at >= 10'000'000 && at < 10'200'000) ? 2'000'000 : 50'000;
        for (int k = 0; k < 5; ++k) {
            Message m;
            m.from = server;
            m.to = k < 3 ? clients.at(k) : server;
            m.kind = Message::Kind::Deliver;
            m.sentAt = at;
            if (k < 3)
                m.firstItem = m.lastItem = i;
            const qint64 seq = trace->addMessage(m);
            trace->completeMessage(seq, at + late, -1, 120);
        }
    }
}

} // namespace

class TestMetricsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    // Each figure shown is computeMetrics' own, for a fixture of every kind of run.
    void figuresAreTheMetrics_data()
    {
        QTest::addColumn<QString>("file");
        for (const char* f : { "short-polling-3-clients", "long-polling-holds", "sse-20-per-s", "websockets-cuts",
                 "pubsub-fast", "callback-receiver-down" })
            QTest::addRow("%s", f) << QStringLiteral(PATTERNSCOPE_TEST_DATA "/") + QLatin1String(f)
                    + QLatin1String(".pstrace.jsonl");
    }
    void figuresAreTheMetrics()
    {
        QFETCH(QString, file);
        Trace trace;
        QCOMPARE(readTrace(file, &trace), QString());
        MetricsPanel panel;
        panel.setTrace(&trace);
        const Metrics m = computeMetrics(trace);
        QCOMPARE(panel.metrics().deliveries, m.deliveries);
        QCOMPARE(panel.metrics().delivery.mean, m.delivery.mean);
        using F = MetricsPanel::Figure;
        QVERIFY2(panel.figureText(F::Deliveries).startsWith(QString::number(m.deliveries) + u' '),
            qPrintable(panel.figureText(F::Deliveries)));
        QVERIFY(panel.figureText(F::Deliveries).contains(QString::number(m.itemsProduced)));
        if (m.deliveries > 0) {
            QCOMPARE(panel.figureText(F::DelayMean),
                Units::clockDuration(m.delivery.mean) + QStringLiteral(" · ") + Units::clockDuration(m.delivery.p50));
            QCOMPARE(panel.figureText(F::DelayTail),
                Units::clockDuration(m.delivery.p95) + QStringLiteral(" · ") + Units::clockDuration(m.delivery.max));
        }
        QVERIFY(panel.figureText(F::Requests).startsWith(QString::number(m.requests)));
        QCOMPARE(panel.figureText(F::EmptyAnswers), QString::number(m.emptyAnswers));
        QVERIFY(panel.figureText(F::Bytes).startsWith(Units::decimalSize(m.bytesOnWire)));
        QVERIFY(panel.figureText(F::Connections)
                    .startsWith(QStringLiteral("%1 opened · %2 open · peak %3")
                                    .arg(m.connections)
                                    .arg(m.openConnections)
                                    .arg(m.peakOpenConnections)));
        QCOMPARE(panel.figureText(F::Losses), QStringLiteral("%1 · %2").arg(m.lost).arg(m.duplicates));

        // Below the thinning threshold, one point per delivery, at its arrival and delay.
        const QList<ChartData::Delivery> deliveries = ChartData::deliveries(trace);
        QCOMPARE(panel.delayPoints().size(), deliveries.size());
        for (qsizetype i = 0; i < deliveries.size(); ++i) {
            QCOMPARE(panel.delayPoints().at(i).x(), double(deliveries.at(i).receivedAt) / 1e6);
            QCOMPARE(panel.delayPoints().at(i).y(), double(deliveries.at(i).delay) / 1000.0);
        }
    }

    // The WebSocket fixture's four cuts are marked where they happened.
    void cutsMarked()
    {
        Trace trace;
        QCOMPARE(readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/websockets-cuts.pstrace.jsonl"), &trace), QString());
        MetricsPanel panel;
        panel.setTrace(&trace);
        const QList<TimeUs> cuts = ChartData::cutTimes(trace);
        QCOMPARE(cuts.size(), 4);
        QCOMPARE(panel.cutMarks().size(), 4);
        for (qsizetype i = 0; i < cuts.size(); ++i)
            QCOMPARE(panel.cutMarks().at(i), double(cuts.at(i)) / 1e6);
        // One delay series plus a line per cut; the legend names "link cut" once.
        QCOMPARE(panel.delayChart()->series().size(), 5);
        panel.setTrace(nullptr);
        QVERIFY(panel.cutMarks().isEmpty());
        QCOMPARE(panel.delayChart()->series().size(), 1);
        QCOMPARE(panel.metrics().messages, 0);
    }

    // 15 000 messages: the chart is thinned to its budget and still shows the late items' spike; what a
    // refresh costs is printed (it runs at most four times a second).
    void bigTraceThinned()
    {
        Trace trace;
        fill(&trace, 3000);
        QCOMPARE(qsizetype(trace.messages().size()), 15000);
        MetricsPanel panel;
        QElapsedTimer timer;
        timer.start();
        panel.setTrace(&trace);
        const qint64 firstMs = timer.elapsed();
        QCOMPARE(panel.metrics().deliveries, 9000);
        QVERIFY(panel.delayPoints().size() <= MetricsPanel::MaxPlottedPoints);
        double top = 0;
        for (const QPointF& p : panel.delayPoints())
            top = std::max(top, p.y());
        QCOMPARE(top, 2000.0); // the late items: kept though they are 20 of 9000
        QElapsedTimer again;
        again.start();
        for (int i = 0; i < 5; ++i)
            panel.refresh();
        qInfo("refresh on 15000 messages: first %lld ms, then %.1f ms each (panel's own measure: %lld us)", firstMs,
            double(again.elapsed()) / 5, panel.lastRefreshCostUs());
        QVERIFY(panel.lastRefreshCostUs() > 0);
    }

    // Appending many messages redraws once, after the throttle's quarter second, not once per message.
    void followsLiveThrottled()
    {
        Trace trace;
        MetricsPanel panel;
        panel.setTrace(&trace);
        panel.resize(900, 160);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy refreshed(&panel, &MetricsPanel::refreshed);
        fill(&trace, 100);
        QVERIFY(refreshed.wait(2000));
        QCOMPARE(refreshed.size(), 1);
        QCOMPARE(panel.metrics().deliveries, 300);
        // Hidden, it does not redraw; shown again, it catches up at once.
        panel.hide();
        fill(&trace, 10);
        QVERIFY(!refreshed.wait(MetricsPanel::RefreshIntervalMs * 3));
        panel.show();
        QCOMPARE(refreshed.size(), 2);
        QCOMPARE(panel.metrics().deliveries, 330);
    }

    // View → Metrics brings the panel's tab forward and back, follows the tab clicked, and is remembered.
    void toggleSwitchesTabsAndIsRemembered()
    {
        QSettings().remove(QStringLiteral("view/metricsPanel"));
        {
            QTabWidget tabs;
            auto* events = new QLabel(QStringLiteral("events"));
            auto* panel = new MetricsPanel;
            tabs.addTab(events, QStringLiteral("Events"));
            tabs.addTab(panel, QStringLiteral("Metrics"));
            panel->showIn(&tabs);
            QCOMPARE(tabs.currentWidget(), events); // first time: the events
            QVERIFY(!panel->toggleAction()->isChecked());
            panel->toggleAction()->trigger();
            QCOMPARE(tabs.currentWidget(), panel);
            tabs.setCurrentWidget(events);
            QVERIFY(!panel->toggleAction()->isChecked());
            panel->toggleAction()->trigger();
            QCOMPARE(tabs.currentWidget(), panel);
        }
        QVERIFY(QSettings().value(QStringLiteral("view/metricsPanel")).toBool());
        QTabWidget tabs;
        tabs.addTab(new QLabel(QStringLiteral("events")), QStringLiteral("Events"));
        auto* panel = new MetricsPanel;
        tabs.addTab(panel, QStringLiteral("Metrics"));
        panel->showIn(&tabs);
        QCOMPARE(tabs.currentWidget(), panel);
        QVERIFY(panel->toggleAction()->isChecked());
        panel->toggleAction()->trigger();
        QCOMPARE(tabs.currentIndex(), 0);
        QVERIFY(!QSettings().value(QStringLiteral("view/metricsPanel")).toBool());
    }

    // On a tab in the back a new trace is not computed until the tab is shown; then its figures are the
    // trace's, as a panel shown all along computes them.
    void aHiddenTabComputesWhenShown()
    {
        QSettings().setValue(QStringLiteral("view/metricsPanel"), false);
        Trace trace;
        fill(&trace, 300);
        QTabWidget tabs;
        auto* events = new QLabel(QStringLiteral("events"));
        auto* panel = new MetricsPanel;
        tabs.addTab(events, QStringLiteral("Events"));
        tabs.addTab(panel, QStringLiteral("Metrics"));
        panel->showIn(&tabs);
        tabs.resize(900, 300);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        QCOMPARE(tabs.currentWidget(), events);
        QSignalSpy refreshed(panel, &MetricsPanel::refreshed);
        panel->setTrace(&trace);
        QCOMPARE(refreshed.count(), 0);
        QCOMPARE(panel->metrics().messages, 0); // not computed yet

        tabs.setCurrentWidget(panel);
        QTRY_COMPARE(refreshed.count(), 1);
        const Metrics expected = computeMetrics(trace);
        QCOMPARE(panel->metrics().messages, expected.messages);
        QCOMPARE(panel->metrics().deliveries, expected.deliveries);
        QCOMPARE(panel->metrics().delivery.mean, expected.delivery.mean);
        MetricsPanel shownAllAlong;
        shownAllAlong.setTrace(&trace);
        QCOMPARE(panel->delayPoints(), shownAllAlong.delayPoints());
        for (int f = 0; f <= int(MetricsPanel::Figure::Losses); ++f)
            QCOMPARE(panel->figureText(MetricsPanel::Figure(f)), shownAllAlong.figureText(MetricsPanel::Figure(f)));
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestMetricsPanel)
#include "tst_metricspanel.moc"
