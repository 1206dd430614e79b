// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

namespace PatternScope {

// A DVR over a trace: the time the diagram shows. Live follows the head (a running run's clock,
// or the end of a finished trace); paused holds a moment while the run keeps recording; playing
// moves at a speed from 0.1x to 10x and turns live again when it catches up with a running run.
// Stepping goes to the previous or next moment a message was sent or arrived. The clock itself
// never ticks: readers ask position() when they draw.
class PlaybackClock : public QObject {
    Q_OBJECT
public:
    enum class Mode { Live, Paused, Playing };

    explicit PlaybackClock(QObject* parent = nullptr);

    void setTrace(const Trace* trace);
    // Several traces on one clock (a comparison's runs, started together): the head is the latest of theirs,
    // and stepping goes to the next (previous) moment anything was sent or arrived in any of them.
    void setTraces(const QList<const Trace*>& traces);
    // Whether the trace is still being recorded: the head is then the run's clock, not its last event.
    void setRecording(bool recording);
    bool isRecording() const { return m_recording; }
    // Whether stepping stops at `t` anyway: `trace` is one of the clock's, and `t` is when its message `seq` was
    // sent or arrived.
    bool stepsAt(const Trace* trace, qint64 seq, TimeUs t) const;

    TimeUs head() const;
    TimeUs position() const;
    Mode mode() const;
    bool isLive() const { return mode() == Mode::Live; }
    double speed() const { return m_speed; }

    // The moments stepping goes to: the first send or arrival after `after`, the last one before `before`;
    // NoTime when there is none (none past the head either).
    TimeUs nextEvent(TimeUs after) const;
    TimeUs previousEvent(TimeUs before) const;
    // Moments stepping also stops at, besides sends and arrivals: where a caption starts (a cut, an item
    // produced, a hold retold), so every caption can be stepped to. Sorted; set by the caption line, which
    // leaves out those that are a send or an arrival already.
    void setStops(QList<TimeUs> stops);

    static constexpr double MinSpeed = 0.1;
    static constexpr double MaxSpeed = 10.0;

public Q_SLOTS:
    void play();
    void pause();
    void togglePlay();
    void goLive();
    void seek(TimeUs t);
    void setSpeed(double speed);
    void stepForward();
    void stepBack();

Q_SIGNALS:
    // Mode, speed or a jump changed; a smooth advance is not announced (nothing ticks).
    void changed();
    // A step went from one moment to the next (announced just before changed()): the view lets the arrow
    // fly there rather than jump.
    void stepped(PatternScope::TimeUs from, PatternScope::TimeUs to);

private:
    void anchor(TimeUs at);
    void stepTo(TimeUs from, TimeUs to);
    TimeUs played() const; // where playing has got to, not held back by the head

    TimeUs nextEventIn(const Trace& trace, TimeUs after) const;
    TimeUs previousEventIn(const Trace& trace, TimeUs before) const;

    QPointer<const Trace> m_trace; // the first of m_traces
    QList<QPointer<const Trace>> m_traces;
    QList<TimeUs> m_stops;
    Mode m_mode = Mode::Live;
    bool m_recording = false;
    double m_speed = 1.0;
    TimeUs m_anchor = 0; // position when the mode or speed last changed
    QElapsedTimer m_since; // wall time since then
};

} // namespace PatternScope
