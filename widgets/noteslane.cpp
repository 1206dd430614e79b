// SPDX-License-Identifier: GPL-3.0-or-later
#include "noteslane.h"

#include <QFontMetricsF>
#include <QHash>
#include <QRegularExpression>
#include <QTextLayout>
#include <algorithm>
#include <cmath>

namespace PatternScope {

namespace {

constexpr double kPadding = 6.0; // text to box, left and right
constexpr double kSpacing = 3.0; // between boxes in a lane
constexpr double kInset = 8.0;
constexpr double kStreamMark = 4.0; // a stream label's strip of its band's colour, left of its text // between a lane's
                                    // inner edge (where leaders come in) and its boxes
constexpr int kDetailLines = 40; // a tooltip lists at most this many notes
// Repeats fold into one entry over at most this many lines' height: a long wall of them is summed up
// again every so often, so every part of it has its summary in view.
constexpr double kRepeatSpanLines = 12.0;

const QRegularExpression& numberPattern()
{
    static const QRegularExpression pattern(QStringLiteral("\\d+(?:\\.\\d+)?"));
    return pattern;
}

// "24.0–24.9 s"; more decimals when one would make the ends equal.
QString timeRange(TimeUs first, TimeUs last)
{
    const auto seconds = [](TimeUs t, int decimals) { return QString::number(double(t) / 1e6, 'f', decimals); };
    if (first == last)
        return seconds(first, 2) + QStringLiteral(" s");
    int decimals = 1;
    while (decimals < 3 && seconds(first, decimals) == seconds(last, decimals))
        ++decimals;
    return seconds(first, decimals) + u'–' + seconds(last, decimals) + QStringLiteral(" s");
}

// The texts' common words, and each number as the range it takes: "connection 3–7 refused".
QString mergedText(const std::vector<const QString*>& texts)
{
    if (texts.empty())
        return {};
    const QString& model = *texts.front();
    struct Range {
        double low = 0;
        double high = 0;
        QString lowText;
        QString highText;
    };
    std::vector<Range> ranges;
    for (const QString* text : texts) {
        auto it = numberPattern().globalMatch(*text);
        for (size_t i = 0; it.hasNext(); ++i) {
            const auto match = it.next();
            const double value = match.captured().toDouble();
            if (i == ranges.size()) {
                ranges.push_back({ value, value, match.captured(), match.captured() });
                continue;
            }
            Range& r = ranges[i];
            if (value < r.low)
                r.low = value, r.lowText = match.captured();
            if (value > r.high)
                r.high = value, r.highText = match.captured();
        }
    }
    QString result;
    qsizetype at = 0;
    auto it = numberPattern().globalMatch(model);
    for (size_t i = 0; it.hasNext() && i < ranges.size(); ++i) {
        const auto match = it.next();
        result += QStringView(model).mid(at, match.capturedStart() - at);
        const Range& r = ranges[i];
        result += r.low == r.high ? r.lowText : r.lowText + u'–' + r.highText;
        at = match.capturedEnd();
    }
    result += QStringView(model).mid(at);
    return result;
}

// Word-wrapped lines of at most `width` (a word longer than that is broken).
QStringList wrapped(const QString& text, const QFont& font, double width)
{
    QStringList lines;
    QTextLayout layout(text, font);
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        lines.append(text.mid(line.textStart(), line.textLength()).trimmed());
    }
    layout.endLayout();
    if (lines.isEmpty())
        lines.append(QString());
    return lines;
}

} // namespace

bool NotesLane::Key::operator==(const Key& o) const
{
    return trace == o.trace && notes == o.notes && streams == o.streams && activations == o.activations
        && participants == o.participants && pixelsPerSecond == o.pixelsPerSecond && rowHeight == o.rowHeight
        && axis == o.axis && folds == o.folds && lastFoldEnd == o.lastFoldEnd && foldsShown == o.foldsShown
        && std::equal(lanes, lanes + 4, o.lanes);
}

NotesLane::Key NotesLane::keyFor(const SequenceGeometry& geometry) const
{
    Key key;
    const Trace* trace = geometry.trace();
    key.trace = trace;
    if (trace) {
        key.notes = trace->notes().size();
        key.participants = trace->participants().size();
        key.activations = m_detail == DetailLevel::Textbook ? trace->activations().size() : 0;
    }
    key.streams = trace ? geometry.streams().size() : 0;
    key.pixelsPerSecond = geometry.pixelsPerSecond();
    key.rowHeight = geometry.rowHeight();
    key.axis = int(geometry.axis());
    key.folds = geometry.folds().size();
    key.lastFoldEnd = geometry.folds().empty() ? 0 : geometry.folds().back().end;
    key.foldsShown = geometry.foldsShown();
    key.lanes[0] = geometry.laneLeft(Lane::Left);
    key.lanes[1] = geometry.laneRight(Lane::Left);
    key.lanes[2] = geometry.laneLeft(Lane::Right);
    key.lanes[3] = geometry.laneRight(Lane::Right);
    return key;
}

double NotesLane::lineHeight() const
{
    return QFontMetricsF(m_font).lineSpacing();
}

QStringList NotesLane::fit(const QString& text, double width, int maxLines) const
{
    QStringList lines = wrapped(text, m_font, width);
    if (lines.size() > maxLines) {
        const QString rest = lines.mid(maxLines - 1).join(u' ');
        lines = lines.mid(0, maxLines - 1);
        lines.append(QFontMetricsF(m_font).elidedText(rest, Qt::ElideRight, width));
    }
    return lines;
}

double NotesLane::boxHeight(int lines) const
{
    return std::ceil(lineHeight() * lines + 5.0);
}

QString NotesLane::shapeOf(const QString& text)
{
    return QString(text).replace(numberPattern(), QStringLiteral("#"));
}

NotesLane::Lane NotesLane::laneOf(const SequenceGeometry& geometry, int participant)
{
    const int column = participant < 0 ? -1 : geometry.columnOf(participant);
    const int columns = geometry.trace() ? int(geometry.trace()->participants().size()) : 0;
    return column < 0 || 2 * column + 1 <= columns ? Lane::Left : Lane::Right;
}

const std::vector<NotesLane::Entry>& NotesLane::entries(const SequenceGeometry& geometry) const
{
    const Key key = keyFor(geometry);
    if (m_dirty || !(key == m_key)) {
        m_dirty = false;
        if (key.trace != m_key.trace)
            m_shapes.clear();
        m_key = key;
        layout(geometry);
    }
    return m_entries;
}

void NotesLane::layout(const SequenceGeometry& geometry) const
{
    m_entries.clear();
    m_streamEntries.clear();
    m_activationEntries.clear();
    m_reachUp = m_reachDown = 0;
    if (!geometry.trace())
        return;
    group(geometry);
    place(geometry);
}

void NotesLane::group(const SequenceGeometry& geometry) const
{
    const Trace& trace = *geometry.trace();
    const auto& notes = trace.notes();
    // Notes are only ever added: a shape once computed stays.
    if (m_shapes.size() > notes.size())
        m_shapes.clear();
    while (m_shapes.size() < notes.size())
        m_shapes.push_back(shapeOf(notes[m_shapes.size()].text));

    struct Group {
        qint64 key = -1;
        TimeUs last = NoTime;
        double y = 0; // its first note's
        qsizetype entry = -1;
        int size = 0;
    };
    QHash<QPair<int, QString>, Group> open;
    QHash<qint64, int> groupSize;
    QHash<int, qsizetype> itemBundle; // per lifeline, its last bundle of items
    const double line = boxHeight(1);
    const auto extend = [&](Entry& e, const Note& n, double y) {
        e.notes.push_back(n.id);
        e.first = std::min(e.first, n.at);
        e.last = std::max(e.last, n.at);
        e.y0 = std::min(e.y0, y);
        e.y1 = std::max(e.y1, y);
    };
    const auto add = [&](Entry::Kind kind, const Note& n, double y) {
        Entry e;
        e.kind = kind;
        e.lane = laneOf(geometry, n.participant);
        e.participant = n.participant;
        e.first = e.last = n.at;
        e.y0 = e.y1 = y;
        e.notes.push_back(n.id);
        m_entries.push_back(std::move(e));
        return qsizetype(m_entries.size()) - 1;
    };
    for (size_t i = 0; i < notes.size(); ++i) {
        const Note& n = notes[i];
        const double y = geometry.timeToY(n.at);
        if (n.item >= 0) {
            // Items closer than a line make one bundle.
            const qsizetype b = itemBundle.value(n.participant, -1);
            if (b >= 0 && y - m_entries[size_t(b)].y0 < line)
                extend(m_entries[size_t(b)], n, y);
            else
                itemBundle.insert(n.participant, add(Entry::Kind::Items, n, y));
            continue;
        }
        Group& g = open[qMakePair(n.participant, m_shapes[i])];
        if (g.key < 0 || std::abs(n.at - g.last) > RepeatGap || y - g.y > kRepeatSpanLines * line)
            g = Group { n.id, n.at, y, -1, 0 };
        g.last = std::max(g.last, n.at);
        ++g.size;
        groupSize.insert(g.key, g.size);
        if (m_expanded.contains(g.key)) {
            const qsizetype index = add(Entry::Kind::Note, n, y);
            m_entries[size_t(index)].group = g.key;
            m_entries[size_t(index)].expanded = true;
        } else if (g.entry >= 0) {
            extend(m_entries[size_t(g.entry)], n, y);
        } else {
            g.entry = add(Entry::Kind::Note, n, y);
            m_entries[size_t(g.entry)].group = g.key;
        }
    }
    // Each stream's label, beside its client, at the moment it opened.
    const auto& streams = geometry.streams();
    for (size_t i = 0; i < streams.size(); ++i) {
        const SequenceGeometry::Stream& st = streams[i];
        Entry e;
        e.kind = Entry::Kind::Stream;
        e.lane = laneOf(geometry, st.client);
        e.participant = st.client;
        e.stream = int(i);
        e.first = e.last = st.openedAt;
        e.y0 = e.y1 = geometry.timeToY(st.openedAt);
        m_entries.push_back(std::move(e));
    }
    // At the Textbook level, what each activation is, at its start.
    if (m_detail == DetailLevel::Textbook) {
        for (const Activation& a : trace.activations()) {
            if (a.start == NoTime)
                continue;
            Entry e;
            e.kind = Entry::Kind::Activation;
            e.lane = laneOf(geometry, a.participant);
            e.participant = a.participant;
            e.activation = a.id;
            e.first = e.last = a.start;
            e.y0 = e.y1 = geometry.timeToY(a.start);
            m_entries.push_back(std::move(e));
        }
    }
    // A note alone in its group is no member of anything to fold back.
    for (Entry& e : m_entries) {
        if (e.expanded && groupSize.value(e.group) < 2)
            e.expanded = false;
    }
}

void NotesLane::place(const SequenceGeometry& geometry) const
{
    const QFontMetricsF fm(m_font);
    const TimeUs end = geometry.trace()->endTime();
    std::vector<size_t> order(m_entries.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(
        order.begin(), order.end(), [this](size_t a, size_t b) { return m_entries[a].y0 < m_entries[b].y0; });
    double bottom[2] = { -1e300, -1e300 };
    for (size_t i : order) {
        Entry& e = m_entries[i];
        const int side = e.lane == Lane::Left ? 0 : 1;
        const double left = geometry.laneLeft(e.lane);
        const double right = geometry.laneRight(e.lane);
        const double room = std::max(24.0, right - left - kInset - 2 * kPadding);
        const QString what = text(geometry, e, end);
        e.lines = m_wrap      ? wrapped(what, m_font, room)
            : m_viewLines > 1 ? fit(what, room, m_viewLines)
                              : QStringList { what };
        double width = 0;
        for (const QString& l : std::as_const(e.lines))
            width = std::max(width, textWidth(fm, l));
        width = std::min(width, room) + 2 * kPadding + (e.kind == Entry::Kind::Stream ? kStreamMark : 0.0);
        const double height = boxHeight(int(e.lines.size()));
        const double top = std::max(e.y0 - height / 2, bottom[side] + kSpacing);
        bottom[side] = top + height;
        const double x = e.lane == Lane::Left ? right - kInset - width : left + kInset;
        e.box = QRectF(x, top, width, height);
    }
    std::stable_sort(
        m_entries.begin(), m_entries.end(), [](const Entry& a, const Entry& b) { return a.box.top() < b.box.top(); });
    m_streamEntries.assign(geometry.streams().size(), 0);
    m_activationEntries.assign(m_key.activations, -1);
    for (size_t i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].kind == Entry::Kind::Stream)
            m_streamEntries[size_t(m_entries[i].stream)] = i;
        else if (m_entries[i].kind == Entry::Kind::Activation && size_t(m_entries[i].activation) < m_key.activations)
            m_activationEntries[size_t(m_entries[i].activation)] = qsizetype(i);
    }
    for (const Entry& e : m_entries) {
        m_reachUp = std::max(m_reachUp, e.box.top() - e.y0);
        m_reachDown = std::max(m_reachDown, std::max(e.box.height(), e.y1 - e.box.top()));
    }
}

double NotesLane::textWidth(const QFontMetricsF& fm, const QString& text) const
{
    // A live run lays the lanes out again at each note: measure each text once.
    const auto it = m_widths.constFind(text);
    if (it != m_widths.constEnd())
        return *it;
    const double width = fm.horizontalAdvance(text);
    m_widths.insert(text, width);
    return width;
}

std::pair<double, double> NotesLane::neededWidths(const SequenceGeometry& geometry) const
{
    double widths[2] = { 0, 0 };
    if (!geometry.trace())
        return { 0, 0 };
    const QFontMetricsF fm(m_font);
    const TimeUs end = geometry.trace()->endTime();
    for (const Entry& e : entries(geometry)) {
        const double width = std::min(textWidth(fm, text(geometry, e, end)), m_maxWidth);
        double& lane = widths[e.lane == Lane::Left ? 0 : 1];
        lane = std::max(
            lane, std::ceil(width + 2 * kPadding + kInset + 2 + (e.kind == Entry::Kind::Stream ? kStreamMark : 0.0)));
    }
    return { widths[0], widths[1] };
}

const std::vector<size_t>& NotesLane::streamEntries(const SequenceGeometry& geometry) const
{
    entries(geometry);
    return m_streamEntries;
}

qsizetype NotesLane::activationEntry(const SequenceGeometry& geometry, qint64 activation) const
{
    entries(geometry);
    return activation >= 0 && size_t(activation) < m_activationEntries.size() ? m_activationEntries[size_t(activation)]
                                                                              : -1;
}

std::vector<size_t> NotesLane::entriesIn(const SequenceGeometry& geometry, double y0, double y1) const
{
    const auto& all = entries(geometry);
    std::vector<size_t> result;
    auto it = std::lower_bound(
        all.begin(), all.end(), y0 - m_reachDown, [](const Entry& e, double y) { return e.box.top() < y; });
    for (; it != all.end() && it->box.top() <= y1 + m_reachUp; ++it) {
        const double top = std::min(it->box.top(), it->y0);
        const double bottom = std::max(it->box.bottom(), it->y1);
        if (bottom >= y0 && top <= y1)
            result.push_back(size_t(it - all.begin()));
    }
    return result;
}

qsizetype NotesLane::entryAt(const SequenceGeometry& geometry, QPointF point) const
{
    const auto& all = entries(geometry);
    for (size_t i : entriesIn(geometry, point.y() - 1, point.y() + 1)) {
        if (all[i].box.contains(point))
            return qsizetype(i);
    }
    return -1;
}

int NotesLane::countAsOf(const SequenceGeometry& geometry, const Entry& entry, TimeUs asOf) const
{
    if (entry.kind == Entry::Kind::Activation)
        return entry.first <= asOf ? 1 : 0;
    const auto& notes = geometry.trace()->notes();
    if (entry.last <= asOf)
        return int(entry.notes.size());
    return int(
        std::count_if(entry.notes.begin(), entry.notes.end(), [&](qint64 id) { return notes[size_t(id)].at <= asOf; }));
}

QString NotesLane::streamLabel(const SequenceGeometry& geometry, int stream)
{
    const auto& streams = geometry.streams();
    if (stream < 0 || size_t(stream) >= streams.size())
        return {};
    const SequenceGeometry::Stream& st = streams[size_t(stream)];
    const Trace& trace = *geometry.trace();
    const QString answer = st.openingSeq >= 0 && st.openingSeq < qint64(trace.messages().size())
        ? trace.message(st.openingSeq).label.toString()
        : QString();
    if (answer.isEmpty() || answer == st.label)
        return st.label.isEmpty() ? answer : st.label;
    return st.label + QStringLiteral(" → ") + answer;
}

QString NotesLane::text(const SequenceGeometry& geometry, const Entry& entry, TimeUs asOf) const
{
    // A lane beside an outer lifeline also holds the notes of lifelines further in: those say whose they are.
    QString whose;
    const int column = entry.participant >= 0 ? geometry.columnOf(entry.participant) : -1;
    const int outer = entry.lane == Lane::Left ? 0 : int(geometry.trace()->participants().size()) - 1;
    if (column >= 0 && column != outer) {
        if (const Participant* p = geometry.trace()->participant(entry.participant))
            whose = p->name + QStringLiteral(": ");
    }
    return whose + ownText(geometry, entry, asOf);
}

QString NotesLane::ownText(const SequenceGeometry& geometry, const Entry& entry, TimeUs asOf) const
{
    if (entry.kind == Entry::Kind::Stream) {
        const auto& streams = geometry.streams();
        const Trace& trace = *geometry.trace();
        const qint64 opening = entry.stream >= 0 && size_t(entry.stream) < streams.size()
            ? streams[size_t(entry.stream)].openingSeq
            : -1;
        if (m_detail == DetailLevel::Textbook && opening >= 0 && opening < qint64(trace.messages().size()))
            return Textbook::label(trace.message(opening));
        return streamLabel(geometry, entry.stream);
    }
    if (entry.kind == Entry::Kind::Activation)
        return Textbook::activationLabel(geometry.trace()->activations()[size_t(entry.activation)]);
    const auto& notes = geometry.trace()->notes();
    std::vector<const Note*> shown;
    for (qint64 id : entry.notes) {
        const Note& n = notes[size_t(id)];
        if (n.at <= asOf || entry.last <= asOf)
            shown.push_back(&n);
    }
    if (shown.empty())
        return {};
    TimeUs first = shown.front()->at;
    TimeUs last = first;
    for (const Note* n : shown) {
        first = std::min(first, n->at);
        last = std::max(last, n->at);
    }
    if (entry.kind == Entry::Kind::Items) {
        qint64 low = shown.front()->item;
        qint64 high = low;
        for (const Note* n : shown)
            low = std::min(low, n->item), high = std::max(high, n->item);
        return low == high ? QStringLiteral("item %1").arg(low) : QStringLiteral("items %1–%2").arg(low).arg(high);
    }
    if (shown.size() == 1)
        return shown.front()->text;
    std::vector<const QString*> texts;
    texts.reserve(shown.size());
    for (const Note* n : shown)
        texts.push_back(&n->text);
    return QStringLiteral("%1 × %2 · %3").arg(shown.size()).arg(mergedText(texts), timeRange(first, last));
}

QString NotesLane::details(const SequenceGeometry& geometry, const Entry& entry, TimeUs asOf) const
{
    if (entry.kind == Entry::Kind::Stream) {
        const SequenceGeometry::Stream& st = geometry.streams()[size_t(entry.stream)];
        const bool open = st.closedAt == NoTime || st.closedAt > asOf;
        const auto seconds = [](TimeUs t) { return QString::number(double(t) / 1e6, 'f', 3); };
        return streamLabel(geometry, entry.stream) + u'\n'
            + (open ? QStringLiteral("open since %1 s").arg(seconds(st.openedAt))
                    : QStringLiteral("open %1–%2 s").arg(seconds(st.openedAt), seconds(st.closedAt)));
    }
    if (entry.kind == Entry::Kind::Activation) {
        const Activation& a = geometry.trace()->activations()[size_t(entry.activation)];
        const auto seconds = [](TimeUs t) { return QString::number(double(t) / 1e6, 'f', 3); };
        const bool going = a.end == NoTime || a.end > asOf;
        return Textbook::activationLabel(a) + u'\n' + a.label + u'\n'
            + (going ? QStringLiteral("since %1 s").arg(seconds(a.start))
                     : QStringLiteral("%1–%2 s").arg(seconds(a.start), seconds(a.end)));
    }
    const auto& notes = geometry.trace()->notes();
    QStringList lines;
    int shown = 0;
    int total = 0;
    for (qint64 id : entry.notes) {
        const Note& n = notes[size_t(id)];
        if (n.at > asOf)
            continue;
        ++total;
        if (shown >= kDetailLines)
            continue;
        ++shown;
        const QString what = entry.kind == Entry::Kind::Items ? QStringLiteral("item %1 produced").arg(n.item) : n.text;
        lines.append(QStringLiteral("%1 s  %2").arg(QString::number(double(n.at) / 1e6, 'f', 3), what));
    }
    if (total > shown)
        lines.append(QStringLiteral("… and %1 more").arg(total - shown));
    if (entry.collapsed())
        lines.append(QStringLiteral("(click to show them one by one)"));
    else if (entry.expanded)
        lines.append(QStringLiteral("(click to fold the repeats back into one)"));
    return lines.join(u'\n');
}

} // namespace PatternScope
