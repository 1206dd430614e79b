// SPDX-License-Identifier: GPL-3.0-or-later
#include "sequenceview.h"

#include "playbackclock.h"
#include "sequencepainter.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

namespace PatternScope {

namespace {

constexpr double kPixelsPerSecond = 120.0; // at zoom 1: a 250 ms hop slants by 30 px
constexpr double kRowHeight = 30.0;
constexpr double kBottomMargin = SequencePainter::BottomMargin;
constexpr double kTop = SequencePainter::ContentTop;
constexpr int kFrameMs = 16;
// Side by side: the narrowest column, the margin left of a diagram without a ruler, how often lanes are measured.
constexpr double kMinSideColumn = 48.0;
// What a header box adds around a participant's name (SequencePainter: the box is the column less 16,
// the name is elided to the box less 10).
constexpr double kHeaderPadding = 26.0;
constexpr double kNoRulerWidth = 6.0;
constexpr qint64 kLanesMeasureMs = 500;
// A bundle's tooltip lists at most this many of its messages.
constexpr int kToolTipMessages = 12;

} // namespace

SequenceView::SequenceView(QWidget* parent)
    : QAbstractScrollArea(parent)
    , m_theme(Theme::fromPalette(palette()))
{
    setAccessibleName(tr("Sequence diagram"));
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    m_geometry.setPixelsPerSecond(kPixelsPerSecond);
    m_geometry.setRowHeight(kRowHeight);
    m_frames.setInterval(kFrameMs);
    m_frames.setTimerType(Qt::PreciseTimer);
    connect(&m_frames, &QTimer::timeout, this, &SequenceView::frame);
    // Always there: a trace that grows past the view, or a large file whose whole replaces its start, would
    // otherwise narrow the view by a scroll bar's width, and lay out and paint the diagram again for it.
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    verticalScrollBar()->setSingleStep(20);
    horizontalScrollBar()->setSingleStep(20);
    SequencePainter painter(m_geometry, m_theme);
    painter.setFont(font());
    m_notes.setFont(painter.smallFont());
    // Notes wrap to four lines in their lane rather than lose their ends at 1280×720.
    m_notes.setViewLines(4);
}

SequenceView::~SequenceView() = default;

void SequenceView::setTrace(Trace* trace)
{
    if (m_trace)
        m_trace->disconnect(this);
    m_trace = trace;
    m_geometry.setTrace(trace);
    if (trace) {
        connect(trace, &Trace::messageAdded, this, &SequenceView::messageAdded);
        connect(trace, &Trace::messageUpdated, this, &SequenceView::messageUpdated);
        connect(trace, &Trace::participantAdded, this, &SequenceView::traceChanged);
        connect(trace, &Trace::activationStarted, this, [this](const Activation& a) {
            if (!pausedBefore(a.start))
                traceChanged();
        });
        connect(trace, &Trace::activationEnded, this, [this](const Activation& a) {
            if (!pausedBefore(a.end))
                traceChanged();
        });
        connect(trace, &Trace::noteAdded, this, [this](const Note& note) {
            if (!pausedBefore(note.at))
                traceChanged();
        });
        connect(trace, &Trace::cleared, this, &SequenceView::rebuild);
    }
    rebuild();
}

void SequenceView::setClock(PlaybackClock* clock)
{
    if (m_clock)
        m_clock->disconnect(this);
    m_clock = clock;
    if (clock) {
        connect(clock, &PlaybackClock::stepped, this, &SequenceView::startStep);
        connect(clock, &PlaybackClock::changed, this, [this] {
            // Anything but the step itself (a seek, play, another step) ends the flight at once.
            if (m_stepTo != NoTime
                && (m_clock->mode() != PlaybackClock::Mode::Paused || m_clock->position() != m_stepTo))
                m_stepTo = NoTime;
            if (m_clock->isLive())
                setFollowing(true);
            traceChanged();
        });
    }
    traceChanged();
}

void SequenceView::rebuild()
{
    m_delays.clear();
    m_selected = -1;
    m_hovered = -1;
    m_geometry.setTrace(m_trace); // what it worked out from a cleared trace is gone
    m_hoveredNote = -1;
    m_notes.setExpanded({});
    m_expanded.clear();
    m_layout = DiagramLayout();
    m_lanesMeasured.invalidate();
    // A recorded trace: the same folds and delays the live view would have found.
    m_activityEnd = m_geometry.foldIdleGaps();
    if (m_trace) {
        // The last delivered message of each pair: looked for from the end, until every pair that has one
        // is known (a million-message trace of a few lifelines needs a few messages, not a pass).
        const auto& messages = m_trace->messages();
        const qsizetype lifelines = qsizetype(m_trace->participants().size());
        std::vector<char> pending(size_t(lifelines * lifelines), 0);
        for (const Message& m : messages) {
            if (m.from >= 0 && m.to >= 0 && m.from < lifelines && m.to < lifelines)
                pending[size_t(m.from * lifelines + m.to)] = 1;
            else if (m.state == Message::State::Delivered)
                m_delays.insert(qMakePair(m.from, m.to), m.receivedAt - m.sentAt);
        }
        qsizetype left = std::count(pending.begin(), pending.end(), 1);
        for (auto it = messages.rbegin(); it != messages.rend() && left > 0; ++it) {
            const Message& m = *it;
            if (m.from < 0 || m.to < 0 || m.from >= lifelines || m.to >= lifelines)
                continue;
            char& open = pending[size_t(m.from * lifelines + m.to)];
            if (open && m.state == Message::State::Delivered) {
                m_delays.insert(qMakePair(m.from, m.to), m.receivedAt - m.sentAt);
                open = 0;
                --left;
            }
        }
    }
    traceChanged();
}

void SequenceView::noteActivity(const Message& message)
{
    if (!m_geometry.isShown(message))
        return;
    // A long gap since the last arrow may be foldable: whether it is (nothing held, open or noted in it) is
    // for the geometry to work out, which is rare enough to do from the whole trace.
    const TimeUs foldAfter = m_geometry.foldAfter();
    if (foldAfter > 0 && m_activityEnd > 0 && message.sentAt - m_activityEnd > foldAfter)
        m_geometry.foldIdleGaps();
    m_activityEnd
        = std::max(m_activityEnd, message.state == Message::State::InFlight ? message.sentAt : message.receivedAt);
}

bool SequenceView::pausedBefore(TimeUs t) const
{
    return m_clock && m_clock->mode() == PlaybackClock::Mode::Paused && t != NoTime && t > m_clock->position();
}

void SequenceView::messageAdded(const Message& message)
{
    noteActivity(message);
    if (!pausedBefore(message.sentAt))
        traceChanged();
}

void SequenceView::messageUpdated(const Message& message)
{
    if (message.state == Message::State::Delivered) {
        m_lastDelay = message.receivedAt - message.sentAt;
        m_delays.insert(qMakePair(message.from, message.to), m_lastDelay);
    }
    if (message.state != Message::State::InFlight)
        noteActivity(message);
    // An arrow that arrives (or is lost) after the paused moment still looks in flight there.
    const TimeUs at = message.state == Message::State::InFlight ? message.sentAt : message.receivedAt;
    if (!pausedBefore(at))
        traceChanged();
}

void SequenceView::setFoldAfter(TimeUs after)
{
    if (after == m_geometry.foldAfter())
        return;
    m_geometry.setFoldAfter(after);
    refold();
}

void SequenceView::setKindFilter(std::function<bool(const Message&)> shown)
{
    m_kindFilter = std::move(shown);
    refreshFilter();
}

void SequenceView::refreshFilter()
{
    // The filter bar's kinds, and at the Textbook level only the steps a textbook draws.
    if (m_detail == DetailLevel::Wire)
        m_geometry.setMessageFilter(m_kindFilter);
    else if (!m_kindFilter)
        m_geometry.setMessageFilter(&Textbook::shown);
    else
        m_geometry.setMessageFilter(
            [kinds = m_kindFilter](const Message& m) { return Textbook::shown(m) && kinds(m); });
    if (m_selected >= 0 && m_trace && !m_geometry.isShown(m_trace->message(m_selected)))
        m_selected = -1;
    m_hovered = -1;
    refold();
}

void SequenceView::refold()
{
    const TimeUs centre = m_geometry.yToTime(verticalScrollBar()->value() + viewport()->height() / 2.0);
    m_activityEnd = m_geometry.foldIdleGaps();
    updateScrollBars();
    if (!m_following)
        scrollToTime(centre);
    traceChanged();
}

void SequenceView::traceChanged()
{
    // Many events can come in one turn of the event loop; they make one repaint.
    if (m_updatePending)
        return;
    m_updatePending = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_updatePending = false;
            updateScrollBars();
            viewport()->update();
            updateAnimation();
        },
        Qt::QueuedConnection);
}

TimeUs SequenceView::asOf() const
{
    if (isStepping()) {
        const double done = double(m_stepTimer.nsecsElapsed()) / double(m_stepFlightNs);
        return m_stepFrom + TimeUs(double(m_stepTo - m_stepFrom) * done);
    }
    if (m_clock)
        return m_clock->position();
    return m_trace ? m_trace->endTime() : 0;
}

// Step mode, as a network simulator's: the arrow flies to the next event at the playback speed, but never
// for longer than MaxStepFlightMs, so a step over a long hold still answers the key at once. Stepping back,
// or a flight too short to see, jumps.
void SequenceView::startStep(TimeUs from, TimeUs to)
{
    m_stepTo = NoTime;
    if (!m_clock || to <= from)
        return;
    const double flightNs = double(to - from) * 1000.0 / m_clock->speed();
    m_stepFlightNs = qint64(std::min(flightNs, double(MaxStepFlightMs) * 1e6));
    if (m_stepFlightNs < qint64(kFrameMs) * 2'000'000)
        return;
    m_stepFrom = from;
    m_stepTo = to;
    m_stepTimer.start();
    updateAnimation();
}

bool SequenceView::isStepping() const
{
    return m_stepTo != NoTime && m_stepTimer.nsecsElapsed() < m_stepFlightNs;
}

TimeUs SequenceView::contentEnd() const
{
    if (!m_trace)
        return 0;
    // In-flight arrows grow with the clock; otherwise the diagram ends with its last event.
    const TimeUs head = m_clock ? m_clock->head() : m_trace->endTime();
    return std::max(m_trace->endTime(), m_trace->inFlightCount() > 0 ? head : 0);
}

void SequenceView::updateScrollBars()
{
    const double viewHeight = viewport()->height() - kTop;
    const int participants = m_trace ? int(m_trace->participants().size()) : 0;
    if (m_sideBySide)
        fitSideBySide(viewport()->width());
    else
        m_geometry.fitToWidth(viewport()->width(), participants);

    const double height = m_geometry.contentHeight(contentEnd()) + kBottomMargin;
    m_scrollingOurselves = true;
    verticalScrollBar()->setPageStep(int(viewHeight));
    verticalScrollBar()->setRange(0, std::max(0, int(std::ceil(height - viewHeight))));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setRange(0, std::max(0, int(std::ceil(m_geometry.contentWidth() - viewport()->width()))));
    if (m_following) {
        // Keep the playback time at the bottom of the view.
        const double y
            = m_geometry.axis() == SequenceGeometry::Axis::Time ? m_geometry.timeToY(asOf()) + kBottomMargin : height;
        verticalScrollBar()->setValue(std::min(verticalScrollBar()->maximum(), int(std::ceil(y - viewHeight))));
    }
    m_scrollingOurselves = false;
}

void SequenceView::setSideBySide(bool sideBySide, bool ruler)
{
    m_sideBySide = sideBySide;
    m_ruler = ruler || !sideBySide;
    m_lanesMeasured.invalidate();
    updateScrollBars();
    viewport()->update();
}

void SequenceView::fitSideBySide(double width)
{
    if (!m_lanesMeasured.isValid() || m_lanesMeasured.elapsed() > kLanesMeasureMs) {
        m_lanesNeeded = m_notes.neededWidths(m_geometry);
        m_lanesMeasured.start();
    }
    // A lane takes what its notes need up to a share of the width; longer notes wrap (four lines at most,
    // then elided; the tooltip has them).
    const double cap = std::clamp(width * 0.2, 40.0, 160.0);
    double left = std::min(m_lanesNeeded.first, cap);
    double right = std::min(m_lanesNeeded.second, cap);
    const double ruler = m_ruler ? SequenceGeometry::ViewRulerWidth : kNoRulerWidth;
    // Names before notes: in a narrow pane (five patterns side by side at 1280×720) the lanes yield what
    // the columns need for the longest participant name; the notes wrap in what is left (each lane keeps
    // at least the half column beside its lifeline).
    const auto columns = m_trace ? qsizetype(m_trace->participants().size()) : 0;
    if (columns > 0) {
        const QFontMetricsF fm(font());
        double nameColumn = kMinSideColumn;
        for (const Participant& p : m_trace->participants())
            nameColumn = std::max(nameColumn, fm.horizontalAdvance(p.name) + kHeaderPadding);
        // The outer columns' halves hold part of each lane (see SequenceGeometry::contentWidth).
        const double spare = width - ruler - columns * nameColumn + nameColumn - 2 * SequenceGeometry::LaneGap;
        if (left + right > spare) {
            const double share = std::max(0.0, spare) / (left + right);
            left *= share;
            right *= share;
        }
    }
    m_geometry.setLanes(left, right);
    // The widest columns that keep the whole diagram in view (none narrower than a short label).
    double narrow = kMinSideColumn;
    double wide = std::max(kMinSideColumn, width);
    for (int i = 0; i < 20; ++i) {
        const double middle = (narrow + wide) / 2;
        m_geometry.setColumns(ruler, middle);
        (m_geometry.contentWidth() > width ? wide : narrow) = middle;
    }
    m_geometry.setColumns(ruler, narrow);
}

void SequenceView::updateAnimation()
{
    bool moving = false;
    if (m_clock && m_trace) {
        const PlaybackClock::Mode mode = m_clock->mode();
        moving = (mode == PlaybackClock::Mode::Playing && m_clock->position() < m_clock->head())
            || (mode == PlaybackClock::Mode::Live && m_clock->isRecording() && m_trace->inFlightCount() > 0)
            || (mode == PlaybackClock::Mode::Playing && m_clock->isRecording()) || isStepping();
    }
    if (m_sharedFrames) {
        if (moving != m_wantsFrames) {
            m_wantsFrames = moving;
            Q_EMIT framesWanted(moving);
        }
        return;
    }
    if (moving && !m_frames.isActive())
        m_frames.start();
    else if (!moving && m_frames.isActive())
        m_frames.stop();
}

void SequenceView::setSharedFrames(bool shared)
{
    if (shared == m_sharedFrames)
        return;
    m_sharedFrames = shared;
    m_frames.stop();
    if (m_wantsFrames) {
        m_wantsFrames = false;
        Q_EMIT framesWanted(false);
    }
    updateAnimation();
}

void SequenceView::frame()
{
    updateScrollBars();
    viewport()->update();
    updateAnimation();
}

void SequenceView::setFollowing(bool following)
{
    if (m_following == following)
        return;
    m_following = following;
    Q_EMIT followingChanged(following);
    if (following)
        traceChanged();
}

void SequenceView::setAxis(SequenceGeometry::Axis axis)
{
    if (axis == m_geometry.axis())
        return;
    const TimeUs centre = m_geometry.yToTime(verticalScrollBar()->value() + viewport()->height() / 2.0);
    m_geometry.setAxis(axis);
    updateScrollBars();
    if (!m_following)
        scrollToTime(centre);
    viewport()->update();
}

void SequenceView::setDetail(DetailLevel detail)
{
    if (detail == m_detail)
        return;
    m_detail = detail;
    m_notes.setDetail(detail);
    refreshFilter();
}

void SequenceView::setZoom(double zoom)
{
    zoom = std::clamp(zoom, 0.01, 100.0);
    if (std::abs(zoom - m_zoom) < 1e-9)
        return;
    m_zoom = zoom;
    m_geometry.setPixelsPerSecond(kPixelsPerSecond * zoom);
    m_geometry.setRowHeight(kRowHeight * std::clamp(zoom, 0.5, 3.0));
    updateScrollBars();
    viewport()->update();
    Q_EMIT zoomChanged(zoom);
}

void SequenceView::scrollToTime(TimeUs t)
{
    const double viewHeight = viewport()->height() - kTop;
    m_scrollingOurselves = true;
    verticalScrollBar()->setValue(int(m_geometry.timeToY(t) - viewHeight / 2));
    m_scrollingOurselves = false;
}

QPointF SequenceView::toContent(QPointF p) const
{
    return { p.x() + horizontalScrollBar()->value(), p.y() - kTop + verticalScrollBar()->value() };
}

QLineF SequenceView::arrowInViewport(qint64 seq) const
{
    if (!m_trace || seq < 0 || seq >= qint64(m_trace->messages().size()))
        return {};
    const Message& m = m_trace->message(seq);
    if (!m_geometry.isShown(m))
        return {};
    SequencePainter painter(m_geometry, m_theme);
    painter.setExpectedDelays(&m_delays, m_lastDelay);
    const QLineF line = m_geometry.arrow(m, asOf(), painter.expectedDelay(m)).line;
    if (line.isNull())
        return {};
    const QPointF offset(-horizontalScrollBar()->value(), kTop - verticalScrollBar()->value());
    return line.translated(offset);
}

void SequenceView::selectMessage(qint64 seq)
{
    if (!m_trace || seq >= qint64(m_trace->messages().size()))
        seq = -1;
    m_selected = seq;
    if (seq >= 0) {
        const QLineF line = arrowInViewport(seq);
        const double top = SequencePainter::HeaderHeight;
        if (line.isNull() || line.p1().y() < top || line.p1().y() > viewport()->height() - 10) {
            setFollowing(false);
            const Message& m = m_trace->message(seq);
            if (m_geometry.axis() == SequenceGeometry::Axis::Compact) {
                m_scrollingOurselves = true;
                verticalScrollBar()->setValue(int(m_geometry.rowY(m_geometry.rowOf(seq)) - viewport()->height() / 2.0));
                m_scrollingOurselves = false;
            } else {
                scrollToTime(m.sentAt);
            }
        }
    }
    viewport()->update();
}

void SequenceView::paintEvent(QPaintEvent* event)
{
    QPainter p(viewport());
    const QRectF exposed = event->rect();
    p.fillRect(exposed, m_theme.background);
    if (!m_trace)
        return;
    const double sx = horizontalScrollBar()->value();
    const double sy = verticalScrollBar()->value();
    const double header = SequencePainter::HeaderHeight;
    const double width = viewport()->width();
    const double height = viewport()->height();

    SequencePainter painter(m_geometry, m_theme);
    painter.setFont(font());
    painter.setDetail(m_detail);
    const TimeUs t = asOf();
    painter.setAsOf(t);
    painter.setNowLine(m_clock && !m_clock->isLive());
    painter.setHighlight(m_hovered, m_selected);
    painter.setExpectedDelays(&m_delays, m_lastDelay);
    painter.setNotesLane(&m_notes);
    painter.setPinTop(header - kTop + sy);
    painter.setExpanded(&m_expanded);

    const QRectF body = exposed.intersected(QRectF(0, header, width, height - header));
    if (!body.isEmpty()) {
        p.save();
        p.setClipRect(body);
        p.translate(-sx, kTop - sy);
        painter.paintContent(p, body.translated(sx, sy - kTop));
        p.restore();
        if (body.height() >= height - header - 1)
            m_layout = painter.layout(); // what a tooltip or a click finds, when the whole view was drawn
        if (m_ruler)
            painter.paintRuler(p, sy - (kTop - header), header, height - header);
    }
    if (exposed.top() < header)
        painter.paintHeaders(p, sx, width);
}

void SequenceView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void SequenceView::scrollContentsBy(int, int dy)
{
    // The user scrolled away from the head: stop following until Live.
    if (dy != 0 && !m_scrollingOurselves && verticalScrollBar()->value() < verticalScrollBar()->maximum())
        setFollowing(false);
    viewport()->update();
}

void SequenceView::mouseMoveEvent(QMouseEvent* event)
{
    if (!m_trace)
        return;
    const QPointF point = toContent(event->position());
    qint64 hovered = -1;
    if (event->position().y() > SequencePainter::HeaderHeight) {
        const TimeUs t = asOf();
        // The expected delay only places in-flight packets; the last one seen is close enough here.
        hovered = m_geometry.messageAt(point, t, m_lastDelay);
    }
    const qsizetype note = hovered < 0 ? noteEntryAt(event->position()) : -1;
    if (note != m_hoveredNote) {
        m_hoveredNote = note;
        if (note >= 0) {
            const auto& entry = m_notes.entries(m_geometry)[size_t(note)];
            QToolTip::showText(
                event->globalPosition().toPoint(), m_notes.details(m_geometry, entry, asOf()), viewport());
        } else {
            QToolTip::hideText();
        }
    }
    const bool noteClickable = note >= 0
        && (m_notes.entries(m_geometry)[size_t(note)].collapsed()
            || m_notes.entries(m_geometry)[size_t(note)].expanded);
    const bool onLabel = m_layout.labelAt(point) >= 0 || m_layout.bundleAt(point) >= 0;
    viewport()->setCursor(hovered >= 0 || onLabel || noteClickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (hovered != m_hovered || (hovered < 0 && note >= 0)) {
        m_hovered = hovered;
        viewport()->update();
    }
}

qsizetype SequenceView::noteEntryAt(QPointF viewportPoint) const
{
    if (!m_trace || viewportPoint.y() <= SequencePainter::HeaderHeight)
        return -1;
    const qsizetype index = m_notes.entryAt(m_geometry, toContent(viewportPoint));
    return index >= 0 && m_notes.entries(m_geometry)[size_t(index)].first <= asOf() ? index : -1;
}

bool SequenceView::toggleRepeats(QPointF viewportPoint)
{
    const qsizetype index = noteEntryAt(viewportPoint);
    if (index < 0)
        return false;
    const NotesLane::Entry& entry = m_notes.entries(m_geometry)[size_t(index)];
    if (!entry.collapsed() && !entry.expanded)
        return false;
    QSet<qint64> expanded = m_notes.expanded();
    if (entry.expanded)
        expanded.remove(entry.group);
    else
        expanded.insert(entry.group);
    m_notes.setExpanded(expanded);
    m_hoveredNote = -1;
    viewport()->update();
    return true;
}

void SequenceView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !m_trace)
        return;
    if (m_geometry.messageAt(toContent(event->position()), asOf(), m_lastDelay) < 0 && toggleRepeats(event->position()))
        return;
    const bool inBody = event->position().y() > SequencePainter::HeaderHeight;
    const QPointF point = toContent(event->position());
    // A label first, then an arrow (a member of a bundle too), then a bundle's band.
    const int label = inBody ? m_layout.labelAt(point) : -1;
    if (label >= 0) {
        const DiagramLayout::Item& item = m_layout.items()[size_t(label)];
        if (item.isBundle()) {
            openBundle(item);
            return;
        }
        // A label stands for its arrow.
        m_selected = item.firstSeq();
        viewport()->update();
        Q_EMIT messageActivated(m_selected);
        return;
    }
    const int bundle = inBody && m_geometry.messageAt(point, asOf(), m_lastDelay) < 0 ? m_layout.bundleAt(point) : -1;
    if (bundle >= 0) {
        openBundle(m_layout.items()[size_t(bundle)]);
        return;
    }
    mouseMoveEvent(event);
    m_selected = m_hovered;
    viewport()->update();
    Q_EMIT messageActivated(m_selected);
}

void SequenceView::leaveEvent(QEvent*)
{
    if (m_hovered >= 0) {
        m_hovered = -1;
        viewport()->update();
    }
}

void SequenceView::wheelEvent(QWheelEvent* event)
{
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    // Zoom around the pointer: the time under it stays under it.
    const double viewportY = event->position().y();
    const TimeUs anchor = m_geometry.yToTime(toContent(event->position()).y());
    setFollowing(false);
    setZoom(event->angleDelta().y() > 0 ? m_zoom * 1.25 : m_zoom / 1.25);
    m_scrollingOurselves = true;
    verticalScrollBar()->setValue(int(m_geometry.timeToY(anchor) - (viewportY - kTop)));
    m_scrollingOurselves = false;
    event->accept();
}

void SequenceView::moveSelection(int step)
{
    const auto& order = m_geometry.rows();
    if (!m_trace || order.empty())
        return;
    qsizetype row
        = m_selected >= 0 ? m_geometry.rowOf(m_selected) + step : (step > 0 ? 0 : qsizetype(order.size()) - 1);
    row = std::clamp<qsizetype>(row, 0, qsizetype(order.size()) - 1);
    if (m_trace->message(order[size_t(row)]).sentAt > asOf())
        return; // not drawn yet
    selectMessage(order[size_t(row)]);
    Q_EMIT messageActivated(m_selected);
}

void SequenceView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_Down:
        moveSelection(1);
        return;
    case Qt::Key_Up:
        moveSelection(-1);
        return;
    default:
        QAbstractScrollArea::keyPressEvent(event);
    }
}

QPointF SequenceView::contentToViewport(QPointF content) const
{
    return { content.x() - horizontalScrollBar()->value(), content.y() + kTop - verticalScrollBar()->value() };
}

void SequenceView::openBundle(const DiagramLayout::Item& bundle)
{
    if (!m_trace)
        return;
    std::vector<double> ys;
    for (const DiagramLayout::Strand& strand : bundle.strands) {
        m_expanded.unite(QSet<qint64>(strand.seqs.begin(), strand.seqs.end()));
        for (const QLineF& line : strand.lines)
            ys.push_back(line.y1());
    }
    std::sort(ys.begin(), ys.end());
    std::vector<double> gaps;
    for (size_t i = 1; i < ys.size(); ++i) {
        if (ys[i] - ys[i - 1] > 0.01)
            gaps.push_back(ys[i] - ys[i - 1]);
    }
    setFollowing(false);
    const double wanted = 1.5 * m_layout.labelHeight();
    if (!gaps.empty() && m_geometry.axis() == SequenceGeometry::Axis::Time) {
        std::nth_element(gaps.begin(), gaps.begin() + qsizetype(gaps.size() / 2), gaps.end());
        const double median = gaps[gaps.size() / 2];
        if (median < wanted) {
            // Zoom around the bundle's first arrow: it stays where it is on screen.
            const TimeUs anchor = m_trace->message(bundle.firstSeq()).sentAt;
            const double viewportY = contentToViewport(QPointF(0, m_geometry.timeToY(anchor))).y();
            setZoom(m_zoom * wanted / median);
            m_scrollingOurselves = true;
            verticalScrollBar()->setValue(int(m_geometry.timeToY(anchor) - (viewportY - kTop)));
            m_scrollingOurselves = false;
        }
    }
    viewport()->update();
}

QString SequenceView::toolTipAt(QPointF viewportPoint) const
{
    if (!m_trace || viewportPoint.y() <= SequencePainter::HeaderHeight)
        return {};
    const QPointF point = toContent(viewportPoint);
    int index = m_layout.labelAt(point);
    if (index < 0)
        index = m_layout.bundleAt(point);
    if (index < 0)
        return {};
    const DiagramLayout::Item& item = m_layout.items()[size_t(index)];
    if (!item.isBundle())
        return item.text;
    SequencePainter painter(m_geometry, m_theme);
    painter.setAsOf(asOf());
    QStringList lines { item.text };
    int listed = 0;
    for (const DiagramLayout::Strand& strand : item.strands) {
        for (qint64 seq : strand.seqs) {
            if (listed++ < kToolTipMessages)
                lines.append(QStringLiteral("  ") + painter.labelText(m_trace->message(seq)));
        }
    }
    if (listed > kToolTipMessages)
        lines.append(tr("  … and %n more", nullptr, listed - kToolTipMessages));
    lines.append(tr("Click to open into single arrows"));
    return lines.join(u'\n');
}

bool SequenceView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QString text = toolTipAt(help->pos());
        if (!text.isEmpty()) {
            QToolTip::showText(help->globalPos(), text, viewport());
            return true;
        }
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void SequenceView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        m_theme = Theme::fromPalette(palette());
    QAbstractScrollArea::changeEvent(event);
}

} // namespace PatternScope
