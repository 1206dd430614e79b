// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparisonview.h"

#include "captionbar.h"
#include "chartdata.h"
#include "chartstyle.h"
#include "comparisoncharts.h"
#include "playbackbar.h"
#include "playbackclock.h"
#include "sequencepainter.h"
#include "sequenceview.h"
#include "units.h"

#include <QEvent>
#include <QFileInfo>
#include <QGridLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace PatternScope {

namespace {

// A few times a second is enough for figures a person reads; each refresh walks the whole trace.
constexpr int kFiguresMs = 400;
// The diagrams' frame tick: the same as a lone diagram's.
constexpr int kFrameMs = 16;

QString delay(TimeUs us)
{
    return us == NoTime ? QStringLiteral("–") : Units::clockDuration(us);
}

} // namespace

ComparisonView::ComparisonView(QWidget* parent)
    : QWidget(parent)
    , m_clock(new PlaybackClock(this))
{
    setAccessibleName(tr("Pattern comparison"));
    m_diagrams = new QWidget(this);
    m_grid = new QGridLayout(m_diagrams);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setHorizontalSpacing(4);
    m_grid->setVerticalSpacing(2);

    m_charts = new ComparisonCharts(this);

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->setChildrenCollapsible(false);
    m_split->addWidget(m_diagrams);
    m_split->addWidget(m_charts);
    // The diagrams are the point; the charts sum them up underneath.
    m_split->setStretchFactor(0, 2);
    m_split->setStretchFactor(1, 1);
    m_split->setSizes({ 600, 260 });

    m_bar = new PlaybackBar(this);
    m_bar->setClock(m_clock);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_split, 1);
    layout->addWidget(m_bar);

    m_figuresTimer.setInterval(kFiguresMs);
    connect(&m_figuresTimer, &QTimer::timeout, this, &ComparisonView::refreshFigures);
    m_frameTick.setInterval(kFrameMs);
    m_frameTick.setTimerType(Qt::PreciseTimer);
    connect(&m_frameTick, &QTimer::timeout, this, &ComparisonView::frameTick);
    // A step goes to the next moment anything happens in any pattern; each diagram selects its own event there.
    connect(m_clock, &PlaybackClock::stepped, this, [this](TimeUs, TimeUs to) {
        for (const PaneWidgets& pane : std::as_const(m_panes))
            pane.view->selectMessage(pane.pane.trace ? CaptionBar::messageAt(*pane.pane.trace, to) : -1);
    });
}

ComparisonView::~ComparisonView()
{
    // The diagrams hold pointers into traces the caller owns: let go before they might go.
    for (const PaneWidgets& pane : std::as_const(m_panes))
        pane.view->setTrace(nullptr);
    m_clock->setTrace(nullptr);
    m_charts->setTraces({});
}

void ComparisonView::clearPanes()
{
    m_clock->setTrace(nullptr);
    m_charts->setTraces({});
    for (const PaneWidgets& pane : std::as_const(m_panes)) {
        pane.view->setTrace(nullptr);
        delete pane.title;
        delete pane.figuresLabel;
        delete pane.view;
    }
    m_panes.clear();
    m_frameTick.stop();
}

void ComparisonView::setPanes(const QList<Pane>& panes)
{
    clearPanes();
    for (int column = 0; column < panes.size(); ++column) {
        PaneWidgets pane;
        pane.pane = panes.at(column);
        pane.title = new QLabel(pane.pane.title, m_diagrams);
        QFont bold = pane.title->font();
        bold.setBold(true);
        bold.setPointSizeF(bold.pointSizeF() * 1.15);
        pane.title->setFont(bold);
        pane.title->setAlignment(Qt::AlignHCenter);
        pane.figuresLabel = new QLabel(m_diagrams);
        pane.figuresLabel->setWordWrap(true);
        pane.figuresLabel->setTextFormat(Qt::RichText);
        pane.figuresLabel->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
        pane.figuresLabel->setAccessibleName(tr("%1 figures").arg(pane.pane.title));
        // Wrapping text must not widen the column past its share.
        pane.figuresLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        pane.title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        pane.view = new SequenceView(m_diagrams);
        pane.view->setAccessibleName(tr("%1 sequence diagram").arg(pane.pane.title));
        // One time axis: a height is the same time in every diagram, so none folds an idle gap of its own.
        pane.view->setFoldAfter(0);
        // The whole width of each in view; the time ruler once, left of the first.
        pane.view->setSideBySide(true, column == 0);
        pane.view->setSharedFrames(true);
        connect(pane.view, &SequenceView::framesWanted, this, &ComparisonView::updateFrameTick);
        pane.view->setClock(m_clock);
        pane.view->setTrace(pane.pane.trace);
        // Headers share a grid row, so every diagram starts at the same height whatever its figures' lines.
        m_grid->addWidget(pane.title, 0, column);
        m_grid->addWidget(pane.figuresLabel, 1, column);
        m_grid->addWidget(pane.view, 2, column);
        m_grid->setColumnStretch(column, 1);
        SequenceView* view = pane.view;
        connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this, view] { syncScroll(view); });
        connect(view, &SequenceView::zoomChanged, this, [this, view] { syncZoom(view); });
        m_panes.append(pane);
    }
    for (int column = int(panes.size()); column < m_grid->columnCount(); ++column)
        m_grid->setColumnStretch(column, 0);
    m_grid->setRowStretch(2, 1);
    QList<const Trace*> traces;
    for (const Pane& pane : panes)
        traces.append(pane.trace);
    m_clock->setTraces(traces);
    QList<ComparisonCharts::Entry> entries;
    for (const Pane& pane : panes)
        entries.append({ pane.patternId.isEmpty() ? pane.title : pane.patternId, pane.trace });
    m_charts->setTraces(entries);
    colourTitles();
    refreshFigures();
}

void ComparisonView::setRecording(bool recording)
{
    m_clock->setRecording(recording);
    if (recording)
        m_figuresTimer.start();
    else
        m_figuresTimer.stop();
    refreshFigures();
}

SequenceView* ComparisonView::diagram(int index) const
{
    return index >= 0 && index < m_panes.size() ? m_panes.at(index).view : nullptr;
}

QLabel* ComparisonView::figuresLabel(int index) const
{
    return index >= 0 && index < m_panes.size() ? m_panes.at(index).figuresLabel : nullptr;
}

void ComparisonView::colourTitles()
{
    // Each pattern's name in its colour in the charts: the header says which bar or line is whose.
    const bool dark = ChartStyle::isDark(palette());
    for (int i = 0; i < m_panes.size(); ++i) {
        QLabel* title = m_panes.at(i).title;
        QPalette colours = title->palette();
        colours.setColor(QPalette::WindowText, ChartData::patternColour(m_panes.at(i).pane.patternId, i, dark));
        title->setPalette(colours);
    }
}

void ComparisonView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        colourTitles();
    QWidget::changeEvent(event);
}

QString ComparisonView::figuresText(const PatternFigures& figures, qint64 bytes)
{
    // Four short lines, the same figure on the same line in every header, so they read across the diagrams
    // as a table does; short enough not to wrap in a fifth of a 1280-pixel window.
    const Metrics& metrics = figures.metrics;
    const qsizetype items = metrics.deliveries;
    QStringList lines;
    lines << tr("%1 · mean delay %2")
                 .arg(items == 1 ? tr("1 item") : tr("%1 items").arg(items), delay(metrics.delivery.mean));
    QString theory = tr("theory –");
    if (figures.theory.expected != NoTime) {
        theory = tr("theory %1").arg(delay(figures.theory.expected)).toHtmlEscaped();
        // Enough items for the mean to mean something, and it is not where theory puts it: it stands out.
        if (figures.theory.isKnown() && metrics.delivery.count >= 3 && !figures.meetsTheory())
            theory = QStringLiteral("<b><u>%1</u></b>").arg(theory);
    }
    lines << tr("p95 %1").arg(delay(metrics.delivery.p95)).toHtmlEscaped() + QStringLiteral(" · ") + theory;
    if (items > 0)
        lines << tr("%1 req/item · %2/item")
                     .arg(QString::number(figures.requestsPerItem, 'f', 1),
                         Units::decimalSize(qint64(double(bytes) / double(items))))
                     .toHtmlEscaped();
    else
        lines << tr("%1 req · %2").arg(QString::number(metrics.requests), Units::decimalSize(bytes)).toHtmlEscaped();
    QStringList rest { tr("%1 empty").arg(metrics.emptyAnswers),
        tr("%1 open, peak %2").arg(metrics.openConnections).arg(metrics.peakOpenConnections) };
    if (metrics.lost > 0)
        rest << tr("%1 lost").arg(metrics.lost);
    if (metrics.duplicates > 0)
        rest << tr("%1 dup").arg(metrics.duplicates);
    lines << rest.join(QStringLiteral(" · ")).toHtmlEscaped();
    return lines.join(QStringLiteral("<br>"));
}

QString ComparisonView::figuresToolTip(const PatternFigures& figures, qint64 bytes)
{
    const Metrics& metrics = figures.metrics;
    const qsizetype items = metrics.deliveries;
    QStringList lines {
        tr("Items delivered: %1 (each client's first copy)").arg(items),
        tr("Delivery delay, produced to received: mean %1, median %2, p95 %3, max %4")
            .arg(delay(metrics.delivery.mean), delay(metrics.delivery.p50), delay(metrics.delivery.p95),
                delay(metrics.delivery.max)),
    };
    if (figures.theory.expected != NoTime)
        lines << tr("Theory: mean ≈ %1 = %2; a run's mean between %3 and %4. %5")
                     .arg(delay(figures.theory.expected), figures.theory.formula, delay(figures.theory.low),
                         delay(figures.theory.high), figures.theory.why);
    lines << tr("Requests: %1 (%2 per delivered item)")
                 .arg(metrics.requests)
                 .arg(items > 0 ? QString::number(figures.requestsPerItem, 'f', 2) : QStringLiteral("–"))
          << tr("Empty answers (204): %1").arg(metrics.emptyAnswers)
          << tr("Bytes on the wire, headers included: %1 (%2 per delivered item)")
                 .arg(Units::decimalSize(bytes, 4),
                     items > 0 ? Units::decimalSize(qint64(double(bytes) / double(items))) : QStringLiteral("–"))
          << tr("Connections: %1 opened, %2 open now, at most %3 at once")
                 .arg(metrics.connections)
                 .arg(metrics.openConnections)
                 .arg(metrics.peakOpenConnections)
          << tr("Lost messages: %1 · duplicate copies: %2 · copies never delivered: %3")
                 .arg(metrics.lost)
                 .arg(metrics.duplicates)
                 .arg(figures.undelivered);
    return lines.join(u'\n');
}

void ComparisonView::refreshFigures()
{
    for (PaneWidgets& pane : m_panes) {
        const Trace* trace = pane.pane.trace;
        if (!trace)
            continue;
        pane.figures = figuresFor(pane.pane.patternId, *trace, pane.pane.parameters);
        // Live too: bytesOnWire counts the connections still open (the charts show the same figure).
        const qint64 bytes = pane.figures.metrics.bytesOnWire;
        pane.figuresLabel->setText(figuresText(pane.figures, bytes));
        pane.figuresLabel->setToolTip(figuresToolTip(pane.figures, bytes));
    }
    Q_EMIT figuresRefreshed();
}

PatternFigures ComparisonView::figures(int index) const
{
    return index >= 0 && index < m_panes.size() ? m_panes.at(index).figures : PatternFigures();
}

void ComparisonView::updateFrameTick()
{
    const bool wanted = std::any_of(
        m_panes.cbegin(), m_panes.cend(), [](const PaneWidgets& pane) { return pane.view->isAnimating(); });
    if (wanted && !m_frameTick.isActive())
        m_frameTick.start();
    else if (!wanted)
        m_frameTick.stop();
}

void ComparisonView::frameTick()
{
    // One clock, one time axis: while any diagram moves, every diagram is drawn at the clock's time (a quiet
    // pattern's diagram scrolls with the others instead of waiting for its next arrow). All are marked in this
    // one turn, and the window paints them in one pass.
    for (const PaneWidgets& pane : std::as_const(m_panes))
        pane.view->frameTick();
}

void ComparisonView::syncScroll(SequenceView* from)
{
    if (m_syncing)
        return;
    if (from->isFollowing()) {
        followTogether(from);
        return;
    }
    // A scroll the user made (which stops the diagram following) is copied to the others.
    m_syncing = true;
    const int value = from->verticalScrollBar()->value();
    for (const PaneWidgets& pane : std::as_const(m_panes)) {
        if (pane.view == from)
            continue;
        pane.view->setFollowing(false);
        QScrollBar* bar = pane.view->verticalScrollBar();
        // A diagram whose content is shorter still lines up: its range grows to the same height.
        if (bar->maximum() < value)
            bar->setMaximum(value);
        bar->setValue(value);
    }
    m_syncing = false;
}

void ComparisonView::followTogether(SequenceView* from)
{
    // Following, a diagram keeps the clock's time at its bottom, but never scrolls past its own last event: one
    // whose pattern has been quiet would lag behind the others. Every following diagram is held at the height
    // of the clock's time instead, which is the same height in each (one axis, nothing folded).
    const double viewHeight = from->viewport()->height() - SequencePainter::ContentTop;
    const double y = from->geometry().timeToY(from->drawnTime()) + SequencePainter::BottomMargin;
    const int target = std::max(0, int(std::ceil(y - viewHeight)));
    m_syncing = true;
    for (const PaneWidgets& pane : std::as_const(m_panes)) {
        if (!pane.view->isFollowing())
            continue;
        // Only a diagram that cannot reach the height needs help; the others get there by themselves. At its
        // range's end, the diagram goes on following.
        QScrollBar* bar = pane.view->verticalScrollBar();
        if (bar->maximum() < target) {
            bar->setMaximum(target);
            bar->setValue(target);
        }
    }
    m_syncing = false;
}

void ComparisonView::syncZoom(SequenceView* from)
{
    if (m_syncing)
        return;
    m_syncing = true;
    for (const PaneWidgets& pane : std::as_const(m_panes)) {
        if (pane.view != from)
            pane.view->setZoom(from->zoom());
    }
    m_syncing = false;
    syncScroll(from);
}

void ComparisonView::paintForSvg(QPainter* painter)
{
    // Qt 6.4's SVG generator ignores clipping, so a diagram rendered as a widget would spill its lifelines over
    // the headers. The headers and the charts are drawn as vectors; each diagram (and the playback bar) as a
    // picture of itself at twice the resolution, exactly as it is on screen, where it is on screen.
    painter->fillRect(rect(), palette().window());
    const auto picture = [this, painter](QWidget* widget) {
        constexpr qreal ratio = 2.0;
        QImage image(widget->size() * ratio, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(ratio);
        image.fill(palette().window().color());
        QPainter into(&image);
        widget->render(&into, QPoint(), QRegion(), QWidget::DrawWindowBackground | QWidget::DrawChildren);
        into.end();
        painter->drawImage(QRectF(widget->mapTo(this, QPoint()), widget->size()), image);
    };
    for (const PaneWidgets& pane : std::as_const(m_panes)) {
        for (QLabel* label : { pane.title, pane.figuresLabel })
            label->render(painter, label->mapTo(this, QPoint()), QRegion(), QWidget::DrawChildren);
        picture(pane.view);
    }
    m_charts->render(painter, QRectF(m_charts->mapTo(this, QPoint()), m_charts->size()));
    picture(m_bar);
}

bool ComparisonView::exportTo(const QString& path, QString* error) const
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("svg") && suffix != QLatin1String("png")) {
        *error = tr("%1: the file name must end in .svg or .png").arg(path);
        return false;
    }
    auto* self = const_cast<ComparisonView*>(this); // rendering a widget is not const in Qt
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    bool drawn = false;
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(size());
        svg.setViewBox(rect());
        svg.setTitle(tr("PatternScope comparison"));
        QPainter painter;
        drawn = painter.begin(&svg);
        if (drawn) {
            self->paintForSvg(&painter);
            drawn = painter.end();
        }
    } else {
        const qreal ratio = devicePixelRatioF();
        QImage image(size() * ratio, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(ratio);
        image.fill(palette().window().color());
        QPainter painter(&image);
        self->render(&painter, QPoint(), QRegion(), QWidget::DrawWindowBackground | QWidget::DrawChildren);
        painter.end();
        drawn = image.save(&file, "PNG");
    }
    if (!drawn || !file.commit()) {
        *error = tr("%1: %2").arg(path, drawn ? file.errorString() : tr("could not draw the picture"));
        return false;
    }
    return true;
}

} // namespace PatternScope
