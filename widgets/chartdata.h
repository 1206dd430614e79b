// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "metrics.h"

#include <QColor>
#include <QList>
#include <QPair>

namespace PatternScope {

class Trace;

// What the charts draw, computed from a trace alone, without Qt Charts: the series can be tested against
// the trace and against computeMetrics.
namespace ChartData {

// One client's first copy of one item: when it arrived and how long after the item was produced.
struct Delivery {
    TimeUs receivedAt = NoTime;
    TimeUs delay = NoTime;
};
// Every delivery computeMetrics counts in its delay figures (first copies of produced items), in the
// trace's recording order.
QList<Delivery> deliveries(const Trace& trace);

// Open connections over time as a step function: (time, open count after the change), in time order,
// starting at (0, 0); closes at the same instant as opens go first, as in computeMetrics.
QList<QPair<TimeUs, int>> openConnections(const Trace& trace);

// When the link was cut (connections closed for reason "cut"); cuts of several connections within
// 50 ms count once.
QList<TimeUs> cutTimes(const Trace& trace);

// The five-number summary a box plot draws; every field NoTime when there is no delay.
struct Spread {
    TimeUs min = NoTime;
    TimeUs q1 = NoTime;
    TimeUs median = NoTime;
    TimeUs q3 = NoTime;
    TimeUs p95 = NoTime;
    TimeUs max = NoTime;
};
Spread spread(QList<TimeUs> delays);

// The figures a run is compared by, live (bytes include those of connections still open, as
// Metrics::bytesOnWire counts them).
struct Figures {
    Metrics metrics;
    qint64 bytes = 0;
    double requestsPerItem = 0; // per delivery; 0 before the first
    double bytesPerItem = 0;
};
Figures figures(const Trace& trace);

// One colour per comparable pattern, the same in every chart; readable on the window's background.
QColor patternColour(const QString& patternId, int index, bool dark);

} // namespace ChartData

} // namespace PatternScope
