// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparisoncharts.h"

#include "chartstyle.h"
#include "throttledrefresh.h"
#include "trace.h"

#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QGridLayout>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QBoxPlotSeries>
#include <QtCharts/QBoxSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalStackedBarSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <cmath>

namespace PatternScope {

namespace {

double toMs(TimeUs us)
{
    return us == NoTime ? 0.0 : double(us) / 1000.0;
}

// Upper end of a value axis: a little room above the largest value, and never an empty range.
double ceilingFor(double largest, double floor)
{
    return std::max(largest * 1.12, floor);
}

QValueAxis* valueAxis(const QString& title, const QString& format)
{
    auto* axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(format);
    axis->setMin(0);
    return axis;
}

// In a row, the box plot and the lines need room for five patterns' names; the bars name them at the side.
constexpr int kRowWeights[] = { 4, 2, 2, 3 };
constexpr int kRowTotal = 11;

// Chart i of four sits here: one row when the area is wide, else two by two.
QRectF cell(const QRectF& area, int i, bool wide)
{
    if (wide) {
        double left = area.left();
        for (int j = 0; j < i; ++j)
            left += area.width() * kRowWeights[j] / kRowTotal;
        return QRectF(left, area.top(), area.width() * kRowWeights[i] / kRowTotal, area.height());
    }
    const double w = area.width() / 2;
    const double h = area.height() / 2;
    return QRectF(area.left() + (i % 2) * w, area.top() + (i / 2) * h, w, h);
}

} // namespace

QString ComparisonCharts::shortName(const QString& patternId)
{
    static const QList<QPair<QString, QString>> names = {
        { QStringLiteral("short-polling"), tr("Short polling") },
        { QStringLiteral("long-polling"), tr("Long polling") },
        { QStringLiteral("server-sent-events"), tr("SSE") },
        { QStringLiteral("websockets"), tr("WebSockets") },
        { QStringLiteral("publish-subscribe"), tr("Pub/sub") },
    };
    for (const auto& name : names) {
        if (name.first == patternId)
            return name.second;
    }
    return patternId;
}

ComparisonCharts::ComparisonCharts(QWidget* parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Comparison charts"));
    m_delay = new QChart;
    m_delay->setTitle(tr("Delivery delay"));
    auto* delayPatterns = new QBarCategoryAxis;
    delayPatterns->setTitleText(tr("box: p25–p75, median · whiskers: min–p95"));
    m_delay->addAxis(delayPatterns, Qt::AlignBottom);
    m_delay->addAxis(valueAxis(tr("delay (ms)"), QStringLiteral("%.0f")), Qt::AlignLeft);
    m_requests = new QChart;
    m_requests->setTitle(tr("Requests per delivered item"));
    m_requests->addAxis(new QBarCategoryAxis, Qt::AlignLeft);
    m_requests->addAxis(valueAxis(tr("HTTP requests"), QStringLiteral("%.1f")), Qt::AlignBottom);
    m_bytes = new QChart;
    m_bytes->setTitle(tr("Bytes per delivered item"));
    m_bytes->addAxis(new QBarCategoryAxis, Qt::AlignLeft);
    m_bytes->addAxis(valueAxis(tr("bytes, headers included"), QStringLiteral("%.0f")), Qt::AlignBottom);
    m_connections = new QChart;
    m_connections->setTitle(tr("Open connections over time"));
    m_connections->addAxis(valueAxis(tr("run time (s)"), QStringLiteral("%.0f")), Qt::AlignBottom);
    m_connections->addAxis(valueAxis(tr("open connections"), QStringLiteral("%.0f")), Qt::AlignLeft);
    for (QChart* chart : { m_delay, m_requests, m_bytes })
        chart->legend()->hide();
    m_connections->legend()->setAlignment(Qt::AlignBottom);

    m_grid = new QGridLayout(this);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(4);
    for (QChart* chart : { m_delay, m_requests, m_bytes, m_connections })
        m_views.append(ChartStyle::makeView(chart, this));
    arrange();
    restyle();

    m_throttle = new ThrottledRefresh(
        this, RefreshIntervalMs, [this] { refresh(); }, [this] { restyle(); });
}

ComparisonCharts::~ComparisonCharts() = default;

void ComparisonCharts::setTraces(const QList<Entry>& traces)
{
    for (const Shown& shown : std::as_const(m_entries))
        m_throttle->unfollow(shown.trace);
    m_entries.clear();
    for (const Entry& entry : traces) {
        m_entries.append({ entry.first, entry.second });
        m_throttle->follow(entry.second);
    }
    rebuildSeries();
    refresh();
}

void ComparisonCharts::rebuildSeries()
{
    for (QChart* chart : { m_delay, m_requests, m_bytes, m_connections })
        chart->removeAllSeries();
    const int n = int(m_entries.size());
    QStringList names;
    for (const Shown& shown : std::as_const(m_entries))
        names.append(shortName(shown.patternId));
    // Horizontal bars list their categories bottom up: reversed, the first pattern is on top.
    QStringList bottomUp = names;
    std::reverse(bottomUp.begin(), bottomUp.end());

    auto* boxes = new QBoxPlotSeries;
    boxes->setBoxWidth(0.6);
    for (const QString& name : std::as_const(names))
        boxes->append(new QBoxSet(name));
    QStringList twoLines = names;
    for (QString& name : twoLines)
        name.replace(u' ', QLatin1String("<br>"));
    m_delay->addSeries(boxes);
    auto* delayNames = qobject_cast<QBarCategoryAxis*>(m_delay->axes(Qt::Horizontal).constFirst());
    delayNames->setCategories(twoLines);
    boxes->attachAxis(delayNames);
    boxes->attachAxis(m_delay->axes(Qt::Vertical).constFirst());

    for (QChart* chart : { m_requests, m_bytes }) {
        auto* bars = new QHorizontalStackedBarSeries;
        bars->setBarWidth(0.7);
        bars->setLabelsVisible(true);
        bars->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
        bars->setLabelsFormat(QStringLiteral("@value"));
        // Significant digits: requests read "2.07", "0.00333"; bytes are whole numbers, every digit shown.
        bars->setLabelsPrecision(chart == m_requests ? 3 : 9);
        for (int i = 0; i < n; ++i) {
            auto* set = new QBarSet(names.at(i));
            for (int j = 0; j < n; ++j)
                set->append(0);
            bars->append(set);
        }
        chart->addSeries(bars);
        auto* categories = qobject_cast<QBarCategoryAxis*>(chart->axes(Qt::Vertical).constFirst());
        categories->setCategories(bottomUp);
        bars->attachAxis(categories);
        bars->attachAxis(chart->axes(Qt::Horizontal).constFirst());
    }

    for (const QString& name : std::as_const(names)) {
        auto* line = new QLineSeries;
        line->setName(name);
        m_connections->addSeries(line);
        line->attachAxis(m_connections->axes(Qt::Horizontal).constFirst());
        line->attachAxis(m_connections->axes(Qt::Vertical).constFirst());
    }
    restyle();
}

void ComparisonCharts::refresh()
{
    m_throttle->settle();
    const int n = int(m_entries.size());
    m_figures.clear();
    m_spreads.clear();
    QList<QList<QPair<TimeUs, int>>> open;
    TimeUs end = 0;
    for (const Shown& shown : std::as_const(m_entries)) {
        if (!shown.trace) {
            m_figures.append(ChartData::Figures());
            m_spreads.append(ChartData::Spread());
            open.append(QList<QPair<TimeUs, int>>());
            continue;
        }
        const Trace& trace = *shown.trace;
        m_figures.append(ChartData::figures(trace));
        QList<TimeUs> delays;
        const QList<ChartData::Delivery> deliveries = ChartData::deliveries(trace);
        delays.reserve(deliveries.size());
        for (const ChartData::Delivery& d : deliveries)
            delays.append(d.delay);
        m_spreads.append(ChartData::spread(delays));
        open.append(ChartData::openConnections(trace));
        end = std::max(end, trace.endTime());
    }

    double topDelay = 0;
    double topRequests = 0;
    double topBytes = 0;
    int topOpen = 0;
    const auto boxSeries = m_delay->series();
    if (auto* boxes = boxSeries.isEmpty() ? nullptr : qobject_cast<QBoxPlotSeries*>(boxSeries.constFirst())) {
        for (int i = 0; i < n && i < boxes->count(); ++i) {
            const ChartData::Spread& s = m_spreads.at(i);
            QBoxSet* set = boxes->boxSets().at(i);
            set->setValue(QBoxSet::LowerExtreme, toMs(s.min));
            set->setValue(QBoxSet::LowerQuartile, toMs(s.q1));
            set->setValue(QBoxSet::Median, toMs(s.median));
            set->setValue(QBoxSet::UpperQuartile, toMs(s.q3));
            set->setValue(QBoxSet::UpperExtreme, toMs(s.p95));
            topDelay = std::max(topDelay, toMs(s.p95));
        }
    }
    const auto fillBars = [&](QChart* chart, auto value, double* top) {
        const auto series = chart->series();
        auto* bars = series.isEmpty() ? nullptr : qobject_cast<QHorizontalStackedBarSeries*>(series.constFirst());
        if (!bars)
            return;
        for (int i = 0; i < n && i < bars->count(); ++i) {
            const double v = value(m_figures.at(i));
            bars->barSets().at(i)->replace(n - 1 - i, v);
            *top = std::max(*top, v);
        }
    };
    fillBars(
        m_requests, [](const ChartData::Figures& f) { return f.requestsPerItem; }, &topRequests);
    fillBars(
        m_bytes, [](const ChartData::Figures& f) { return std::round(f.bytesPerItem); }, &topBytes);

    const auto lines = m_connections->series();
    for (int i = 0; i < n && i < lines.size(); ++i) {
        QList<QPointF> points;
        const QList<QPair<TimeUs, int>>& steps = open.at(i);
        int last = 0;
        for (const auto& step : steps) {
            const double t = double(step.first) / 1e6;
            if (!points.isEmpty())
                points.append({ t, double(last) });
            points.append({ t, double(step.second) });
            last = step.second;
            topOpen = std::max(topOpen, last);
        }
        if (!points.isEmpty())
            points.append({ double(end) / 1e6, double(last) });
        static_cast<QLineSeries*>(lines.at(i))->replace(points);
    }

    const auto setTop = [](QChart* chart, Qt::Orientation o, double top) {
        if (auto* axis = qobject_cast<QValueAxis*>(chart->axes(o).constFirst())) {
            axis->setRange(0, top);
            axis->applyNiceNumbers();
        }
    };
    setTop(m_delay, Qt::Vertical, ceilingFor(topDelay, 10));
    setTop(m_requests, Qt::Horizontal, ceilingFor(topRequests, 1));
    setTop(m_bytes, Qt::Horizontal, ceilingFor(topBytes, 100));
    setTop(m_connections, Qt::Horizontal, std::max(double(end) / 1e6, 1.0));
    if (auto* axis = qobject_cast<QValueAxis*>(m_connections->axes(Qt::Horizontal).constFirst()))
        axis->setLabelFormat(axis->max() <= 5 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    if (auto* axis = qobject_cast<QValueAxis*>(m_connections->axes(Qt::Vertical).constFirst())) {
        axis->setRange(0, topOpen + 1);
        axis->setTickCount(std::min(topOpen + 2, 6));
    }
    Q_EMIT refreshed();
}

void ComparisonCharts::restyle()
{
    const bool dark = ChartStyle::isDark(palette());
    for (QChart* chart : { m_delay, m_requests, m_bytes, m_connections })
        ChartStyle::apply(chart, palette(), font());
    const QColor text = palette().color(QPalette::Text);
    const auto boxSeries = m_delay->series();
    if (auto* boxes = boxSeries.isEmpty() ? nullptr : qobject_cast<QBoxPlotSeries*>(boxSeries.constFirst())) {
        for (int i = 0; i < boxes->count() && i < m_entries.size(); ++i) {
            boxes->boxSets().at(i)->setBrush(ChartData::patternColour(m_entries.at(i).patternId, i, dark));
            boxes->boxSets().at(i)->setPen(QPen(text, 1.5));
        }
    }
    for (QChart* chart : { m_requests, m_bytes }) {
        const auto series = chart->series();
        auto* bars = series.isEmpty() ? nullptr : qobject_cast<QAbstractBarSeries*>(series.constFirst());
        for (int i = 0; bars && i < bars->count() && i < m_entries.size(); ++i) {
            QBarSet* set = bars->barSets().at(i);
            set->setColor(ChartData::patternColour(m_entries.at(i).patternId, i, dark));
            set->setBorderColor(Qt::transparent);
            set->setLabelColor(text);
            set->setLabelFont(font());
        }
    }
    const auto lines = m_connections->series();
    for (int i = 0; i < lines.size() && i < m_entries.size(); ++i)
        static_cast<QLineSeries*>(lines.at(i))
            ->setPen(QPen(ChartData::patternColour(m_entries.at(i).patternId, i, dark), 2));
}

bool ComparisonCharts::wide(const QSizeF& size)
{
    return size.width() >= 2.4 * size.height();
}

void ComparisonCharts::arrange()
{
    for (QChartView* view : std::as_const(m_views))
        m_grid->removeWidget(view);
    for (int i = 0; i < 4; ++i) {
        m_grid->setColumnStretch(i, m_wide ? kRowWeights[i] : (i < 2 ? 1 : 0));
        m_grid->setRowStretch(i, m_wide ? (i < 1 ? 1 : 0) : (i < 2 ? 1 : 0));
    }
    m_connections->legend()->setAlignment(m_wide ? Qt::AlignRight : Qt::AlignBottom);
    for (int i = 0; i < m_views.size(); ++i) {
        if (m_wide)
            m_grid->addWidget(m_views.at(i), 0, i);
        else
            m_grid->addWidget(m_views.at(i), i / 2, i % 2);
    }
}

void ComparisonCharts::render(QPainter* painter, const QRectF& target)
{
    painter->fillRect(target, palette().color(QPalette::Base));
    const bool isWide = wide(target.size());
    m_connections->legend()->setAlignment(isWide ? Qt::AlignRight : Qt::AlignBottom);
    const QList<QChart*> charts = { m_delay, m_requests, m_bytes, m_connections };
    for (int i = 0; i < charts.size(); ++i)
        ChartStyle::renderChart(charts.at(i), painter, cell(target, i, isWide).adjusted(2, 2, -2, -2));
    m_connections->legend()->setAlignment(m_wide ? Qt::AlignRight : Qt::AlignBottom);
}

bool ComparisonCharts::exportSvg(const QString& path, const QSize& size, QString* error)
{
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(tr("PatternScope: comparison charts"));
    QPainter painter;
    if (!painter.begin(&svg)) {
        if (error)
            *error = tr("Cannot write %1").arg(QFileInfo(path).absoluteFilePath());
        return false;
    }
    render(&painter, QRectF(QPointF(0, 0), size));
    painter.end();
    if (!QFileInfo::exists(path)) {
        if (error)
            *error = tr("Cannot write %1").arg(QFileInfo(path).absoluteFilePath());
        return false;
    }
    return true;
}

bool ComparisonCharts::exportPng(const QString& path, const QSize& size, QString* error)
{
    QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(2);
    image.fill(palette().color(QPalette::Base));
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        render(&painter, QRectF(QPointF(0, 0), size));
    }
    if (!image.save(path, "PNG")) {
        if (error)
            *error = tr("Cannot write %1").arg(QFileInfo(path).absoluteFilePath());
        return false;
    }
    return true;
}

void ComparisonCharts::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    const bool nowWide = wide(size());
    if (nowWide != m_wide) {
        m_wide = nowWide;
        arrange();
    }
}

} // namespace PatternScope
