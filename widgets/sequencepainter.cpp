// SPDX-License-Identifier: GPL-3.0-or-later
#include "sequencepainter.h"

#include "units.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <cmath>
#include <limits>

namespace PatternScope {

namespace {

constexpr double kHeadSize = 8.0;
constexpr double kNoteHeight = 20.0;
constexpr double kActivationWidth = 10.0;
constexpr double kStreamWidth = 6.0; // a stream's band on a lifeline, under its activations
constexpr int kMaxPinned = 4; // stream labels pinned at the top of a lane, at most
// Activations are searched backwards from the visible end at most this far (the recent ones).
constexpr int kActivationLookBack = 4000;

QColor mixed(const QColor& a, const QColor& b, double share)
{
    return QColor::fromRgbF(float(a.redF() * share + b.redF() * (1 - share)),
        float(a.greenF() * share + b.greenF() * (1 - share)), float(a.blueF() * share + b.blueF() * (1 - share)));
}

} // namespace

SequencePainter::SequencePainter(const SequenceGeometry& geometry, const Theme& theme)
    : m_geometry(geometry)
    , m_theme(theme)
{
    setFont(QFont());
}

void SequencePainter::setFont(const QFont& font)
{
    m_font = font;
    m_smallFont = font;
    m_smallFont.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.85));
}

void SequencePainter::setHighlight(qint64 hovered, qint64 selected)
{
    const Trace* trace = m_geometry.trace();
    const auto correlationOf = [trace](qint64 seq) {
        return trace && seq >= 0 && seq < qint64(trace->messages().size()) ? trace->message(seq).correlation.toString()
                                                                           : QString();
    };
    m_hovered = hovered;
    m_selected = selected;
    m_hoveredCorrelation = correlationOf(hovered);
    m_selectedCorrelation = correlationOf(selected);
}

void SequencePainter::setExpectedDelays(const QHash<QPair<int, int>, TimeUs>* delays, TimeUs fallback)
{
    m_delays = delays;
    m_fallbackDelay = fallback;
}

TimeUs SequencePainter::expectedDelay(const Message& message) const
{
    if (m_delays) {
        const auto it = m_delays->constFind(qMakePair(message.from, message.to));
        if (it != m_delays->constEnd())
            return *it;
    }
    return m_fallbackDelay;
}

TimeUs SequencePainter::gridStep() const
{
    static const TimeUs steps[] = { 1'000, 2'000, 5'000, 10'000, 20'000, 50'000, 100'000, 200'000, 500'000, 1'000'000,
        2'000'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000, 300'000'000, 600'000'000 };
    const double minimumUs = 70.0 / m_geometry.pixelsPerSecond() * 1e6;
    for (TimeUs step : steps) {
        if (double(step) >= minimumUs)
            return step;
    }
    return 3'600'000'000;
}

void SequencePainter::paintContent(QPainter& painter, const QRectF& visible) const
{
    if (!m_geometry.trace())
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setFont(m_font);
    paintGrid(painter, visible);
    paintFolds(painter, visible);
    paintLifelines(painter, visible);
    paintStreams(painter, visible);
    paintActivations(painter, visible);
    // Notes first: their leader lines pass under the arrows and labels; their boxes are in the lanes.
    paintNotes(painter, visible);
    paintArrows(painter, visible);
    if (m_nowLine) {
        const double y = m_geometry.timeToY(m_asOf);
        if (y >= visible.top() - 1 && y <= visible.bottom() + 1) {
            QPen pen(m_theme.highlight, 1.5, Qt::DashLine);
            painter.setPen(pen);
            painter.drawLine(QPointF(visible.left(), y), QPointF(visible.right(), y));
        }
    }
    painter.restore();
}

void SequencePainter::paintGrid(QPainter& painter, const QRectF& visible) const
{
    if (m_geometry.axis() != SequenceGeometry::Axis::Time)
        return;
    painter.setPen(QPen(m_theme.grid, 1.0));
    for (const TimeUs t : ticks(visible.top(), visible.bottom())) {
        const double y = m_geometry.timeToY(t);
        painter.drawLine(QPointF(visible.left(), y), QPointF(visible.right(), y));
    }
}

std::vector<TimeUs> SequencePainter::ticks(double y0, double y1) const
{
    std::vector<TimeUs> result;
    if (m_geometry.axis() != SequenceGeometry::Axis::Time)
        return result;
    const TimeUs step = gridStep();
    const TimeUs to = m_geometry.yToTime(y1);
    TimeUs t = std::max<TimeUs>(0, m_geometry.yToTime(y0) / step * step);
    while (t <= to) {
        if (const SequenceGeometry::Fold* fold = m_geometry.foldAt(t)) {
            // A fold hides its time: go on at the first tick after it, not through it step by step.
            t = std::max(t, fold->end / step * step) + step;
            continue;
        }
        result.push_back(t);
        if (to - t < step)
            break;
        t += step;
    }
    return result;
}

void SequencePainter::paintFolds(QPainter& painter, const QRectF& visible) const
{
    if (m_geometry.axis() != SequenceGeometry::Axis::Time || !m_geometry.foldsShown())
        return;
    const auto& folds = m_geometry.folds();
    const TimeUs from = m_geometry.yToTime(visible.top());
    auto it = std::lower_bound(
        folds.begin(), folds.end(), from, [](const SequenceGeometry::Fold& f, TimeUs t) { return f.end < t; });
    const double left = m_geometry.rulerWidth();
    const double right = m_geometry.contentWidth();
    for (; it != folds.end(); ++it) {
        const double y0 = m_geometry.timeToY(it->start);
        if (y0 > visible.bottom())
            break;
        const double h = m_geometry.foldHeight();
        // A torn edge across the diagram, and how much time it hides.
        QPainterPath zigzag;
        const double mid = y0 + h / 2;
        zigzag.moveTo(left, mid);
        bool up = true;
        for (double x = left; x <= right; x += 12.0) {
            zigzag.lineTo(x, mid + (up ? -5.0 : 5.0));
            up = !up;
        }
        painter.fillRect(QRectF(left, y0, right - left, h), m_theme.background);
        painter.setPen(QPen(m_theme.fold, 1.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(zigzag);
        const QString text = (it->idle ? QStringLiteral("%1 idle folded") : QStringLiteral("%1 folded"))
                                 .arg(Units::clockDuration(it->end - it->start));
        painter.setFont(m_smallFont);
        const QFontMetricsF fm(m_smallFont);
        const QRectF box(left + (right - left - fm.horizontalAdvance(text) - 20) / 2, y0 + 3,
            fm.horizontalAdvance(text) + 20, h - 6);
        painter.setBrush(m_theme.background);
        painter.drawRoundedRect(box, box.height() / 2, box.height() / 2);
        painter.setPen(m_theme.mutedText);
        painter.drawText(box, Qt::AlignCenter, text);
        painter.setFont(m_font);
    }
}

void SequencePainter::paintLifelines(QPainter& painter, const QRectF& visible) const
{
    QPen pen(m_theme.lifeline, 1.0, Qt::DashLine);
    painter.setPen(pen);
    for (const Participant& p : m_geometry.trace()->participants()) {
        const double x = m_geometry.xOf(p.id);
        const QPointF anchor(x, 0); // the same dashes whichever part is painted
        if (x >= visible.left() - 1 && x <= visible.right() + 1)
            strokeLine(painter, QLineF(x, visible.top(), x, visible.bottom()), &anchor);
    }
}

void SequencePainter::paintActivations(QPainter& painter, const QRectF& visible) const
{
    const auto& activations = m_geometry.trace()->activations();
    const TimeUs from = m_geometry.yToTime(visible.top());
    const TimeUs to = std::min(m_geometry.yToTime(visible.bottom()), m_asOf);
    // Recorded in start order: walk back from the last one that starts in view.
    auto last = std::upper_bound(
        activations.begin(), activations.end(), to, [](TimeUs t, const Activation& a) { return t < a.start; });
    painter.setPen(QPen(m_theme.activationBorder, 1.0));
    painter.setBrush(m_theme.activationFill);
    int looked = 0;
    for (auto it = last; it != activations.begin() && looked < kActivationLookBack; ++looked) {
        --it;
        const TimeUs end = it->end == NoTime || it->end > m_asOf ? m_asOf : it->end;
        if (end < from)
            continue;
        const double x = m_geometry.xOf(it->participant);
        if (x < 0)
            continue;
        const double y0 = m_geometry.timeToY(it->start);
        const double y1 = std::max(y0 + 3.0, m_geometry.timeToY(end));
        const QRectF box(x - kActivationWidth / 2, y0, kActivationWidth, y1 - y0);
        if (m_banded) {
            // Held for long, an activation crosses bands: filled, and its edges drawn as the lines are.
            painter.fillRect(box, m_theme.activationFill);
            for (const QLineF& edge : { QLineF(box.topLeft(), box.topRight()), QLineF(box.topRight(), box.bottomRight()),
                     QLineF(box.bottomRight(), box.bottomLeft()), QLineF(box.bottomLeft(), box.topLeft()) })
                strokeLine(painter, edge);
        } else {
            painter.drawRect(box);
        }
    }
}

NotesLane& SequencePainter::notesLane() const
{
    NotesLane* lane = m_lane;
    if (!lane) {
        if (!m_ownLane)
            m_ownLane = std::make_unique<NotesLane>();
        lane = m_ownLane.get();
    }
    if (lane->font() != m_smallFont)
        lane->setFont(m_smallFont);
    lane->setDetail(m_detail); // the lane says what the arrows say
    return *lane;
}

void SequencePainter::setNotesLane(NotesLane* lane)
{
    m_lane = lane;
}

QColor SequencePainter::streamColor(int stream) const
{
    const SequenceGeometry::Stream& st = m_geometry.streams()[size_t(stream)];
    const Trace& trace = *m_geometry.trace();
    const bool webSocket = st.openingSeq >= 0 && st.openingSeq < qint64(trace.messages().size())
        && trace.message(st.openingSeq).fields.status == 101;
    return m_theme.kindColor(webSocket ? Message::Kind::WsText : Message::Kind::SseEvent);
}

TimeUs SequencePainter::streamEnd(int stream) const
{
    const SequenceGeometry::Stream& st = m_geometry.streams()[size_t(stream)];
    return st.closedAt == NoTime || st.closedAt > m_asOf ? m_asOf : st.closedAt;
}

void SequencePainter::paintStreams(QPainter& painter, const QRectF& visible) const
{
    // An open stream is a band on both its lifelines from its opening answer until its connection closes, so
    // the events on it never seem to come from nowhere; a closed end gets a cap.
    const auto& streams = m_geometry.streams();
    for (size_t i = 0; i < streams.size(); ++i) {
        const SequenceGeometry::Stream& st = streams[i];
        if (st.openedAt > m_asOf)
            continue;
        const TimeUs end = streamEnd(int(i));
        const double y0 = m_geometry.timeToY(st.openedAt);
        const double y1 = std::max(y0 + 2.0, m_geometry.timeToY(end));
        if (y1 < visible.top() || y0 > visible.bottom())
            continue;
        const QColor color = streamColor(int(i));
        // Mixed with the background rather than translucent: the same in every renderer of an SVG.
        const QColor fill = mixed(color, m_theme.background, 0.25);
        const QColor edge = mixed(color, m_theme.background, 0.7);
        const bool closed = st.closedAt != NoTime && st.closedAt <= m_asOf;
        for (const int participant : { st.client, st.server }) {
            const double x = m_geometry.xOf(participant);
            if (x < 0)
                continue;
            const QRectF band(x - kStreamWidth / 2, y0, kStreamWidth, y1 - y0);
            painter.setPen(Qt::NoPen);
            painter.setBrush(fill);
            painter.drawRect(band);
            painter.setPen(QPen(edge, 1.0));
            strokeLine(painter, QLineF(band.topLeft(), band.bottomLeft()));
            strokeLine(painter, QLineF(band.topRight(), band.bottomRight()));
            strokeLine(painter, QLineF(band.topLeft(), band.topRight()));
            if (closed)
                strokeLine(painter, QLineF(band.left() - 2, y1, band.right() + 2, y1));
        }
    }
}

void SequencePainter::paintNotes(QPainter& painter, const QRectF& visible) const
{
    const NotesLane& lane = notesLane();
    const auto& entries = lane.entries(m_geometry);
    const auto& notes = m_geometry.trace()->notes();
    painter.setFont(m_smallFont);
    const QFontMetricsF fm(m_smallFont);
    QColor leaderColor = m_theme.noteBorder;
    leaderColor.setAlphaF(0.8);
    const QPen leader(leaderColor, 1.0, Qt::DotLine);

    // Streams still open at the top of the view whose label has scrolled away: their labels are pinned at
    // the top of their lane, each leaving with its band's end; what they would cover waits below them. So
    // are the notes of activations still going there (Textbook: a long poll held for seconds).
    const double pinTop = (std::isnan(m_pinTop) ? visible.top() : m_pinTop) + 2.0;
    struct Pinned {
        size_t entry;
        QRectF box;
    };
    std::vector<Pinned> pinned;
    int pinnedIn[2] = { 0, 0 };
    double pinnedBottom[2] = { pinTop, pinTop };
    const auto pin = [&](size_t index, TimeUs end) {
        const NotesLane::Entry& e = entries[index];
        const int side = e.lane == SequenceGeometry::Lane::Left ? 0 : 1;
        if (e.first > m_asOf || e.box.top() >= pinTop || pinnedIn[side] >= kMaxPinned)
            return;
        const double endY = m_geometry.timeToY(end);
        const double top = std::min(pinnedBottom[side], endY - e.box.height());
        if (top < pinTop - e.box.height())
            return; // its band ends above the view
        pinned.push_back({ index, QRectF(e.box.left(), top, e.box.width(), e.box.height()) });
        pinnedBottom[side] = top + e.box.height() + 3.0;
        ++pinnedIn[side];
    };
    for (size_t index : lane.streamEntries(m_geometry))
        pin(index, streamEnd(entries[index].stream));
    if (m_detail == DetailLevel::Textbook) {
        for (const Activation* a : activationsAt(m_geometry.yToTime(pinTop))) {
            if (const qsizetype index = lane.activationEntry(m_geometry, a->id); index >= 0)
                pin(size_t(index), a->end == NoTime || a->end > m_asOf ? m_asOf : a->end);
        }
    }
    const auto underPinned = [&](size_t index, const QRectF& box) {
        return std::any_of(pinned.begin(), pinned.end(), [&](const Pinned& p) {
            return p.entry == index || (entries[p.entry].lane == entries[index].lane && p.box.intersects(box));
        });
    };

    for (size_t index : lane.entriesIn(m_geometry, visible.top(), visible.bottom())) {
        const NotesLane::Entry& e = entries[index];
        if (e.first > m_asOf || underPinned(index, e.box))
            continue;
        const bool left = e.lane == SequenceGeometry::Lane::Left;
        const double inner = left ? m_geometry.laneRight(e.lane) : m_geometry.laneLeft(e.lane);
        const double towards = left ? -1.0 : 1.0; // from a lifeline to the lane
        const double lifeline = e.participant >= 0 ? m_geometry.xOf(e.participant) : -1.0;
        // The moments it stands for, as of now.
        double lastY = e.y0;
        std::vector<double> moments;
        for (qint64 id : e.notes) {
            const Note& n = notes[size_t(id)];
            if (n.at > m_asOf)
                continue;
            const double y = m_geometry.timeToY(n.at);
            lastY = std::max(lastY, y);
            if (y >= visible.top() - 6 && y <= visible.bottom() + 6 && moments.size() < 2000)
                moments.push_back(y);
        }
        const double boxEdge = left ? e.box.right() : e.box.left();
        const double middle = e.box.center().y();
        painter.setPen(leader);
        painter.setBrush(Qt::NoBrush);
        if (lifeline >= 0) {
            // From the lifeline (clear of an activation box) to the lane, then to the box.
            const double from = lifeline + towards * (kActivationWidth / 2 + 1);
            strokeLine(painter, QLineF(QPointF(from, e.y0), QPointF(inner, e.y0)));
        }
        if (lastY > e.y0 + 0.5) {
            // Several moments: a bracket along the lane's edge with a tick at each.
            painter.setPen(QPen(leaderColor, 1.0));
            strokeLine(painter, QLineF(inner, e.y0, inner, lastY));
            for (double y : moments)
                strokeLine(painter, QLineF(inner, y, inner - towards * 4, y));
            painter.setPen(leader);
        }
        strokeLine(painter, QLineF(QPointF(inner, e.y0), QPointF(boxEdge, middle)));
        if (e.kind == NotesLane::Entry::Kind::Items && lifeline >= 0) {
            // Produced items: a small mark on the lifeline at each.
            painter.setPen(Qt::NoPen);
            painter.setBrush(m_theme.noteBorder);
            for (double y : moments) {
                painter.drawPolygon(QPolygonF({ QPointF(lifeline, y - 3.5), QPointF(lifeline + 3.5, y),
                    QPointF(lifeline, y + 3.5), QPointF(lifeline - 3.5, y) }));
            }
        }
        if (!e.box.intersects(visible))
            continue;
        const QString text
            = e.last > m_asOf && (e.lines.size() == 1 || !lane.wraps()) ? lane.text(m_geometry, e, m_asOf) : QString();
        QRectF box = e.box;
        if (e.kind == NotesLane::Entry::Kind::Items) {
            painter.setPen(m_theme.mutedText);
        } else if (e.kind == NotesLane::Entry::Kind::Stream) {
            paintStreamLabel(painter, e, box);
            continue;
        } else if (e.kind == NotesLane::Entry::Kind::Activation) {
            paintActivationNote(painter, e, box);
            continue;
        } else {
            painter.setPen(QPen(m_theme.noteBorder, e.collapsed() ? 1.6 : 1.0));
            painter.setBrush(m_theme.noteFill);
            painter.drawRoundedRect(box, 3, 3);
            painter.setPen(m_theme.noteText);
        }
        const QRectF inside = box.adjusted(6, 2, -6, -2);
        if (e.lines.size() == 1) {
            // The view elides (the whole text is on hover); a picture's box is as wide as its text.
            const QString line = text.isEmpty() ? e.lines.front() : text;
            painter.drawText(inside, Qt::AlignVCenter | Qt::AlignLeft,
                lane.wraps() ? line : fm.elidedText(line, Qt::ElideRight, inside.width() + 0.5));
        } else {
            // The view's wrapped note as of the playback time (a count of repeats so far) in the same lines.
            const QStringList lines
                = text.isEmpty() ? e.lines : lane.fit(text, inside.width() + 0.5, int(e.lines.size()));
            painter.drawText(inside, Qt::AlignVCenter | Qt::AlignLeft, lines.join(u'\n'));
        }
    }
    for (const Pinned& p : pinned) {
        const NotesLane::Entry& e = entries[p.entry];
        const bool left = e.lane == SequenceGeometry::Lane::Left;
        const double lifeline = m_geometry.xOf(e.participant);
        if (lifeline >= 0) {
            painter.setPen(leader);
            strokeLine(painter,
                QLineF(QPointF(left ? p.box.right() : p.box.left(), p.box.center().y()),
                    QPointF(lifeline + (left ? -1.0 : 1.0) * (kStreamWidth / 2 + 1), p.box.center().y())));
        }
        if (e.kind == NotesLane::Entry::Kind::Activation)
            paintActivationNote(painter, e, p.box);
        else
            paintStreamLabel(painter, e, p.box);
    }
    painter.setFont(m_font);
}

void SequencePainter::paintActivationNote(QPainter& painter, const NotesLane::Entry& entry, const QRectF& box) const
{
    // What the activation is (Textbook): a note in the activation's colours.
    painter.setPen(QPen(m_theme.activationBorder, 1.0));
    painter.setBrush(m_theme.noteFill);
    painter.drawRoundedRect(box, 3, 3);
    painter.setPen(m_theme.noteText);
    const QRectF inside = box.adjusted(6, 2, -6, -2);
    if (notesLane().wraps() || entry.lines.size() > 1)
        painter.drawText(inside, Qt::AlignVCenter | Qt::AlignLeft, entry.lines.join(u'\n'));
    else
        painter.drawText(inside, Qt::AlignVCenter | Qt::AlignLeft,
            QFontMetricsF(m_smallFont).elidedText(entry.lines.value(0), Qt::ElideRight, inside.width() + 0.5));
}

std::vector<const Activation*> SequencePainter::activationsAt(TimeUs t) const
{
    // Recorded in start order: walk back from the last one started by then, the recent ones only.
    std::vector<const Activation*> result;
    const auto& activations = m_geometry.trace()->activations();
    auto it = std::upper_bound(
        activations.begin(), activations.end(), t, [](TimeUs time, const Activation& a) { return time < a.start; });
    for (int looked = 0; it != activations.begin() && looked < kActivationLookBack; ++looked) {
        --it;
        if (it->end == NoTime || it->end >= t)
            result.push_back(&*it);
    }
    return result;
}

void SequencePainter::paintStreamLabel(QPainter& painter, const NotesLane::Entry& entry, const QRectF& box) const
{
    const QColor color = streamColor(entry.stream);
    painter.setPen(QPen(color, 1.2));
    painter.setBrush(m_theme.background);
    painter.drawRoundedRect(box, 3, 3);
    painter.fillRect(QRectF(box.left() + 1, box.top() + 1, 4, box.height() - 2), color);
    painter.setPen(m_theme.text);
    const QRectF inside = box.adjusted(10, 2, -6, -2);
    const QFontMetricsF fm(m_smallFont);
    if (notesLane().wraps())
        painter.drawText(inside, Qt::AlignVCenter | Qt::AlignLeft, entry.lines.join(u'\n'));
    else if (entry.lines.size() <= 1)
        painter.drawText(inside, Qt::AlignVCenter | Qt::AlignLeft,
            fm.elidedText(entry.lines.value(0), Qt::ElideRight, inside.width() + 0.5));
    else
        painter.drawText(inside, Qt::AlignVCenter | Qt::AlignLeft, entry.lines.join(u'\n'));
}

QString SequencePainter::labelText(const Message& message) const
{
    const QString text = m_detail == DetailLevel::Textbook ? Textbook::label(message) : message.label.toString();
    const bool lost = message.state == Message::State::Lost && message.receivedAt <= m_asOf;
    return lost ? text + QStringLiteral(" · lost") : text;
}

bool SequencePainter::isHighlighted(const Message& message, qint64 seq, const QString& correlation) const
{
    return message.seq == seq || (!correlation.isEmpty() && message.correlation == correlation);
}

void SequencePainter::strokeLine(QPainter& painter, const QLineF& line, const QPointF* anchor) const
{
    if (!m_banded) {
        painter.drawLine(line);
        return;
    }
    const QPen pen = painter.pen();
    const double length = line.length();
    if (pen.style() == Qt::NoPen || length <= 0)
        return;
    // The pattern is in pen widths (a thin pen's are pixels), dash and gap in turn; a solid line is one dash.
    const double width = std::max(1.0, pen.widthF());
    QList<qreal> pattern = pen.style() == Qt::SolidLine ? QList<qreal>() : pen.dashPattern();
    double period = 0;
    for (qreal& v : pattern) {
        v *= width;
        period += v;
    }
    if (pattern.size() < 2 || period <= 0) {
        pattern = { length, 0.0 };
        period = length;
    }
    const QPointF along = (line.p2() - line.p1()) / length;
    const double origin = anchor ? QPointF::dotProduct(*anchor - line.p1(), along) : 0.0;
    // Only the dashes inside the clip (a band of a tall picture): the part of the line it holds, Liang-Barsky.
    double t0 = 0;
    double t1 = length;
    if (painter.hasClipping()) {
        const QRectF clip = painter.clipBoundingRect().adjusted(-2 * width, -2 * width, 2 * width, 2 * width);
        const double p[4] = { -along.x(), along.x(), -along.y(), along.y() };
        const double q[4] = { line.x1() - clip.left(), clip.right() - line.x1(), line.y1() - clip.top(),
            clip.bottom() - line.y1() };
        for (int i = 0; i < 4; ++i) {
            if (std::abs(p[i]) < 1e-12) {
                if (q[i] < 0)
                    return;
                continue;
            }
            const double t = q[i] / p[i];
            if (p[i] < 0)
                t0 = std::max(t0, t);
            else
                t1 = std::min(t1, t);
        }
        if (t0 >= t1)
            return;
    }
    // Each dash is filled as a quadrilateral rather than stroked: Qt's raster engine strokes a thin line from where
    // the device's edge cuts it, so its pixels would move with the band; a filled shape's do not.
    const QPointF side = QPointF(-along.y(), along.x()) * (pen.widthF() > 0 ? pen.widthF() / 2 : 0.5);
    const QBrush brush = painter.brush();
    painter.setPen(Qt::NoPen);
    painter.setBrush(pen.brush());
    // Each repeat's start computed from its number, not summed: the same dashes whatever part is painted.
    for (auto k = qint64(std::floor((t0 - origin) / period)); origin + double(k) * period < t1; ++k) {
        double at = origin + double(k) * period;
        for (qsizetype i = 0; i + 1 < pattern.size(); i += 2) {
            const double from = std::max(at, 0.0);
            const double to = std::min(at + pattern[i], length);
            if (to > from && to > t0 && from < t1) {
                const QPointF a = line.p1() + along * from;
                const QPointF b = line.p1() + along * to;
                painter.drawPolygon(QPolygonF({ a + side, b + side, b - side, a - side }));
            }
            at += pattern[i] + pattern[i + 1];
        }
    }
    painter.setBrush(brush);
    painter.setPen(pen);
}

const DiagramLayout& SequencePainter::layOut(const QRectF& visible) const
{
    DiagramLayout::Input input;
    input.geometry = &m_geometry;
    input.asOf = m_asOf;
    input.visible = visible;
    input.expectedDelay = [this](const Message& m) { return expectedDelay(m); };
    input.labelText = [this](const Message& m) { return labelText(m); };
    input.font = m_font;
    input.elide = m_elide;
    // The view keeps labels below its headers; a picture starts where its highest label does.
    input.ceiling = m_elide ? m_geometry.timeToY(0) - 22.0 : -std::numeric_limits<double>::infinity();
    input.expanded = m_expanded;
    m_layout.run(input);
    return m_layout;
}

void SequencePainter::paintArrows(QPainter& painter, const QRectF& visible) const
{
    const Trace* trace = m_geometry.trace();
    if (!m_banded)
        layOut(visible);
    // Banded, the layout is the whole picture's: only what reaches the band.
    const auto reaches = [&](const DiagramLayout::Strand& strand) {
        if (!m_banded)
            return true;
        for (const QLineF& line : strand.lines) {
            if (std::max(line.y1(), line.y2()) + kHeadSize >= visible.top()
                && std::min(line.y1(), line.y2()) - kHeadSize <= visible.bottom())
                return true;
        }
        return false;
    };
    // Lines first, then the labels on their halos over them: another arrow may pass under a label,
    // its own never does.
    for (const DiagramLayout::Item& item : m_layout.items()) {
        for (const DiagramLayout::Strand& strand : item.strands) {
            if (!reaches(strand))
                continue;
            if (strand.seqs.size() == 1)
                paintArrow(painter, trace->message(strand.seqs.front()));
            else
                paintBand(painter, strand);
        }
    }
    for (const DiagramLayout::Item& item : m_layout.items()) {
        if (!item.label.isNull() && item.label.intersects(visible))
            paintLabel(painter, item);
    }
}

namespace {

void paintHead(QPainter& painter, const QLineF& line, const QColor& color)
{
    const QPointF tip = line.p2();
    const double angle = std::atan2(line.dy(), line.dx());
    const QPointF back(tip.x() - kHeadSize * std::cos(angle), tip.y() - kHeadSize * std::sin(angle));
    const QPointF side(-kHeadSize * 0.45 * std::sin(angle), kHeadSize * 0.45 * std::cos(angle));
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawPolygon(QPolygonF({ tip, back + side, back - side }));
}

QPen arrowPen(const QColor& color, Message::Kind kind)
{
    const bool plumbing = isPlumbing(kind);
    QPen pen(color, plumbing ? 1.0 : 1.6);
    if (isAnswer(kind))
        pen.setStyle(Qt::DashLine);
    else if (plumbing)
        pen.setStyle(Qt::DotLine);
    return pen;
}

} // namespace

void SequencePainter::paintArrow(QPainter& painter, const Message& message) const
{
    const SequenceGeometry::Arrow arrow = m_geometry.arrow(message, m_asOf, expectedDelay(message));
    if (arrow.line.isNull())
        return;
    const QLineF& line = arrow.line;
    const bool selected = isHighlighted(message, m_selected, m_selectedCorrelation);
    const bool hovered = isHighlighted(message, m_hovered, m_hoveredCorrelation);
    const QColor color = arrow.lost ? m_theme.lost : m_theme.kindColor(message.kind);
    if (selected || hovered) {
        QColor halo = m_theme.highlight;
        halo.setAlphaF(selected ? 0.45 : 0.25);
        painter.setPen(QPen(halo, 7.0, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(line);
    }
    painter.setPen(arrowPen(color, message.kind));
    strokeLine(painter, line);

    const QPointF tip = line.p2();
    const double direction = line.dx() >= 0 ? 1.0 : -1.0;
    if (arrow.arrived) {
        paintHead(painter, line, color);
    } else if (arrow.lost) {
        painter.setPen(QPen(color, 2.0));
        strokeLine(painter, QLineF(tip + QPointF(-5, -5), tip + QPointF(5, 5)));
        strokeLine(painter, QLineF(tip + QPointF(-5, 5), tip + QPointF(5, -5)));
    } else {
        // In flight: the packet, where it is now.
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawRoundedRect(QRectF(tip.x() - 6 + direction * 2, tip.y() - 4, 12, 8), 2, 2);
    }
}

void SequencePainter::paintBand(QPainter& painter, const DiagramLayout::Strand& strand) const
{
    // Many arrows too close to tell apart: the band they fill, each one faint inside it, the first and
    // the last drawn as arrows.
    const Trace* trace = m_geometry.trace();
    const Message& first = trace->message(strand.seqs.front());
    const QColor color = m_theme.kindColor(first.kind);
    QColor fill = color;
    fill.setAlphaF(0.14);
    painter.setPen(Qt::NoPen);
    painter.setBrush(fill);
    painter.drawPolygon(DiagramLayout::band(strand));
    bool highlighted = false;
    QColor faint = color;
    faint.setAlphaF(0.45);
    painter.setPen(QPen(faint, 1.0));
    for (size_t i = 0; i < strand.seqs.size(); ++i) {
        const Message& m = trace->message(strand.seqs[i]);
        highlighted = highlighted || isHighlighted(m, m_selected, m_selectedCorrelation)
            || isHighlighted(m, m_hovered, m_hoveredCorrelation);
        if (i > 0 && i + 1 < strand.seqs.size())
            strokeLine(painter, strand.lines[i]);
    }
    if (highlighted) {
        QColor halo = m_theme.highlight;
        halo.setAlphaF(0.3);
        painter.setPen(QPen(halo, 3.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawPolygon(DiagramLayout::band(strand));
    }
    for (size_t i : { size_t(0), strand.seqs.size() - 1 }) {
        const Message& m = trace->message(strand.seqs[i]);
        painter.setPen(arrowPen(color, m.kind));
        strokeLine(painter, strand.lines[i]);
        if (m.state == Message::State::Delivered && m.receivedAt <= m_asOf)
            paintHead(painter, strand.lines[i], color);
    }
}

void SequencePainter::paintLabel(QPainter& painter, const DiagramLayout::Item& item) const
{
    const Trace* trace = m_geometry.trace();
    const Message& first = trace->message(item.firstSeq());
    bool selected = false;
    for (const DiagramLayout::Strand& strand : item.strands) {
        for (qint64 seq : strand.seqs)
            selected = selected || seq == m_selected;
    }
    const bool lost = item.count == 1 && first.state == Message::State::Lost && first.receivedAt <= m_asOf;
    const QColor color = lost ? m_theme.lost : m_theme.kindColor(first.kind);
    // A halo of the background under the text: arrows passing under it stay out of the way of reading.
    painter.setPen(Qt::NoPen);
    painter.setBrush(m_theme.background);
    painter.drawRoundedRect(item.label, 3, 3);
    if (item.isBundle()) {
        QColor edge = color;
        edge.setAlphaF(0.5);
        painter.setPen(QPen(edge, 1.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(item.label.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
    }
    painter.setFont(m_font);
    painter.setPen(selected ? m_theme.text : item.plumbing ? m_theme.mutedText : color.darker(m_theme.dark ? 80 : 115));
    painter.drawText(item.label, Qt::AlignCenter, item.shown);
}

void SequencePainter::paintHeaders(QPainter& painter, double scrollX, double width) const
{
    const Trace* trace = m_geometry.trace();
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.fillRect(QRectF(0, 0, width, HeaderHeight), m_theme.background);
    if (!trace) {
        painter.restore();
        return;
    }
    const QFontMetricsF fm(m_font);
    const double boxWidth = std::min(m_geometry.columnWidth() - 16.0, 150.0);
    painter.setFont(m_font);
    for (const Participant& p : trace->participants()) {
        const double x = m_geometry.xOf(p.id) - scrollX;
        if (x + boxWidth / 2 < m_geometry.rulerWidth() || x - boxWidth / 2 > width)
            continue;
        const QRectF box(x - boxWidth / 2, 8, boxWidth, HeaderHeight - 14);
        const bool server = p.role == Participant::Role::Server || p.role == Participant::Role::Broker;
        painter.setPen(QPen(server ? m_theme.activationBorder : m_theme.headerBorder, 1.0));
        painter.setBrush(server ? m_theme.activationFill : m_theme.headerFill);
        painter.drawRoundedRect(box, 5, 5);
        painter.setPen(m_theme.text);
        painter.drawText(box, Qt::AlignCenter, fm.elidedText(p.name, Qt::ElideRight, boxWidth - 10));
    }
    painter.setPen(QPen(m_theme.grid, 1.0));
    painter.drawLine(QPointF(0, HeaderHeight - 0.5), QPointF(width, HeaderHeight - 0.5));
    painter.restore();
}

void SequencePainter::paintRuler(QPainter& painter, double scrollY, double top, double height) const
{
    painter.save();
    painter.fillRect(QRectF(0, top, m_geometry.rulerWidth() - 4, height), m_theme.background);
    painter.setFont(m_smallFont);
    painter.setPen(m_theme.mutedText);
    const QFontMetricsF fm(m_smallFont);
    // A label at its tick; one too wide for the ruler ("1 h 2 min 50.25 s") takes two lines, the seconds below.
    const double room = m_geometry.rulerWidth() - 10.0;
    const auto label = [&](double y, const QString& text) {
        const qsizetype split = text.lastIndexOf(QLatin1String(" min "));
        // Only whole labels: one cut by the edge of the ruler would read as another time.
        if (fm.horizontalAdvance(text) <= room || split < 0) {
            if (y >= top + 6 && y + fm.ascent() / 2 + fm.descent() <= top + height)
                painter.drawText(QPointF(6, y + fm.ascent() / 2 - 1), text);
            return;
        }
        if (y - fm.height() < top + 2 || y + fm.lineSpacing() + fm.descent() > top + height)
            return;
        painter.drawText(QPointF(6, y - 1), text.left(split + 4));
        painter.drawText(QPointF(6, y - 1 + fm.lineSpacing()), text.mid(split + 5));
    };
    if (m_geometry.axis() == SequenceGeometry::Axis::Time) {
        const TimeUs step = gridStep();
        for (const TimeUs t : ticks(scrollY, scrollY + height))
            label(m_geometry.timeToY(t) - scrollY + top, Units::clockAtStep(t, step));
    } else if (const Trace* trace = m_geometry.trace()) {
        // Compact rows: the send time of every few rows.
        const auto& order = m_geometry.rows();
        const qsizetype every = std::max<qsizetype>(1, qsizetype(std::ceil(40.0 / m_geometry.rowHeight())));
        qsizetype row = std::max<qsizetype>(0, qsizetype(scrollY / m_geometry.rowHeight()));
        row -= row % every;
        for (; row < qsizetype(order.size()); row += every) {
            const double y = m_geometry.rowY(row) - scrollY + top;
            if (y > top + height)
                break;
            // Rows are messages, often milliseconds apart: their times to the millisecond.
            label(y, Units::clockAtStep(trace->message(order[size_t(row)]).sentAt, 1'000));
        }
    }
    painter.restore();
}

} // namespace PatternScope
