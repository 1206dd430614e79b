// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "diagramlayout.h"
#include "noteslane.h"
#include "sequencegeometry.h"
#include "textbook.h"
#include "theme.h"

#include <QFont>
#include <QHash>
#include <QRectF>
#include <QSet>
#include <memory>

class QPainter;

namespace PatternScope {

// Draws a trace as a sequence diagram as of a playback time: the view paints the visible part
// with it, and exports (SVG, PNG, PDF) paint the whole or a range with the same code.
// Work is proportional to what is in the rectangle asked for, never to the trace's size.
class SequencePainter {
public:
    SequencePainter(const SequenceGeometry& geometry, const Theme& theme);

    void setFont(const QFont& font);
    void setAsOf(TimeUs asOf) { m_asOf = asOf; }
    // A thin line at the playback time, when it is not the head.
    void setNowLine(bool shown) { m_nowLine = shown; }
    void setHighlight(qint64 hovered, qint64 selected);
    // How long a message between these two usually takes: where an in-flight packet is drawn.
    void setExpectedDelays(const QHash<QPair<int, int>, TimeUs>* delays, TimeUs fallback);
    TimeUs expectedDelay(const Message& message) const;
    // Where the notes lanes' layout is kept between frames (the view's); without one, the painter lays
    // them out for itself on every paint. The painter gives it its small font.
    void setNotesLane(NotesLane* lane);
    NotesLane& notesLane() const;
    const QFont& smallFont() const { return m_smallFont; }
    // The content y of the top of what is shown (the view's scroll position): the labels of streams open
    // there are pinned below it. Without it, the top of the rectangle painted.
    void setPinTop(double y) { m_pinTop = y; }
    // Wire: every arrow labelled as it went over the wire. Textbook: in the textbook's words. Which messages
    // are drawn at all is the geometry's message filter (Textbook::shown); what the activations are ("Wait
    // until data is ready") is in the notes lane, which gets the same level.
    void setDetail(DetailLevel detail) { m_detail = detail; }
    DetailLevel detail() const { return m_detail; }
    // The one place an arrow's text comes from: the message's label at the detail level, and " · lost"
    // once it is lost.
    QString labelText(const Message& message) const;
    // The view elides a label that has no room (the whole text is its tooltip); pictures never do.
    void setElide(bool elide) { m_elide = elide; }
    // Messages the user opened: drawn one by one, never in a bundle.
    void setExpanded(const QSet<qint64>* seqs) { m_expanded = seqs; }
    // Where the last paintContent put the arrows, bundles and labels (content coordinates).
    const DiagramLayout& layout() const { return m_layout; }
    // A picture painted in bands: paintContent draws the arrows and labels where the last layOut() put them,
    // rather than laying out what it paints, so a label on a band's edge is where the whole picture has it; and
    // it draws dashed lines itself, their dashes counted from each line's start (Qt's raster engine restarts a
    // thin pen's pattern where a device's edge cuts a line, so each band would shift the dashes it cuts).
    void setBanded(bool banded) { m_banded = banded; }
    // Lays out what is inside `visible` without painting it: how wide and high a picture must be.
    const DiagramLayout& layOut(const QRectF& visible) const;

    static constexpr double HeaderHeight = 44.0;
    // Where a view's content starts (below the headers, with room for the first arrow's label), and the room
    // kept below the playback time while following it: the window's and the video frames' alike.
    static constexpr double ContentTop = HeaderHeight + 24.0;
    static constexpr double BottomMargin = 48.0;

    // In content coordinates (the painter translated so): everything inside `visible`.
    void paintContent(QPainter& painter, const QRectF& visible) const;
    // In viewport coordinates: the participant boxes along the top, shifted by the horizontal scroll.
    void paintHeaders(QPainter& painter, double scrollX, double width) const;
    // In viewport coordinates: the time ruler down the left, for content rows scrollY.., below `top`.
    void paintRuler(QPainter& painter, double scrollY, double top, double height) const;
    // The times of the grid lines and ruler ticks between content rows y0 and y1 (Time axis): one every
    // gridStep(), none inside a fold. As many as fit ~70 px apart in the band's unfolded part, however
    // much time its folds hide.
    std::vector<TimeUs> ticks(double y0, double y1) const;
    TimeUs gridStep() const; // between ruler ticks, at least ~70 px apart; their labels read to this step

private:
    void paintGrid(QPainter& painter, const QRectF& visible) const;
    void paintFolds(QPainter& painter, const QRectF& visible) const;
    void paintLifelines(QPainter& painter, const QRectF& visible) const;
    void paintActivations(QPainter& painter, const QRectF& visible) const;
    void paintNotes(QPainter& painter, const QRectF& visible) const;
    void paintStreams(QPainter& painter, const QRectF& visible) const;
    void paintActivationNote(QPainter& painter, const NotesLane::Entry& entry, const QRectF& box) const;
    // The activations going on at a time (at most the recent few thousand looked at).
    std::vector<const Activation*> activationsAt(TimeUs t) const;
    void paintStreamLabel(QPainter& painter, const NotesLane::Entry& entry, const QRectF& box) const;
    QColor streamColor(int stream) const;
    TimeUs streamEnd(int stream) const; // where its band ends as of now
    void paintArrows(QPainter& painter, const QRectF& visible) const;
    void paintArrow(QPainter& painter, const Message& message) const;
    void paintBand(QPainter& painter, const DiagramLayout::Strand& strand) const;
    void paintLabel(QPainter& painter, const DiagramLayout::Item& item) const;
    bool isHighlighted(const Message& message, qint64 seq, const QString& correlation) const;
    // drawLine with the painter's pen; banded, a dashed pen's dashes are drawn one by one, the pattern starting
    // at `anchor` (projected onto the line; the line's start if null).
    void strokeLine(QPainter& painter, const QLineF& line, const QPointF* anchor = nullptr) const;

    const SequenceGeometry& m_geometry;
    const Theme& m_theme;
    QFont m_font;
    QFont m_smallFont;
    TimeUs m_asOf = 0;
    bool m_nowLine = false;
    qint64 m_hovered = -1;
    qint64 m_selected = -1;
    QString m_hoveredCorrelation;
    QString m_selectedCorrelation;
    const QHash<QPair<int, int>, TimeUs>* m_delays = nullptr;
    TimeUs m_fallbackDelay = 250'000;
    NotesLane* m_lane = nullptr;
    double m_pinTop = qQNaN();
    mutable std::unique_ptr<NotesLane> m_ownLane;
    bool m_elide = true;
    bool m_banded = false;
    const QSet<qint64>* m_expanded = nullptr;
    mutable DiagramLayout m_layout;
    DetailLevel m_detail = DetailLevel::Wire;
};

} // namespace PatternScope
