// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QImage>
#include <QSet>
#include <algorithm>

namespace PatternScope::Test {

// The distinct colours among the image's pixels sampled every `step` along and down: a painted
// picture (text, arrows, boxes) has many, a blank one a single one.
inline qsizetype distinctColours(const QImage& image, int step)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += step) {
        for (int x = 0; x < image.width(); x += step)
            colours.insert(image.pixel(x, y));
    }
    return colours.size();
}

// Pixels that differ between two renderings, over the part both cover.
inline int pixelDifference(const QImage& a, const QImage& b)
{
    int count = 0;
    for (int y = 0; y < std::min(a.height(), b.height()); ++y) {
        for (int x = 0; x < std::min(a.width(), b.width()); ++x)
            count += a.pixel(x, y) != b.pixel(x, y);
    }
    return count;
}

} // namespace PatternScope::Test
