// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sequencegeometry.h"
#include "textbook.h"

#include <QFont>
#include <QHash>
#include <QRectF>
#include <QSet>
#include <QStringList>
#include <algorithm>
#include <vector>

class QFontMetricsF;

namespace PatternScope {

// Where the notes and the labels of open streams go: in the margin lanes of SequenceGeometry, never
// between two lifelines, so they cannot cover an arrow or an arrow's label. Each lifeline's notes go to
// the nearer lane; a note's box sits at its moment, pushed down below the boxes before it in its lane
// (its leader line shows the true moment). Repeats collapse: notes of one lifeline whose texts differ
// only in their numbers, each within RepeatGap of the one before and all within a dozen lines, make one entry
// ("5 × connection 3–7 refused · 24.0–24.9 s") until it is expanded. Produced items are marks on the
// lifeline with their number in the lane, bundled ("items 17–23") when closer than a line.
//
// The layout covers the whole trace and is kept until the trace, the geometry or the options change;
// painting and hit-testing look up the entries near a band by binary search.
class NotesLane {
public:
    using Lane = SequenceGeometry::Lane;
    static constexpr TimeUs RepeatGap = 10'000'000;

    struct Entry {
        enum class Kind { Note, Items, Stream, Activation };
        Kind kind = Kind::Note;
        Lane lane = Lane::Left;
        int participant = -1; // -1: about the whole run (a stream: its client)
        std::vector<qint64> notes; // the notes it stands for (ids), in the order they were recorded
        int stream = -1; // index in SequenceGeometry::streams()
        qint64 activation = -1; // its activation's id (Kind::Activation)
        qint64 group = -1; // its repeats' key (their first note id); -1 when it repeats nothing
        bool expanded = false; // one note of an expanded group
        TimeUs first = NoTime; // its first and last moment
        TimeUs last = NoTime;
        double y0 = 0; // the moments' y
        double y1 = 0;
        QRectF box; // where it is drawn, in content coordinates
        QStringList lines; // its text, wrapped to the box (one line in the view, elided when drawn)

        bool collapsed() const { return kind == Kind::Note && notes.size() > 1; }
    };

    void setFont(const QFont& font) { m_font = font, m_dirty = true, m_widths.clear(); }
    const QFont& font() const { return m_font; }
    // Pictures wrap long notes and size boxes to their text; the view wraps a note to at most viewLines()
    // lines within its lane and elides only what is past them (the whole text is on hover).
    void setWrap(bool wrap, double maxWidth = 320.0) { m_wrap = wrap, m_maxWidth = maxWidth, m_dirty = true; }
    void setViewLines(int lines) { m_viewLines = std::max(1, lines), m_dirty = true; }
    int viewLines() const { return m_viewLines; }
    // `text` in lines of at most `width`, at most `maxLines` of them: the last one elided if it must be.
    QStringList fit(const QString& text, double width, int maxLines) const;
    // Groups of repeats (by key) shown note by note.
    void setExpanded(const QSet<qint64>& groups) { m_expanded = groups, m_dirty = true; }
    const QSet<qint64>& expanded() const { return m_expanded; }
    bool wraps() const { return m_wrap; }
    // At the Textbook level a stream's label is its opening answer in the textbook's words ("Connection
    // established"), like the arrow it is pinned for, and each activation has an entry at its start saying
    // what the participant does in the textbook's words: the seed's "Note right of Server: Wait until data
    // is ready".
    void setDetail(DetailLevel detail)
    {
        if (detail != m_detail)
            m_detail = detail, m_dirty = true;
    }

    double lineHeight() const;
    double boxHeight(int lines) const;

    // Laid out for the geometry as it is now (lanes and all).
    const std::vector<Entry>& entries(const SequenceGeometry& geometry) const;
    // The widths the lanes need for their texts (up to the wrap width): what a picture gives them.
    std::pair<double, double> neededWidths(const SequenceGeometry& geometry) const;
    // Indexes of the entries whose box, leader or marks may reach into rows [y0, y1], in layout order.
    std::vector<size_t> entriesIn(const SequenceGeometry& geometry, double y0, double y1) const;
    // Indexes of the streams' entries, in the order the streams opened.
    const std::vector<size_t>& streamEntries(const SequenceGeometry& geometry) const;
    // The index of an activation's entry (by its id), or -1 when it has none (Wire).
    qsizetype activationEntry(const SequenceGeometry& geometry, qint64 activation) const;
    // The entry whose box contains the point, or -1.
    qsizetype entryAt(const SequenceGeometry& geometry, QPointF point) const;

    // What an entry says as of a playback time (the repeats recorded by then).
    QString text(const SequenceGeometry& geometry, const Entry& entry, TimeUs asOf) const;
    // Everything an entry stands for, one note a line with its time: a tooltip.
    QString details(const SequenceGeometry& geometry, const Entry& entry, TimeUs asOf) const;
    // How many of its notes (or items) were recorded by then.
    int countAsOf(const SequenceGeometry& geometry, const Entry& entry, TimeUs asOf) const;

    static Lane laneOf(const SequenceGeometry& geometry, int participant);
    // How a stream was opened: "GET /events → 200 OK · text/event-stream", "101 Switching Protocols".
    static QString streamLabel(const SequenceGeometry& geometry, int stream);
    // The text with its numbers taken out: notes of the same shape are repeats of each other.
    static QString shapeOf(const QString& text);

private:
    struct Key {
        const Trace* trace = nullptr;
        size_t notes = 0;
        size_t streams = 0;
        size_t activations = 0; // at the Textbook level
        size_t participants = 0;
        double pixelsPerSecond = 0;
        double rowHeight = 0;
        int axis = -1;
        size_t folds = 0;
        TimeUs lastFoldEnd = 0;
        bool foldsShown = true;
        double lanes[4] = {};
        bool operator==(const Key& o) const;
    };
    Key keyFor(const SequenceGeometry& geometry) const;
    QString ownText(const SequenceGeometry& geometry, const Entry& entry, TimeUs asOf) const;
    double textWidth(const QFontMetricsF& fm, const QString& text) const;
    void layout(const SequenceGeometry& geometry) const;
    void group(const SequenceGeometry& geometry) const;
    void place(const SequenceGeometry& geometry) const;

    QFont m_font;
    bool m_wrap = false;
    int m_viewLines = 1;
    DetailLevel m_detail = DetailLevel::Wire;
    double m_maxWidth = 320.0;
    QSet<qint64> m_expanded;

    mutable Key m_key;
    mutable bool m_dirty = true;
    mutable std::vector<Entry> m_entries; // in order of their boxes' tops, per lane interleaved
    mutable std::vector<size_t> m_streamEntries;
    mutable std::vector<qsizetype> m_activationEntries; // by activation id
    mutable std::vector<QString> m_shapes; // by note id, computed once
    mutable QHash<QString, double> m_widths; // texts measured in m_font
    mutable double m_reachUp = 0; // how far above its box an entry's marks go, at most
    mutable double m_reachDown = 0; // how far below its box's top
};

} // namespace PatternScope
