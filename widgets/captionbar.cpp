// SPDX-License-Identifier: GPL-3.0-or-later
#include "captionbar.h"

#include "playbackclock.h"

#include <QEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace PatternScope {

namespace {

// The longest the line goes unread while playback moves (the next caption due is read on time).
constexpr int TickMs = 100;
// Bounds of the wait between two narrations of a growing trace.
constexpr qint64 MinRenarrateMs = 20;
constexpr qint64 MaxRenarrateMs = 500;
// A caption this close before a message was sent is about the moment it left (Narration's one moment).
constexpr TimeUs SameMoment = 5000;

} // namespace

CaptionBar::CaptionBar(QWidget* parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Caption"));
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    setBackgroundRole(QPalette::AlternateBase);
    setAutoFillBackground(true);
    m_tick.setSingleShot(true);
    m_tick.setTimerType(Qt::PreciseTimer);
    connect(&m_tick, &QTimer::timeout, this, &CaptionBar::refresh);
    m_soon.setSingleShot(true);
    connect(&m_soon, &QTimer::timeout, this, &CaptionBar::refresh);
}

void CaptionBar::setClock(PlaybackClock* clock)
{
    if (m_clock)
        m_clock->disconnect(this);
    m_clock = clock;
    if (clock)
        connect(clock, &PlaybackClock::changed, this, &CaptionBar::refresh);
    m_stale = true; // the new clock learns where captions start
    refresh();
}

void CaptionBar::setTrace(const Trace* trace)
{
    setTrace(trace, {});
}

void CaptionBar::setTrace(const Trace* trace, QList<Caption> captions)
{
    attach(trace);
    m_captions = std::move(captions);
    m_awaiting = false;
    m_stale = !trace || m_captions.isEmpty();
    m_givenCaptions = !m_stale;
    if (!m_stale)
        m_narrated.start();
    refresh();
}

void CaptionBar::awaitCaptions(const Trace* trace)
{
    attach(trace);
    m_captions.clear();
    m_awaiting = trace != nullptr;
    m_stale = !trace;
    m_givenCaptions = m_awaiting; // the clock's stops go too: they come with the captions
    refresh();
}

void CaptionBar::attach(const Trace* trace)
{
    if (m_trace)
        m_trace->disconnect(this);
    m_trace = trace;
    if (trace) {
        connect(trace, &Trace::messageAdded, this, &CaptionBar::traceGrew);
        connect(trace, &Trace::messageUpdated, this, &CaptionBar::traceGrew);
        connect(trace, &Trace::activationEnded, this, &CaptionBar::traceGrew);
        connect(trace, &Trace::noteAdded, this, &CaptionBar::traceGrew);
        connect(trace, &Trace::connectionClosed, this, &CaptionBar::traceGrew);
        connect(trace, &Trace::cleared, this, &CaptionBar::traceGrew);
    }
}

void CaptionBar::traceGrew()
{
    m_stale = true;
    // Many messages of one moment are narrated once, as soon as narrating again is cheap enough. Paused,
    // what comes after the playback time changes nothing shown: it is narrated at leisure.
    if (!m_soon.isActive()) {
        const bool paused = m_clock && m_clock->mode() == PlaybackClock::Mode::Paused;
        const qint64 gap = paused ? MaxRenarrateMs : renarrateGapMs();
        const qint64 waited = m_narrated.isValid() ? m_narrated.elapsed() : gap;
        m_soon.start(int(std::max<qint64>(0, gap - waited)));
    }
}

qint64 CaptionBar::renarrateGapMs() const
{
    return std::clamp<qint64>(m_narrationCostUs * 10 / 1000, MinRenarrateMs, MaxRenarrateMs);
}

const QList<Caption>& CaptionBar::captions()
{
    const bool renarrate = (m_stale && m_trace) || (!m_trace && !m_captions.isEmpty()) || m_givenCaptions;
    m_givenCaptions = false;
    if (m_stale && m_trace) {
        QElapsedTimer cost;
        cost.start();
        m_captions = Narration::captions(*m_trace, {}, {}, Narration::Texts::Compact);
        m_narrationCostUs = cost.nsecsElapsed() / 1000;
        m_narrated.start();
        m_stale = false;
    } else if (!m_trace) {
        m_captions.clear();
    }
    if (renarrate && m_clock) {
        // Every caption can be stepped to, also those that start between messages (a cut, a hold retold). Most
        // start as their message leaves or arrives, where the clock stops anyway: only the others are given to
        // it (a million messages have about a million and a half captions, and as many stops took 12 MB).
        QList<TimeUs> stops;
        for (const Caption& caption : std::as_const(m_captions)) {
            if ((stops.isEmpty() || stops.constLast() != caption.at)
                && !m_clock->stepsAt(m_trace, caption.message, caption.at))
                stops.append(caption.at);
        }
        stops.squeeze();
        m_clock->setStops(std::move(stops));
    }
    return m_captions;
}

void CaptionBar::refresh()
{
    // While a run records, the trace changes all the time: narrate it again when it is cheap, not per message.
    const bool recording = m_clock && m_clock->isRecording();
    if (!recording || !m_narrated.isValid() || m_narrated.elapsed() >= renarrateGapMs())
        captions();
    else if (m_stale && !m_soon.isActive())
        m_soon.start(int(renarrateGapMs() - m_narrated.elapsed()));
    const bool live = !m_clock || m_clock->isLive();
    const TimeUs position = m_clock ? m_clock->position() : (m_trace ? m_trace->endTime() : NoTime);
    if (position != m_position || live != m_live) {
        m_position = position;
        m_live = live;
        Q_EMIT positionChanged(position, live);
    }
    const int index = m_trace && position != NoTime ? captionFor(*m_trace, m_captions, position) : -1;
    QString text;
    if (index >= 0)
        text = Narration::text(*m_trace, m_captions[index]);
    else if (m_awaiting && m_trace)
        text = tr("The captions of the whole trace are being written…");
    if (index != m_index || text != m_text) {
        m_index = index;
        m_text = text;
        setToolTip(text);
        update();
        Q_EMIT captionChanged(index, text);
    }
    updateTicking();
}

void CaptionBar::updateTicking()
{
    bool moving = false;
    if (m_clock && m_trace) {
        const PlaybackClock::Mode mode = m_clock->mode();
        moving = mode == PlaybackClock::Mode::Playing || (mode == PlaybackClock::Mode::Live && m_clock->isRecording());
    }
    // A finished, unread change to the trace is picked up once more, then the line rests.
    if (!moving && m_stale && m_trace)
        moving = true;
    if (!moving) {
        m_tick.stop();
        return;
    }
    // Read again when the next caption is due on the clock (at its speed), or in a tenth of a second.
    int interval = TickMs;
    if (m_clock && m_position != NoTime) {
        const auto next = std::upper_bound(
            m_captions.cbegin(), m_captions.cend(), m_position, [](TimeUs t, const Caption& c) { return t < c.at; });
        if (next != m_captions.cend()) {
            const double wallUs = double(next->at - m_position) / std::max(m_clock->speed(), 0.01);
            interval = int(std::min<double>(TickMs, std::ceil(wallUs / 1000.0)));
        }
    }
    m_tick.start(std::max(0, interval));
}

qint64 CaptionBar::messageAt(const Trace& trace, TimeUs t)
{
    if (t == NoTime)
        return -1;
    // Plumbing (TCP connect and close) is what a step passes through, not what it is about.
    qint64 found = -1;
    for (qint64 seq : trace.messagesSentBetween(t, t)) {
        if (found < 0 || (isPlumbing(trace.message(found).kind) && !isPlumbing(trace.message(seq).kind)))
            found = seq;
    }
    if (found >= 0)
        return found;
    for (qint64 seq : trace.messagesOverlapping(t, t)) {
        const Message& m = trace.message(seq);
        if (m.state != Message::State::InFlight && m.receivedAt == t
            && (found < 0 || (isPlumbing(trace.message(found).kind) && !isPlumbing(m.kind))))
            found = seq;
    }
    return found;
}

namespace {

// The caption that tells of `m` being sent: one starting that moment, or for a TCP connect that is not told
// on its own, the one of what follows it at once on the connection (the request). -1 for none.
int toldWhenSent(const Trace& trace, const QList<Caption>& captions, const Message& m)
{
    const int at = Narration::captionAt(captions, m.sentAt);
    if (isPlumbing(m.kind)) {
        // Of what follows at once, the caption of the request on this connection (several clients
        // connecting together each get theirs).
        for (int next = std::max(at, 0); next < captions.size() && captions[next].at - m.sentAt <= SameMoment; ++next) {
            const qint64 about = captions[next].message;
            if (captions[next].at >= m.sentAt && about >= 0 && trace.message(about).connection == m.connection)
                return next;
        }
    }
    if (at >= 0 && captions[at].message >= 0 && m.sentAt - captions[at].at <= SameMoment)
        return at;
    return -1;
}

} // namespace

int CaptionBar::captionFor(const Trace& trace, const QList<Caption>& captions, TimeUs t)
{
    int index = Narration::captionAt(captions, t);
    const qint64 seq = messageAt(trace, t);
    if (seq < 0)
        return index;
    // No caption starts at this event: the one that told of its sending names it (an arrival, a connect).
    if (index < 0 || captions[index].at != t) {
        const int told = toldWhenSent(trace, captions, trace.message(seq));
        if (told >= 0)
            index = told;
    }
    if (index < 0)
        return index;
    for (int i = index; i >= 0 && captions[i].at == captions[index].at; --i) {
        if (captions[i].message == seq)
            return i;
    }
    return index;
}

qint64 CaptionBar::steppedMessage() const
{
    if (!m_trace || m_position == NoTime)
        return -1;
    const qint64 seq = messageAt(*m_trace, m_position);
    if (seq >= 0 || m_index < 0)
        return seq;
    const Caption& caption = m_captions[m_index];
    return caption.at == m_position ? caption.message : -1;
}

QFont CaptionBar::captionFont() const
{
    QFont f = font();
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * 1.25);
    else
        f.setPixelSize(qRound(f.pixelSize() * 1.25));
    return f;
}

QSize CaptionBar::sizeHint() const
{
    // Room for two lines, always: a caption that needs the second one (a large font scale, a narrow window)
    // wraps instead of losing its end, and the diagram above does not jump as captions come and go.
    const QFontMetrics metrics(captionFont());
    return { metrics.averageCharWidth() * 60, metrics.lineSpacing() * 2 + metrics.height() / 2 };
}

QSize CaptionBar::minimumSizeHint() const
{
    const QSize hint = sizeHint();
    return { 0, hint.height() };
}

void CaptionBar::paintEvent(QPaintEvent* event)
{
    Q_UNUSED(event)
    QPainter painter(this);
    painter.setFont(captionFont());
    const QFontMetrics metrics(painter.font());
    const int margin = metrics.averageCharWidth();
    const QRect area = rect().adjusted(margin, 0, -margin, 0);
    painter.setPen(palette().color(QPalette::Text));
    QString text = m_text;
    const int flags = Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWordWrap;
    if (metrics.boundingRect(area, flags, text).height() > area.height())
        text = metrics.elidedText(text, Qt::ElideRight, 2 * area.width() - 8 * margin);
    painter.drawText(area, flags, text);
}

void CaptionBar::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateGeometry();
    QWidget::changeEvent(event);
}

} // namespace PatternScope
