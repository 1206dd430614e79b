// SPDX-License-Identifier: GPL-3.0-or-later
#include "playbackclock.h"

#include <algorithm>

namespace PatternScope {

namespace {

// When `m` arrived (or was given up for lost), a moment stepping goes to; NoTime while it is in flight.
TimeUs arrivalOf(const Message& m)
{
    return m.state != Message::State::InFlight ? m.receivedAt : NoTime;
}

} // namespace

PlaybackClock::PlaybackClock(QObject* parent)
    : QObject(parent)
{
    m_since.start();
}

void PlaybackClock::setTrace(const Trace* trace)
{
    setTraces(trace ? QList<const Trace*> { trace } : QList<const Trace*> {});
}

void PlaybackClock::setTraces(const QList<const Trace*>& traces)
{
    m_traces.clear();
    for (const Trace* trace : traces)
        m_traces.append(trace);
    m_trace = traces.isEmpty() ? nullptr : traces.constFirst();
    m_mode = Mode::Live;
    anchor(head());
    Q_EMIT changed();
}

bool PlaybackClock::stepsAt(const Trace* trace, qint64 seq, TimeUs t) const
{
    if (!trace || seq < 0 || seq >= qint64(trace->messages().size())
        || std::none_of(m_traces.cbegin(), m_traces.cend(), [trace](const auto& known) { return known == trace; }))
        return false;
    const Message& m = trace->message(seq);
    return t == m.sentAt || t == arrivalOf(m);
}

void PlaybackClock::setRecording(bool recording)
{
    if (m_recording == recording)
        return;
    // A run that ends keeps the picture where it is; live then means "at the last event".
    const TimeUs at = position();
    m_recording = recording;
    anchor(std::min(at, head()));
    Q_EMIT changed();
}

TimeUs PlaybackClock::head() const
{
    TimeUs latest = 0;
    for (const auto& trace : m_traces) {
        if (trace)
            latest = std::max(latest, m_recording ? std::max(trace->now(), trace->endTime()) : trace->endTime());
    }
    return latest;
}

PlaybackClock::Mode PlaybackClock::mode() const
{
    // Playing catches up with a running run: from then on it is live.
    // Compared unclamped: faster than real time it stays ahead of the head once it got there, so
    // two readings a microsecond apart cannot disagree.
    if (m_mode == Mode::Playing && m_recording && played() >= head())
        return Mode::Live;
    return m_mode;
}

TimeUs PlaybackClock::position() const
{
    switch (m_mode) {
    case Mode::Live:
        return head();
    case Mode::Paused:
        return std::min(m_anchor, head());
    case Mode::Playing:
        return std::min(head(), played());
    }
    return head();
}

TimeUs PlaybackClock::played() const
{
    return m_anchor + TimeUs(double(m_since.nsecsElapsed()) / 1000.0 * m_speed);
}

void PlaybackClock::anchor(TimeUs at)
{
    m_anchor = at;
    m_since.restart();
}

void PlaybackClock::play()
{
    TimeUs from = position();
    // Playing a finished trace from its end starts it over.
    if (!m_recording && from >= head())
        from = 0;
    anchor(from);
    m_mode = Mode::Playing;
    Q_EMIT changed();
}

void PlaybackClock::pause()
{
    anchor(position());
    m_mode = Mode::Paused;
    Q_EMIT changed();
}

void PlaybackClock::togglePlay()
{
    // At the end of a finished trace nothing moves: toggling plays it (from the start), as the bar's ▶ says.
    if (mode() == Mode::Playing || (mode() == Mode::Live && m_recording))
        pause();
    else
        play();
}

void PlaybackClock::goLive()
{
    m_mode = Mode::Live;
    anchor(head());
    Q_EMIT changed();
}

void PlaybackClock::seek(TimeUs t)
{
    const bool wasPlaying = mode() == Mode::Playing;
    anchor(std::clamp<TimeUs>(t, 0, head()));
    m_mode = wasPlaying ? Mode::Playing : Mode::Paused;
    Q_EMIT changed();
}

void PlaybackClock::setSpeed(double speed)
{
    const double clamped = std::clamp(speed, MinSpeed, MaxSpeed);
    anchor(position());
    m_speed = clamped;
    Q_EMIT changed();
}

void PlaybackClock::stepForward()
{
    const TimeUs from = position();
    const TimeUs next = nextEvent(from);
    stepTo(from, next == NoTime ? head() : next);
}

void PlaybackClock::stepBack()
{
    const TimeUs from = position();
    const TimeUs previous = previousEvent(from);
    stepTo(from, previous == NoTime ? 0 : previous);
}

void PlaybackClock::stepTo(TimeUs from, TimeUs to)
{
    anchor(to);
    m_mode = Mode::Paused;
    if (to != from)
        Q_EMIT stepped(from, to);
    Q_EMIT changed();
}

void PlaybackClock::setStops(QList<TimeUs> stops)
{
    m_stops = std::move(stops);
}

TimeUs PlaybackClock::nextEvent(TimeUs after) const
{
    TimeUs best = NoTime;
    for (const auto& trace : m_traces) {
        const TimeUs next = trace ? nextEventIn(*trace, after) : NoTime;
        if (next != NoTime && (best == NoTime || next < best))
            best = next;
    }
    const auto stop = std::upper_bound(m_stops.begin(), m_stops.end(), after);
    if (stop != m_stops.end() && (best == NoTime || *stop < best))
        best = *stop;
    return best == NoTime || best > head() ? NoTime : best;
}

TimeUs PlaybackClock::previousEvent(TimeUs before) const
{
    TimeUs best = NoTime;
    for (const auto& trace : m_traces) {
        const TimeUs previous = trace ? previousEventIn(*trace, before) : NoTime;
        if (previous != NoTime && (best == NoTime || previous > best))
            best = previous;
    }
    const auto stop = std::lower_bound(m_stops.begin(), m_stops.end(), before);
    if (stop != m_stops.begin() && (best == NoTime || *std::prev(stop) > best))
        best = *std::prev(stop);
    return best;
}

TimeUs PlaybackClock::nextEventIn(const Trace& trace, TimeUs after) const
{
    const auto& order = trace.sentOrder();
    const auto sent = [&trace](qint64 seq) { return trace.message(seq).sentAt; };
    const auto it
        = std::upper_bound(order.begin(), order.end(), after, [&](TimeUs t, qint64 seq) { return t < sent(seq); });
    TimeUs best = it == order.end() ? NoTime : sent(*it);
    // An arrival before that next send: it belongs to an arrow in flight after `after`.
    const TimeUs limit = best == NoTime ? head() : best;
    for (qint64 seq : trace.messagesOverlapping(after, limit)) {
        const Message& m = trace.message(seq);
        const TimeUs arrived = arrivalOf(m);
        if (arrived != NoTime && arrived > after && (best == NoTime || arrived < best))
            best = arrived;
    }
    return best;
}

TimeUs PlaybackClock::previousEventIn(const Trace& trace, TimeUs before) const
{
    const auto& order = trace.sentOrder();
    const auto sent = [&trace](qint64 seq) { return trace.message(seq).sentAt; };
    const auto it
        = std::lower_bound(order.begin(), order.end(), before, [&](qint64 seq, TimeUs t) { return sent(seq) < t; });
    TimeUs best = it == order.begin() ? NoTime : sent(*std::prev(it));
    for (qint64 seq : trace.messagesOverlapping(best == NoTime ? 0 : best, before)) {
        const Message& m = trace.message(seq);
        const TimeUs arrived = arrivalOf(m);
        if (arrived != NoTime && arrived < before && arrived > best)
            best = arrived;
    }
    return best;
}

} // namespace PatternScope
