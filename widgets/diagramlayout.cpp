// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagramlayout.h"

#include "bundletext.h"

#include <QFontMetricsF>
#include <QHash>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

namespace PatternScope {

namespace {

// Bundles never reach across a multiple of this many label heights: where one ends does not depend on
// where the range being drawn starts, so bundles hold still while the view scrolls.
constexpr double kBundleRows = 8.0;
// Labels stacked above (or below) their arrow at most this many rows away in the view; a picture goes on.
constexpr int kViewLevels = 3;
constexpr int kPictureLevels = 200;
// Several senders (or receivers) share a label only if the span they share is at least this wide.
constexpr double kSharedRoom = 60.0;
constexpr double kCell = 32.0;

// Measuring a label shapes its text, which was the largest part of laying out a frame; a live diagram lays out
// the same labels frame after frame, so their widths are kept, per font, up to a bound. Diagrams are laid out
// on the GUI thread only.
class Widths {
public:
    explicit Widths(const QFont& font)
        : m_metrics(font)
        , m_widths(cacheFor(font))
    {
    }
    const QFontMetricsF& metrics() const { return m_metrics; }
    double of(const QString& text)
    {
        const auto it = m_widths.constFind(text);
        if (it != m_widths.constEnd())
            return *it;
        if (m_widths.size() >= kMaxKept)
            m_widths.clear();
        return *m_widths.insert(text, m_metrics.horizontalAdvance(text));
    }

private:
    static constexpr qsizetype kMaxKept = 4096;
    static QHash<QString, double>& cacheFor(const QFont& font)
    {
        static QHash<QString, QHash<QString, double>> caches;
        if (caches.size() > 16)
            caches.clear();
        return caches[font.key()];
    }
    QFontMetricsF m_metrics;
    QHash<QString, double>& m_widths;
};

// A bundle's summary, kept the same way: a live bundle says the same thing until its next member.
const QString& summaryOf(const QStringList& texts)
{
    static QHash<QString, QString> summaries;
    const QString key = texts.join(QChar(0x1f));
    auto it = summaries.constFind(key);
    if (it == summaries.constEnd()) {
        if (summaries.size() >= 1024)
            summaries.clear();
        it = summaries.insert(key, BundleText::summary(texts));
    }
    return *it;
}

struct Entry {
    qint64 seq = -1;
    int from = -1;
    int to = -1;
    QLineF line;
    Message::Kind kind = Message::Kind::HttpRequest;
    bool lost = false;
    bool plumbing = false;
};

// Placed boxes by rows of kCell pixels: a query looks at the few rows a box spans.
class Occupancy {
public:
    void add(const QRectF& r)
    {
        for (qint64 row = rowOf(r.top()); row <= rowOf(r.bottom()); ++row)
            m_rows[row].push_back(r);
    }
    // A placed box within a pixel of r, or nullptr.
    const QRectF* blocking(const QRectF& r) const
    {
        const QRectF grown = r.adjusted(-1, -1, 1, 1);
        for (qint64 row = rowOf(grown.top()); row <= rowOf(grown.bottom()); ++row) {
            const auto it = m_rows.find(row);
            if (it == m_rows.end())
                continue;
            for (const QRectF& placed : it->second) {
                if (placed.intersects(grown))
                    return &placed;
            }
        }
        return nullptr;
    }

private:
    static qint64 rowOf(double y) { return qint64(std::floor(y / kCell)); }
    std::unordered_map<qint64, std::vector<QRectF>> m_rows;
};

struct Work {
    std::vector<DiagramLayout::Item> items;
    std::vector<QStringList> texts; // every member's label, as the items
    std::vector<bool> alone; // a lost message, or one the user opened: with a label of its own
};

double firstY(const DiagramLayout::Item& item)
{
    return item.strands.front().lines.front().y1();
}

// Same kind, same direction, same two lifelines, each arrow starting less than a label's height after the one before.
// A long run is cut where it crosses a line of the bundle grid, if that leaves two bundles of some height: then
// where bundles start and end does not depend on where the range drawn starts, and they hold still as the
// view scrolls.
Work bundle(const std::vector<Entry>& entries, const DiagramLayout::Input& input, double height)
{
    const size_t count = entries.size();
    constexpr size_t none = size_t(-1);
    std::vector<quint64> keys(count);
    std::vector<bool> alone(count);
    std::vector<size_t> next(count, none); // the next entry that may join the same bundle
    QHash<quint64, size_t> after;
    for (size_t i = count; i-- > 0;) {
        const Entry& e = entries[i];
        keys[i] = (quint64(quint16(e.from)) << 40) | (quint64(quint16(e.to)) << 16) | quint64(e.kind);
        alone[i] = e.lost || (input.expanded && input.expanded->contains(e.seq));
        if (alone[i])
            continue;
        const auto it = after.constFind(keys[i]);
        next[i] = it == after.constEnd() ? none : *it;
        after.insert(keys[i], i);
    }
    const auto y = [&](size_t i) { return entries[i].line.y1(); };
    // Whether the run that entry i is in goes on at least down to `until`.
    const auto runsTo = [&](size_t i, double until) {
        for (size_t k = i; k != none; k = next[k]) {
            if (y(k) >= until)
                return true;
            if (next[k] != none && y(next[k]) - y(k) >= height)
                return false;
        }
        return false;
    };

    Work work;
    struct Open {
        size_t item = 0;
        double firstY = 0;
        double lastY = 0;
    };
    QHash<quint64, Open> open;
    const double grid = kBundleRows * height;
    const Trace& trace = *input.geometry->trace();
    for (size_t i = 0; i < count; ++i) {
        const Entry& e = entries[i];
        const QString text = input.labelText(trace.message(e.seq));
        if (!alone[i]) {
            const auto it = open.find(keys[i]);
            if (it != open.end() && y(i) - it->lastY < height) {
                const double line = std::floor(y(i) / grid) * grid;
                const bool cut = it->lastY < line && it->firstY <= line - 2 * height && runsTo(i, line + 2 * height);
                if (!cut) {
                    DiagramLayout::Item& item = work.items[it->item];
                    item.strands.front().seqs.push_back(e.seq);
                    item.strands.front().lines.push_back(e.line);
                    ++item.count;
                    work.texts[it->item].append(text);
                    it->lastY = y(i);
                    continue;
                }
            }
        }
        DiagramLayout::Item item;
        item.strands.push_back({ e.from, e.to, { e.seq }, { e.line } });
        item.count = 1;
        item.plumbing = e.plumbing;
        work.items.push_back(std::move(item));
        work.texts.push_back({ text });
        work.alone.push_back(alone[i]);
        if (!alone[i])
            open.insert(keys[i], { work.items.size() - 1, y(i), y(i) });
    }
    return work;
}

// The x range between a strand's two lifelines, less a margin at each end.
std::pair<double, double> span(const SequenceGeometry& geometry, const DiagramLayout::Strand& strand)
{
    const double a = geometry.xOf(strand.from);
    const double b = geometry.xOf(strand.to);
    return { std::min(a, b) + DiagramLayout::SpanMargin, std::max(a, b) - DiagramLayout::SpanMargin };
}

// Arrows of one shape that leave one sender, or reach one receiver, within a label's height share a label.
void shareLabels(Work& work, const SequenceGeometry& geometry, double height)
{
    std::vector<bool> gone(work.items.size(), false);
    // What each says, numbers masked; worked out only for those with a neighbour close enough.
    std::vector<QString> shapes(work.items.size());
    std::vector<bool> shaped(work.items.size(), false);
    const auto shapeOf = [&](size_t i) -> const QString& {
        if (!shaped[i]) {
            shapes[i] = BundleText::shape(BundleText::pattern(work.texts[i]));
            shaped[i] = true;
        }
        return shapes[i];
    };
    for (size_t i = 0; i < work.items.size(); ++i) {
        if (gone[i] || work.alone[i])
            continue;
        DiagramLayout::Item& item = work.items[i];
        auto [lo, hi] = span(geometry, item.strands.front());
        int mode = 0; // 1: one receiver, 2: one sender
        for (size_t j = i + 1; j < work.items.size() && firstY(work.items[j]) - firstY(item) < height; ++j) {
            const DiagramLayout::Item& other = work.items[j];
            if (gone[j] || work.alone[j] || other.plumbing != item.plumbing || other.strands.size() != 1
                || shapeOf(j) != shapeOf(i))
                continue;
            const DiagramLayout::Strand& s = other.strands.front();
            const DiagramLayout::Strand& first = item.strands.front();
            const auto has = [&](int participant, bool sender) {
                return std::any_of(item.strands.begin(), item.strands.end(),
                    [&](const DiagramLayout::Strand& t) { return (sender ? t.from : t.to) == participant; });
            };
            int m = 0;
            if (s.to == first.to && !has(s.from, true) && mode != 2)
                m = 1;
            else if (s.from == first.from && !has(s.to, false) && mode != 1)
                m = 2;
            if (m == 0)
                continue;
            const auto [slo, shi] = span(geometry, s);
            if (std::min(hi, shi) - std::max(lo, slo) < kSharedRoom)
                continue;
            mode = m;
            lo = std::max(lo, slo);
            hi = std::min(hi, shi);
            item.strands.push_back(s);
            item.count += other.count;
            work.texts[i] += work.texts[j];
            gone[j] = true;
        }
    }
    Work kept;
    for (size_t i = 0; i < work.items.size(); ++i) {
        if (gone[i])
            continue;
        kept.items.push_back(std::move(work.items[i]));
        kept.texts.push_back(std::move(work.texts[i]));
        kept.alone.push_back(work.alone[i]);
    }
    work = std::move(kept);
}

QString describe(const DiagramLayout::Item& item, const QStringList& texts, const SequenceGeometry& geometry)
{
    if (item.count == 1)
        return texts.front();
    QString text = summaryOf(texts);
    if (item.strands.size() > 1) {
        // The lifelines at the end that varies, left to right.
        const bool oneReceiver = item.strands[0].to == item.strands[1].to;
        std::vector<int> ends;
        for (const DiagramLayout::Strand& s : item.strands)
            ends.push_back(oneReceiver ? s.from : s.to);
        std::sort(ends.begin(), ends.end(), [&](int a, int b) { return geometry.columnOf(a) < geometry.columnOf(b); });
        QStringList names;
        for (int p : ends) {
            const Participant* participant = geometry.trace()->participant(p);
            names.append(participant ? participant->name : QString::number(p));
        }
        text += QStringLiteral(" (") + BundleText::pattern(names) + u')';
    }
    return text;
}

struct Reach {
    double top = 0;
    double bottom = 0;
    bool any = false;
};

// How high and low the item's own arrows run over [x0, x1]. An arrow that has not got that far yet (a
// packet just sent, or lost on its way) counts from where it ends, so its label can sit beside it.
Reach reach(const std::vector<const QLineF*>& lines, double x0, double x1)
{
    Reach r;
    const QLineF* nearest = nullptr;
    double nearestDistance = 0;
    const auto add = [&r](double a, double b) {
        const double top = std::min(a, b);
        const double bottom = std::max(a, b);
        r.top = r.any ? std::min(r.top, top) : top;
        r.bottom = r.any ? std::max(r.bottom, bottom) : bottom;
        r.any = true;
    };
    const auto yAt = [](const QLineF* line, double x) {
        const double lx0 = std::min(line->x1(), line->x2());
        const double lx1 = std::max(line->x1(), line->x2());
        if (lx1 - lx0 < 1e-9)
            return std::max(line->y1(), line->y2());
        return line->y1() + (std::clamp(x, lx0, lx1) - line->x1()) / line->dx() * line->dy();
    };
    for (const QLineF* line : lines) {
        const double lx0 = std::min(line->x1(), line->x2());
        const double lx1 = std::max(line->x1(), line->x2());
        if (lx1 < x0 || lx0 > x1) {
            const double distance = lx1 < x0 ? x0 - lx1 : lx0 - x1;
            if (!nearest || distance < nearestDistance) {
                nearest = line;
                nearestDistance = distance;
            }
            continue;
        }
        if (lx1 - lx0 < 1e-9)
            add(line->y1(), line->y2());
        else
            add(yAt(line, x0), yAt(line, x1));
    }
    if (!r.any && nearest)
        add(yAt(nearest, x0), yAt(nearest, x1));
    return r;
}

// The first free box `width` wide beside the lines within [lo, hi]: above them, below them, then stacked
// further above and below, up to `levels` rows away; from the `rightwards` end of the room.
std::optional<QRectF> search(const std::vector<const QLineF*>& lines, double lo, double hi, double width, double height,
    bool rightwards, int levels, double ceiling, const Occupancy& occupied)
{
    const double step = std::max(6.0, height / 2);
    for (int level = 0; level < 2 * (levels + 1); ++level) {
        const bool above = level % 2 == 0;
        const int stack = level / 2;
        double x = rightwards ? lo : hi - width;
        while (rightwards ? x + width <= hi + 0.5 : x >= lo - 0.5) {
            const Reach r = reach(lines, x, x + width);
            double next = x + (rightwards ? step : -step);
            if (r.any) {
                const double top = above ? r.top - DiagramLayout::Gap - height - stack * (height + DiagramLayout::Gap)
                                         : r.bottom + DiagramLayout::Gap + stack * (height + DiagramLayout::Gap);
                const QRectF box(x, top, width, height);
                if (box.top() >= ceiling) {
                    const QRectF* blocker = occupied.blocking(box);
                    if (!blocker)
                        return box;
                    // Past the box in the way, if that is further than a step.
                    next = rightwards ? std::max(next, blocker->right() + 1.5)
                                      : std::min(next, blocker->left() - 1.5 - width);
                }
            }
            x = next;
        }
    }
    return std::nullopt;
}

// Places the item's label; returns how wide the columns would have to be for it to fit between its lifelines.
double place(
    const DiagramLayout::Input& input, Widths& widths, double height, DiagramLayout::Item& item, Occupancy& occupied)
{
    const SequenceGeometry& geometry = *input.geometry;
    // Between the lifelines of its arrows; strands from one sender (or to one receiver) share that end, and
    // their label may use the span of the longest.
    double lo = 1e9;
    double hi = -1e9;
    for (const DiagramLayout::Strand& s : item.strands) {
        const auto [slo, shi] = span(geometry, s);
        lo = std::min(lo, slo);
        hi = std::max(hi, shi);
    }
    double width = widths.of(item.text) + 2 * DiagramLayout::PadX;
    item.shown = item.text;
    const double columns
        = std::max(1.0, std::round((hi - lo + 2 * DiagramLayout::SpanMargin) / geometry.columnWidth()));
    const double wanted = (width + 2 * DiagramLayout::SpanMargin) / columns;
    // Never past the outer lifelines (the notes lanes are beyond them); in the view, within what is
    // scrolled into sight when the label fits there.
    const int lifelines = int(geometry.trace()->participants().size());
    double left = geometry.xOf(geometry.participantInColumn(0)) + DiagramLayout::SpanMargin;
    double right = geometry.xOf(geometry.participantInColumn(lifelines - 1)) - DiagramLayout::SpanMargin;
    if (input.elide) {
        const double seenLo = std::max(lo, input.visible.left() + 2);
        const double seenHi = std::min(hi, input.visible.right() - 2);
        if (seenHi - seenLo >= width) {
            lo = seenLo;
            hi = seenHi;
        }
        if (input.visible.width() - 4 >= width) {
            left = std::max(left, input.visible.left() + 2);
            right = std::min(right, input.visible.right() - 2);
        }
    }
    std::vector<const QLineF*> lines;
    for (const DiagramLayout::Strand& s : item.strands) {
        for (const QLineF& line : s.lines)
            lines.push_back(&line);
    }
    // From the sender's end towards the receiver's; from the end they share for strands of several senders
    // or receivers.
    const DiagramLayout::Strand& first = item.strands.front();
    const bool oneReceiver = item.strands.size() > 1 && item.strands[1].to == first.to;
    const bool rightwards = oneReceiver ? geometry.xOf(first.to) < geometry.xOf(first.from)
                                        : geometry.xOf(first.to) >= geometry.xOf(first.from);
    const int levels = input.elide ? kViewLevels : kPictureLevels;
    if (width > hi - lo) {
        // Too wide for its span: the whole text reaches past the lifelines, centred on the span. A picture
        // always does so; the view when that place is free, else it elides the text within the span.
        const double centre = (lo + hi) / 2;
        double wideLo = std::max(left, centre - width / 2);
        if (wideLo + width > right)
            wideLo = right - width;
        if (wideLo < left)
            wideLo = (left + right - width) / 2; // wider than the whole diagram: centred on it
        if (!input.elide) {
            lo = wideLo;
            hi = wideLo + width;
        } else if (const auto box
            = search(lines, wideLo, wideLo + width, width, height, rightwards, 0, input.ceiling, occupied)) {
            item.label = *box;
            occupied.add(*box);
            return wanted;
        } else {
            const double room = hi - lo - 2 * DiagramLayout::PadX;
            if (room < widths.of(QStringLiteral("GET\u2026")))
                return wanted; // no room at all: the tooltip has it
            item.shown = widths.metrics().elidedText(item.text, Qt::ElideRight, room);
            width = widths.of(item.shown) + 2 * DiagramLayout::PadX;
        }
    }
    if (const auto box = search(lines, lo, hi, width, height, rightwards, levels, input.ceiling, occupied)) {
        item.label = *box;
        occupied.add(*box);
    } else if (!input.elide) {
        // Never reached on a real trace; a picture still names every message.
        const Reach r = reach(lines, lo, lo + width);
        item.label
            = QRectF(lo, (r.any ? r.top : first.lines.front().y1()) - DiagramLayout::Gap - height, width, height);
        occupied.add(item.label);
    }
    return wanted;
}

} // namespace

void DiagramLayout::run(const Input& input)
{
    m_items.clear();
    m_wantedColumnWidth = 0;
    m_labelsTop = std::numeric_limits<double>::infinity();
    const SequenceGeometry& geometry = *input.geometry;
    const Trace* trace = geometry.trace();
    if (!trace)
        return;
    Widths widths(input.font);
    m_labelHeight = std::ceil(widths.metrics().height() + 2 * PadY);
    const double height = m_labelHeight;
    const int levels = input.elide ? kViewLevels : 2;
    // From six lines of the bundle grid above the range (so labels pushed down into it by those before them
    // stay where they are as it scrolls), down past it as far as a bundle that starts in it can reach.
    const double grid = kBundleRows * height;
    const double top = (std::floor((input.visible.top() - (levels + 1) * height) / grid) - 6) * grid;
    const double bottom = input.visible.bottom() + grid + 4 * height;

    std::vector<Entry> entries;
    const QList<qint64> seqs = geometry.messagesInBand(top, bottom, input.asOf);
    entries.reserve(size_t(seqs.size()));
    for (qint64 seq : seqs) {
        const Message& m = trace->message(seq);
        const SequenceGeometry::Arrow arrow = geometry.arrow(m, input.asOf, input.expectedDelay(m));
        if (arrow.line.isNull())
            continue;
        entries.push_back({ seq, m.from, m.to, arrow.line, m.kind, arrow.lost, isPlumbing(m.kind) });
    }

    Work work = bundle(entries, input, height);
    shareLabels(work, geometry, height);

    Occupancy occupied;
    // No label inside a fold: the fold has its own.
    if (geometry.axis() == SequenceGeometry::Axis::Time && geometry.foldsShown()) {
        const auto& folds = geometry.folds();
        auto it = std::lower_bound(folds.begin(), folds.end(), geometry.yToTime(top),
            [](const SequenceGeometry::Fold& f, TimeUs t) { return f.end < t; });
        for (; it != folds.end() && geometry.timeToY(it->start) <= bottom; ++it)
            occupied.add(QRectF(0, geometry.timeToY(it->start), geometry.contentWidth(), geometry.foldHeight()));
    }
    // In time order, so earlier labels keep their places as more arrive below them; TCP's connects and
    // closes last, in the room the protocol's own labels leave.
    std::vector<size_t> order(work.items.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const Item& x = work.items[a];
        const Item& y = work.items[b];
        return x.plumbing != y.plumbing ? !x.plumbing : firstY(x) < firstY(y);
    });
    m_items.reserve(order.size());
    for (size_t i : order) {
        Item& item = work.items[i];
        item.text = describe(item, work.texts[i], geometry);
        m_wantedColumnWidth = std::max(m_wantedColumnWidth, place(input, widths, height, item, occupied));
        if (!item.label.isNull())
            m_labelsTop = std::min(m_labelsTop, item.label.top());
        m_items.push_back(std::move(item));
    }
}

int DiagramLayout::labelAt(QPointF point) const
{
    for (size_t i = 0; i < m_items.size(); ++i) {
        if (!m_items[i].label.isNull() && m_items[i].label.contains(point))
            return int(i);
    }
    return -1;
}

int DiagramLayout::bundleAt(QPointF point) const
{
    for (size_t i = 0; i < m_items.size(); ++i) {
        for (const Strand& s : m_items[i].strands) {
            if (s.seqs.size() > 1 && band(s).containsPoint(point, Qt::OddEvenFill))
                return int(i);
        }
    }
    return -1;
}

QPolygonF DiagramLayout::band(const Strand& strand)
{
    const QLineF& first = strand.lines.front();
    const QLineF& last = strand.lines.back();
    return QPolygonF({ first.p1(), first.p2(), last.p2(), last.p1() });
}

} // namespace PatternScope
