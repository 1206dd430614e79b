// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPalette>

class QChart;
class QChartView;
class QPainter;
class QRectF;
class QWidget;

namespace PatternScope::ChartStyle {

// Whether the palette is a dark one (light text on a dark window).
bool isDark(const QPalette& palette);

// Background, title, axes, grid and legend in the palette's colours and the widget's font, with small
// margins: a chart that reads like the rest of the window, in light, dark and high contrast.
void apply(QChart* chart, const QPalette& palette, const QFont& font);

// A chart view for a small panel: antialiased, no frame, small minimum size.
QChartView* makeView(QChart* chart, QWidget* parent);

// Draws `chart` into `target` laid out for the target's size (not scaled from the view's), then puts it back.
void renderChart(QChart* chart, QPainter* painter, const QRectF& target);

} // namespace PatternScope::ChartStyle
