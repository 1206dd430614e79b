// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "narration.h"
#include "trace.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QWidget>

namespace PatternScope {

class PlaybackClock;

// The caption line under the diagram: what is happening at the playback time, in plain words
// (Narration::captions). It follows the playback clock: while playback moves it reads the clock at the
// moment the next caption is due (and at least ten times a second, which also tells followers such as
// the event table where playback is); a growing trace is narrated again as soon as it grows, as often as
// narrating it stays cheap. Paused, nothing reads the clock on a timer.
class CaptionBar : public QWidget {
    Q_OBJECT
public:
    explicit CaptionBar(QWidget* parent = nullptr);

    void setClock(PlaybackClock* clock);
    // The trace to narrate; a running trace is narrated again as it grows.
    void setTrace(const Trace* trace);
    // The same, with its captions made already (Narration::captions of it, on the thread that read it): a
    // whole opened trace is not narrated again on the window's thread, which narrating a million messages
    // would hold for seconds.
    void setTrace(const Trace* trace, QList<Caption> captions);
    // The trace, whose captions are being made on another thread (a large file just read): until
    // setTrace(trace, captions) brings them, the line says they are coming, and the trace is not narrated here.
    void awaitCaptions(const Trace* trace);
    bool isAwaiting(const Trace* trace) const { return m_awaiting && trace && m_trace == trace; }

    QString text() const { return m_text; }
    int currentIndex() const { return m_index; }
    // Compact (Narration::Texts::Compact, unless given whole): what one says is Narration::text() of it.
    const QList<Caption>& captions();
    // Whether it reads the clock on a timer: while playback moves, never while paused.
    bool isTicking() const { return m_tick.isActive(); }
    // The least wall time between two narrations of a growing trace: ten times what the last one cost,
    // within 20–500 ms, so a live caption shows at most that late and narrating takes at most a tenth of a core.
    qint64 renarrateGapMs() const;

    // The message a step to `t` lands on: the one sent then, else the one that arrived then; -1 for none.
    static qint64 messageAt(const Trace& trace, TimeUs t);
    // The caption the line shows at `t`: the one in force (Narration::captionAt), except that a step onto
    // an event is told about that event: of captions starting together, the one about the message there;
    // an arrival with no caption of its own retells the caption of its sending. -1 for none.
    static int captionFor(const Trace& trace, const QList<Caption>& captions, TimeUs t);
    // The message a step to the playback time selects: the one sent or arrived there, else the one the
    // caption starting there is about (a held request retold); -1 for none (a cut, an item produced).
    qint64 steppedMessage() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    // Reads the clock now: after a jump, a step, or a new trace.
    void refresh();

Q_SIGNALS:
    // The caption in force changed (index into captions(), -1 for none).
    void captionChanged(int index, const QString& text);
    // Where playback is, at each tick and jump; `live` when it follows the head.
    void positionChanged(PatternScope::TimeUs position, bool live);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QFont captionFont() const;
    void attach(const Trace* trace);
    void traceGrew();
    void updateTicking();

    QPointer<PlaybackClock> m_clock;
    QPointer<const Trace> m_trace;
    QList<Caption> m_captions;
    bool m_stale = true; // the trace changed since the captions were made
    bool m_givenCaptions = false; // setTrace() was given them: the clock has yet to learn their stops
    bool m_awaiting = false; // awaitCaptions(): they are being made elsewhere
    QElapsedTimer m_narrated; // since the captions were last made
    qint64 m_narrationCostUs = 0; // what making them took
    QTimer m_tick; // single shot: the next caption due, or a tenth of a second
    QTimer m_soon; // single shot: the grown trace is narrated again
    QString m_text;
    int m_index = -1;
    TimeUs m_position = NoTime;
    bool m_live = true;
};

} // namespace PatternScope
