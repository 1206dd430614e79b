// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sequencegeometry.h"

#include <QFont>
#include <QLineF>
#include <QPolygonF>
#include <QRectF>
#include <QSet>
#include <QString>
#include <functional>
#include <vector>

namespace PatternScope {

// Where the arrows of a range of a diagram go, and where their labels go, as of a playback time: a
// pass over the messages in (and a little around) the range, in time order, so that
// - no two labels overlap: each sits on a box of its own, above its arrow (or below, or stacked above
//   it), slid along its arrow's span away from the labels placed before it;
// - no arrow runs through its own label: a label touches its slanted arrow only at a corner;
// - messages too close to label one by one at this zoom become bundles: those between the same two
//   lifelines in the same direction, of one kind, whose arrows start closer than a label's height make one band with
//   one label ("23 × event: message · id 540–562"), and arrows with labels of the same shape that
//   share a sender or a receiver at the same moment share one label ("3 × GET /updates?since=0
//   (Client 1–3)"). bundletext.h says how a bundle's label names every member.
// Work follows what is in the range, never the trace's size.
class DiagramLayout {
public:
    // Arrows between the same two lifelines in one direction: one arrow, or a bundle drawn as a band.
    struct Strand {
        int from = -1;
        int to = -1;
        std::vector<qint64> seqs; // in send order
        std::vector<QLineF> lines; // each member's arrow as of the playback time, as the seqs
    };
    // What carries one label: a single arrow, a bundle, or strands from (or to) several lifelines.
    struct Item {
        std::vector<Strand> strands;
        QString text; // the whole label
        QString shown; // as drawn: the whole label unless the view had to elide it
        QRectF label; // its box (text and halo), content coordinates; null when it has none
        qsizetype count = 0; // messages
        bool plumbing = false; // TCP connects and closes: drawn thin

        bool isBundle() const { return count > 1; }
        bool isElided() const { return shown != text; }
        qint64 firstSeq() const { return strands.front().seqs.front(); }
    };

    struct Input {
        const SequenceGeometry* geometry = nullptr;
        TimeUs asOf = 0;
        QRectF visible; // content coordinates
        std::function<TimeUs(const Message&)> expectedDelay;
        std::function<QString(const Message&)> labelText;
        QFont font; // the labels'
        // The view elides a label when no room is wide enough; pictures never do: they let a label
        // reach past its arrow's lifelines instead, and stack it as far as it takes to be free.
        bool elide = true;
        // Labels never go above this y (in the view, the first arrow's label stays below the headers).
        double ceiling = -20.0;
        // Messages opened by the user: never bundled.
        const QSet<qint64>* expanded = nullptr;
    };

    static constexpr double PadX = 4.0; // between the text and its box's sides
    static constexpr double PadY = 1.0;
    static constexpr double Gap = 2.0; // between a box and its arrow
    static constexpr double SpanMargin = 10.0; // a label keeps this far from the lifelines it runs between

    void run(const Input& input);
    const std::vector<Item>& items() const { return m_items; }
    // The label's height: messages closer than this are bundled.
    double labelHeight() const { return m_labelHeight; }
    // How wide the columns would have to be for every label to fit between its arrow's lifelines.
    double wantedColumnWidth() const { return m_wantedColumnWidth; }
    // The top of the highest label (a picture starts there), or +inf without labels.
    double labelsTop() const { return m_labelsTop; }
    // The item whose label box holds the point (content coordinates); -1 if none.
    int labelAt(QPointF point) const;
    // The bundle whose band holds the point; -1 if none.
    int bundleAt(QPointF point) const;
    // The band a bundle's strand covers: its first and last arrows and what is between.
    static QPolygonF band(const Strand& strand);

private:
    std::vector<Item> m_items;
    double m_labelHeight = 16.0;
    double m_wantedColumnWidth = 0.0;
    double m_labelsTop = 0.0;
};

} // namespace PatternScope
