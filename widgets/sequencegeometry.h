// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "trace.h"

#include <QLineF>
#include <QPointF>
#include <functional>
#include <vector>

namespace PatternScope {

// Where things are in a sequence diagram, without a widget: participant <-> x, time <-> y, the
// arrow of a message as of a playback time, and which message is under a point. Content
// coordinates: x from the left edge (the time ruler first), y from the top of the first row,
// below the pinned participant headers.
//
// Two axes. Time: y is proportional to time (pixels per second = zoom), and long idle gaps can
// be folded into a short marked break. Compact: one row per message in send order, like Mermaid;
// other times map to the row of the next message sent.
class SequenceGeometry {
public:
    enum class Axis { Time, Compact };

    struct Fold {
        TimeUs start = 0;
        TimeUs end = 0;
        bool idle = true; // no arrow on its way through (else a quiet stretch of a picture)
    };

    // What an arrow looks like at a moment of playback.
    struct Arrow {
        QLineF line; // from the sender's lifeline to where the message is (its receiver's, once there)
        bool arrived = false; // reached the receiver by then
        bool lost = false; // lost by then: the line ends where it was lost
        double progress = 1.0; // 0..1 of the way, for an in-flight packet glyph
    };

    // A stream: an answer that keeps its connection open for more (an SSE response, a WebSocket after its
    // 101), from that answer until the connection closes (by either side, or cut).
    struct Stream {
        int client = -1;
        int server = -1;
        int connection = -1;
        TimeUs openedAt = NoTime; // when the opening answer was sent
        TimeUs closedAt = NoTime; // NoTime while open
        qint64 openingSeq = -1; // the opening answer: the 200 text/event-stream, the 101
        QString label; // how it was opened: the request's "GET /events", the answer's "101 Switching Protocols"
    };

    // Also to be called when the trace was cleared: forgets what was worked out from it.
    void setTrace(const Trace* trace);
    const Trace* trace() const { return m_trace; }

    // Which messages the diagram draws (empty: all). Hidden messages have no arrow, are never hit, and take
    // no row on the compact axis. Call again when what the predicate answers changes.
    void setMessageFilter(std::function<bool(const Message&)> shown);
    bool isShown(const Message& message) const { return !m_shown || m_shown(message); }
    // Compact axis: the seqs of the shown messages in send order, one row each.
    const std::vector<qint64>& rows() const;

    // The streams of the trace so far, in the order they opened; brought up to date on each call.
    const std::vector<Stream>& streams() const;

    void setAxis(Axis axis) { m_axis = axis; }
    Axis axis() const { return m_axis; }
    void setPixelsPerSecond(double pixels) { m_pixelsPerSecond = std::clamp(pixels, 1.0, 100'000.0); }
    double pixelsPerSecond() const { return m_pixelsPerSecond; }
    void setRowHeight(double pixels) { m_rowHeight = std::max(8.0, pixels); }
    double rowHeight() const { return m_rowHeight; }
    void setColumns(double rulerWidth, double columnWidth);
    // Columns and notes lanes for a view `width` pixels wide, as the window lays them out (video frames too):
    // the columns share the width, the lanes take the half columns beside the outer lifelines, and more of the
    // width when those are narrower than a lane. Where the lifelines do not fit, lanes and columns narrow (to
    // 100 and 96 px) before the view scrolls sideways.
    void fitToWidth(double width, int participants);
    static constexpr double ViewRulerWidth = 68.0;
    static constexpr double MinColumnWidth = 150.0;
    double rulerWidth() const { return m_rulerWidth; }
    double columnWidth() const { return m_columnWidth; }

    // The margin lanes where notes and stream labels go: one left of the first lifeline, one right of
    // the last, outside every span between two lifelines (where arrows and their labels are). A lane
    // takes the half column beside its outer lifeline, and widens the diagram when it needs more.
    enum class Lane { Left, Right };
    static constexpr double LaneGap = 14.0; // between a lane and its outer lifeline
    void setLanes(double left, double right)
    {
        m_leftLane = std::max(0.0, left);
        m_rightLane = std::max(0.0, right);
    }
    double laneLeft(Lane lane) const;
    double laneRight(Lane lane) const;

    // Lifelines left to right: those who start exchanges (clients, publishers, outside clients),
    // then servers and brokers, then subscribers; in the order they joined within each group.
    int columnOf(int participant) const;
    int participantInColumn(int column) const;
    double xOf(int participant) const; // the lifeline's x, -1 if unknown
    int participantAt(double x) const; // the nearest lifeline's participant within half a column, or -1
    double contentWidth() const;

    // Folding (Time axis): a fold hides [start, end] behind a break foldHeight() high. Folds are added
    // in time order and never overlap.
    void setFoldHeight(double pixels) { m_foldHeight = pixels; }
    double foldHeight() const { return m_foldHeight; }
    bool addFold(TimeUs start, TimeUs end, bool idle = true);
    const std::vector<Fold>& folds() const { return m_folds; }
    void clearFolds();
    // The fold around a time, or nullptr.
    const Fold* foldAt(TimeUs t) const;
    void setFoldsShown(bool shown) { m_foldsShown = shown; }
    // Idle gaps longer than foldAfter() are folded (0: never), leaving FoldMargin visible on each side. A fold
    // never hides what is drawn: an activation (a held request, processing), an open stream, a note.
    static constexpr TimeUs FoldAfter = 4'000'000; // the default
    static constexpr TimeUs FoldMargin = 500'000;
    void setFoldAfter(TimeUs after) { m_foldAfter = std::max<TimeUs>(0, after); }
    TimeUs foldAfter() const { return m_foldAfter; }
    // Folds every such gap of the trace (after clearing the folds): no shown arrow on its way, no activation,
    // no open stream, no note. Returns where the last shown arrow ended, for a caller that folds again when
    // the next one comes after a long gap.
    TimeUs foldIdleGaps();
    // For a picture, which has no scroll bar to skip them: also folds every quiet stretch longer than
    // foldAfter() and taller than `pixels`, even with arrows going through it: nothing sent, arriving, lost
    // or noted, and no activation or stream open. Then the picture's height is bounded by what it shows, not by
    // the time it spans. Keeps the folds there are.
    void foldQuietStretches(double pixels);
    bool foldsShown() const { return m_foldsShown; }

    double timeToY(TimeUs t) const;
    TimeUs yToTime(double y) const;
    double contentHeight(TimeUs end) const;
    // Compact axis: the row of a message and its y (row centre).
    qsizetype rowOf(qint64 seq) const;
    double rowY(qsizetype row) const { return (double(row) + 0.5) * m_rowHeight; }

    // The arrow of a message as of `asOf` (the playback time); `expectedDelay` places the packet of a
    // message whose arrival is not known yet. Messages not yet sent by then have no arrow
    // (a null line).
    Arrow arrow(const Message& message, TimeUs asOf, TimeUs expectedDelay) const;
    // The message whose arrow passes within `tolerance` pixels of the point, as of `asOf`; -1 if none.
    qint64 messageAt(QPointF point, TimeUs asOf, TimeUs expectedDelay, double tolerance = 5.0) const;
    // Seqs of the messages with arrows in the band [y0, y1] as of `asOf`, in send order.
    QList<qint64> messagesInBand(double y0, double y1, TimeUs asOf) const;

private:
    qsizetype rankOf(TimeUs t) const; // rows whose message was sent before t
    bool opensStream(const Message& message) const;
    // What a fold must leave alone, as [from, to] spans of time (to: TimeUs max while open), sorted by from.
    // Arrows are whole spans, or with `arrowEnds` only their two ends.
    std::vector<std::pair<TimeUs, TimeUs>> busySpans(bool arrowEnds) const;
    QString streamLabel(const Message& answer) const;
    double messageY(const Message& message, TimeUs t) const; // y of a moment of this message's flight

    void updateColumns() const;
    double leftPad() const; // what the left lane adds before the first column
    int columnCount() const;

    const Trace* m_trace = nullptr;
    mutable std::vector<int> m_columnOf; // by participant index in the trace
    mutable std::vector<int> m_inColumn; // participant index by column
    Axis m_axis = Axis::Time;
    double m_pixelsPerSecond = 120.0;
    double m_rowHeight = 28.0;
    double m_rulerWidth = 64.0;
    double m_columnWidth = 180.0;
    double m_leftLane = 0.0;
    double m_rightLane = 0.0;
    double m_foldHeight = 28.0;
    TimeUs m_foldAfter = FoldAfter;
    bool m_foldsShown = true;
    std::vector<Fold> m_folds;
    std::vector<TimeUs> m_foldedBefore; // total folded time before fold i
    std::function<bool(const Message&)> m_shown;
    // The shown messages' rows, for sentOrder()[0, m_rowsScanned) (whose last seq was m_rowsLast).
    mutable std::vector<qint64> m_rows;
    mutable size_t m_rowsScanned = 0;
    mutable qint64 m_rowsLast = -1;
    mutable std::vector<Stream> m_streams;
    mutable std::vector<size_t> m_openStreams; // indexes in m_streams
    mutable size_t m_streamsScanned = 0; // messages looked at for streams, in seq order
};

} // namespace PatternScope
