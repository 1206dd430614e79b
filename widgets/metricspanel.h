// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics.h"
#include "trace.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QChart;
class QChartView;
class QLabel;
class QTabWidget;
class QScatterSeries;
class QScrollArea;
class QValueAxis;

namespace PatternScope {

class ThrottledRefresh;

// The shown run's figures, live: deliveries, delivery delay (mean, p50, p95, max), requests, empty
// answers, bytes, connections, lost and duplicated copies (computeMetrics of the whole trace), beside a
// chart of each delivery's delay against the time it arrived, with the link's cuts marked, so a cut's
// backlog shows as a spike. Follows a growing trace at most four times a second, and only while shown.
class MetricsPanel : public QWidget {
    Q_OBJECT
public:
    enum class Figure { Deliveries, DelayMean, DelayTail, Requests, EmptyAnswers, Bytes, Connections, Losses };

    explicit MetricsPanel(QWidget* parent = nullptr);
    ~MetricsPanel() override;

    // The run or opened trace to follow; nullptr: nothing shown. Computed at once, except on a page of
    // tabs (showIn) not shown: then when the page is shown.
    void setTrace(const Trace* trace);
    // Recomputes the figures and the chart now (changes to the trace call it by themselves, throttled).
    void refresh();

    // As of the last refresh.
    const Metrics& metrics() const { return m_metrics; }
    QString figureText(Figure figure) const;
    QChart* delayChart() const { return m_chart; }
    // The delays drawn: (arrival s, delay ms); at most two per column of pixels when there are many.
    QList<QPointF> delayPoints() const;
    // When the cuts marked happened, in seconds.
    QList<double> cutMarks() const;
    // How long the last refresh took, in microseconds: what following a big trace costs.
    qint64 lastRefreshCostUs() const { return m_costUs; }

    // View → Metrics: checked while the panel is shown. With showIn, it brings the panel's tab forward (or
    // the tab before it back), follows the tab chosen, and remembers the choice (QSettings); without,
    // it shows and hides the panel.
    QAction* toggleAction() const { return m_toggle; }
    // The panel is a page of `tabs`: the toggle switches between it and the first other page.
    void showIn(QTabWidget* tabs);

    static constexpr int RefreshIntervalMs = 250;
    static constexpr int MaxPlottedPoints = 1200;

Q_SIGNALS:
    void refreshed();

private:
    void restyle();

    QPointer<const Trace> m_trace;
    const Trace m_none; // what is shown without a trace: nothing
    Metrics m_metrics;
    QList<QLabel*> m_values;
    QChart* m_chart = nullptr;
    QChartView* m_view = nullptr;
    QScrollArea* m_figures = nullptr;
    QScatterSeries* m_delays = nullptr;
    QValueAxis* m_timeAxis = nullptr;
    QValueAxis* m_delayAxis = nullptr;
    QList<double> m_cuts;
    QAction* m_toggle = nullptr;
    QPointer<QTabWidget> m_tabs;
    ThrottledRefresh* m_throttle = nullptr;
    qint64 m_costUs = 0;
};

} // namespace PatternScope
