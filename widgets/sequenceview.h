// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "diagramlayout.h"
#include "noteslane.h"
#include "sequencegeometry.h"
#include "textbook.h"
#include "theme.h"

#include <QAbstractScrollArea>
#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace PatternScope {

class PlaybackClock;

// The live sequence diagram: participants pinned along the top, dashed lifelines, a time ruler
// down the left, one arrow per message drawn as of the playback clock's time. Only what is in
// view is painted; frames are drawn only while something moves (a packet in flight, playback),
// so a paused or idle diagram costs nothing. Follows the head of a live run until the user
// scrolls away; Live (or setFollowing) resumes it.
class SequenceView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit SequenceView(QWidget* parent = nullptr);
    ~SequenceView() override;

    void setTrace(Trace* trace);
    Trace* trace() const { return m_trace; }
    void setClock(PlaybackClock* clock);
    const SequenceGeometry& geometry() const { return m_geometry; }
    const NotesLane& notesLane() const { return m_notes; } // as laid out for geometry()
    const Theme& theme() const { return m_theme; }

    void setAxis(SequenceGeometry::Axis axis);
    SequenceGeometry::Axis axis() const { return m_geometry.axis(); }
    // Pixels per second on the time axis, row height on the compact one, as a factor of the default.
    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    void zoomIn() { setZoom(m_zoom * 1.25); }
    void zoomOut() { setZoom(m_zoom / 1.25); }

    // Idle gaps longer than this are folded; 0 folds none.
    void setFoldAfter(TimeUs after);
    TimeUs foldAfter() const { return m_geometry.foldAfter(); }
    // The kinds the filter bar shows (empty: all): the diagram draws only the messages it accepts.
    void setKindFilter(std::function<bool(const Message&)> shown);
    // Wire: every message as it went over the wire. Textbook: only what Textbook::shown lets through (no
    // connects, pings, heartbeats), labelled in the textbook's words. The table and inspector keep every
    // message either way.
    void setDetail(DetailLevel detail);
    DetailLevel detail() const { return m_detail; }

    // Beside other diagrams on one time axis (the comparison view): columns and notes lanes narrower than a lone
    // diagram's minimums, so the whole width is in view; without the ruler when the diagram to its left has one.
    void setSideBySide(bool sideBySide, bool ruler = true);
    bool isSideBySide() const { return m_sideBySide; }

    bool isFollowing() const { return m_following; }
    void setFollowing(bool following);

    qint64 selectedMessage() const { return m_selected; }
    qint64 hoveredMessage() const { return m_hovered; }
    // Selects a message (-1: none) and scrolls it into view.
    void selectMessage(qint64 seq);
    // Where a message's arrow is, in viewport coordinates (for tests and tooltips); null if not drawn.
    QLineF arrowInViewport(qint64 seq) const;
    // Whether frames are being drawn continuously right now (by the view's own timer, or wanted from the shared
    // tick).
    bool isAnimating() const { return m_sharedFrames ? m_wantsFrames : m_frames.isActive(); }
    // Beside other diagrams: no timer of its own; the caller's one tick calls frameTick() on every diagram that
    // wants frames, so they all paint in one pass of the window instead of five passes at five phases.
    void setSharedFrames(bool shared);
    void frameTick() { frame(); }
    // The moment the diagram is drawn at: the clock's position, except while a step's arrow is still flying
    // there (a step forward plays its way to the next event in at most MaxStepFlightMs).
    TimeUs drawnTime() const { return asOf(); }
    static constexpr qint64 MaxStepFlightMs = 600;
    // Where the last frame put arrows, bundles and labels (content coordinates), and where that is on screen.
    const DiagramLayout& layout() const { return m_layout; }
    QPointF contentToViewport(QPointF content) const;
    // Opens a bundle into single arrows: zooms in until its arrows are a label apart (if zooming can part
    // them), and keeps its messages out of bundles from then on.
    void openBundle(const DiagramLayout::Item& bundle);
    // The text the tooltip at a viewport point shows: a bundle's messages, or a label's whole text.
    QString toolTipAt(QPointF viewportPoint) const;

Q_SIGNALS:
    void messageActivated(qint64 seq); // clicked, or chosen with the keyboard
    void followingChanged(bool following);
    void zoomChanged(double zoom);
    // With shared frames: whether the diagram now wants frameTick() calls.
    void framesWanted(bool wanted);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    void rebuild();
    void messageAdded(const Message& message);
    void messageUpdated(const Message& message);
    void traceChanged();
    // Paused, what happens after the paused moment changes nothing on screen: no repaint for it.
    bool pausedBefore(TimeUs t) const;
    void updateScrollBars();
    void fitSideBySide(double width);
    void updateAnimation();
    void frame();
    TimeUs asOf() const;
    void startStep(TimeUs from, TimeUs to);
    bool isStepping() const;
    TimeUs contentEnd() const;
    QPointF toContent(QPointF viewportPoint) const;
    void scrollToTime(TimeUs t);
    void noteActivity(const Message& message);
    // Gives the geometry the one predicate composed of every filter the view has.
    void refreshFilter();
    // Works the folds out again, keeping the time in the middle of the view there unless following.
    void refold();
    void moveSelection(int step);
    // The notes-lane entry under a viewport point, or -1; a click on repeats opens or folds them.
    qsizetype noteEntryAt(QPointF viewportPoint) const;
    bool toggleRepeats(QPointF viewportPoint);

    QPointer<Trace> m_trace;
    QPointer<PlaybackClock> m_clock;
    SequenceGeometry m_geometry;
    NotesLane m_notes;
    qsizetype m_hoveredNote = -1;
    Theme m_theme;
    QTimer m_frames;
    // A step forward in flight: drawn from m_stepFrom to m_stepTo over m_stepFlightNs of wall time.
    TimeUs m_stepFrom = NoTime;
    TimeUs m_stepTo = NoTime;
    qint64 m_stepFlightNs = 0;
    QElapsedTimer m_stepTimer;
    QHash<QPair<int, int>, TimeUs> m_delays; // last one-way delay seen between two participants
    TimeUs m_lastDelay = 250'000;
    TimeUs m_activityEnd = 0; // where the last arrow ended: after a long gap, the folds are worked out again
    std::function<bool(const Message&)> m_kindFilter;
    double m_zoom = 1.0;
    DetailLevel m_detail = DetailLevel::Wire;
    qint64 m_selected = -1;
    qint64 m_hovered = -1;
    QSet<qint64> m_expanded; // messages of bundles the user opened
    DiagramLayout m_layout;
    bool m_following = true;
    bool m_sideBySide = false;
    bool m_ruler = true;
    // Side by side, the lanes' widths follow their notes: measured again at most this often.
    QElapsedTimer m_lanesMeasured;
    std::pair<double, double> m_lanesNeeded { 0, 0 };
    bool m_scrollingOurselves = false;
    bool m_updatePending = false;
    bool m_sharedFrames = false;
    bool m_wantsFrames = false;
};

} // namespace PatternScope
