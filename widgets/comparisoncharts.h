// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "chartdata.h"

#include <QList>
#include <QPair>
#include <QPointer>
#include <QWidget>

class QBarCategoryAxis;
class QBoxPlotSeries;
class QChart;
class QChartView;
class QGridLayout;
class QHorizontalStackedBarSeries;
class QValueAxis;

namespace PatternScope {

class ThrottledRefresh;
class Trace;

// The comparison view's chart panel: for N runs of different patterns on one workload, the delivery delay's
// spread per pattern (box plot), requests and bytes per delivered item (bars) and open connections over
// time (a line per pattern), each pattern in the same colour everywhere. Follows the traces live, at most
// four times a second and only while shown; draws into any painter (SVG, PNG, print).
class ComparisonCharts : public QWidget {
    Q_OBJECT
public:
    // The pattern's id ("short-polling": picks its colour and short name, else the text is shown as it is)
    // and its run's trace, which may grow while shown and may be deleted (then drawn as empty).
    using Entry = QPair<QString, const Trace*>;

    explicit ComparisonCharts(QWidget* parent = nullptr);
    ~ComparisonCharts() override;

    void setTraces(const QList<Entry>& traces);
    int count() const { return int(m_entries.size()); }
    // Recomputes every chart now. Changes to the traces call it by themselves, throttled.
    void refresh();

    // Draws the four charts into `target`, laid out for its size (a row if it is wide, else two by two).
    void render(QPainter* painter, const QRectF& target);
    // Writes the charts as an SVG or PNG picture of `size` logical pixels (PNG at twice that);
    // false with the reason if the file cannot be written.
    bool exportSvg(const QString& path, const QSize& size, QString* error);
    bool exportPng(const QString& path, const QSize& size, QString* error);

    // What is drawn, per entry in setTraces' order, as of the last refresh.
    const QList<ChartData::Figures>& figures() const { return m_figures; }
    const QList<ChartData::Spread>& spreads() const { return m_spreads; }
    QChart* delayChart() const { return m_delay; }
    QChart* requestsChart() const { return m_requests; }
    QChart* bytesChart() const { return m_bytes; }
    QChart* connectionsChart() const { return m_connections; }
    // Short display name of a pattern id: "Short polling", "SSE"; the text itself when unknown.
    static QString shortName(const QString& patternId);

    static constexpr int RefreshIntervalMs = 250;

Q_SIGNALS:
    void refreshed();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Shown {
        QString patternId;
        QPointer<const Trace> trace;
    };
    void rebuildSeries();
    void restyle();
    void arrange();
    static bool wide(const QSizeF& size);

    QList<Shown> m_entries;
    QList<ChartData::Figures> m_figures;
    QList<ChartData::Spread> m_spreads;
    QChart* m_delay = nullptr;
    QChart* m_requests = nullptr;
    QChart* m_bytes = nullptr;
    QChart* m_connections = nullptr;
    QList<QChartView*> m_views;
    QGridLayout* m_grid = nullptr;
    bool m_wide = true;
    ThrottledRefresh* m_throttle = nullptr;
};

} // namespace PatternScope
