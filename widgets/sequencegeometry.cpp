// SPDX-License-Identifier: GPL-3.0-or-later
#include "sequencegeometry.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace PatternScope {

namespace {

double distanceToSegment(QPointF p, QLineF line)
{
    const QPointF d = line.p2() - line.p1();
    const double lengthSquared = d.x() * d.x() + d.y() * d.y();
    double t = 0.0;
    if (lengthSquared > 0.0)
        t = std::clamp(QPointF::dotProduct(p - line.p1(), d) / lengthSquared, 0.0, 1.0);
    const QPointF nearest = line.p1() + t * d;
    return std::hypot(p.x() - nearest.x(), p.y() - nearest.y());
}

// Requests are answered soon after they are sent: look this many messages back for an answer's request.
constexpr qint64 kRequestLookBack = 4096;

bool isEventStream(const Message& message)
{
    for (const auto& [name, value] : message.headers()) {
        if (name.compare("Content-Type", Qt::CaseInsensitive) == 0)
            return value.trimmed().toLower().startsWith("text/event-stream");
    }
    return false;
}

} // namespace

void SequenceGeometry::setTrace(const Trace* trace)
{
    m_trace = trace;
    m_columnOf.clear();
    m_rows.clear();
    m_rowsScanned = 0;
    m_rowsLast = -1;
    m_streams.clear();
    m_openStreams.clear();
    m_streamsScanned = 0;
}

void SequenceGeometry::setMessageFilter(std::function<bool(const Message&)> shown)
{
    m_shown = std::move(shown);
    m_rows.clear();
    m_rowsScanned = 0;
    m_rowsLast = -1;
}

const std::vector<qint64>& SequenceGeometry::rows() const
{
    static const std::vector<qint64> none;
    if (!m_trace)
        return none;
    const auto& order = m_trace->sentOrder();
    if (!m_shown)
        return order;
    // Messages are almost always sent in order and so appended; one inserted earlier (an imported trace)
    // shifts the entry the scan ended at, and the rows are worked out again.
    if (m_rowsScanned > order.size() || (m_rowsScanned > 0 && order[m_rowsScanned - 1] != m_rowsLast)) {
        m_rows.clear();
        m_rowsScanned = 0;
    }
    for (; m_rowsScanned < order.size(); ++m_rowsScanned) {
        const qint64 seq = order[m_rowsScanned];
        if (isShown(m_trace->message(seq)))
            m_rows.push_back(seq);
    }
    m_rowsLast = order.empty() ? -1 : order.back();
    return m_rows;
}

bool SequenceGeometry::opensStream(const Message& message) const
{
    if (message.kind != Message::Kind::HttpResponse)
        return false;
    return message.fields.status == 101 || (message.fields.status == 200 && isEventStream(message));
}

QString SequenceGeometry::streamLabel(const Message& answer) const
{
    if (answer.fields.status == 101)
        return answer.label;
    // An event stream is known by what was asked for: the request this answers.
    const qint64 stop = std::max<qint64>(0, answer.seq - kRequestLookBack);
    for (qint64 seq = answer.seq - 1; seq >= stop; --seq) {
        const Message& m = m_trace->message(seq);
        if (m.kind != Message::Kind::HttpRequest || m.from != answer.to || m.to != answer.from)
            continue;
        if ((!answer.correlation.isEmpty() && m.correlation == answer.correlation)
            || (answer.correlation.isEmpty() && answer.connection >= 0 && m.connection == answer.connection))
            return m.label;
    }
    return answer.label;
}

const std::vector<SequenceGeometry::Stream>& SequenceGeometry::streams() const
{
    if (!m_trace) {
        m_streams.clear();
        m_openStreams.clear();
        m_streamsScanned = 0;
        return m_streams;
    }
    const auto& messages = m_trace->messages();
    const auto& connections = m_trace->connections();
    if (m_streamsScanned > messages.size()) { // cleared
        m_streams.clear();
        m_openStreams.clear();
        m_streamsScanned = 0;
    }
    for (; m_streamsScanned < messages.size(); ++m_streamsScanned) {
        const Message& m = messages[m_streamsScanned];
        if (!opensStream(m))
            continue;
        Stream s;
        s.client = m.to;
        s.server = m.from;
        s.connection = m.connection;
        s.openedAt = m.sentAt;
        s.openingSeq = m.seq;
        s.label = streamLabel(m);
        m_streams.push_back(s);
        m_openStreams.push_back(m_streams.size() - 1);
    }
    // Close those whose connection has closed. A stream on a connection the trace does not know ends with
    // its opening answer: nothing says how long it stayed open.
    auto still = m_openStreams.begin();
    for (const size_t i : m_openStreams) {
        Stream& s = m_streams[i];
        const bool known = s.connection >= 0 && size_t(s.connection) < connections.size();
        if (known && connections[size_t(s.connection)].isOpen()) {
            *still++ = i;
            continue;
        }
        if (known) {
            s.closedAt = std::max(s.openedAt, connections[size_t(s.connection)].closedAt);
        } else {
            const Message& answer = m_trace->message(s.openingSeq);
            if (answer.state == Message::State::InFlight) {
                *still++ = i;
                continue;
            }
            s.closedAt = answer.receivedAt;
        }
    }
    m_openStreams.erase(still, m_openStreams.end());
    return m_streams;
}

void SequenceGeometry::setColumns(double rulerWidth, double columnWidth)
{
    m_rulerWidth = rulerWidth;
    m_columnWidth = std::max(40.0, columnWidth);
}

void SequenceGeometry::fitToWidth(double width, int participants)
{
    // Each notes lane takes this share of the width, within bounds.
    constexpr double laneShare = 0.13;
    constexpr double minLane = 140.0;
    constexpr double maxLane = 240.0;
    // Where the lifelines do not fit at those widths (four clients and a server at 1280×720), lanes and then
    // columns give way down to these before the view scrolls sideways: a lifeline off screen costs the
    // reader more than labels on narrower columns.
    constexpr double tightLane = 100.0;
    constexpr double tightColumn = 96.0;
    const double room = width - ViewRulerWidth;
    const auto columnFor = [&](double lane) {
        const double fit = participants > 0 ? room / participants : MinColumnWidth;
        if (fit / 2 - LaneGap < lane && participants > 1)
            return (room - 2 * (lane + LaneGap)) / (participants - 1);
        return fit;
    };
    double lane = std::clamp(width * laneShare, minLane, maxLane);
    double column = columnFor(lane);
    if (column < MinColumnWidth && participants > 1) {
        // The lane that leaves the columns exactly their comfortable width, but no narrower than tight.
        lane = std::clamp((room - MinColumnWidth * (participants - 1)) / 2 - LaneGap, tightLane, lane);
        column = std::max(tightColumn, columnFor(lane));
    } else {
        column = std::max(MinColumnWidth, column);
    }
    setColumns(ViewRulerWidth, column);
    setLanes(lane, lane);
}

void SequenceGeometry::updateColumns() const
{
    const auto& participants = m_trace->participants();
    if (m_columnOf.size() == participants.size())
        return; // participants are only ever added
    m_inColumn = lifelineOrder(participants);
    m_columnOf.assign(participants.size(), -1);
    for (size_t column = 0; column < m_inColumn.size(); ++column)
        m_columnOf[size_t(m_inColumn[column])] = int(column);
}

int SequenceGeometry::columnOf(int participant) const
{
    if (!m_trace)
        return -1;
    updateColumns();
    const auto& participants = m_trace->participants();
    // Ids are usually their own index; look it up when they are not (an imported trace).
    int index = -1;
    if (participant >= 0 && participant < int(participants.size())
        && participants[size_t(participant)].id == participant) {
        index = participant;
    } else {
        for (size_t i = 0; i < participants.size(); ++i) {
            if (participants[i].id == participant)
                index = int(i);
        }
    }
    return index < 0 ? -1 : m_columnOf[size_t(index)];
}

int SequenceGeometry::participantInColumn(int column) const
{
    if (!m_trace)
        return -1;
    updateColumns();
    return column >= 0 && column < int(m_inColumn.size())
        ? m_trace->participants()[size_t(m_inColumn[size_t(column)])].id
        : -1;
}

double SequenceGeometry::xOf(int participant) const
{
    const int column = columnOf(participant);
    return column < 0 ? -1.0 : m_rulerWidth + leftPad() + (column + 0.5) * m_columnWidth;
}

int SequenceGeometry::participantAt(double x) const
{
    const double left = m_rulerWidth + leftPad();
    if (!m_trace || x < left)
        return -1;
    return participantInColumn(int((x - left) / m_columnWidth));
}

int SequenceGeometry::columnCount() const
{
    return m_trace ? int(m_trace->participants().size()) : 0;
}

double SequenceGeometry::leftPad() const
{
    return columnCount() > 0 ? std::max(0.0, m_leftLane + LaneGap - m_columnWidth / 2) : 0.0;
}

double SequenceGeometry::laneLeft(Lane lane) const
{
    if (lane == Lane::Left)
        return m_rulerWidth;
    return m_rulerWidth + leftPad() + (std::max(1, columnCount()) - 0.5) * m_columnWidth + LaneGap;
}

double SequenceGeometry::laneRight(Lane lane) const
{
    if (lane == Lane::Left)
        return m_rulerWidth + leftPad() + m_columnWidth / 2 - LaneGap;
    return laneLeft(lane) + std::max(m_rightLane, m_columnWidth / 2 - LaneGap);
}

double SequenceGeometry::contentWidth() const
{
    const int columns = columnCount();
    if (columns == 0)
        return m_rulerWidth;
    const double rightPad = std::max(0.0, m_rightLane + LaneGap - m_columnWidth / 2);
    return m_rulerWidth + leftPad() + columns * m_columnWidth + rightPad;
}

bool SequenceGeometry::addFold(TimeUs start, TimeUs end, bool idle)
{
    if (end <= start || (!m_folds.empty() && start < m_folds.back().end))
        return false;
    const TimeUs before = m_folds.empty() ? 0 : m_foldedBefore.back() + (m_folds.back().end - m_folds.back().start);
    m_folds.push_back({ start, end, idle });
    m_foldedBefore.push_back(before);
    return true;
}

std::vector<std::pair<TimeUs, TimeUs>> SequenceGeometry::busySpans(bool arrowEnds) const
{
    constexpr TimeUs open = std::numeric_limits<TimeUs>::max();
    std::vector<std::pair<TimeUs, TimeUs>> spans;
    const auto& activations = m_trace->activations();
    const auto& notes = m_trace->notes();
    spans.reserve(m_trace->messages().size() * (arrowEnds ? 2 : 1) + activations.size() + notes.size());
    for (qint64 seq : m_trace->sentOrder()) {
        const Message& m = m_trace->message(seq);
        if (!isShown(m))
            continue;
        const TimeUs end = m.state == Message::State::InFlight ? open : m.receivedAt;
        if (!arrowEnds) {
            spans.emplace_back(m.sentAt, end);
            continue;
        }
        spans.emplace_back(m.sentAt, m.sentAt);
        if (end != open)
            spans.emplace_back(end, end);
    }
    // The messages' spans come in send order, so mostly sorted already (the arrows' ends are not): sorted
    // apart from the rest and merged, a million of them take a pass rather than a sort.
    const qsizetype messageSpans = qsizetype(spans.size());
    for (const Activation& a : activations)
        spans.emplace_back(a.start, a.end == NoTime ? open : a.end);
    for (const Stream& s : streams())
        spans.emplace_back(s.openedAt, s.closedAt == NoTime ? open : s.closedAt);
    for (const Note& note : notes)
        spans.emplace_back(note.at, note.at);
    const auto middle = spans.begin() + messageSpans;
    if (!std::is_sorted(spans.begin(), middle))
        std::sort(spans.begin(), middle);
    std::sort(middle, spans.end());
    std::inplace_merge(spans.begin(), middle, spans.end());
    return spans;
}

TimeUs SequenceGeometry::foldIdleGaps()
{
    clearFolds();
    TimeUs arrowsEnd = 0;
    if (!m_trace)
        return arrowsEnd;
    // One pass over the messages in send order (sentOrder is sorted by sentAt), merged as it goes with the
    // few other spans (activations, streams, notes) sorted apart: a million-message trace needs no
    // million-entry vector sorted, which held the window's thread when a whole trace was adopted.
    constexpr TimeUs open = std::numeric_limits<TimeUs>::max();
    std::vector<std::pair<TimeUs, TimeUs>> others;
    if (m_foldAfter > 0) {
        others.reserve(m_trace->activations().size() + m_trace->notes().size());
        for (const Activation& a : m_trace->activations())
            others.emplace_back(a.start, a.end == NoTime ? open : a.end);
        for (const Stream& s : streams())
            others.emplace_back(s.openedAt, s.closedAt == NoTime ? open : s.closedAt);
        for (const Note& note : m_trace->notes())
            others.emplace_back(note.at, note.at);
        std::sort(others.begin(), others.end());
    }
    TimeUs busyUntil = NoTime;
    const auto busy = [&](TimeUs from, TimeUs to) {
        if (busyUntil != NoTime && from - busyUntil > m_foldAfter)
            addFold(busyUntil + FoldMargin, from - FoldMargin);
        busyUntil = std::max(busyUntil, to);
    };
    auto other = others.cbegin();
    for (const qint64 seq : m_trace->sentOrder()) {
        const Message& m = m_trace->message(seq);
        if (!isShown(m))
            continue;
        const bool inFlight = m.state == Message::State::InFlight;
        arrowsEnd = std::max(arrowsEnd, inFlight ? m_trace->endTime() : m.receivedAt);
        if (m_foldAfter <= 0)
            continue;
        const std::pair<TimeUs, TimeUs> span(m.sentAt, inFlight ? open : m.receivedAt);
        for (; other != others.cend() && *other < span; ++other)
            busy(other->first, other->second);
        busy(span.first, span.second);
    }
    for (; other != others.cend(); ++other)
        busy(other->first, other->second);
    return arrowsEnd;
}

void SequenceGeometry::foldQuietStretches(double pixels)
{
    if (!m_trace || m_foldAfter <= 0)
        return;
    std::vector<Fold> folds = m_folds;
    const size_t idleFolds = folds.size();
    const double perUs = m_pixelsPerSecond / 1e6;
    TimeUs busyUntil = NoTime;
    for (const auto& [from, to] : busySpans(true)) {
        const TimeUs quiet = busyUntil == NoTime ? 0 : from - busyUntil;
        if (quiet > m_foldAfter && double(quiet) * perUs > pixels) {
            const TimeUs start = busyUntil + FoldMargin;
            const TimeUs end = from - FoldMargin;
            // What an idle fold already hides stays as it is.
            const auto overlaps = [&](const Fold& f) { return f.start <= end && start <= f.end; };
            if (std::none_of(folds.begin(), folds.begin() + qsizetype(idleFolds), overlaps))
                folds.push_back({ start, end, false });
        }
        busyUntil = std::max(busyUntil, to);
    }
    std::sort(folds.begin(), folds.end(), [](const Fold& a, const Fold& b) { return a.start < b.start; });
    clearFolds();
    for (const Fold& f : folds)
        addFold(f.start, f.end, f.idle);
}

void SequenceGeometry::clearFolds()
{
    m_folds.clear();
    m_foldedBefore.clear();
}

const SequenceGeometry::Fold* SequenceGeometry::foldAt(TimeUs t) const
{
    if (!m_foldsShown || m_axis != Axis::Time)
        return nullptr;
    auto it = std::upper_bound(m_folds.begin(), m_folds.end(), t, [](TimeUs v, const Fold& f) { return v < f.start; });
    if (it == m_folds.begin())
        return nullptr;
    --it;
    return t <= it->end ? &*it : nullptr;
}

double SequenceGeometry::timeToY(TimeUs t) const
{
    if (m_axis == Axis::Compact)
        return rowY(rankOf(t)) - m_rowHeight / 2;
    const double perUs = m_pixelsPerSecond / 1e6;
    if (!m_foldsShown || m_folds.empty())
        return double(t) * perUs;
    // The folds that start before t: all of them are hidden but the last, which t may be inside.
    auto it = std::upper_bound(m_folds.begin(), m_folds.end(), t, [](TimeUs v, const Fold& f) { return v < f.start; });
    const size_t count = size_t(it - m_folds.begin());
    if (count == 0)
        return double(t) * perUs;
    const Fold& last = m_folds[count - 1];
    const TimeUs foldedBefore = m_foldedBefore[count - 1];
    const double lastStartY = double(last.start - foldedBefore) * perUs + double(count - 1) * m_foldHeight;
    if (t <= last.end)
        return lastStartY + m_foldHeight * double(t - last.start) / double(last.end - last.start);
    return lastStartY + m_foldHeight + double(t - last.end) * perUs;
}

TimeUs SequenceGeometry::yToTime(double y) const
{
    if (m_axis == Axis::Compact) {
        const auto& order = rows();
        if (order.empty())
            return 0;
        const qsizetype row
            = std::clamp<qsizetype>(qsizetype(std::floor(y / m_rowHeight)), 0, qsizetype(order.size()) - 1);
        return m_trace->message(order[size_t(row)]).sentAt;
    }
    const double perUs = m_pixelsPerSecond / 1e6;
    if (!m_foldsShown || m_folds.empty())
        return TimeUs(std::llround(y / perUs));
    // Walk back from the first fold that starts below y.
    size_t lo = 0;
    size_t hi = m_folds.size();
    const auto startY
        = [&](size_t i) { return double(m_folds[i].start - m_foldedBefore[i]) * perUs + double(i) * m_foldHeight; };
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (startY(mid) <= y)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return TimeUs(std::llround(y / perUs));
    const size_t i = lo - 1;
    const Fold& f = m_folds[i];
    const double within = y - startY(i);
    if (within <= m_foldHeight)
        return f.start + TimeUs(std::llround(double(f.end - f.start) * within / m_foldHeight));
    return f.end + TimeUs(std::llround((within - m_foldHeight) / perUs));
}

double SequenceGeometry::contentHeight(TimeUs end) const
{
    if (m_axis == Axis::Compact)
        return double(rows().size()) * m_rowHeight;
    return timeToY(end);
}

qsizetype SequenceGeometry::rankOf(TimeUs t) const
{
    if (!m_trace)
        return 0;
    const auto& order = rows();
    const auto it = std::lower_bound(
        order.begin(), order.end(), t, [this](qint64 seq, TimeUs v) { return m_trace->message(seq).sentAt < v; });
    return qsizetype(it - order.begin());
}

qsizetype SequenceGeometry::rowOf(qint64 seq) const
{
    if (!m_trace)
        return -1;
    const auto& order = rows();
    const TimeUs sentAt = m_trace->message(seq).sentAt;
    // Among messages sent at the same microsecond, find this one.
    for (qsizetype row = rankOf(sentAt); row < qsizetype(order.size()); ++row) {
        if (order[size_t(row)] == seq)
            return row;
        if (m_trace->message(order[size_t(row)]).sentAt != sentAt)
            break;
    }
    return -1;
}

double SequenceGeometry::messageY(const Message& message, TimeUs t) const
{
    return m_axis == Axis::Compact ? rowY(rowOf(message.seq)) : timeToY(t);
}

SequenceGeometry::Arrow SequenceGeometry::arrow(const Message& message, TimeUs asOf, TimeUs expectedDelay) const
{
    Arrow a;
    const double x1 = xOf(message.from);
    const double x2 = xOf(message.to);
    if (message.sentAt > asOf || x1 < 0 || x2 < 0 || !isShown(message))
        return a;
    const QPointF start(x1, messageY(message, message.sentAt));
    const bool done = message.state != Message::State::InFlight && message.receivedAt <= asOf;
    if (done) {
        a.arrived = message.state == Message::State::Delivered;
        a.lost = message.state == Message::State::Lost;
    }
    // How far it got: exact once its end is known, else estimated from how long such messages take.
    TimeUs end = asOf;
    double progress = 1.0;
    if (a.arrived) {
        end = message.receivedAt;
    } else {
        const TimeUs flight = message.state == Message::State::Delivered ? message.receivedAt - message.sentAt
                                                                         : std::max<TimeUs>(expectedDelay, 1);
        end = a.lost ? message.receivedAt : asOf;
        progress = flight > 0 ? std::clamp(double(end - message.sentAt) / double(flight), 0.0, 0.95) : 0.95;
    }
    a.progress = progress;
    const double x = x1 + (x2 - x1) * progress;
    a.line = QLineF(start, QPointF(x, messageY(message, end)));
    return a;
}

QList<qint64> SequenceGeometry::messagesInBand(double y0, double y1, TimeUs asOf) const
{
    QList<qint64> result;
    if (!m_trace)
        return result;
    if (m_axis == Axis::Compact) {
        const auto& order = rows();
        const qsizetype first = std::max<qsizetype>(0, qsizetype(std::floor(y0 / m_rowHeight)));
        const qsizetype last
            = std::min<qsizetype>(qsizetype(order.size()) - 1, qsizetype(std::floor(y1 / m_rowHeight)));
        for (qsizetype row = first; row <= last; ++row) {
            const qint64 seq = order[size_t(row)];
            if (m_trace->message(seq).sentAt <= asOf)
                result.append(seq);
        }
        return result;
    }
    const TimeUs from = yToTime(y0);
    const TimeUs to = std::min(yToTime(y1), asOf);
    if (to < from)
        return result;
    for (qint64 seq : m_trace->messagesOverlapping(from, to)) {
        const Message& m = m_trace->message(seq);
        if (m.sentAt <= asOf && isShown(m))
            result.append(seq);
    }
    return result;
}

qint64 SequenceGeometry::messageAt(QPointF point, TimeUs asOf, TimeUs expectedDelay, double tolerance) const
{
    qint64 best = -1;
    double bestDistance = tolerance;
    for (qint64 seq : messagesInBand(point.y() - tolerance, point.y() + tolerance, asOf)) {
        const Arrow a = arrow(m_trace->message(seq), asOf, expectedDelay);
        if (a.line.isNull())
            continue;
        // TCP connects and closes run along the first and last arrows of a connection: when both are
        // as near, the message a person means is the one that is not plumbing.
        const Message& m = m_trace->message(seq);
        const double d = distanceToSegment(point, a.line) + (isPlumbing(m.kind) ? 3.0 : 0.0);
        if (d <= bestDistance) {
            bestDistance = d;
            best = seq;
        }
    }
    return best;
}

} // namespace PatternScope
