// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QLineF>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <utility>
#include <vector>

// Checks of a laid-out picture, for layout tests: which labelled rectangles overlap, whether a line
// runs through a rectangle, whether strings repeat. Each check returns what it found, so a failing
// test can say which labels collide and where:
//   const auto pairs = overlappingPairs(labels);
//   QVERIFY2(pairs.empty(), qPrintable(describeOverlaps(labels, pairs)));
namespace PatternScope::Test {

// A rectangle and what it shows ("item 17"), so messages name it.
struct LabelledRect {
    QRectF rect;
    QString label;
};

// Two rectangles overlap when their intersection is wider and taller than `tolerance` (pixels):
// rectangles that share an edge, or meet by less than the tolerance, do not. Empty rectangles
// (zero width or height) never overlap anything; negative sizes count as their normalized rectangle.
inline bool rectsOverlap(const QRectF& a, const QRectF& b, qreal tolerance = 0.5)
{
    const QRectF r = a.normalized();
    const QRectF s = b.normalized();
    if (r.isEmpty() || s.isEmpty())
        return false;
    const qreal width = std::min(r.right(), s.right()) - std::max(r.left(), s.left());
    const qreal height = std::min(r.bottom(), s.bottom()) - std::max(r.top(), s.top());
    return width > tolerance && height > tolerance;
}

// Every overlapping pair (i < j, indices into `rects`), sorted by i then j. Sweeps by left edge,
// so thousands of labels stay cheap when few overlap.
inline std::vector<std::pair<int, int>> overlappingPairs(const std::vector<QRectF>& rects, qreal tolerance = 0.5)
{
    std::vector<int> order;
    order.reserve(rects.size());
    for (int i = 0; i < int(rects.size()); ++i) {
        if (!rects[size_t(i)].normalized().isEmpty())
            order.push_back(i);
    }
    const auto left = [&](int i) { return rects[size_t(i)].normalized().left(); };
    const auto right = [&](int i) { return rects[size_t(i)].normalized().right(); };
    std::sort(order.begin(), order.end(), [&](int a, int b) { return left(a) < left(b); });
    std::vector<std::pair<int, int>> pairs;
    for (size_t k = 0; k < order.size(); ++k) {
        const int i = order[k];
        for (size_t m = k + 1; m < order.size() && left(order[m]) < right(i) - tolerance; ++m) {
            const int j = order[m];
            if (rectsOverlap(rects[size_t(i)], rects[size_t(j)], tolerance))
                pairs.emplace_back(std::min(i, j), std::max(i, j));
        }
    }
    std::sort(pairs.begin(), pairs.end());
    return pairs;
}

inline std::vector<std::pair<int, int>> overlappingPairs(const std::vector<LabelledRect>& labels, qreal tolerance = 0.5)
{
    std::vector<QRectF> rects;
    rects.reserve(labels.size());
    for (const LabelledRect& label : labels)
        rects.push_back(label.rect);
    return overlappingPairs(rects, tolerance);
}

// "(x,y,w,h)" with one decimal.
inline QString describeRect(const QRectF& rect)
{
    return QStringLiteral("(%1,%2,%3,%4)")
        .arg(rect.x(), 0, 'f', 1)
        .arg(rect.y(), 0, 'f', 1)
        .arg(rect.width(), 0, 'f', 1)
        .arg(rect.height(), 0, 'f', 1);
}

// "label 'item 17' at (x,y,w,h)"
inline QString describeLabel(const LabelledRect& label)
{
    return QStringLiteral("label '%1' at %2").arg(label.label, describeRect(label.rect));
}

// One line per pair, at most `shown` of them, then how many more:
// "label 'item 17' at (10.0,20.0,40.0,12.0) overlaps label 'item 18' at (30.0,25.0,40.0,12.0)".
inline QString describeOverlaps(
    const std::vector<LabelledRect>& labels, const std::vector<std::pair<int, int>>& pairs, int shown = 10)
{
    QStringList lines;
    lines << QStringLiteral("%1 overlapping pair(s) among %2 labels:").arg(pairs.size()).arg(labels.size());
    for (size_t k = 0; k < pairs.size() && int(k) < shown; ++k) {
        lines << QStringLiteral("  %1 overlaps %2")
                     .arg(
                         describeLabel(labels[size_t(pairs[k].first)]), describeLabel(labels[size_t(pairs[k].second)]));
    }
    if (int(pairs.size()) > shown)
        lines << QStringLiteral("  … and %1 more").arg(int(pairs.size()) - shown);
    return lines.join(u'\n');
}

// Whether the segment from `a` to `b` passes through the inside of `rect` shrunk by `tolerance`
// on every side: a line that only grazes the rectangle's edge (within the tolerance) does not cross
// it, nor does one that only touches a corner of the shrunk rectangle. (Liang–Barsky clipping.)
inline bool segmentCrossesRect(const QPointF& a, const QPointF& b, const QRectF& rect, qreal tolerance = 1.0)
{
    const QRectF inner = rect.normalized().adjusted(tolerance, tolerance, -tolerance, -tolerance);
    if (inner.width() <= 0 || inner.height() <= 0)
        return false;
    const qreal dx = b.x() - a.x();
    const qreal dy = b.y() - a.y();
    qreal t0 = 0;
    qreal t1 = 1;
    // For each edge: p·t < q keeps the point strictly inside.
    const qreal p[4] = { -dx, dx, -dy, dy };
    const qreal q[4] = { a.x() - inner.left(), inner.right() - a.x(), a.y() - inner.top(), inner.bottom() - a.y() };
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] <= 0)
                return false; // parallel to this edge and on it or outside
            continue;
        }
        const qreal t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1)
            return false;
    }
    if (dx == 0 && dy == 0)
        return true; // a point, strictly inside every edge
    return t0 < t1;
}

inline bool segmentCrossesRect(const QLineF& line, const QRectF& rect, qreal tolerance = 1.0)
{
    return segmentCrossesRect(line.p1(), line.p2(), rect, tolerance);
}

// The strings that occur more than once, each once, in order of first occurrence; empty when all
// are distinct. For messages: QVERIFY2(repeated.isEmpty(), qPrintable(repeated.join(", "))).
inline QStringList repeatedStrings(const QStringList& strings)
{
    QHash<QString, int> seen;
    QStringList repeated;
    for (const QString& s : strings) {
        if (++seen[s] == 2)
            repeated << s;
    }
    return repeated;
}

inline bool allDistinct(const QStringList& strings)
{
    return repeatedStrings(strings).isEmpty();
}

} // namespace PatternScope::Test
