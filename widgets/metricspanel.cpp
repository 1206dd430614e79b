// SPDX-License-Identifier: GPL-3.0-or-later
#include "metricspanel.h"

#include "chartdata.h"
#include "chartstyle.h"
#include "throttledrefresh.h"
#include "trace.h"
#include "units.h"

#include <QAction>
#include <QElapsedTimer>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <cmath>

namespace PatternScope {

namespace {

const QString kSettingsKey = QStringLiteral("view/metricsPanel");
constexpr int kMaxCutMarks = 20; // each is a series; more would only paint the chart red

QString delay(TimeUs us)
{
    return us == NoTime ? QStringLiteral("–") : Units::clockDuration(us);
}

// At most two points per bucket of time (the lowest and highest delay), so a long run stays cheap to draw
// and keeps its spikes.
QList<QPointF> thinned(const QList<ChartData::Delivery>& deliveries, TimeUs end, int budget)
{
    QList<QPointF> points;
    if (deliveries.size() <= budget) {
        points.reserve(deliveries.size());
        for (const ChartData::Delivery& d : deliveries)
            points.append({ double(d.receivedAt) / 1e6, double(d.delay) / 1000.0 });
        return points;
    }
    const int buckets = budget / 2;
    const double width = double(std::max<TimeUs>(end, 1)) / buckets;
    QList<const ChartData::Delivery*> low(buckets, nullptr);
    QList<const ChartData::Delivery*> high(buckets, nullptr);
    for (const ChartData::Delivery& d : deliveries) {
        const int b = std::clamp(int(double(d.receivedAt) / width), 0, buckets - 1);
        if (!low[b] || d.delay < low[b]->delay)
            low[b] = &d;
        if (!high[b] || d.delay > high[b]->delay)
            high[b] = &d;
    }
    for (int b = 0; b < buckets; ++b) {
        if (low[b])
            points.append({ double(low[b]->receivedAt) / 1e6, double(low[b]->delay) / 1000.0 });
        if (high[b] && high[b] != low[b])
            points.append({ double(high[b]->receivedAt) / 1e6, double(high[b]->delay) / 1000.0 });
    }
    return points;
}

} // namespace

MetricsPanel::MetricsPanel(QWidget* parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Metrics"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 4, 2);
    layout->setSpacing(12);
    // The figures scroll rather than holding the window up on a short or scaled screen.
    auto* figures = new QWidget(this);
    auto* grid = new QGridLayout(figures);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(1);
    const QStringList names = { tr("Deliveries"), tr("Delay mean · p50"), tr("Delay p95 · max"), tr("Requests"),
        tr("Empty answers"), tr("Bytes on the wire"), tr("Connections"), tr("Lost · duplicates") };
    const QStringList tips = {
        tr("Each client's first copy of each item, and how many items were produced"),
        tr("From an item's production to a client having it: the mean and the median"),
        tr("The 95th percentile and the longest: what the unlucky items waited"),
        tr("HTTP requests the clients sent, and how many per delivery"),
        tr("Answers with 204 No Content: a request that found nothing new"),
        tr("Both directions, headers included (the link counts a connection when it closes; until then its "
           "messages' sizes)"),
        tr("TCP connections opened, open now, and most open at once"),
        tr("Messages that never arrived, and copies of an item a client already had"),
    };
    for (int row = 0; row < names.size(); ++row) {
        auto* name = new QLabel(names.at(row), figures);
        name->setToolTip(tips.at(row));
        auto* value = new QLabel(figures);
        value->setToolTip(tips.at(row));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setAccessibleName(names.at(row));
        grid->addWidget(name, row, 0);
        grid->addWidget(value, row, 1);
        m_values.append(value);
    }
    grid->setRowStretch(int(names.size()), 1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(figures);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumHeight(40);
    m_figures = scroll;
    layout->addWidget(scroll);

    m_chart = new QChart;
    m_chart->setTitle(tr("Delivery delay over time (arrival time → delay)"));
    m_timeAxis = new QValueAxis;
    // Units on the labels rather than axis titles: the panel is short, every line counts.
    m_timeAxis->setLabelFormat(tr("%.0f s"));
    m_delayAxis = new QValueAxis;
    m_delayAxis->setLabelFormat(tr("%.0f ms"));
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_delayAxis, Qt::AlignLeft);
    m_delays = new QScatterSeries;
    m_delays->setName(tr("a delivery"));
    m_delays->setMarkerSize(5);
    m_chart->addSeries(m_delays);
    m_delays->attachAxis(m_timeAxis);
    m_delays->attachAxis(m_delayAxis);
    m_chart->legend()->setAlignment(Qt::AlignRight); // the panel is wide and short
    m_view = ChartStyle::makeView(m_chart, this);
    m_view->setMinimumHeight(60);
    layout->addWidget(m_view, 1);

    m_toggle = new QAction(tr("&Metrics and delay chart"), this);
    m_toggle->setCheckable(true);
    m_toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    m_toggle->setToolTip(tr("The run's figures and its delivery delay over time (Ctrl+Shift+M)"));
    m_toggle->setChecked(true);
    connect(m_toggle, &QAction::toggled, this, [this](bool on) {
        if (!m_tabs) {
            setVisible(on);
            return;
        }
        const int own = m_tabs->indexOf(this);
        if (on)
            m_tabs->setCurrentIndex(own);
        else if (m_tabs->currentIndex() == own)
            m_tabs->setCurrentIndex(own == 0 ? 1 : 0);
    });

    m_throttle = new ThrottledRefresh(
        this, RefreshIntervalMs, [this] { refresh(); }, [this] { restyle(); });
    restyle();
    refresh();
}

MetricsPanel::~MetricsPanel() = default;

void MetricsPanel::showIn(QTabWidget* tabs)
{
    m_tabs = tabs;
    const bool shown = QSettings().value(kSettingsKey, false).toBool();
    m_toggle->setChecked(shown);
    tabs->setCurrentIndex(shown ? tabs->indexOf(this) : (tabs->indexOf(this) == 0 ? 1 : 0));
    connect(tabs, &QTabWidget::currentChanged, this,
        [this](int index) { m_toggle->setChecked(m_tabs && m_tabs->widget(index) == this); });
    // Remembered when the user chooses, not when closing the window takes the tabs down.
    connect(m_toggle, &QAction::triggered, this, [](bool on) { QSettings().setValue(kSettingsKey, on); });
    connect(tabs, &QTabWidget::tabBarClicked, this,
        [this](int index) { QSettings().setValue(kSettingsKey, m_tabs && m_tabs->widget(index) == this); });
}

void MetricsPanel::setTrace(const Trace* trace)
{
    m_throttle->unfollow(m_trace);
    m_trace = trace;
    m_throttle->follow(trace);
    // A page of tabs that is not shown computes when it is: a million-message trace opened with the
    // Metrics tab in the back does not hold the window's thread for figures nobody sees.
    if (m_tabs && !isVisible())
        m_throttle->request();
    else
        refresh();
}

void MetricsPanel::refresh()
{
    QElapsedTimer cost;
    cost.start();
    m_throttle->settle();
    // Deleted or never set: an empty trace's figures.
    const Trace& trace = m_trace ? *m_trace : m_none;
    const ChartData::Figures f = ChartData::figures(trace);
    m_metrics = f.metrics;
    const Metrics& m = m_metrics;
    const auto perDelivery
        = [&](double v, const QString& text) { return m.deliveries > 0 ? text.arg(v, 0, 'g', 3) : QString(); };
    m_values[int(Figure::Deliveries)]->setText(tr("%1 (%2 items produced)").arg(m.deliveries).arg(m.itemsProduced));
    m_values[int(Figure::DelayMean)]->setText(delay(m.delivery.mean) + QStringLiteral(" · ") + delay(m.delivery.p50));
    m_values[int(Figure::DelayTail)]->setText(delay(m.delivery.p95) + QStringLiteral(" · ") + delay(m.delivery.max));
    m_values[int(Figure::Requests)]->setText(
        QString::number(m.requests) + perDelivery(f.requestsPerItem, tr(" · %1 per delivery")));
    m_values[int(Figure::EmptyAnswers)]->setText(QString::number(m.emptyAnswers));
    m_values[int(Figure::Bytes)]->setText(Units::decimalSize(f.bytes)
        + (m.deliveries > 0 ? tr(" · %1 per delivery").arg(Units::decimalSize(qRound64(f.bytesPerItem))) : QString()));
    m_values[int(Figure::Connections)]->setText(
        tr("%1 opened · %2 open · peak %3").arg(m.connections).arg(m.openConnections).arg(m.peakOpenConnections));
    m_values[int(Figure::Losses)]->setText(
        QString::number(m.lost) + QStringLiteral(" · ") + QString::number(m.duplicates));

    const QList<ChartData::Delivery> deliveries = ChartData::deliveries(trace);
    const TimeUs end = std::max<TimeUs>(trace.endTime(), 1'000'000);
    const QList<QPointF> points = thinned(deliveries, end, MaxPlottedPoints);
    m_delays->replace(points);
    double top = 0;
    for (const QPointF& p : points)
        top = std::max(top, p.y());
    m_timeAxis->setRange(0, double(end) / 1e6);
    m_timeAxis->applyNiceNumbers();
    // Ticks half a second apart in a short run: "0.5 s", not "1 s" twice.
    m_timeAxis->setLabelFormat(m_timeAxis->max() <= 5 ? tr("%.1f s") : tr("%.0f s"));
    m_delayAxis->setRange(0, std::max(top * 1.1, 10.0));
    m_delayAxis->applyNiceNumbers();
    // Three labels fit the short panel; more are elided to "…".
    m_delayAxis->setTickCount(3);

    // The cuts: one dashed vertical line each, one entry in the legend.
    QList<double> cuts;
    for (TimeUs t : ChartData::cutTimes(trace))
        cuts.append(double(t) / 1e6);
    if (cuts.size() > kMaxCutMarks)
        cuts.resize(kMaxCutMarks);
    if (cuts != m_cuts) {
        for (QAbstractSeries* series : m_chart->series()) {
            if (series != m_delays) {
                m_chart->removeSeries(series);
                delete series;
            }
        }
        for (qsizetype i = 0; i < cuts.size(); ++i) {
            auto* line = new QLineSeries;
            line->setName(tr("link cut"));
            m_chart->addSeries(line);
            line->attachAxis(m_timeAxis);
            line->attachAxis(m_delayAxis);
            if (i > 0)
                m_chart->legend()->markers(line).constFirst()->setVisible(false);
        }
        m_cuts = cuts;
        restyle();
    }
    const double ceiling = m_delayAxis->max();
    const auto series = m_chart->series();
    qsizetype cut = 0;
    for (QAbstractSeries* s : series) {
        if (s == m_delays || cut >= m_cuts.size())
            continue;
        const double t = m_cuts.at(cut++);
        static_cast<QLineSeries*>(s)->replace({ { t, 0 }, { t, ceiling } });
    }
    // As wide as the longest figure needs: values change width as they grow.
    const int width = m_figures->widget()->sizeHint().width() + m_figures->verticalScrollBar()->sizeHint().width();
    if (width > m_figures->minimumWidth())
        m_figures->setMinimumWidth(width);
    m_costUs = cost.nsecsElapsed() / 1000;
    Q_EMIT refreshed();
}

QString MetricsPanel::figureText(Figure figure) const
{
    return m_values.at(int(figure))->text();
}

QList<QPointF> MetricsPanel::delayPoints() const
{
    return m_delays->points();
}

QList<double> MetricsPanel::cutMarks() const
{
    return m_cuts;
}

void MetricsPanel::restyle()
{
    ChartStyle::apply(m_chart, palette(), font());
    const bool dark = ChartStyle::isDark(palette());
    const QColor dots = dark ? QColor(0x56B4E9) : QColor(0x0072B2);
    m_delays->setColor(dots);
    m_delays->setBorderColor(dots);
    const QColor cut = dark ? QColor(0xFF7F3F) : QColor(0xD55E00);
    for (QAbstractSeries* s : m_chart->series()) {
        if (s != m_delays)
            static_cast<QLineSeries*>(s)->setPen(QPen(cut, 1.5, Qt::DashLine));
    }
}

} // namespace PatternScope
